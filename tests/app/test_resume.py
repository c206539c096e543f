"""pipeline/app/resume.py: which served run waits for a draft's decision."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.app.resume import check_unchanged, waiting_run_of
from pipeline.delivery.publish import input_record
from pipeline.errors import ApprovalError
from pipeline.ingest import load_inputs
from tests.conftest import SAMPLE


def _draft(outputs, manifest):
    folder = outputs / "secretaria-general" / "2024-T3" / ".borrador"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_the_run_a_pending_draft_names_and_none_otherwise(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    assert waiting_run_of(inputs, outputs, None, "2024-T3") is None  # no draft
    run = {"id": "0b1c", "api": "http://127.0.0.1:4200/api", "clave": "secretaria-general-2024-t3"}
    _draft(outputs, {"estado": "borrador", "aprobacion": {"ejecucion": run}})
    assert waiting_run_of(inputs, outputs, None, "2024-T3") == run
    assert waiting_run_of(inputs, outputs, "otra", "2024-T3") is None  # another entity
    shutil.rmtree(outputs)
    _draft(outputs, {"estado": "aprobado", "aprobacion": {"ejecucion": run}})
    assert waiting_run_of(inputs, outputs, None, "2024-T3") is None  # already decided


def test_an_approval_is_refused_before_resuming_when_an_input_changed_since_the_draft(tmp_path, monkeypatch):
    """`pei-report aprobar` checks the inputs before it resumes the waiting run, so a refusal
    leaves that run waiting (tests/app/test_approval_served.py runs it against a real serve)."""
    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)  # the draft's inputs are relative to the folder the run ran in
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    entity = inputs / "secretaria-general"
    shutil.copytree(SAMPLE, entity)
    recorded = [input_record(s.path, s.size, s.sha256, tmp_path) for s in load_inputs(entity).sources]
    run = {"id": "0b1c", "api": "http://127.0.0.1:4200/api", "clave": "secretaria-general-2024-t3"}
    _draft(outputs, {"estado": "borrador", "inputs": recorded, "aprobacion": {"ejecucion": run}})
    check_unchanged(inputs, outputs, None, "2024-T3", run)  # the draft's very inputs: resumed

    workbook = load_workbook(entity / "seguimiento.xlsx")  # the office corrects a figure
    sheet = workbook["Seguimiento"]
    next(r for r in sheet.iter_rows(min_row=2) if (r[0].value, r[1].value, r[2].value) == ("IS-321", 2024, 3))[3].value = 96
    workbook.save(entity / "seguimiento.xlsx")
    with pytest.raises(ApprovalError) as changed:
        check_unchanged(inputs, outputs, None, "2024-T3", run)
    assert "los datos cambiaron desde el borrador" in str(changed.value)
    assert "Cambiaron: inputs/secretaria-general/seguimiento.xlsx." in str(changed.value)
    assert "La ejecución 0b1c no se reanudó y sigue esperando la decisión" in str(changed.value)

    (entity / "configuracion.yaml").write_text("semaforo: [", encoding="utf-8")  # and now it does not read
    with pytest.raises(ApprovalError, match="los datos cambiaron desde el borrador y ya no se leen") as unread:
        check_unchanged(inputs, outputs, None, "2024-T3", run)
    assert "configuracion.yaml" in str(unread.value) and "sigue esperando" in str(unread.value)
