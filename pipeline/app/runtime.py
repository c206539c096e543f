"""The process a command runs in: its logging, its signals, Prefect's settings for its runs, and
the garbage collector, for the command and for the batch's worker processes.

`run_flows` is what `pei-report run` and `resend` do before and around their flow: Prefect's log
routed to a file under the output folder (`routed_logs`), the embedded Prefect server booted
while the report's modules are imported (`pipeline.app.service.boot_embedded_server`), the run made
interruptible by SIGTERM and Ctrl+C (`interruptible`) and given its settings (`run_settings`).
`pipeline.app.cli` keeps only the arguments, what is printed and the exit codes.

CPython's default garbage-collector thresholds (700, 10, 10) run a collection every 700 net
allocations. Importing Prefect, pandas and WeasyPrint and rendering one report allocates
millions of objects, and those collections took about 0,6 s of a 5 s `pei-report run`. With a
first threshold of 10 000 they take about 0,2 s, and a 24-entity batch in one process takes 35 s
instead of 40 s. The price is memory, since cyclic garbage waits longer before it is freed: the
peak of one report is unchanged (about 250 MB), and that of a 24-entity batch in one process goes
from about 270 to 335 MB (5 000 would give 300 MB, with 0,07 s more per report).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.app.service import HEARTBEAT_SETTINGS, prefect_environment
from pipeline.runs.runners import GC_THRESHOLDS, tune_gc

__all__ = [
    "GC_THRESHOLDS",
    "tune_gc",
    "KEPT_LOGS",
    "log_file",
    "routed_logs",
    "HEARTBEAT_SETTINGS",
    "run_settings",
    "INTERRUPTED",
    "interruptible",
    "prefect_environment",
    "run_flows",
]

KEPT_LOGS = 100


def log_file(output: Path, kind: str = "pei-report") -> Path:
    """A new, empty log file under `<output>/.logs/`; only the newest `KEPT_LOGS` of its kind stay.
    Raises `OSError` when the folder cannot be written."""
    folder = output / ".logs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob(f"{kind}-*.log"))[: -KEPT_LOGS + 1]:
        old.unlink(missing_ok=True)
    # Bogotá time, as the history's folders and the manifest's times: one clock to match them by.
    path = folder / f"{kind}-{datetime.now(ZoneInfo('America/Bogota')):%Y%m%d-%H%M%S}-{os.getpid()}.log"
    path.open("a", encoding="utf-8").close()  # an existing read-only folder fails here, not mid-run
    return path


@contextmanager
def routed_logs(verbose: bool, log_file: Path, restore: bool) -> Iterator[None]:
    """Prefect logs to the file always, and to the console only with --verbose.

    When the command owns the process, the routing stays until exit, where Prefect still logs
    the embedded server's shutdown; called in-process (tests), it is undone on leaving.
    """
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    httpx = logging.getLogger("httpx")
    saved_httpx = httpx.level
    if not verbose:
        for handler in saved_handlers:
            if type(handler).__name__ == "PrefectConsoleHandler":
                root.removeHandler(handler)
    file_handler = logging.FileHandler(log_file, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s"))
    root.addHandler(file_handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # One line per HTTP call to the embedded server would bury the flow's own lines.
    httpx.setLevel(logging.WARNING)
    try:
        yield
    finally:
        if restore:
            file_handler.close()
            root.handlers[:] = saved_handlers
            root.setLevel(saved_level)
            httpx.setLevel(saved_httpx)


def run_settings(embedded):
    """Prefect's settings for a flow run started here: the embedded server's URL, if any, and no
    flow-run heartbeats unless the environment asks for them.

    Heartbeats let a server notice a run whose process died; a command's user sees that from
    the command itself, and each run would otherwise wait up to a second at its end for the
    heartbeat thread to wake and stop. Deployment runs (`pei-report serve`) keep Prefect's
    default.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates = {}
    if embedded is not None:
        updates[PREFECT_API_URL] = embedded.api_url
    if not any(os.environ.get(name) for name in HEARTBEAT_SETTINGS):
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    return temporary_settings(updates=updates)


INTERRUPTED = (
    "Ejecución interrumpida ({name}): los cortes que no alcanzaron a publicarse no cambiaron y "
    "conservan sus resultados anteriores. Vuelva a ejecutar el comando para generarlos."
)


def _stop_now(signum: int, log_file: Path, embedded) -> None:
    """Signal handler of a command that owns its process: say so, stop, exit 128 + signum.

    Publishing is atomic (`pipeline.delivery.publish`), so a run stopped at any point leaves each cut as
    it was or as the run published it, and no step's end is worth waiting for (a large deck
    takes 20 s). Exit handlers and the worker threads are not waited for: the embedded server
    and any worker process are stopped here.
    """
    name = signal.Signals(signum).name
    text = INTERRUPTED.format(name=name)
    os.write(2, f"\nError: {text}\n".encode())
    try:
        with log_file.open("a", encoding="utf-8") as handle:
            handle.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} {text}\n")
    except OSError:  # the message is on screen already; an unwritable log must not delay the exit
        pass
    for child in multiprocessing.active_children():  # a process pool's or a local Dask cluster's
        child.kill()
    if embedded is not None:
        embedded.stop(wait=False)
    os._exit(128 + signum)


def interruptible(call: Callable[[], Any], log_file: Path, embedded) -> Any:
    """Run `call()` in a worker thread while the main thread waits, ready for SIGTERM and SIGINT.

    Python runs signal handlers in the main thread, and Prefect's flow engine replaces the
    SIGTERM handler of the thread it runs in and, on a signal, waits for the running step to
    end (19 s on a large file). Run in another thread, the engine installs none, and the main
    thread, waiting here, acts on the signal at once (`_stop_now`).
    """
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the main thread, which raises it
            outcome["error"] = exc

    previous = {s: signal.signal(s, lambda n, _f: _stop_now(n, log_file, embedded)) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker = threading.Thread(target=work, name="pei-report-run", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.5)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run_flows(start: Callable[[Any], Any], log_file: Path, verbose: bool, owns_process: bool, progress: logging.Handler):
    """Start Prefect and run `start(flows_module)`, returning what it returns.

    Prefect is imported (call `prefect_environment` first) and its log routed to `log_file`
    (`routed_logs`); the embedded Prefect server, when there is no API URL, boots in its own
    process while `flows` is imported; `progress` receives the flows' step-by-step progress
    (`flows.PROGRESS`, shown on the console only with `verbose` too). When the command
    `owns_process`, a signal stops the run at once (`interruptible`). Errors are the caller's.
    """
    import prefect  # noqa: F401  (its import sets up the logging that routed_logs routes)

    from pipeline.app.service import boot_embedded_server

    flows = None
    embedded = boot_embedded_server()  # boots while the report's modules are imported
    try:
        with routed_logs(verbose, log_file, restore=not owns_process):
            import flows

            flows.PROGRESS.setLevel(logging.INFO)
            flows.PROGRESS.propagate = verbose
            flows.PROGRESS.addHandler(progress)
            if embedded is not None:
                embedded.wait()

            def run():
                with run_settings(embedded):
                    return start(flows)

            return interruptible(run, log_file, embedded) if owns_process else run()
    finally:
        if flows is not None:
            flows.PROGRESS.removeHandler(progress)
