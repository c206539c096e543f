"""pipeline/runs/steps.py: the steps of one entity's cut, called as plain functions (`.fn`) on the
sample entity: read, compute, and what the office is told. The steps as task runs of a flow are in
tests/test_flows.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core.periods import Cut
from pipeline.delivery.distribution import PlanNames
from pipeline.ingest import Entity
from pipeline.report.changes import StaleCut
from pipeline.runs.steps import artifact_key, compute_report, published_names, read_inputs, stale_lines
from tests.conftest import SAMPLE

ENTITY = Entity(SAMPLE.name, SAMPLE)


def test_the_inputs_are_read_for_the_period_asked_or_the_last_closed_quarter():
    asked = read_inputs.fn(ENTITY, "2024-T2")
    assert asked.cut == Cut(2024, 2) and asked.plan.entity and not asked.execution.empty
    assert [s.path.name for s in asked.sources if s.path.name == "plan.yaml"] == ["plan.yaml"]
    assert read_inputs.fn(ENTITY, None, today=date(2024, 10, 20)).cut == Cut(2024, 3)


def test_the_cut_is_computed_into_its_tables_document_and_layout():
    computed = compute_report.fn(read_inputs.fn(ENTITY, "2024-T3"))
    assert computed.result.cut == Cut(2024, 3)
    assert set(computed.tables) == {"avance", "objetivos", "cambios", "serie"}
    assert computed.comparison is not None and computed.stale == ()  # nothing published to compare with


def test_a_stale_cut_is_told_with_the_command_that_regenerates_it():
    (line,) = stale_lines(ENTITY, (StaleCut(Cut(2024, 1), tuple(f"I-{n}" for n in range(7))),), Path("outputs"))
    assert "El corte 2024-T1 ya publicado cambiaría con los datos de hoy (I-0, I-1, I-2, I-3, I-4 y 2 más)" in line
    assert line.endswith(f"pei-report run --input {SAMPLE} --period 2024-T1 --output outputs")


def test_artifact_keys_are_lowercase_letters_digits_and_dashes():
    assert artifact_key("Secretaría_General", Cut(2024, 3)) == "pei-secretar-a-general-2024-t3"


def test_a_published_cut_s_e_mail_names_what_its_manifest_recorded():
    manifest = {"entity": {"name": "Alcaldía de Tenjo"}, "plan": {"title": "Plan 2024-2027", "acronym": "PDM"}}
    assert published_names(manifest, ENTITY) == PlanNames("Alcaldía de Tenjo", "Plan 2024-2027", "PDM")
    assert published_names({}, ENTITY).entity  # an older manifest: the plan as it is now
