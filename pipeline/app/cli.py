"""The `pei-report` command: starts the Prefect flow and turns errors into exit statuses.

This is the only place where exceptions become exit codes: 0 success, 2 invalid input (a
Spanish message naming file, row and column, no traceback), 3 reports published but not
distributed (publication folder or e-mail), 1 anything else, and 128 + the signal's number
(143 for SIGTERM, 130 for Ctrl+C) when a signal stopped the run.
Prefect's own log lines go to a log file under the output folder (or to the console with
--verbose), so the user sees the steps and the files written. Starting the process (logging,
Prefect and its servers, signals, the environment of `serve`) is `pipeline.app.runtime` and
`pipeline.app.service`'s: this module parses arguments, prints and chooses the exit status.
Its help and usage errors, typer's and click's own words included, are in Spanish
(`pipeline.app.cli_es`).
"""

from __future__ import annotations

import gc
import logging
import os
import shlex
import sys
import threading
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.app import runtime
from pipeline.app.cli_es import SpanishCommand, SpanishGroup
from pipeline.errors import ApprovalError, DistributionError, EntitiesFailed, InputError, PipelineError
from pipeline.core.command import suggest
from pipeline.core.formatting import percent
from pipeline.core.periods import PeriodError, parse_period
from pipeline.app.service import QUARTERLY_CRON, RUNNERS

app = typer.Typer(
    cls=SpanishGroup,
    add_completion=False,
    no_args_is_help=True,
    help="Seguimiento trimestral del plan de una entidad (plan estratégico institucional, plan de desarrollo, plan indicativo).",
)

EXIT_INPUT = 2
EXIT_FAILURE = 1
EXIT_DISTRIBUTION = 3


def _stderr() -> Console:
    """The console for progress and messages: wrapped to the terminal's width on a terminal; in
    a log or CI (not a terminal), each message on one line, so a path or an option is never split."""
    return Console(stderr=True, highlight=False, soft_wrap=not sys.stderr.isatty())


@app.callback()
def _main() -> None:
    """Seguimiento trimestral del plan de una entidad (plan estratégico institucional, plan de desarrollo, plan indicativo)."""


