"""`pei-report serve` starts each run in a process that has already imported the report.

Prefect's runner starts a run of a deployment added with `Runner.add_deployment` as a new
`python -m prefect.engine`, and one whose flow it knows (`pipeline.app.service.serve_deployments`
tells it) with `run_flow_in_subprocess` (`multiprocessing`'s "spawn"). Either way a new Python
imports Prefect, the flows and the report's renderers (WeasyPrint, python-pptx, pandas,
openpyxl) before the first step runs: on this project's 2-core machine some 4 s, about as long
as the report itself (benchmarks/served.py).

Here the runs are forked instead from a "forkserver" process that imported all that once, when
serve started (`start`). Each run is still a process of its own: a run that crashes, leaks or is
killed takes nothing else with it, its environment is set as before (Prefect sends it with the
run), and it dies with serve's process group as before. If the preload fails (an import error),
the forkserver starts without it and runs only lose the head start.

This swaps the `multiprocessing` module `prefect.flow_engine.run_flow_in_subprocess` uses for one
whose `get_context` answers the forkserver context (tests/app/test_warm_runs.py checks that
Prefect still asks for it there, and that a run still gets a process of its own).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os
import signal
import sys
from types import ModuleType

__all__ = ["WARM_ENV", "PRELOADED", "start", "WarmContext", "WarmMultiprocessing", "WarmRun"]

# What each run imports before its first step; "__main__" is the command (`pei-report`) itself,
# which a new process would otherwise import again as "__mp_main__".
PRELOADED = ("__main__", "flows")

# `PEI_SERVE_WARM=0` turns the head start off (the escape hatch should a Prefect upgrade break it).
WARM_ENV = "PEI_SERVE_WARM"


class WarmRun(multiprocessing.context.ForkServerProcess):
    """A run's process, forked by the forkserver, that ends its log as `python -m prefect.engine` does.

    Prefect's engine command passes the run's logger to `run_flow` (`error_logger`), which then logs
    the flow's error as the run's last line (`pipeline.runs.run_log` words it for the UI);
    `run_flow_in_subprocess` passes none, so the same run would end without it. Set here, in the
    run's own process, before the run's call is unpickled (which looks `run_flow` up by name).
    """

    def run(self) -> None:
        import prefect.flow_engine as engine

        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C stops a run, as before (see `start`)

        original = engine.run_flow

        def run_flow(flow, flow_run=None, *args, error_logger=None, **kwargs):
            if error_logger is None and flow_run is not None:
                error_logger = engine.flow_run_logger(flow_run=flow_run)
            return original(flow, flow_run, *args, error_logger=error_logger, **kwargs)

        engine.run_flow = run_flow
        super().run()


class WarmContext(multiprocessing.context.ForkServerContext):
    Process = WarmRun


class WarmMultiprocessing(ModuleType):
    """`multiprocessing`, with every context it is asked for being the forkserver one."""

    def __init__(self, context: multiprocessing.context.BaseContext):
        super().__init__("multiprocessing")
        self._context = context

    def get_context(self, method: str | None = None) -> multiprocessing.context.BaseContext:
        return self._context

    def __getattr__(self, name: str):
        return getattr(multiprocessing, name)


def start(preload: tuple[str, ...] = PRELOADED) -> bool:
    """Have this process's served runs forked from a warm forkserver, started now (it imports
    `preload` while serve goes on). Returns False where there is no forkserver (Windows), or when
    the IT office turned it off (`PEI_SERVE_WARM=0`): then each run is Prefect's own cold
    `python -m prefect.engine`, as before."""
    if os.environ.get(WARM_ENV, "1").strip().lower() in {"0", "no", "false"}:
        return False
    if sys.platform == "win32" or "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    import prefect.flow_engine as engine

    context = WarmContext()
    context.set_forkserver_preload(list(preload))
    # Ctrl+C (SIGINT to serve's process group) is serve's to handle: the forkserver, which
    # inherits the ignored signal, must not die of it with a traceback while it imports.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
    engine.multiprocessing = WarmMultiprocessing(context)
    return True
