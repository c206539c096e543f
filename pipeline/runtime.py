"""Settings of the Python process itself, for the command and for the batch's worker processes.

CPython's default garbage-collector thresholds (700, 10, 10) run a collection every 700 net
allocations. Importing Prefect, pandas and WeasyPrint and rendering one report allocates
millions of objects, and those collections took about 0,6 s of a 5 s `pei-report run`. With a
first threshold of 10 000 they take about 0,2 s; the peak memory of the run did not change
(cyclic garbage waits a little longer before it is freed).
"""

from __future__ import annotations

import gc

__all__ = ["GC_THRESHOLDS", "tune_gc"]

GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc() -> None:
    """Use GC_THRESHOLDS in this process (idempotent; also a process pool's initializer)."""
    gc.set_threshold(*GC_THRESHOLDS)
