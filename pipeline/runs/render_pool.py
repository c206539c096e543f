"""The PDF of a large plan drawn in a second process while this one draws the rest.

WeasyPrint and python-pptx are pure Python and hold the GIL, so threads would not overlap them.
For one entity's cut the PDF is by far the slowest output (about 2/3 of the whole for a
300-indicator plan) and nothing but the web page needs it (for its size): so the PDF goes to a
child process (one `spawn`ed worker, kept for the life of this process, which imports the
renderers once), and the deck, the tables and the data package are drawn here meanwhile. The
child renders from the same `Rendering` by the same `Output.artifacts`, so its files are the
very bytes the sequential path makes (tests/runs/test_render_pool.py compares them).

When (`renders_concurrently`), from PEI_RENDER_PROCESS:
- `auto` (default): for a plan of at least `MIN_INDICATORS` indicators, outside a batch, on a
  machine of more than one core. A small plan's PDF takes less than the child takes to start;
  a batch already keeps every core busy with whole entities.
- `1` (or si/yes/true): whenever there is more than one core and it is not a batch.
Never in a daemonic process (a Dask worker running a single entity), which may not have children.
- `0` (or no/false): never: every output in this process, one after another.

A PipelineError in the child is raised here as itself, with its Spanish message and without the
child's traceback; a child that died (killed, out of memory) is replaced and the output drawn
here instead. Files reach the disk only when the run publishes them all (`delivery.publish`),
so a failure leaves nothing half-written.

No Prefect here: `steps.render_outputs` wraps the waiting in the output's task.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from pipeline.errors import PipelineError
from pipeline.outputs.registry import Artifact, Output, Rendering, render_order

__all__ = [
    "CHILD_OUTPUTS", "MIN_INDICATORS", "SETTING", "renders_concurrently", "Pending", "render_all", "warm", "shutdown",
    "draw_each",
]

SETTING = "PEI_RENDER_PROCESS"
CHILD_OUTPUTS = ("pdf",)
"""The outputs drawn in the child: the slowest, on which only the web page waits."""
MIN_INDICATORS = 60
"""From this many indicators the PDF takes longer than starting the child (about 2 s here)."""
REGISTRY = "pipeline.outputs.registry:OUTPUTS"

_YES, _NO = {"1", "si", "sí", "yes", "true", "on"}, {"0", "no", "false", "off"}
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _no_children() -> bool:
    """A daemonic process (a Dask worker's) may not start processes of its own."""
    return multiprocessing.current_process().daemon


def renders_concurrently(indicators: int, in_batch: bool, cores: int | None = None) -> bool:
    """Whether a cut of a plan of `indicators` draws its PDF in the child (see the module)."""
    cores = os.cpu_count() if cores is None else cores
    if in_batch or (cores or 1) < 2 or _no_children():
        return False
    setting = os.environ.get(SETTING, "auto").strip().lower()
    if setting in _NO:
        return False
    if setting in _YES:
        return True
    return indicators >= MIN_INDICATORS


def draws_in_processes(items: int, cores: int | None = None) -> int:
    """How many processes `draw_each` draws `items` reports in: one (here) on one core, for one
    item or with PEI_RENDER_PROCESS=0; else one per core, at most one per item."""
    cores = os.cpu_count() if cores is None else cores
    if os.environ.get(SETTING, "auto").strip().lower() in _NO or _no_children():
        return 1
    return max(1, min(items, cores or 1))


def draw_each(function: Callable, items: Sequence[tuple], preload: str) -> list:
    """`function(*item)` for each item, in order: in a pool of spawned processes (`preload`
    names the module they import first) when `draws_in_processes` says more than one, here
    otherwise. The sectors' consolidated reports are drawn so after a batch, when every core is
    free again. A PipelineError is raised as itself, without the child's traceback."""
    workers = draws_in_processes(len(items))
    if workers == 1:
        return [function(*item) for item in items]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=importlib.import_module,
                             initargs=(preload,)) as pool:
        futures = [pool.submit(function, *item) for item in items]
        try:
            return [future.result() for future in futures]
        except PipelineError as error:
            for future in futures:
                future.cancel()
            error.__cause__ = None
            error.__suppress_context__ = True
            raise error.with_traceback(None) from None


def _preload() -> None:
    """The child's start: import the renderers once (WeasyPrint, python-pptx, pandas)."""
    importlib.import_module(REGISTRY.split(":")[0])


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")  # a clean interpreter: this one has threads
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_preload)
        return _pool


def warm() -> None:
    """Start the child now, so its imports overlap this process's reading and computing."""
    _executor().submit(int)


def shutdown() -> None:
    """Stop the child (at exit, and after it died)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def _render_in_child(registry: str, key: str, rendering: Rendering) -> tuple[Artifact, ...]:
    module, name = registry.split(":")
    outputs = getattr(importlib.import_module(module), name)
    (chosen,) = [o for o in outputs if o.key == key]
    return chosen.artifacts(rendering)


@dataclass
class Pending:
    """An output being drawn in the child; `result()` waits for its files."""

    output: Output
    rendering: Rendering
    future: Future

    def result(self) -> tuple[Artifact, ...]:
        try:
            return self.future.result()
        except BrokenProcessPool:  # the child died: draw it here, and start a new child next time
            shutdown()
            return self.output.artifacts(self.rendering)
        except PipelineError as error:  # as the sequential path raises it: the message, no child traceback
            error.__cause__ = None
            error.__suppress_context__ = True
            raise error.with_traceback(None) from None


def render_all(
    rendering: Rendering, outputs: Sequence[Output], draw: Callable[[Output, Rendering], tuple[Artifact, ...]],
    collect: Callable[[Output, Pending], tuple[Artifact, ...]], child: Sequence[str] = CHILD_OUTPUTS,
    registry: str = REGISTRY,
) -> dict[str, tuple[Artifact, ...]]:
    """Every output's files by key: the `child` outputs in the child as soon as what they need is
    drawn (first), the others here with `draw`, each after what it needs; `collect` waits for a
    child's output (where an output here needs it, and at the end). `registry` names the
    module attribute the child finds `outputs` at ("module:NAME")."""
    ordered = render_order(outputs)
    by_key = {o.key: o for o in ordered}
    first: list[str] = []

    def needed(key: str) -> None:
        for need in by_key[key].needs:
            needed(need)
            if need not in first:
                first.append(need)

    for key in child:
        needed(key)
    rendered: dict[str, tuple[Artifact, ...]] = {}
    pending: dict[str, Pending] = {}

    def given(output: Output) -> Rendering:
        for need in output.needs:
            if need in pending:
                rendered[need] = collect(by_key[need], pending.pop(need))
        return replace(rendering, rendered={key: rendered[key] for key in output.needs})

    for output in [o for o in ordered if o.key in first]:
        rendered[output.key] = draw(output, given(output))
    for key in child:
        sent = given(by_key[key])
        try:
            pending[key] = Pending(by_key[key], sent, _executor().submit(_render_in_child, registry, key, sent))
        except BrokenProcessPool:  # the child died before: draw it here
            shutdown()
            rendered[key] = draw(by_key[key], sent)
    try:
        for output in ordered:
            if output.key not in rendered and output.key not in pending:
                rendered[output.key] = draw(output, given(output))
        for key in list(pending):
            rendered[key] = collect(by_key[key], pending.pop(key))
    finally:
        for left in pending.values():  # an output here failed: the child's work is not wanted
            left.future.cancel()
    return rendered
