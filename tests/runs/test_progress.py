"""pipeline/runs/progress.py: a warning about the inputs as the run's log says it and as the
manifest keeps it; progress for the command line."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.errors import Problem
from pipeline.ingest import Entity
from pipeline.runs.progress import PROGRESS, announce_step, warning_record, warning_text

FRACTION = Problem(
    found="0,45", expected="un porcentaje entre 0 y 100", row=7, column="valor", column_letter="D",
    hint="Si quiso decir 45 %, escriba 45.", file=Path("inputs/sg/seguimiento.xlsx"), sheet="Seguimiento",
)


def test_a_warning_record_keeps_the_place_and_leaves_out_what_it_does_not_know():
    assert warning_record(FRACTION) == {
        "file": "inputs/sg/seguimiento.xlsx", "sheet": "Seguimiento", "row": 7, "column": "valor",
        "column_letter": "D", "found": "0,45", "expected": "un porcentaje entre 0 y 100",
        "hint": "Si quiso decir 45 %, escriba 45.",
    }
    assert warning_record(Problem(found="«x»", expected="un número")) == {"found": "«x»", "expected": "un número"}


def test_a_warning_s_text_names_file_sheet_row_and_column():
    text = warning_text(FRACTION)
    assert text.startswith("seguimiento.xlsx") or "seguimiento.xlsx" in text.split(":")[0]
    assert "hoja «Seguimiento»" in text and "fila 7" in text and "«valor» (D)" in text
    assert "0,45" in text and "Si quiso decir 45 %" in text


def test_a_step_is_announced_for_its_entity_outside_a_run(caplog):
    with caplog.at_level(logging.INFO, logger=PROGRESS.name):
        announce_step(Entity("secretaria-general", Path("inputs/secretaria-general")), "Leyendo el plan")
    (record,) = [r for r in caplog.records if r.name == PROGRESS.name]
    assert record.getMessage() == "Leyendo el plan" and record.entity == "secretaria-general"


def test_a_batch_s_progress_says_ready_skipped_failed_and_remaining_apart():
    from pipeline.runs.progress import BatchProgress

    assert BatchProgress(done=5, failed=1, skipped=2, total=9).detail == "listas 2 · omitidas 2 · fallidas 1 · faltan 4"
    assert BatchProgress(done=0, failed=0, skipped=0, total=3).detail == "listas 0 · fallidas 0 · faltan 3"
