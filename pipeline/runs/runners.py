"""The task runners a batch of entities can run on (threads, a process pool, Dask)."""

from __future__ import annotations

import gc
import os

RUNNERS = ("threads", "processes", "dask")
"""The task runners a batch can use (see `task_runner`)."""

GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc() -> None:
    """Use GC_THRESHOLDS in this process (idempotent; also a process pool's initializer)."""
    gc.set_threshold(*GC_THRESHOLDS)


def task_runner(kind: str | None = None, workers: int | None = None, dask_address: str | None = None):
    """The task runner that runs the entities of a batch.

    - `threads` (default): one process; fine for a few entities.
    - `processes`: a process pool over `workers` processes (default: every core); rendering is
      CPU-bound, so this is what makes a large batch faster on one machine.
    - `dask`: an existing Dask cluster at `dask_address` (`tcp://host:8786`), or, without an
      address, a local one of `workers` processes.
    Unset arguments come from PEI_TASK_RUNNER, PEI_WORKERS and PEI_DASK_ADDRESS, so a deployment
    is configured from its environment.
    """
    kind = (kind or os.environ.get("PEI_TASK_RUNNER") or ("dask" if dask_address else "threads")).strip().lower()
    workers = workers or (int(os.environ["PEI_WORKERS"]) if os.environ.get("PEI_WORKERS") else None)
    dask_address = dask_address or os.environ.get("PEI_DASK_ADDRESS") or None
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers or os.cpu_count() or 1, initializer=tune_gc)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or os.cpu_count() or 1, "processes": True, "threads_per_worker": 1})
    raise ValueError(f"unknown task runner {kind!r}; expected one of {', '.join(RUNNERS)}")
