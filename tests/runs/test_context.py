"""pipeline/runs/context.py: the day a scheduled run was meant for (in Bogotá), the cut a run
reports from its parameters and schedule, and the folders a run may use. The runs are shaped as
Prefect's `FlowRun` records are (`auto_scheduled`, `expected_start_time`, `parameters`)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from pipeline.runs.context import allowed_folders, run_cut, scheduled_day


def _run(parameters=None, *, scheduled_at=None, deployment_id=None):
    return SimpleNamespace(
        parameters=parameters or {}, auto_scheduled=scheduled_at is not None, expected_start_time=scheduled_at,
        deployment_id=deployment_id,
    )


def test_the_scheduled_day_is_bogota_s_date_not_utc_s():
    # 15 January 2027 at 03:00 UTC is still the 14th in Bogotá (UTC-5).
    assert scheduled_day(_run(scheduled_at=datetime(2027, 1, 15, 3, 0, tzinfo=timezone.utc))) == date(2027, 1, 14)
    assert scheduled_day(_run(scheduled_at=datetime(2027, 1, 15, 11, 0, tzinfo=timezone.utc))) == date(2027, 1, 15)


def test_a_run_started_by_hand_has_no_scheduled_day():
    assert scheduled_day(_run()) is None
    assert scheduled_day(None) is None  # outside any flow run


def test_the_cut_of_a_run_is_its_period_parameter_in_its_plain_form():
    assert run_cut(_run({"period": "2024q2"})) == "2024-T2"
    assert run_cut(_run({"period": "no es un periodo"})) == "no es un periodo"  # told as given; the run refuses it


def test_a_scheduled_run_without_period_reports_the_last_quarter_closed_before_its_day():
    on_15_january = _run({"period": None}, scheduled_at=datetime(2027, 1, 15, 11, 0, tzinfo=timezone.utc))
    assert run_cut(on_15_january) == "2026-T4"
    assert run_cut(_run({})) is None  # by hand, without period: each entity's latest


def test_a_command_line_run_uses_its_folders_as_given():
    assert allowed_folders("inputs", "outputs", _run()) == ("inputs", "outputs")


def test_a_deployment_s_run_may_use_only_folders_inside_the_served_ones(tmp_path, monkeypatch):
    from pipeline.errors import PipelineError
    from pipeline.runs.folders import SERVED_INPUT_ENV, SERVED_OUTPUT_ENV

    (tmp_path / "inputs" / "sg").mkdir(parents=True)
    (tmp_path / "outputs").mkdir()
    monkeypatch.setenv(SERVED_INPUT_ENV, str(tmp_path / "inputs"))
    monkeypatch.setenv(SERVED_OUTPUT_ENV, str(tmp_path / "outputs"))
    served = _run(deployment_id="d-1")
    assert allowed_folders(str(tmp_path / "inputs" / "sg"), str(tmp_path / "outputs"), served) == (
        str((tmp_path / "inputs" / "sg").resolve()), str((tmp_path / "outputs").resolve()))
    with pytest.raises(PipelineError):
        allowed_folders(str(tmp_path), str(tmp_path / "outputs"), served)
