"""pipeline/app/lifeline.py: a command that must not outlive the process that started it (the
Prefect servers `run` and `serve` start) stops when that process is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.app.lifeline import command, main
from tests.conftest import ROOT

# The parent: starts a command under a lifeline (as `pei-report` does, as a new session's leader),
# prints the lifeline's pid, then waits to be killed. The command prints its own pid.
PARENT = """
import subprocess, sys, time
from pipeline.app.lifeline import command
child = [sys.executable, "-c", "import os, time; print(os.getpid(), flush=True); time.sleep(120)"]
lifeline = subprocess.Popen(command(child), start_new_session=True)
print(lifeline.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_command_is_run_under_a_lifeline_tied_to_this_process():
    assert command(["prefect", "server", "start"]) == [
        sys.executable, "-m", "pipeline.app.lifeline", str(os.getpid()), "--", "prefect", "server", "start"]


def test_without_a_parent_and_a_command_it_says_how_to_call_it(capsys):
    assert main(["123"]) == 2
    assert "uso: python -m pipeline.app.lifeline" in capsys.readouterr().err


def test_a_parent_killed_with_sigkill_takes_the_command_with_it():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    pids: list[int] = []
    try:
        pids = [int(parent.stdout.readline()), int(parent.stdout.readline())]  # the lifeline's, the command's
        assert all(_alive(p) for p in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids), "the command outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
        parent.stdout.close()
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
