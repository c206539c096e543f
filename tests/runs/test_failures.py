"""pipeline/runs/failures.py: which entities a failed run did not report, each with its own error,
and a flow body whose `PipelineError` ends its run with the Spanish message. The e-mailed notice
itself, end to end, is in tests/test_flows.py (deployment runs)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.core.periods import PeriodError
from pipeline.errors import EntitiesFailed, InputError
from pipeline.ingest import Entity
from pipeline.runs.failures import failed_entities, fails_with_its_message, notify_failure, readable_plan
from tests.conftest import SAMPLE


def _run(input_dir: Path, entity: str | None = None):
    """A command line's run (no deployment) for `input_dir`, as Prefect's `FlowRun` carries it."""
    return SimpleNamespace(parameters={"input_dir": str(input_dir), "output_dir": "outputs", "entity": entity},
                           deployment_id=None, auto_scheduled=False, expected_start_time=None)


@pytest.fixture
def two_entities(tmp_path) -> Path:
    for slug in ("alcaldia", "hacienda"):
        shutil.copytree(SAMPLE, tmp_path / "inputs" / slug)
    return tmp_path / "inputs"


def test_a_batch_names_only_its_failed_entities_each_with_its_error(two_entities):
    bad = InputError.single("plan.yaml", "«x»", "un número")
    failed = failed_entities(_run(two_entities), EntitiesFailed({"hacienda": bad}, ["alcaldia"]))
    assert [(e.slug, err) for e, err in failed] == [("hacienda", bad)]


def test_any_other_failure_is_every_entity_s_of_the_run_or_the_chosen_one_s(two_entities):
    error = PeriodError("El periodo 2030-T1 está fuera del plan.")
    assert [e.slug for e, _ in failed_entities(_run(two_entities), error)] == ["alcaldia", "hacienda"]
    assert [e.slug for e, _ in failed_entities(_run(two_entities, "hacienda"), error)] == ["hacienda"]
    assert failed_entities(_run(two_entities / "no-existe"), error) == []  # no entity to tell


def test_the_plan_for_the_notice_is_none_when_it_is_what_failed(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "e")
    assert readable_plan(Entity("e", tmp_path / "e")).entity
    (tmp_path / "e" / "plan.yaml").write_text("entidad: [", encoding="utf-8")
    assert readable_plan(Entity("e", tmp_path / "e")) is None


def test_a_pipeline_error_ends_the_body_as_a_failed_state_with_its_spanish_message():
    def body(fail):
        if fail == "input":
            raise PeriodError("El periodo «2024-T9» no es un trimestre.")
        if fail == "bug":
            raise KeyError("meta")
        return "hecho"

    wrapped = fails_with_its_message(body)
    assert wrapped(None) == "hecho"
    state = wrapped("input")
    assert state.is_failed() and state.message == "El periodo «2024-T9» no es un trimestre."
    with pytest.raises(KeyError):
        wrapped("bug")  # not a rule's error: Prefect reports it with its traceback


def test_a_command_line_run_that_fails_notifies_no_one():
    run = SimpleNamespace(deployment_id=None)
    assert notify_failure(None, run, None) is None  # returns before reading flow or state
