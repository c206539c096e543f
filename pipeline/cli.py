"""The `pei-report` command: starts the Prefect flow and turns errors into exit statuses.

This is the only place where exceptions become exit codes: 0 success, 2 invalid input (a
Spanish message naming file, row and column, no traceback), 1 anything else.
Prefect's own log lines go to a log file under the output folder (or to the console with
--verbose), so the user sees the steps and the files written.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.errors import EntitiesFailed, InputError, PipelineError
from pipeline.formatting import percent
from pipeline.periods import PeriodError, parse_period

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Seguimiento trimestral del Plan Estratégico Institucional (PEI).",
)

EXIT_INPUT = 2
EXIT_FAILURE = 1


@app.callback()
def _main() -> None:
    """Seguimiento trimestral del Plan Estratégico Institucional (PEI)."""


class _ProgressHandler(logging.Handler):
    """Shows each step the flow announces, one line each."""

    def __init__(self, console: Console):
        super().__init__(logging.INFO)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        entity = getattr(record, "entity", "")
        self.console.print(f"  [dim]{entity}[/dim] · {escape(record.getMessage())}")


def _log_file(output: Path) -> Path:
    folder = output / ".logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"pei-report-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"


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


@app.command()
def run(
    ctx: typer.Context,
    input: Annotated[
        Path, typer.Option("--input", help="Carpeta de una entidad (con plan.yaml) o carpeta de carpetas de entidades.")
    ] = Path("inputs"),
    period: Annotated[
        str | None,
        typer.Option("--period", help="Corte a reportar: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3). Por defecto, el último trimestre con datos de la vigencia."),
    ] = None,
    output: Annotated[Path, typer.Option("--output", help="Carpeta de resultados.")] = Path("outputs"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Muestra también el registro de Prefect.")] = False,
) -> None:
    """Genera los reportes del corte: avance.csv, objetivos.csv y manifest.json por entidad."""
    err = Console(stderr=True, highlight=False)
    out = Console(highlight=False, soft_wrap=True)
    try:
        period = str(parse_period(period)) if period is not None else None
    except PeriodError as exc:
        raise _fail(err, str(exc), EXIT_INPUT) from None

    # Before Prefect is imported: no telemetry calls from a machine without network.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        log_file = _log_file(output)
    except OSError as exc:
        raise _fail(err, f"No se puede escribir en la carpeta de resultados {output}: {exc.strerror}.", EXIT_FAILURE) from None

    from flows import PROGRESS, quarterly_report  # Prefect's import sets up its logging

    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = verbose
    progress_handler = _ProgressHandler(err)
    PROGRESS.addHandler(progress_handler)
    err.print(f"[bold]pei-report[/bold] · entrada {input} · salida {output}" + (f" · corte {period}" if period else ""))
    try:
        owns_process = bool(ctx.obj and ctx.obj.get("owns_process"))
        with _routed_logs(verbose, log_file, restore=not owns_process):
            reports = quarterly_report(input_dir=str(input), output_dir=str(output), period=period)
    except (InputError, PeriodError) as exc:
        raise _fail(err, str(exc), EXIT_INPUT, log_file) from None
    except EntitiesFailed as exc:
        raise _fail(err, str(exc), EXIT_INPUT if exc.only_bad_input else EXIT_FAILURE, log_file) from None
    except PipelineError as exc:
        raise _fail(err, str(exc), EXIT_FAILURE, log_file) from None
    except Exception as exc:  # the edge: anything unexpected becomes a message and exit 1
        with log_file.open("a", encoding="utf-8") as handle:
            traceback.print_exception(exc, file=handle)
        raise _fail(err, f"Falla inesperada: {type(exc).__name__}: {exc}", EXIT_FAILURE, log_file) from None
    finally:
        PROGRESS.removeHandler(progress_handler)

    for report in reports:
        err.print(f"[green]✓[/green] {escape(report.entity)} · corte {report.period}")
        err.print(f"    {_summary(report)}")
        for path in report.files:
            out.print(str(path))
    err.print(f"[dim]Registro de Prefect: {log_file}[/dim]")


def main() -> None:
    """Entry point of the `pei-report` console script."""
    app(prog_name="pei-report", obj={"owns_process": True})


if __name__ == "__main__":
    sys.exit(main())
