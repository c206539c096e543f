"""Run a command that must not outlive the process that started it.

    python -m pipeline.app.lifeline <parent pid> -- <command> [arguments...]

The Prefect servers that `pei-report run` and `pei-report serve` start run under this
lifeline. Killed by SIGKILL, a process runs no clean-up of its own, and its children are left
running, orphaned: a 215 MB server still listening on its port. The lifeline asks Linux to send
it SIGTERM when its parent dies (`prctl(PR_SET_PDEATHSIG)`), and also checks once a second that
its parent is still the same process (for systems without prctl). When the parent is gone it
stops the command's whole process group (the server and any worker it started): SIGTERM, then
SIGKILL after `GRACE` seconds. The caller starts the lifeline as the leader of a new session, so
that group holds the lifeline, the command and its children, and nothing else.

A SIGTERM or SIGINT sent to the group while the parent lives (the parent stopping the server on
purpose) reaches the command directly; the lifeline then only waits for it to end.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

__all__ = ["GRACE", "command", "main"]

GRACE = 10.0
"""Seconds the command has to stop after SIGTERM before its group is killed."""

_PR_SET_PDEATHSIG = 1


def command(argv: list[str]) -> list[str]:
    """`argv` run under a lifeline tied to this process."""
    return [sys.executable, "-m", "pipeline.app.lifeline", str(os.getpid()), "--", *argv]


def _die_with_parent() -> None:
    """Have the kernel send SIGTERM to this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 3 or argv[1] != "--":
        print("uso: python -m pipeline.app.lifeline <pid del padre> -- <comando> [argumentos...]", file=sys.stderr)
        return 2
    parent, argv = int(argv[0]), argv[2:]
    orphaned = False

    def parent_gone(signum=None, frame=None) -> None:
        nonlocal orphaned
        if os.getppid() == parent or orphaned:
            return  # sent to the group by the parent: the command has it too
        orphaned = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's SIGTERM is for the others
        os.killpg(0, signal.SIGTERM)

    signal.signal(signal.SIGTERM, parent_gone)
    signal.signal(signal.SIGINT, parent_gone)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        return 1
    child = subprocess.Popen(argv)
    if orphaned:  # the parent died while the command was starting
        os.killpg(0, signal.SIGTERM)
    deadline = None
    while True:
        try:
            return child.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
        parent_gone()  # the watchdog, where no signal came
        if orphaned:
            deadline = deadline or time.monotonic() + GRACE
            if time.monotonic() > deadline:
                os.killpg(0, signal.SIGKILL)  # this process too


if __name__ == "__main__":
    sys.exit(main())
