"""The command's process settings: Prefect's settings for its runs and the garbage collector."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings

from pipeline import cli
from pipeline.runtime import GC_THRESHOLDS, tune_gc


class _Server:
    api_url = "http://127.0.0.1:9/api"


@pytest.fixture
def no_heartbeat_env(monkeypatch):
    for name in cli.HEARTBEAT_SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_a_command_run_has_no_heartbeat_thread_to_wait_for(no_heartbeat_env):
    before = get_current_settings().flows.heartbeat_frequency
    with cli._run_settings(None):
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before


def test_heartbeats_asked_for_in_the_environment_are_kept(no_heartbeat_env, monkeypatch):
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    with cli._run_settings(None):
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is not None


def test_the_embedded_server_is_the_api_of_the_run(no_heartbeat_env):
    with cli._run_settings(_Server()):
        assert PREFECT_API_URL.value() == _Server.api_url


def test_tune_gc_sets_the_thresholds():
    saved = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*saved)


# --- a signal stops a run promptly ---------------------------------------------------------


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and ".logs" not in p.parts}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_run_promptly_and_leaves_the_earlier_outputs_as_they_were(tmp_path, signum):
    """A real `pei-report run` of a 500-indicator entity (about 20 s of rendering), signalled
    while it renders. Measured in the README's «Límites»: it exits 0,02 to 0,13 s later."""
    from benchmarks.make_inputs import make_entity
    from tests.test_service import _alive, _descendants

    entity = tmp_path / "inputs" / "grande"
    make_entity(entity, 500, seed=5)
    out = tmp_path / "outputs"
    earlier = out / "grande" / "2024-T3"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"period": "2024-T3"}\n', encoding="utf-8")
    (earlier / "avance.csv").write_bytes(b"objetivo,indicador\n1,IND-0001\n")
    before = _tree(out)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    exe = str(Path(sys.executable).with_name("pei-report"))
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as handle:
        process = subprocess.Popen(
            [exe, "run", "--input", str(entity), "--output", str(out), "--period", "2024-T3", "--no-distribute"],
            env=env, stdout=subprocess.DEVNULL, stderr=handle, cwd=tmp_path,
        )
    server: list[int] = []
    try:
        deadline = time.monotonic() + 180
        while "Armando la presentación" not in stderr.read_text(encoding="utf-8", errors="replace"):
            assert process.poll() is None and time.monotonic() < deadline, stderr.read_text(encoding="utf-8")
            time.sleep(0.2)
        server = _descendants(process.pid)
        assert server, "the embedded server runs below the command"
        process.send_signal(signum)
        code = process.wait(timeout=15)  # a bound, not a measurement: rendering alone takes longer
        message = stderr.read_text(encoding="utf-8")
        assert code == 128 + signum, message
        assert "Ejecución interrumpida" in message and "Traceback" not in message, message
        assert _tree(out) == before
        assert not [p for p in (out / "grande").iterdir() if p.name != "2024-T3" and not p.name.endswith(".lock")]
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in server):
            assert time.monotonic() < deadline, "the embedded server stops with the command"
            time.sleep(0.2)
    finally:
        for pid in [process.pid, *server]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()