class _ProgressHandler(logging.Handler):
    """Shows the flow's progress: each step of a single entity, or a bar for a batch.

    A batch (more than one entity) shows entities ready, skipped (with the reason), failed and remaining; the steps of its
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
            skipped = getattr(record, "skipped", None)
            if skipped is not None and batch.total > 1:  # said above the bar: the summary repeats it
                self.console.print(f"  [yellow]{escape(getattr(record, 'entity', ''))} · omitida: {escape(skipped)}[/yellow]")
            self._advance(batch)
        elif self.bar is None:
            entity = getattr(record, "entity", "")
            self.console.print(f"  [dim]{entity}[/dim] · {escape(record.getMessage())}")

    def _advance(self, progress) -> None:
        if progress.total <= 1:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("  Entidades"), BarColumn(), MofNCompleteColumn(),
                TextColumn("· {task.fields[detail]}"), TimeElapsedColumn(),
                console=self.console, transient=False,
            )
            self.task = self.bar.add_task("Entidades", total=progress.total, detail="")
            self.bar.start()
        self.bar.update(self.task, completed=progress.done, detail=progress.detail)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        super().close()


def _summary(report) -> str:
    """Avance del plan en la vigencia: 94,1 % · semáforo: 11 verde, 1 naranja · ..."""
    share = percent(report.plan_year_percent) if report.plan_year_percent is not None else "sin reporte"
    lights = ", ".join(f"{n} {light}" for light, n in report.traffic_lights.items())
    text = f"Avance del plan en la vigencia: {share} · semáforo de indicadores: {lights}"
    if report.inconsistent:
        text += f" · inconsistencias por revisar: {', '.join(report.inconsistent)}"
    return escape(text)


def _fail(console: Console, message: str, code: int, log_file: Path | None = None) -> typer.Exit:
    if message.startswith("Error en "):  # an input error already says it: «Error en el archivo …», once
        console.print(f"[bold red]Error[/bold red]{escape(message.removeprefix('Error'))}", highlight=False)
    else:
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
    if isinstance(exc, (InputError, PeriodError, ApprovalError)):
        return EXIT_INPUT
    if isinstance(exc, DistributionError):
        return EXIT_DISTRIBUTION
    if isinstance(exc, EntitiesFailed):
        if all(isinstance(e, (InputError, PeriodError)) for e in exc.failures.values()):
            return EXIT_INPUT
        if all(isinstance(e, DistributionError) for e in exc.failures.values()):
            return EXIT_DISTRIBUTION
    return EXIT_FAILURE


InputOption = Annotated[
    Path, typer.Option("--input", help="Carpeta de una entidad (con plan.yaml o plan.xlsx) o carpeta de carpetas de entidades.")
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
            _stderr(),
            f"--task-runner «{kind}» no es válido: se esperaba threads, processes o dask.",
            EXIT_INPUT,
        )


def _run_flow(ctx: typer.Context, output: Path, verbose: bool, headline: str, start):
    """Run a flow with progress on stderr and Prefect's log in a file; errors become exit codes.

    `start(flows_module)` starts the flow and returns its reports.
    """
    err = _stderr()
    runtime.prefect_environment()  # before Prefect is imported
    log_file = _log_file(err, output)
    err.print(headline)
    progress_handler = _ProgressHandler(err)
    owns_process = bool(ctx.obj and ctx.obj.get("owns_process"))
    try:
        reports = runtime.run_flows(start, log_file, verbose, owns_process, progress_handler)
    except PipelineError as exc:
        _log_details(log_file, exc)
        if isinstance(exc, EntitiesFailed):  # the entities that were reported, before what failed
            _print_reports(err, exc.reports, None)
        raise _fail(err, str(exc), _exit_code(exc), log_file) from None
    except Exception as exc:  # the edge: anything unexpected becomes a message and exit 1
        with log_file.open("a", encoding="utf-8") as handle:
            traceback.print_exception(exc, file=handle)
        raise _fail(err, f"Falla inesperada: {type(exc).__name__}: {exc}", EXIT_FAILURE, log_file) from None
    finally:
        progress_handler.close()
    return err, log_file, reports


def _log_file(err: Console, output: Path, kind: str = "pei-report") -> Path:
    """A new log file under the output folder (`runtime.log_file`), or exit 1 saying the output
    folder cannot be written."""
    try:
        return runtime.log_file(output, kind)
    except OSError as exc:
        raise _fail(err, f"No se puede escribir en la carpeta de resultados {output}: {exc.strerror or exc}.", EXIT_FAILURE) from None


def _refuse_output_in_input(output: Path, input: Path, command: str) -> None:
    """Exit 2 before anything is written when the results would land among the inputs."""
    from pipeline.runs.folders import output_inside_input

    message = output_inside_input(output, input, command)
    if message:
        raise _fail(_stderr(), message, EXIT_INPUT)


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


def _print_reports(err: Console, reports, log_file: Path | None) -> None:
    """Each entity's result on stderr and its files on stdout; then the log's path, if given."""
    out = Console(highlight=False, soft_wrap=True)
    for report in reports:
        if report.skipped:  # a batch left it out: its plan does not cover the cut
            err.print(f"[yellow]–[/yellow] {escape(report.entity)} · corte {report.period} omitido: {escape(report.skipped)}")
            continue
        completed = " · distribución interrumpida, completada ahora" if getattr(report, "completed", False) else ""
        if getattr(report, "draft", False):
            completed = " · BORRADOR, pendiente de aprobación: no se publicó ni se distribuyó"
        elif getattr(report, "decision", None):
            completed = f" · {report.decision}"
        err.print(f"[green]✓[/green] {escape(report.entity)} · corte {report.period}{completed}")
        if report.plan_year_percent is not None or report.traffic_lights:
            err.print(f"    {_summary(report)}")
        if report.kept and (report.kept / "manifest.json").is_file():  # a draft alone was never a published version
            err.print(f"    Versión publicada anterior guardada en {escape(str(report.kept))}")
        line = _distribution_line(report.distribution)
        if line:
            err.print(f"    {escape(line)}")
        for warning in report.warnings:
            err.print(f"    [yellow]Aviso:[/yellow] {escape(warning)}")
        for line in getattr(report, "stale", ()):
            err.print(f"    [yellow]Corte desactualizado:[/yellow] {escape(line)}")
        for path in report.files:
            out.print(str(path))
    if log_file is not None:
        err.print(f"[dim]Registro de Prefect: {log_file}[/dim]")


def _period_or_exit(period: str | None) -> str | None:
    try:
        return str(parse_period(period)) if period is not None else None
    except PeriodError as exc:
        raise _fail(_stderr(), str(exc), EXIT_INPUT) from None


@app.command(cls=SpanishCommand)
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
    """Genera el corte de cada entidad: presentación, PDF, página web, tablas, datos y manifest.json; luego lo distribuye."""
    period = _period_or_exit(period)
    _check_runner(task_runner)
    _refuse_output_in_input(output, input, "run")
    headline = f"[bold]pei-report[/bold] · entrada {input} · salida {output}" + (f" · corte {period}" if period else "")

    def start(flows):
        runner = flows.task_runner(task_runner, workers, dask_address)
        return flows.quarterly_report.with_options(task_runner=runner)(
            input_dir=str(input), output_dir=str(output), period=period, entity=entity, distribute=distribute
        )

    err, log_file, reports = _run_flow(ctx, output, verbose, headline, start)
    _print_reports(err, reports, log_file)


@app.command(cls=SpanishCommand)
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
    _refuse_output_in_input(output, input, "resend")
    headline = f"[bold]pei-report resend[/bold] · corte {period} · resultados {output}"
    err, log_file, reports = _run_flow(
        ctx, output, verbose, headline,
        lambda flows: flows.resend_report(period=period, input_dir=str(input), output_dir=str(output), entity=entity),
    )
    _print_reports(err, reports, log_file)


NameOption = Annotated[str, typer.Option("--nombre", help="Nombre de quien decide por el comité.")]
RoleOption = Annotated[str | None, typer.Option("--cargo", help="Cargo de quien decide.")]
ActaOption = Annotated[str | None, typer.Option("--acta", help="Acta del comité que decide: «04 de 2024».")]
DateOption = Annotated[str | None, typer.Option("--fecha", help="Fecha de la decisión, 2024-10-08 (por defecto, hoy).")]


def _decide(ctx, verb, input, period, output, entity, nombre, acta, cargo, notes, fecha, verbose) -> None:
    """Run `decide_report`: resume a served run that waits for this cut, else act on the draft on disk."""
    period = _period_or_exit(period)
    missing = (
        "Falta el acta del comité que aprueba (--acta «04 de 2024»): la aprobación queda en el reporte y en el manifest."
        if verb == "aprobar" and not (acta or "").strip() else
        "Falta el motivo del rechazo (--motivo «…»): se envía a la oficina de planeación."
        if verb == "rechazar" and not (notes or "").strip() else None
    )
    if missing:  # before Prefect starts: nothing is read or written
        raise _fail(_stderr(), missing + " No se cambió nada.", EXIT_INPUT)
    _refuse_output_in_input(output, input, verb)
    if _resumed(verb, input, period, output, entity, nombre, acta, cargo, notes, fecha):
        return
    headline = f"[bold]pei-report {verb}[/bold] · corte {period} · resultados {output}"
    err, log_file, reports = _run_flow(
        ctx, output, verbose, headline,
        lambda flows: flows.decide_report(
            decision=verb, period=period, nombre=nombre, input_dir=str(input), output_dir=str(output), entity=entity,
            acta=acta, cargo=cargo, observaciones=notes, fecha=fecha,
        ),
    )
    _print_reports(err, reports, log_file)


def _resumed(verb, input, period, output, entity, nombre, acta, cargo, notes, fecha) -> bool:
    """Resume the served run that waits for this cut's decision, if one does (`pipeline.app.resume`);
    False when none waits and the flow acts on the draft on disk."""
    from pipeline.app.resume import check_unchanged, resume_waiting, waiting_run_of

    run = waiting_run_of(input, output, entity, period)
    if run is None:
        return False
    err = _stderr()
    if verb == "aprobar":  # refused here, the run keeps waiting; resumed, it would fail on it
        try:
            check_unchanged(input, output, entity, period, run)
        except PipelineError as exc:
            raise _fail(err, str(exc), _exit_code(exc)) from None
    runtime.prefect_environment()
    err.print(f"[bold]pei-report {verb}[/bold] · corte {period} · la ejecución {run['id']} de pei-report serve espera "
              "esta decisión: se reanuda con ella")
    answer = {"decision": verb, "nombre": nombre, "acta": acta, "cargo": cargo, "observaciones": notes, "fecha": fecha}
    try:
        state = resume_waiting(run, answer)
    except PipelineError as exc:
        raise _fail(err, str(exc), _exit_code(exc)) from None
    if state is None:
        return False
    if state["type"] != "COMPLETED" and state["name"] != "Paused":
        raise _fail(err, state["message"] or f"La ejecución {run['id']} terminó en estado {state['name']}.", EXIT_FAILURE)
    err.print(f"[green]✓[/green] corte {period}: {'aprobado, publicado y distribuido' if verb == 'aprobar' else 'rechazado, no se publicó nada'} "
              f"por la ejecución {run['id']}")
    return True


@app.command(cls=SpanishCommand)
def aprobar(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="Corte cuyo borrador se aprueba: 2024-T3.")],
    nombre: NameOption,
    acta: ActaOption = None,
    input: InputOption = Path("inputs"),
    output: OutputOption = Path("outputs"),
    entity: EntityOption = None,
    cargo: RoleOption = None,
    observaciones: Annotated[str | None, typer.Option("--observaciones", help="Observaciones del comité.")] = None,
    fecha: DateOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Aprueba el borrador de un corte: lo genera de nuevo con los mismos datos, sin la marca, lo publica y lo distribuye."""
    _decide(ctx, "aprobar", input, period, output, entity, nombre, acta, cargo, observaciones, fecha, verbose)


