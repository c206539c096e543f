"""The `pei-report` command: starts the Prefect flow and turns errors into exit statuses.

This is the only place where exceptions become exit codes: 0 success, 2 invalid input (a
Spanish message naming file, row and column, no traceback), 3 reports published but not
distributed (publication folder or e-mail), 1 anything else, and 128 + the signal's number
(143 for SIGTERM, 130 for Ctrl+C) when a signal stopped the run.
Prefect's own log lines go to a log file under the output folder (or to the console with
--verbose), so the user sees the steps and the files written.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.errors import DistributionError, EntitiesFailed, InputError, PipelineError
from pipeline.formatting import percent
from pipeline.periods import PeriodError, parse_period
from pipeline.runtime import tune_gc
from pipeline.service import QUARTERLY_CRON, RUNNERS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Seguimiento trimestral del Plan Estratégico Institucional (PEI).",
)

EXIT_INPUT = 2
EXIT_FAILURE = 1
EXIT_DISTRIBUTION = 3


@app.callback()
def _main() -> None:
    """Seguimiento trimestral del Plan Estratégico Institucional (PEI)."""


class _ProgressHandler(logging.Handler):
    """Shows the flow's progress: each step of a single entity, or a bar for a batch.

    A batch (more than one entity) shows entities done, failed and remaining; the steps of its
    entities (which may run in other processes) stay in Prefect's log.
    """

    def __init__(self, console: Console):
        super().__init__(logging.INFO)
        self.console = console
        self.bar: Progress | None = None
        self.task = None

    def emit(self, record: logging.LogRecord) -> None:
        batch = getattr(record, "batch", None)
        if batch is not None:
            self._advance(*batch)
        elif self.bar is None:
            entity = getattr(record, "entity", "")
            self.console.print(f"  [dim]{entity}[/dim] · {escape(record.getMessage())}")

    def _advance(self, done: int, failed: int, total: int) -> None:
        if total <= 1:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("  Entidades"), BarColumn(), MofNCompleteColumn(),
                TextColumn("· {task.fields[detail]}"), TimeElapsedColumn(),
                console=self.console, transient=False,
            )
            self.task = self.bar.add_task("Entidades", total=total, detail="")
            self.bar.start()
        detail = f"listas {done - failed} · fallidas {failed} · faltan {total - done}"
        self.bar.update(self.task, completed=done, detail=detail)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        super().close()


KEPT_LOGS = 100


def _log_file(output: Path, kind: str = "pei-report") -> Path:
    """A new log file under `<output>/.logs/`; only the newest `KEPT_LOGS` of its kind stay."""
    folder = output / ".logs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob(f"{kind}-*.log"))[: -KEPT_LOGS + 1]:
        old.unlink(missing_ok=True)
    return folder / f"{kind}-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"


@contextmanager
def _routed_logs(verbose: bool, log_file: Path, restore: bool) -> Iterator[None]:
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


def _summary(report) -> str:
    """Avance del plan en la vigencia: 94,1 % · semáforo: 11 verde, 1 naranja · ..."""
    share = percent(report.plan_year_percent) if report.plan_year_percent is not None else "sin reporte"
    lights = ", ".join(f"{n} {light}" for light, n in report.traffic_lights.items())
    text = f"Avance del plan en la vigencia: {share} · semáforo de indicadores: {lights}"
    if report.inconsistent:
        text += f" · inconsistencias por revisar: {', '.join(report.inconsistent)}"
    return escape(text)


def _fail(console: Console, message: str, code: int, log_file: Path | None = None) -> typer.Exit:
    console.print(f"[bold red]Error:[/bold red] {escape(message)}", highlight=False)
    if log_file is not None:
        console.print(f"[dim]Registro detallado: {log_file}[/dim]", highlight=False)
    return typer.Exit(code)


def _log_details(log_file: Path, exc: PipelineError) -> None:
    """Every input problem, one per line, in the log (the screen groups alike problems)."""
    errors = exc.failures.items() if isinstance(exc, EntitiesFailed) else [(None, exc)]
    with log_file.open("a", encoding="utf-8") as handle:
        for slug, error in errors:
            if isinstance(error, InputError):
                handle.write(f"{'[' + slug + '] ' if slug else ''}{error.detailed()}\n")


def _exit_code(exc: PipelineError) -> int:
    if isinstance(exc, (InputError, PeriodError)):
        return EXIT_INPUT
    if isinstance(exc, DistributionError):
        return EXIT_DISTRIBUTION
    if isinstance(exc, EntitiesFailed):
        if exc.only_bad_input:
            return EXIT_INPUT
        if all(isinstance(e, DistributionError) for e in exc.failures.values()):
            return EXIT_DISTRIBUTION
    return EXIT_FAILURE


InputOption = Annotated[
    Path, typer.Option("--input", help="Carpeta de una entidad (con plan.yaml) o carpeta de carpetas de entidades.")
]
OutputOption = Annotated[Path, typer.Option("--output", help="Carpeta de resultados.")]
EntityOption = Annotated[
    str | None, typer.Option("--entity", help="Solo esta entidad (el nombre de su carpeta), si --input tiene varias.")
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Muestra también el registro de Prefect.")]
RunnerOption = Annotated[
    str | None,
    typer.Option(
        "--task-runner",
        help="Cómo se reparten las entidades: threads (por defecto), processes (un proceso por núcleo) o dask. "
        "También PEI_TASK_RUNNER.",
    ),
]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", min=1, help="Procesos o hilos en paralelo (por defecto, todos los núcleos).")
]
DaskOption = Annotated[
    str | None,
    typer.Option("--dask-address", help="Dirección del planificador de un clúster Dask (tcp://host:8786); implica dask."),
]


def _check_runner(kind: str | None) -> None:
    if kind is not None and kind.strip().lower() not in RUNNERS:
        raise _fail(
            Console(stderr=True, highlight=False),
            f"--task-runner «{kind}» no es válido: se esperaba threads, processes o dask.",
            EXIT_INPUT,
        )


HEARTBEAT_SETTINGS = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


def _run_settings(embedded):
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

    Publishing is atomic (`pipeline.publish`), so a run stopped at any point leaves each cut as
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


def _interruptible(call, log_file: Path, embedded):
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


def _run_flow(ctx: typer.Context, output: Path, verbose: bool, headline: str, start):
    """Run a flow with progress on stderr and Prefect's log in a file; errors become exit codes.

    `start(flows_module)` starts the flow and returns its reports.
    """
    err = Console(stderr=True, highlight=False)
    # Before Prefect is imported: no telemetry calls from a machine without network.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        log_file = _log_file(output)
    except OSError as exc:
        raise _fail(err, f"No se puede escribir en la carpeta de resultados {output}: {exc.strerror}.", EXIT_FAILURE) from None

    import prefect  # noqa: F401  (its import sets up the logging that _routed_logs routes)

    from pipeline.service import boot_embedded_server

    err.print(headline)
    progress_handler = _ProgressHandler(err)
    flows = None
    embedded = boot_embedded_server()  # boots while the report's modules are imported
    try:
        owns_process = bool(ctx.obj and ctx.obj.get("owns_process"))
        with _routed_logs(verbose, log_file, restore=not owns_process):
            import flows

            flows.PROGRESS.setLevel(logging.INFO)
            flows.PROGRESS.propagate = verbose
            flows.PROGRESS.addHandler(progress_handler)
            if embedded is not None:
                embedded.wait()

            def run():
                with _run_settings(embedded):
                    return start(flows)

            reports = _interruptible(run, log_file, embedded) if owns_process else run()
    except PipelineError as exc:
        _log_details(log_file, exc)
        raise _fail(err, str(exc), _exit_code(exc), log_file) from None
    except Exception as exc:  # the edge: anything unexpected becomes a message and exit 1
        with log_file.open("a", encoding="utf-8") as handle:
            traceback.print_exception(exc, file=handle)
        raise _fail(err, f"Falla inesperada: {type(exc).__name__}: {exc}", EXIT_FAILURE, log_file) from None
    finally:
        if flows is not None:
            flows.PROGRESS.removeHandler(progress_handler)
        progress_handler.close()
    return err, log_file, reports


def _distribution_line(distribution: dict) -> str | None:
    """«Distribución: copiado a publicacion/...; correo enviado a a@x, b@y»."""
    parts = []
    publication = distribution.get("publication")
    if publication:
        parts.append(f"copiado a {publication['folder']}")
    email = distribution.get("email")
    if email and email.get("status") == "sent":
        parts.append(f"correo enviado a {', '.join(email['to'] + email['cc'])}")
    if distribution.get("status") == "skipped":
        parts.append("omitida (--no-distribute)")
    return f"Distribución: {'; '.join(parts)}" if parts else None


def _print_reports(err: Console, reports, log_file: Path) -> None:
    out = Console(highlight=False, soft_wrap=True)
    for report in reports:
        completed = " · distribución interrumpida, completada ahora" if getattr(report, "completed", False) else ""
        err.print(f"[green]✓[/green] {escape(report.entity)} · corte {report.period}{completed}")
        if report.plan_year_percent is not None or report.traffic_lights:
            err.print(f"    {_summary(report)}")
        if report.kept:
            err.print(f"    Versión anterior guardada en {escape(str(report.kept))}")
        line = _distribution_line(report.distribution)
        if line:
            err.print(f"    {escape(line)}")
        for warning in report.warnings:
            err.print(f"    [yellow]Aviso:[/yellow] {escape(warning)}")
        for path in report.files:
            out.print(str(path))
    err.print(f"[dim]Registro de Prefect: {log_file}[/dim]")


def _period_or_exit(period: str | None) -> str | None:
    try:
        return str(parse_period(period)) if period is not None else None
    except PeriodError as exc:
        raise _fail(Console(stderr=True, highlight=False), str(exc), EXIT_INPUT) from None


@app.command()
def run(
    ctx: typer.Context,
    input: InputOption = Path("inputs"),
    period: Annotated[
        str | None,
        typer.Option("--period", help="Corte a reportar: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3). Por defecto, el último trimestre con datos de la vigencia."),
    ] = None,
    output: OutputOption = Path("outputs"),
    entity: EntityOption = None,
    distribute: Annotated[
        bool, typer.Option("--distribute/--no-distribute", help="Copiar a la carpeta de publicación y enviar por correo (según configuracion.yaml).")
    ] = True,
    task_runner: RunnerOption = None,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Genera el corte de cada entidad: presentación, PDF, tablas y manifest.json; luego lo distribuye."""
    period = _period_or_exit(period)
    _check_runner(task_runner)
    headline = f"[bold]pei-report[/bold] · entrada {input} · salida {output}" + (f" · corte {period}" if period else "")

    def start(flows):
        runner = flows.task_runner(task_runner, workers, dask_address)
        return flows.quarterly_report.with_options(task_runner=runner)(
            input_dir=str(input), output_dir=str(output), period=period, entity=entity, distribute=distribute
        )

    err, log_file, reports = _run_flow(ctx, output, verbose, headline, start)
    _print_reports(err, reports, log_file)


