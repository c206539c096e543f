"""Settings of the Python process itself, for the command and for the batch's worker processes.

CPython's default garbage-collector thresholds (700, 10, 10) run a collection every 700 net
allocations. Importing Prefect, pandas and WeasyPrint and rendering one report allocates
millions of objects, and those collections took about 0,6 s of a 5 s `pei-report run`. With a
first threshold of 10 000 they take about 0,2 s, and a 24-entity batch in one process takes 35 s
instead of 40 s. The price is memory, since cyclic garbage waits longer before it is freed: the
peak of one report is unchanged (about 250 MB), and that of a 24-entity batch in one process goes
from about 270 to 335 MB (5 000 would give 300 MB, with 0,07 s more per report).
"""

from __future__ import annotations

import gc

__all__ = ["GC_THRESHOLDS", "tune_gc"]

GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc() -> None:
    """Use GC_THRESHOLDS in this process (idempotent; also a process pool's initializer)."""
    gc.set_threshold(*GC_THRESHOLDS)