@app.command(cls=SpanishCommand)
def rechazar(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="Corte cuyo borrador se rechaza: 2024-T3.")],
    nombre: NameOption,
    motivo: Annotated[str | None, typer.Option("--motivo", help="Por qué se rechaza: se envía a la oficina de planeación.")] = None,
    input: InputOption = Path("inputs"),
    output: OutputOption = Path("outputs"),
    entity: EntityOption = None,
    cargo: RoleOption = None,
    acta: ActaOption = None,
    fecha: DateOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Rechaza el borrador de un corte: no se publica nada y la oficina recibe el motivo."""
    _decide(ctx, "rechazar", input, period, output, entity, nombre, acta, cargo, motivo, fecha, verbose)


@app.command(cls=SpanishCommand)
def publicacion(
    carpeta: Annotated[
        Path, typer.Option("--carpeta", help="Carpeta de publicación (la de carpeta_publicacion), con <entidad>/<periodo>/ dentro.")
    ] = Path("publicacion"),
) -> None:
    """Reconstruye el índice de la carpeta de publicación (index.html, una página por entidad,
    novedades.xml y catalogo.json) a partir de los cortes que contiene."""
    from pipeline.delivery.distribution import published_portal_cuts, write_portal
    from pipeline.errors import PublishError

    err = _stderr()
    if not carpeta.is_dir():
        raise _fail(err, f"La carpeta de publicación {carpeta} no existe: indique con --carpeta la carpeta de "
                         "carpeta_publicacion (la que tiene <entidad>/<periodo>/ dentro).", EXIT_FAILURE)
    try:
        write_portal(carpeta)
    except (OSError, PublishError) as exc:
        raise _fail(err, f"No se pudo reconstruir el índice de {carpeta}: {getattr(exc, 'strerror', None) or exc}", EXIT_FAILURE) from None
    cuts = published_portal_cuts(carpeta)
    listed = [c for c in cuts if c.listed]
    drafts = len(cuts) - len(listed)
    sectors = [c for c in listed if c.sector]
    listed = [c for c in listed if not c.sector]
    entities, sector_ids = len({c.slug for c in listed}), len({c.slug for c in sectors})
    out = Console(highlight=False, soft_wrap=True, markup=False)
    out.print(
        f"Índice de {carpeta} reconstruido: {len(listed)} {'corte' if len(listed) == 1 else 'cortes'} de {entities} "
        f"{'entidad' if entities == 1 else 'entidades'}"
        + (f" y {len(sectors)} {'corte consolidado' if len(sectors) == 1 else 'cortes consolidados'} de {sector_ids} "
           f"{'sector' if sector_ids == 1 else 'sectores'} (el distrito incluido)" if sectors else "")
        + (f" ({drafts} {'borrador sin listar' if drafts == 1 else 'borradores sin listar'})" if drafts else "")
        + f". Páginas: {carpeta / 'index.html'}, novedades.xml y catalogo.json."
    )


@app.command(cls=SpanishCommand)
def plantilla(
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Carpeta de una entidad o carpeta de carpetas de entidades (por defecto inputs). Con --plan: "
            "la carpeta de una entidad cuyo plan se copia al libro (sin ella, el libro sale vacío).",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Corte de la plantilla de seguimiento: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3)."),
    ] = None,
    output: OutputOption = Path("outputs"),
    por_responsable: Annotated[
        bool, typer.Option("--por-responsable", help="Un libro por dependencia responsable, cada uno con solo sus indicadores.")
    ] = False,
    plan: Annotated[
        bool, typer.Option("--plan", help="Escribe plan.xlsx: el plan como libro de Excel, vacío o con el plan de --input.")
    ] = False,
    entity: EntityOption = None,
) -> None:
    """Escribe la plantilla de Excel del seguimiento de un corte (a partir del plan y de lo ya reportado) o, con --plan, la del plan (plan.xlsx)."""
    if plan:
        if period is not None or por_responsable or entity:
            raise _fail(
                _stderr(), "--plan escribe el libro del plan: no lleva --period, --por-responsable ni --entity.", EXIT_INPUT
            )
        _plan_template(input, output)
        return
    if period is None:
        raise _fail(
            _stderr(),
            "Indique el corte de la plantilla de seguimiento con --period (por ejemplo --period 2024-T3), "
            "o --plan para la plantilla del plan.",
            EXIT_INPUT,
        )
    _write_templates(input if input is not None else Path("inputs"), period, output, por_responsable, entity)


def _write_templates(input: Path, period: str, output: Path, per_dependency: bool, entity: str | None = None) -> None:
    """Write the templates and print them; invalid input is exit status 2, as in `run`."""
    from pipeline.errors import PublishError
    from pipeline.workbooks.template_files import write_templates

    err = _stderr()
    try:
        written = write_templates(input, period, output, per_dependency, entity)
    except (InputError, PeriodError) as exc:
        raise _fail(err, str(exc), EXIT_INPUT) from None
    except (PublishError, OSError) as exc:
        raise _fail(err, f"No se pudo escribir la plantilla en {output}: {exc}", EXIT_FAILURE) from None
    for warning in written.warnings:
        err.print(f"[yellow]Aviso:[/yellow] {escape(warning)}")
    for path, kept in written.kept:  # someone may have typed into the one replaced
        err.print(escape(f"Ya había una plantilla {path.name}: la anterior se guardó en {kept}."))
    out = Console(highlight=False, soft_wrap=True)
    for path in written.files:
        out.print(str(path))
    for step in written.next_steps:  # on stderr: stdout stays the list of files written
        err.print(escape(step))


@app.command(cls=SpanishCommand)
def validar(
    input: InputOption = Path("inputs"),
    period: Annotated[
        str | None,
        typer.Option("--period", help="Corte que se revisa: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3). Por defecto, el que elegiría run."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", help="Carpeta de resultados: las copias marcadas quedan en <entidad>/revision/.")
    ] = Path("outputs"),
    entity: EntityOption = None,
) -> None:
    """Revisa plan.yaml, configuracion.yaml y el seguimiento de cada entidad sin generar ni publicar nada: lista todos los problemas, marca las celdas con problemas en una copia de cada libro y dice qué indicadores no tienen reporte."""
    from pipeline.workbooks.annotate import REVISION_FOLDER, revision_path, write_revision
    from pipeline.workbooks.validation import check_entities, check_lines, check_sectors, closing_line

    err = _stderr()
    period = _period_or_exit(period)
    _refuse_output_in_input(output, input, "validar")
    try:
        checks = check_entities(input, period, entity)
        sectors = check_sectors(input)
    except (InputError, PeriodError) as exc:
        raise _fail(err, str(exc), EXIT_INPUT) from None
    except Exception as exc:  # the edge: a bug is a message and exit 1, never a traceback
        raise _fail(err, f"Falla inesperada: {type(exc).__name__}: {exc}", EXIT_FAILURE) from None
    out = Console(highlight=False, soft_wrap=True, markup=False)
    marked = False
    for check in checks:
        target = output / check.entity.slug / REVISION_FOLDER
        try:
            written = write_revision(check.entity.folder, target, check.problems, check.warnings)
        except OSError as exc:
            raise _fail(err, f"No se pudieron escribir las copias marcadas en {target}: {exc.strerror or exc}.", EXIT_FAILURE) from None
        except Exception as exc:
            raise _fail(err, f"Falla inesperada al marcar las copias en {target}: {type(exc).__name__}: {exc}", EXIT_FAILURE) from None
        copies = {Path(p.file): target / revision_path(Path(p.file), check.entity.folder) for p in check.problems}
        marked = marked or any(v in written for v in copies.values())
        out.print("\n".join(check_lines(check, {k: v for k, v in copies.items() if v in written})))
        if check.ok:
            out.print("  Nada que revisar: no hay copias marcadas para esta entidad.")
        out.print()
    options = (
        (f" --input {shlex.quote(str(input))}" if input != Path("inputs") else "")
        + (f" --output {shlex.quote(str(output))}" if output != Path("outputs") else "")
        + (f" --entity {shlex.quote(entity)}" if entity else "")
    )
    if sectors is not None:
        out.print(str(sectors))
        out.print()
    if sectors is None or not all(c.ok for c in checks):
        out.print(closing_line(checks, options, marked, period))
    if sectors is not None:
        count = len(sectors.problems)
        again = suggest("validar" + options + (f" --period {period}" if period else ""))
        out.print(f"Hay {count} {'problema' if count == 1 else 'problemas'} por corregir en {sectors.file}: "
                  f"{'corríjalo' if count == 1 else 'corríjalos'} y vuelva a ejecutar `{again}`.")
    if not all(c.ok for c in checks) or sectors is not None:
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=SpanishCommand)
def consolidar(
    period: Annotated[str, typer.Option("--period", help="Corte que se consolida: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3).")],
    input: InputOption = Path("inputs"),
    output: OutputOption = Path("outputs"),
    distribute: Annotated[
        bool, typer.Option("--distribute/--no-distribute", help="Copiar cada consolidado a la carpeta de publicación de la entidad cabeza.")
    ] = True,
) -> None:
    """Rehace el reporte consolidado de cada sector de sectores.yaml a partir de los cortes ya publicados de sus entidades, sin volver a generarlas."""
    from pipeline.errors import PublishError
    from pipeline.ingest.sectors import SECTORS_FILE
    from pipeline.runs.consolidation import consolidate_sectors, grouping_of

    err = _stderr()
    period = _period_or_exit(period)
    _refuse_output_in_input(output, input, "consolidar")
    try:
        grouping, entities = grouping_of(input)
        if grouping is None:
            raise InputError.single(
                input / SECTORS_FILE, "que el archivo no existe", "sectores.yaml, con los sectores y sus entidades",
                hint="Escríbalo en la carpeta de --input como dice docs/ti/servicio.md («Sectores y distrito: reportes consolidados»).",
            )
        reports = consolidate_sectors(input, output, period, grouping=grouping, entities=entities, distribute=distribute)
    except InputError as exc:
        raise _fail(err, str(exc), EXIT_INPUT) from None
    except (PublishError, OSError) as exc:
        raise _fail(err, f"No se pudo escribir el consolidado en {output}: {exc}", EXIT_FAILURE) from None
    out = Console(highlight=False, soft_wrap=True, markup=False)
    for report in reports:
        out.print(report.summary)
        for path in report.files:
            out.print(f"  {path}")


@app.command(cls=SpanishCommand)
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
    from pipeline.app import service

    _check_runner(task_runner)
    _refuse_output_in_input(output, input, "serve")  # its runs would refuse it (`pipeline.runs.folders`)
    service.serve_environment(os.environ, task_runner, workers, dask_address, input, output)
    err = _stderr()
    api_url = api_url or os.environ.get("PREFECT_API_URL")
    server_log = _log_file(err, output, "prefect-server")
    try:
        with service.serving(api_url, port, server_log) as url:
            err.print(f"[bold]pei-report serve[/bold] · servidor de Prefect {url} · interfaz {url.removesuffix('/api')}")
            err.print(f"  Programación «{cron}» (America/Bogota) · entrada {input} · salida {output}. Ctrl+C para detener.")
            import flows

            _watch_for_crashes(err, service.watch_for_crashes())
            stop = _notify_crashed_runs(flows)
            try:
                _complete_interrupted(err, flows, input, output)
                service.serve_deployments(flows, input, output, cron)
            finally:
                stop.set()
    except service.ServerError as exc:
        raise _fail(err, str(exc), EXIT_FAILURE) from None


def _watch_for_crashes(err: Console, watch: tuple[int, str] | None) -> None:
    """Say how the server marks a silent run Crashed (`service.watch_for_crashes`), or that it cannot."""
    if watch is None:
        err.print(
            "  [yellow]Aviso:[/yellow] las ejecuciones no envían latidos (PREFECT_FLOWS_HEARTBEAT_FREQUENCY "
            "vacío): una ejecución cuyo proceso muera con este servicio quedará «Running» en Prefect."
        )
        return
    after, done = watch
    err.print(f"  Ejecuciones sin latido durante {after} s pasan a Crashed (automatización {done} en el servidor).")


def _notify_crashed_runs(flows) -> threading.Event:
    """Watch, while serving, for runs the server's automation marks Crashed, and send their
    failure notice (`crashes.watch_crashed_runs`); returns the event that stops the watch."""
    from pipeline.app.crashes import watch_crashed_runs

    stop = threading.Event()
    watch_crashed_runs(flows.notify_crashed, stop)
    return stop


def _complete_interrupted(err: Console, flows, input: Path, output: Path) -> None:
    """At start-up, complete the distributions a crash left pending (`pipeline.delivery.recovery`);
    serving goes on whatever happens to them."""
    from pipeline.delivery.recovery import find_pending

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


def _plan_template(input: Path | None, output: Path) -> None:
    """`plantilla --plan`: output/plan.xlsx, empty; or output/<entity>/plan.xlsx holding the plan of
    the entity folder `input` (beside the entity's other outputs, so several never collide)."""
    from pipeline.ingest import find_entities
    from pipeline.ingest.plan import PLAN_WORKBOOK, plan_data
    from pipeline.workbooks.plan_workbook import write_plan_workbook

    err = _stderr()
    try:
        if input is None:
            data, path = None, output / PLAN_WORKBOOK
        else:
            entities = find_entities(input)
            if len(entities) > 1 or entities[0].folder != input:
                raise _fail(
                    err,
                    f"--input {input} es una carpeta de carpetas de entidades; --plan copia el plan de una sola: "
                    f"indique la carpeta de una entidad, como --input {entities[0].folder}.",
                    EXIT_INPUT,
                )
            data, path = plan_data(input), output / entities[0].slug / PLAN_WORKBOOK
        path = write_plan_workbook(path, data)
    except PipelineError as exc:
        raise _fail(err, str(exc), _exit_code(exc)) from None
    what = f"con el plan de {input}" if input is not None else "vacío, para llenar"
    err.print(f"[green]✓[/green] Libro del plan {escape(what)} (las instrucciones están en la hoja «Instrucciones»)")
    Console(highlight=False, soft_wrap=True).print(str(path))


def main() -> None:
    """Entry point of the `pei-report` console script."""
    runtime.tune_gc()
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