@app.command()
def resend(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="Corte ya publicado que se reenvía: 2024-T3.")],
    input: InputOption = Path("inputs"),
    output: OutputOption = Path("outputs"),
    entity: EntityOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Reenvía un corte ya publicado (carpeta de publicación y correo) sin regenerarlo."""
    period = _period_or_exit(period)
    headline = f"[bold]pei-report resend[/bold] · corte {period} · resultados {output}"
    err, log_file, reports = _run_flow(
        ctx, output, verbose, headline,
        lambda flows: flows.resend_report(period=period, input_dir=str(input), output_dir=str(output), entity=entity),
    )
    _print_reports(err, reports, log_file)


@app.command()
def serve(
    input: InputOption = Path("inputs"),
    output: OutputOption = Path("outputs"),
    cron: Annotated[str, typer.Option("--cron", help="Programación (cron, hora de Bogotá).")] = QUARTERLY_CRON,
    port: Annotated[int, typer.Option("--port", help="Puerto del servidor de Prefect que se inicia.")] = 4200,
    api_url: Annotated[
        str | None, typer.Option("--api-url", help="Usar un servidor de Prefect ya iniciado (por defecto PREFECT_API_URL).")
    ] = None,
    task_runner: RunnerOption = None,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
) -> None:
    """Inicia un servidor de Prefect local y atiende los despliegues trimestral (programado) y reenviar."""
    from pipeline import service

    _check_runner(task_runner)
    # The runs start in their own processes and build their task runner from these.
    for name, value in (("PEI_TASK_RUNNER", task_runner), ("PEI_WORKERS", workers), ("PEI_DASK_ADDRESS", dask_address)):
        if value is not None:
            os.environ[name] = str(value)
    err = Console(stderr=True, highlight=False)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    _serve_heartbeats(os.environ)
    api_url = api_url or os.environ.get("PREFECT_API_URL")
    try:
        with service.prefect_server(api_url, port, _log_file(output, "prefect-server")) as url:
            os.environ["PREFECT_API_URL"] = url  # before Prefect is imported
            err.print(f"[bold]pei-report serve[/bold] · servidor de Prefect {url} · interfaz {url.removesuffix('/api')}")
            err.print(f"  Programación «{cron}» (America/Bogota) · entrada {input} · salida {output}. Ctrl+C para detener.")
            from prefect import serve as prefect_serve

            import flows

            _watch_for_crashes(err)
            _complete_interrupted(err, flows, input, output)
            prefect_serve(*flows.deployments(input, output, cron=cron), print_starting_message=False)
    except service.ServerError as exc:
        raise _fail(err, str(exc), EXIT_FAILURE) from None


def _serve_heartbeats(environ) -> None:
    """The runs `serve` starts send heartbeats every `crashes.HEARTBEAT_SECONDS` unless the
    environment sets a period (set before Prefect is imported: the runs inherit it)."""
    from pipeline.crashes import HEARTBEAT_SECONDS

    if not any(environ.get(name) for name in HEARTBEAT_SETTINGS):
        environ["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = str(HEARTBEAT_SECONDS)


def _watch_for_crashes(err: Console) -> None:
    """Make sure the server has the automation that marks a silent run Crashed (`pipeline.crashes`)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    from pipeline.crashes import crash_after, crash_automation, ensure_crash_automation

    heartbeat = get_current_settings().flows.heartbeat_frequency
    if heartbeat is None:
        err.print(
            "  [yellow]Aviso:[/yellow] las ejecuciones no envían latidos (PREFECT_FLOWS_HEARTBEAT_FREQUENCY "
            "vacío): una ejecución cuyo proceso muera con este servicio quedará «Running» en Prefect."
        )
        return
    after = crash_after(heartbeat, os.environ)
    with get_client(sync_client=True) as client:
        done = ensure_crash_automation(client, crash_automation(after))
    err.print(f"  Ejecuciones sin latido durante {after} s pasan a Crashed (automatización {done} en el servidor).")


