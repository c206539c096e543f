"""pipeline/app/warm_runs.py: a served run is forked from a process that already imported the
report, and is still a process of its own."""

from __future__ import annotations

import json
import multiprocessing.context
import multiprocessing.forkserver
import os
import sys
from pathlib import Path

import pytest
from prefect import flow

from pipeline.app import warm_runs


@flow(name="where_am_i")
def where_am_i(out: str) -> None:
    """Writes what a run's process looks like from inside."""
    Path(out).write_text(json.dumps({"pid": os.getpid(), "parent": os.getppid(), "preloaded": "flows" in sys.modules}))


@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver on Windows")
def test_a_run_is_forked_from_a_process_that_already_imported_the_flows(tmp_path, monkeypatch, prefect_harness):
    import prefect.flow_engine as engine

    monkeypatch.setattr(engine, "multiprocessing", engine.multiprocessing)  # restored after the test
    try:
        assert warm_runs.start(("flows",))
        out = tmp_path / "run.json"
        process = engine.run_flow_in_subprocess(where_am_i, parameters={"out": str(out)})
        process.join(120)
        assert isinstance(process, warm_runs.WarmRun)  # Prefect asked for "spawn"
        assert process.exitcode == 0
        inside = json.loads(out.read_text())
        # its own process, forked by the forkserver (not by this one), with the report imported before it started
        assert inside["pid"] not in (os.getpid(), None) and inside["parent"] != os.getpid()
        assert inside["preloaded"] is True
    finally:
        multiprocessing.forkserver._forkserver._stop()  # no forkserver outlives the test


def test_serve_asks_for_work_every_second_unless_told_otherwise():
    from pipeline.app.service import serve_environment

    environ: dict[str, str] = {}
    serve_environment(environ)
    assert environ["PREFECT_RUNNER_POLL_FREQUENCY"] == "1"
    kept = {"PREFECT_RUNNER_POLL_FREQUENCY": "10"}
    serve_environment(kept)
    assert kept["PREFECT_RUNNER_POLL_FREQUENCY"] == "10"


def test_an_it_office_can_turn_warm_runs_off_and_serve_starts_each_run_cold(monkeypatch):
    """PEI_SERVE_WARM=0: no forkserver, Prefect's own `python -m prefect.engine` per run (the
    escape hatch if a Prefect upgrade breaks the forking path)."""
    import prefect.flow_engine as engine

    monkeypatch.setattr(engine, "multiprocessing", engine.multiprocessing)
    before = engine.multiprocessing
    monkeypatch.setenv("PEI_SERVE_WARM", "0")
    assert warm_runs.start(("flows",)) is False
    assert engine.multiprocessing is before