def _complete_interrupted(err: Console, flows, input: Path, output: Path) -> None:
    """At start-up, complete the distributions a crash left pending (`pipeline.recovery`);
    serving goes on whatever happens to them."""
    from pipeline.recovery import find_pending

    pending = find_pending(output)
    if not pending:
        return
    cuts = ", ".join(f"{p.slug} {p.period}" for p in pending)
    err.print(f"  Distribuciones interrumpidas por una ejecución anterior: {cuts}. Completándolas.")
    try:
        reports = flows.complete_distributions(input_dir=str(input), output_dir=str(output))
    except PipelineError as exc:
        err.print(f"[bold red]Error:[/bold red] {escape(str(exc))}", highlight=False)
        return
    for report in reports:
        err.print(f"  [green]✓[/green] {escape(report.entity)} · corte {report.period}: distribución completada")



def main() -> None:
    """Entry point of the `pei-report` console script."""
    tune_gc()
    try:
        app(prog_name="pei-report", obj={"owns_process": True})
    finally:
        # The command is done and the interpreter is about to exit. Freezing what the garbage
        # collector tracks spares the shutdown's full collections over every object Prefect,
        # pandas and WeasyPrint created (about 0,6 s of a 5 s run); exit handlers (Prefect's log
        # and event flush, the embedded server's stop) run as before.
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
