"""Prefect flows of the quarterly report. Wiring only: every step's work is in `pipeline`.

`quarterly_report` reports every entity an input folder holds, one mapped `report_entity` task
each; the steps of an entity's cut are nested tasks. After publishing, a cut is distributed
(publication folder, e-mail) and recorded in Prefect (a Markdown summary, links to the files).
`resend_report` distributes an already published cut again without regenerating it. Both then
complete the entity's distributions that a killed run left pending (`pipeline.recovery`), as
`complete_distributions` does for `pei-report serve` at start-up.
A run ends Failed with a `PipelineError`'s Spanish message (no traceback), and a deployment's
failed run e-mails the planning office of each entity it did not report (`_notify_failure`).
`deployments()` serves both on a real server, the quarterly one on a schedule in Bogotá time.
The "Args:" of the deployed flows are in Spanish: Prefect reads them into the parameter schema,
and its UI shows them on the custom-run form.
Tasks load, call the core, and return; none of them holds business rules. The outputs are
those `pipeline.outputs.OUTPUTS` declares, each rendered as a task named for it; which of them
are distributed, and the manifest's record of their distribution, are `pipeline.outputs` and
`pipeline.distribution`'s to say. With no `PREFECT_API_URL`, Prefect runs these on its embedded
temporary server.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.futures import as_completed
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError, MissingResult
from prefect.logging.loggers import flow_run_logger
from prefect.settings import PREFECT_UI_URL
from prefect.states import Failed

from pipeline import versions
from pipeline.attainment import PlanResult, plan_attainment, plan_series
from pipeline.changes import Comparison, StaleCut, compare, fingerprints, previous_cut, stale_cuts
from pipeline.distribution import (
    PENDING,
    Attachment,
    Sent,
    as_distribution_error,
    build_message,
    copied,
    copy_failed,
    copy_to_publication,
    distribution_record,
    email_failed,
    email_not_configured,
    email_sent,
    failed_after_publishing,
    load_credentials,
    not_configured_record,
    publication_folder,
    send,
    sender_address,
    status_at_publishing,
    template_fields,
    Names,
    PlanNames,
    plan_record,
)
from pipeline.errors import DistributionError, EntitiesFailed, FolderNotAllowed, InputError, PipelineError, Problem, UnexpectedFailure
from pipeline.folders import Roots, confine, served_roots
from pipeline.ingest import Entity, find_entities, load_inputs, load_plan, load_settings, select_entities
from pipeline.ingest.plan import PLAN_FILE, PLAN_WORKBOOK
from pipeline.ingest.settings import SETTINGS_FILE
from pipeline.ingest.source import Source
from pipeline.ingest.execution import nothing_reported, reported_quarters, reporters_at
from pipeline.model import Plan
from pipeline.notices import FailedRun, claim_notice, reason, send_failure_notice
from pipeline.outputs import OUTPUTS, Deliverables, Output, Rendering, cut_tables, deliverables, render_order
from pipeline.periods import BOGOTA, Cut, PeriodError, choose_cut, last_closed_quarter, parse_period
from pipeline.publish import (
    MANIFEST_FILE,
    Artifact,
    Publication,
    cut_folder,
    cut_lock,
    history_folder,
    input_record,
    prune_history,
    manifest_bytes,
    publish,
    read_published,
    update_manifest,
)
from pipeline.published import Published, read_entity_cuts
from pipeline.recovery import find_pending, in_progress, pending_text, still_pending
from pipeline.document import Document, build_document
from pipeline.report import Report, lay_out
from pipeline.run_log import hide_pipeline_tracebacks
from pipeline.runtime import tune_gc
from pipeline.service import QUARTERLY_CRON, RUNNERS
from pipeline.settings import Email, History, Settings
from pipeline.summary import attainment_markdown

PROGRESS = logging.getLogger("pei_report.progress")
"""Step-by-step progress for the command line (a rich handler shows it); not Prefect's log."""


@dataclass(frozen=True)
class EntityReport:
    """What one entity's run produced."""

    slug: str
    entity: str
    period: str
    folder: Path
    files: list[Path] = field(default_factory=list)
    plan_year_percent: float | None = None
    traffic_lights: dict[str, int] = field(default_factory=dict)
    inconsistent: list[str] = field(default_factory=list)
    kept: Path | None = None
    distribution: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    completed: bool = False  # an interrupted distribution this run completed (`pipeline.recovery`)
    stale: tuple[str, ...] = ()  # published cuts the current inputs would change, with the command that regenerates each


def _step(entity: Entity, text: str) -> None:
    """A step for the command line's progress and for the run's log in Prefect."""
    PROGRESS.info(text, extra={"entity": entity.slug})
    _run_log(f"[{entity.slug}] {text}")


def _run_log(text: str) -> None:
    try:
        get_run_logger().info(text)
    except MissingContextError:  # called outside a run (a test of a task's .fn)
        pass


def _now() -> datetime:
    return datetime.now(BOGOTA)


@task(name="Leer configuración del reporte", cache_policy=NO_CACHE)
def read_settings(folder: Path) -> Settings:
    return load_settings(folder)


@dataclass(frozen=True)
class Inputs:
    """An entity's validated inputs, the cut to report and what the office should be told."""

    plan: Plan
    settings: Settings
    source: Path
    execution: pd.DataFrame
    cut: Cut
    warnings: tuple[Problem, ...] = ()
    suspect_fractions: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()  # the input files as they were read, for the manifest


@task(name="Leer y validar plan, configuración y seguimiento", cache_policy=NO_CACHE)
def read_inputs(entity: Entity, period: str | None, today: date | None = None) -> Inputs:
    plan_name = PLAN_WORKBOOK if (entity.folder / PLAN_WORKBOOK).exists() else PLAN_FILE
    _step(entity, f"Leyendo y validando {plan_name}, {SETTINGS_FILE} y el seguimiento")
    read = load_inputs(entity.folder)
    plan, execution = read.plan, read.execution
    choice = choose_cut(
        period, plan.vigencia, plan.period, reported_quarters(execution.table), today or _now().date()
    )
    cut = choice.cut
    for line in choice.explained(reporters_at(execution.table, cut.year, cut.quarter), len(plan.indicators)):
        _step(entity, line)
    empty = nothing_reported(execution, cut.year, cut.quarter)
    warnings = (*read.warnings, *([empty] if empty else []))
    for warning in warnings:
        _warn(entity, warning)
    return Inputs(
        plan, read.settings, execution.path, execution.table, cut, warnings, execution.suspect_fractions,
        read.sources,
    )


def _warn_text(entity: Entity, text: str) -> None:
    PROGRESS.warning(text, extra={"entity": entity.slug})
    try:
        get_run_logger().warning(f"[{entity.slug}] {text}")
    except MissingContextError:
        pass


def _warn(entity: Entity, problem: Problem) -> None:
    """A warning about the inputs, in the run's log (the command line and the manifest list them
    with the entity's results)."""
    try:
        get_run_logger().warning(f"[{entity.slug}] Aviso en {_warning_text(problem)}")
    except MissingContextError:
        pass


@task(name="Leer los cortes ya publicados de la entidad", cache_policy=NO_CACHE)
def read_published_cuts(entity: Entity, output_dir: Path) -> Published:
    published = read_entity_cuts(output_dir, entity.slug)
    for line in published.unreadable:
        _warn_text(entity, line)
    return published


@dataclass(frozen=True)
class Computed:
    result: PlanResult
    tables: dict[str, pd.DataFrame]  # avance, objetivos, cambios and serie, before they are CSV
    document: Document
    report: Report
    comparison: Comparison | None = None
    stale: tuple[StaleCut, ...] = ()


@task(name="Calcular avance, cambios, tablas y contenido del reporte", cache_policy=NO_CACHE)
def compute_report(inputs: Inputs, published: Published = Published()) -> Computed:
    """The cut's figures, its comparison with the previous cut (as published, where it was) and
    the other published cuts the current inputs would change."""
    plan, execution, settings, cut = inputs.plan, inputs.execution, inputs.settings, inputs.cut
    series = plan_series(plan, execution, cut, settings.bands)  # every quarter up to the cut, once
    result = series[-1]
    before = previous_cut(cut, plan.period)
    comparison = compare(plan, execution, cut, settings.bands, published.at(before) if before else None, result)
    tables = cut_tables(plan, series, comparison)
    document = build_document(plan, execution, result, settings.bands, inputs.suspect_fractions, settings.review,
                              comparison=comparison, series=series)
    stale = stale_cuts(plan, execution, settings.bands, published.cuts, cut)
    return Computed(result, tables, document, lay_out(document, settings.theme), comparison, stale)


def stale_lines(entity: Entity, stale: tuple[StaleCut, ...], output_dir: Path) -> tuple[str, ...]:
    """Each stale cut as the office reads it, with the command that regenerates it.

    Hook for the approval work: a stale cut that is regenerated will need approving again
    (`StaleCut.needs_approval`); this is where that will be said and recorded.
    """
    lines = []
    for s in stale:
        shown = ", ".join(s.indicators[:5]) + (f" y {len(s.indicators) - 5} más" if len(s.indicators) > 5 else "")
        lines.append(
            f"El corte {s.cut} ya publicado cambiaría con los datos de hoy ({shown}); regenérelo con "
            f"pei-report run --input {entity.folder} --period {s.cut} --output {output_dir}"
        )
    return tuple(lines)


@task(name="Generar salida", cache_policy=NO_CACHE)
def render_output(output: Output, rendering: Rendering) -> tuple[Artifact, ...]:
    return output.artifacts(rendering)


@functools.cache
def _render_step(output: Output):
    """`render_output` as a task named for the output (Generar reporte PDF, ...)."""
    return render_output.with_options(name=output.step)


def _render(step, rendering: Rendering) -> list[Artifact]:
    """Every registered output's files, in publication order; each output rendered after the
    outputs it needs, and given only theirs."""
    rendered: dict[str, tuple[Artifact, ...]] = {}
    for output in render_order(OUTPUTS):
        given = replace(rendering, rendered={key: rendered[key] for key in output.needs})
        rendered[output.key] = step(_render_step(output))(output, given)
    return [artifact for output in OUTPUTS for artifact in rendered[output.key]]


@task(name="Publicar resultados", cache_policy=NO_CACHE)
def publish_outputs(
    entity: Entity,
    plan: Plan,
    cut: Cut,
    sources: list[Source],
    artifacts: list[Artifact],
    output_dir: Path,
    distribution: dict[str, Any],
    warnings: tuple[Problem, ...] = (),
    retention: History = History(),
    comparable: dict[str, Any] | None = None,
) -> Publication:
    """`comparable`: the plan's and the semáforo's fingerprints (`pipeline.changes.fingerprints`),
    which a later cut's comparison checks."""
    manifest = manifest_bytes(
        entity={"slug": entity.slug, "name": plan.entity},
        period=str(cut),
        generated_at=_now(),
        inputs=[input_record(s.path, s.size, s.sha256, Path.cwd()) for s in sources],
        outputs=artifacts,
        versions=versions(),
        extra={
            **(comparable or {}), "plan": {**plan_record(plan), **(comparable or {}).get("plan", {})},
            "distribution": distribution, "warnings": [_warning_record(w) for w in warnings],
        },
    )
    target = cut_folder(output_dir, entity.slug, cut)
    history = history_folder(output_dir, entity.slug, str(cut))
    publication = publish(target, [*artifacts, Artifact(MANIFEST_FILE, manifest)], history)
    try:
        prune_history(history, retention.keep, retention.max_age_days)
    except OSError as exc:  # the cut is published; an untidy history is not worth failing it
        _warn_text(entity, f"No se pudieron borrar versiones antiguas del historial {history} ({exc.strerror or exc}).")
    return publication


def _warning_text(problem: Problem) -> str:
    where = problem.where()
    return f"{problem.place()}{', ' + where if where else ''}: {problem.sentence()}"


def _warning_record(problem: Problem) -> dict[str, Any]:
    """A warning about the inputs as the manifest keeps it."""
    record = {
        "file": str(problem.file) if problem.file else None,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "column_letter": problem.column_letter,
        "found": problem.found,
        "expected": problem.expected,
        "hint": problem.hint,
    }
    return {k: v for k, v in record.items() if v is not None}


def _artifact_key(slug: str, cut: Cut) -> str:
    """Prefect artifact keys: lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", f"pei-{slug}-{cut}".lower()).strip("-")


@task(name="Registrar resumen y enlaces en Prefect", cache_policy=NO_CACHE)
def record_artifacts(
    entity: Entity, plan: Plan, result: PlanResult, document: Document, files: list[Path], folder: Path,
    stale: tuple[str, ...] = (),
) -> None:
    create_markdown_artifact(
        markdown=attainment_markdown(document, stale),
        key=_artifact_key(entity.slug, result.cut),
        description=f"Avance del {plan.acronym} de {plan.entity} al corte {result.cut}",
    )
    for path in files:
        name = path.relative_to(folder).as_posix()
        create_link_artifact(link=path.resolve().as_uri(), link_text=name, description=f"{entity.slug} {result.cut}")


@task(name="Copiar a la carpeta de publicación", cache_policy=NO_CACHE)
def copy_to_publication_folder(source: Path, names: list[str], folder: Path) -> list[Path]:
    copies = copy_to_publication(source, names, folder)
    for name, path in zip(names, copies):
        create_link_artifact(link=path.resolve().as_uri(), link_text=f"Publicado: {name}")
    return copies


def _is_transient(task, task_run, state) -> bool:
    """Retry only what may pass on its own (server down or busy), not a wrong configuration."""
    return bool(getattr(state.data, "transient", False))


@task(name="Enviar el reporte por correo", cache_policy=NO_CACHE, retry_condition_fn=_is_transient)
def send_report_email(email: Email, fields: dict[str, str], files: list[Path]) -> Sent:
    credentials = load_credentials(email)
    sender = sender_address(email, credentials)
    message = build_message(email, sender, fields, [Attachment(p.name, p.read_bytes()) for p in files])
    return send(message, credentials)


@task(name="Actualizar manifest.json con la distribución", cache_policy=NO_CACHE)
def record_distribution(folder: Path, distribution: dict[str, Any]) -> None:
    update_manifest(folder, distribution=distribution)


def _distribute(
    slug: str, names: Names, cut: Cut, target: Path, outputs: Deliverables, settings: Settings, output_dir: Path
) -> tuple[dict[str, Any], DistributionError | None]:
    """Copy a published cut's distributed outputs to the publication folder and e-mail its
    distributed single files (`pipeline.outputs`); never raises.

    Returns the manifest's record of what happened (`pipeline.distribution`) and the first
    error, if any.
    """
    distribution, email = settings.distribution, settings.distribution.email
    started = _now()
    errors: list[DistributionError] = []
    publication = None
    if distribution.folder is not None:
        try:
            folder = publication_folder(distribution.folder, output_dir, slug, cut, confined=distribution.folder_confined)
        except DistributionError as exc:  # the entity's folder leads outside the publication root
            errors.append(exc)
            publication = copy_failed(distribution.folder, exc)
        else:
            state = copy_to_publication_folder(target, list(outputs.copied), folder, return_state=True)
            if state.is_completed():
                publication = copied(folder, outputs.copied)
            else:
                errors.append(as_distribution_error(state.result(raise_on_failure=False)))
                publication = copy_failed(folder, errors[-1])
    if not email.active:
        sending = email_not_configured()
    else:
        send_with_retries = send_report_email.with_options(retries=email.retries, retry_delay_seconds=email.retry_delay_seconds)
        attached = [target / name for name in outputs.attached]
        state = send_with_retries(email, template_fields(names, slug, cut), attached, return_state=True)
        if state.is_completed():
            sending = email_sent(state.result(), _now())
        else:
            errors.append(as_distribution_error(state.result(raise_on_failure=False)))
            sending = email_failed(email, errors[-1])
    return distribution_record(started, publication, sending), (errors[0] if errors else None)


def _as_step(step_runs: bool):
    """How report_entity calls a step task: as a task run of its own, or as a plain function.

    A task run costs a few calls to the Prefect server and some client work. For one entity
    that is nothing and the run shows each step; in a batch of 60 entities in processes, the
    six step runs per entity made the server the bottleneck (63 s against 51 s without them).
    """
    return (lambda step: step) if step_runs else (lambda step: step.fn)


@task(name="Reportar entidad", task_run_name="reportar-{entity.slug}", cache_policy=NO_CACHE)
def report_entity(
    entity: Entity, output_dir: Path, period: str | None = None, distribute: bool = True, step_runs: bool = True
) -> EntityReport:
    """One entity's cut: read and validate, compute, render, publish atomically, distribute.

    With `step_runs`, each step up to the artifacts is a task run of its own; without it, the
    steps run inside this task run and show in its log (distribution steps are task runs
    either way: the e-mail's retries are Prefect's).
    """
    hide_pipeline_tracebacks()  # in this task's process, which may not be the flow's
    step = _as_step(step_runs)
    inputs = step(read_inputs)(entity, period)
    plan, settings, cut = inputs.plan, inputs.settings, inputs.cut
    published = step(read_published_cuts)(entity, output_dir)
    _step(entity, f"Calculando el avance al corte {cut} y los cambios desde el corte anterior")
    computed = step(compute_report)(inputs, published)
    result = computed.result
    stale = stale_lines(entity, computed.stale, output_dir)
    _step(entity, "Generando la presentación, el PDF, las tablas y la página web")
    rendering = Rendering(entity.slug, cut, settings, plan, result, computed.report, computed.tables, computed.document)
    artifacts = _render(step, rendering)
    target = cut_folder(output_dir, entity.slug, cut)
    status = status_at_publishing(settings.distribution, distribute)
    with cut_lock(target):  # one run at a time publishes, keeps history and distributes this cut
        _step(entity, f"Publicando en {target}")
        publication = step(publish_outputs)(
            entity, plan, cut, list(inputs.sources), artifacts, output_dir, {"status": status}, inputs.warnings,
            settings.history, fingerprints(plan, settings.bands),
        )
        if publication.kept:
            _step(entity, f"Los archivos anteriores del corte quedaron en {publication.kept}")
        for line in stale:  # the command line prints them with the entity's results
            _run_log(f"[{entity.slug}] {line}")
        step(record_artifacts)(entity, plan, result, computed.document, publication.files, target, stale)
        distribution, error = {"status": status}, None
        if status == PENDING:
            _step(entity, "Distribuyendo: carpeta de publicación y correo")
            published = deliverables(((a.name, a.output) for a in artifacts), OUTPUTS)
            distribution, error = _distribute(entity.slug, plan, cut, target, published, settings, output_dir)
            record_distribution(target, distribution)
    if error is not None:
        raise failed_after_publishing(entity.slug, cut, target, error)
    return EntityReport(
        slug=entity.slug,
        entity=plan.entity,
        period=str(cut),
        folder=target,
        files=publication.files,
        plan_year_percent=result.overall.year.percent,
        traffic_lights={light.label: n for light, n in result.light_counts(settings.bands.levels).items() if n},
        inconsistent=result.inconsistent(),
        kept=publication.kept,
        distribution=distribution,
        warnings=tuple(_warning_text(w) for w in inputs.warnings),
        stale=stale,
    )


@task(name="Reenviar entidad", task_run_name="reenviar-{entity.slug}", cache_policy=NO_CACHE)
def resend_entity(entity: Entity, output_dir: Path, period: str) -> EntityReport:
    """Distribute a published cut again, as it is on disk (checked against its manifest)."""
    hide_pipeline_tracebacks()  # in this task's process, which may not be the flow's
    settings = read_settings(entity.folder)
    if not settings.distribution.active:
        raise DistributionError(
            f"La entidad {entity.slug} no tiene distribución configurada: agregue carpeta_publicacion "
            f"o destinatarios en la sección distribucion de {entity.folder / SETTINGS_FILE}."
        )
    cut = parse_period(period)
    with cut_lock(cut_folder(output_dir, entity.slug, cut)):
        return _redistribute(entity, settings, cut, output_dir)


def _redistribute(entity: Entity, settings: Settings, cut: Cut, output_dir: Path) -> EntityReport:
    """Distribute a published cut as it is on disk; the caller holds the cut's lock."""
    target = cut_folder(output_dir, entity.slug, cut)
    _step(entity, f"Verificando los archivos publicados en {target}")
    manifest, files = read_published(target)
    _step(entity, "Distribuyendo: carpeta de publicación y correo")
    names = _published_names(manifest, entity)
    name = names.entity
    published = deliverables(((str(r["path"]), r.get("output")) for r in manifest["outputs"]), OUTPUTS)
    distribution, error = _distribute(entity.slug, names, cut, target, published, settings, output_dir)
    record_distribution(target, distribution)
    if error is not None:
        raise failed_after_publishing(entity.slug, cut, target, error)
    return EntityReport(slug=entity.slug, entity=name, period=str(cut), folder=target, files=files, distribution=distribution)


def _published_names(manifest: dict[str, Any], entity: Entity) -> Names:
    """The entity and plan a published cut's e-mail names, as its manifest recorded them; a
    manifest written before it recorded the plan's title and sigla: the entity's plan as it is now."""
    plan = manifest.get("plan")
    name = manifest.get("entity", {}).get("name")
    if isinstance(plan, dict) and plan.get("title") and plan.get("acronym") and name:
        return PlanNames(name, plan["title"], plan["acronym"])
    return load_plan(entity.folder)


@task(name="Completar distribución interrumpida", task_run_name="completar-{entity.slug}-{period}", cache_policy=NO_CACHE)
def complete_distribution(entity: Entity, output_dir: Path, period: str) -> EntityReport | None:
    """Complete a distribution a crash left pending (see `pipeline.recovery`), as a resend does.

    None when it is no longer pending: another run completed or replaced it meanwhile.
    """
    hide_pipeline_tracebacks()
    cut = parse_period(period)
    target = cut_folder(output_dir, entity.slug, cut)
    with cut_lock(target):
        if not still_pending(target):
            return None
        settings = read_settings(entity.folder)
        if not settings.distribution.active:  # distribution was turned off since: nothing to finish
            record_distribution(target, not_configured_record(_now()))
            return None
        _step(entity, f"Completando la distribución del corte {cut}, que una ejecución anterior dejó interrumpida")
        return replace(_redistribute(entity, settings, cut, output_dir), completed=True)


def _complete_interrupted(
    entities: list[Entity], output_dir: Path, input_dir: str, distribute: bool = True
) -> tuple[list[EntityReport], list[PipelineError]]:
    """Complete the interrupted distributions of these entities' cuts, or, with `distribute`
    off, say which there are. Returns the cuts completed and the errors of those that failed
    (each also logged, so that it is seen when the run fails for another reason)."""
    by_slug = {e.slug: e for e in entities}
    reports: list[EntityReport] = []
    errors: list[PipelineError] = []
    for pending in find_pending(output_dir, by_slug):
        entity = by_slug[pending.slug]
        if in_progress(pending.folder):
            continue  # another run is distributing it right now
        if not distribute:
            _step(entity, pending_text(pending, input_dir, output_dir))
            continue
        outcome = complete_distribution(entity, output_dir, pending.period, return_state=True).result(raise_on_failure=False)
        if isinstance(outcome, PipelineError):
            errors.append(outcome)
            _step(entity, f"No se pudo completar la distribución interrumpida: {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome
        elif outcome is not None:
            reports.append(outcome)
    return reports, errors


def _with_completed(reports: list[EntityReport], completed: tuple[list[EntityReport], list[PipelineError]]) -> list[EntityReport]:
    """The run's reports and the interrupted distributions it completed; a completion that
    failed fails the run (exit status 3), with the same message as a failed distribution."""
    done, errors = completed
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DistributionError("\n".join(str(e) for e in errors))
    return reports + done


def _scheduled_day(run=None) -> date | None:
    """The Bogotá date a run (default: the current one) was scheduled for, if the deployment's
    schedule created it."""
    if run is None:
        context = FlowRunContext.get()
        run = context.flow_run if context else None
    if run is None or not run.auto_scheduled or run.expected_start_time is None:
        return None
    return run.expected_start_time.astimezone(BOGOTA).date()


def _announce(entities: list[Entity]) -> None:
    PROGRESS.info(f"{len(entities)} entidades", extra={"batch": (0, 0, len(entities))})


def _gather(entities: list[Entity], futures) -> list[EntityReport]:
    """Each entity's report, in input order; one entity's failure does not stop the others.

    An error no rule expects is that entity's failure too (`UnexpectedFailure`, named with its
    slug): a batch then fails with `EntitiesFailed`, which names the entities reported and
    carries their reports, and a deployment's run tells only the failed entities' offices.

    As each entity finishes, a progress record (done, failed, total) goes to `PROGRESS` from
    this process, whichever task runner ran the entity.
    """
    slugs = {future: entity.slug for entity, future in zip(entities, futures)}
    outcomes: dict[str, object] = {}
    failed = 0
    for future in as_completed(list(futures)):
        outcome = future.result(raise_on_failure=False)
        failed += isinstance(outcome, BaseException)
        outcomes[slugs[future]] = outcome
        PROGRESS.info(slugs[future], extra={"batch": (len(outcomes), failed, len(entities)), "entity": slugs[future]})
    reports: list[EntityReport] = []
    failures: dict[str, PipelineError] = {}
    for entity in entities:
        outcome = outcomes[entity.slug]
        if isinstance(outcome, BaseException) and not isinstance(outcome, PipelineError):
            if not isinstance(outcome, Exception):  # KeyboardInterrupt, SystemExit: not an entity's failure
                raise outcome
            # An error no rule expects stays that entity's: the others are reported and only its
            # office is told. Its traceback is in the entity's task run log.
            outcome = UnexpectedFailure(entity.slug, outcome)
        if isinstance(outcome, PipelineError):
            if len(entities) == 1:
                raise outcome
            failures[entity.slug] = outcome
        else:
            reports.append(outcome)
    if failures:
        raise EntitiesFailed(failures, [r.slug for r in reports], reports)
    return reports


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


DEPLOYMENTS = {"quarterly_report": "trimestral", "resend_report": "reenviar"}
"""The deployment of each flow that `deployments()` serves."""


def _run_cut(run) -> str | None:
    """The cut a run reports, as far as its parameters and schedule say (None: each entity's latest)."""
    period = run.parameters.get("period")
    if period:
        try:
            return str(parse_period(period))
        except PeriodError:
            return str(period)
    day = _scheduled_day(run)
    return str(last_closed_quarter(day)) if day is not None else None


def _deployment_roots(run) -> Roots:
    """The folders a deployment's run may use: those `pei-report serve` named in the environment
    its runs inherit, else the deployment's own `input_dir` and `output_dir` (a deployment made
    another way, as with `prefect deploy`)."""
    roots = served_roots(os.environ)
    if roots is not None:
        return roots
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        defaults = client.read_deployment(run.deployment_id).parameters or {}
    return Roots(Path(defaults.get("input_dir", "inputs")).resolve(), Path(defaults.get("output_dir", "outputs")).resolve())


def _allowed_folders(input_dir: str, output_dir: str, run=None) -> tuple[str, str]:
    """The folders a run reads and writes: a deployment's run (default: the current run) only
    those inside the deployment's folders (`pipeline.folders.confine`), absolute and resolved,
    before anything is read or written; a command line's run, as given."""
    if run is None:
        context = FlowRunContext.get()
        run = context.flow_run if context else None
    if run is None or run.deployment_id is None:
        return input_dir, output_dir
    allowed_input, allowed_output = confine(input_dir, output_dir, _deployment_roots(run))
    return str(allowed_input), str(allowed_output)


def _failed_entities(run, error: BaseException) -> list[tuple[Entity, BaseException]]:
    """Each entity a failed run did not report, with its own error.

    A batch names its failed entities; any other failure is that of every entity the run was
    for. None when even the entities cannot be read (the input folder is missing, say).
    """
    try:
        # Only an entity inside the service's folders says who is told: a run pointed elsewhere
        # must not e-mail whoever a configuracion.yaml there names.
        input_dir = Path(_allowed_folders(run.parameters.get("input_dir", "inputs"), run.parameters.get("output_dir", "outputs"), run)[0])
        entities = find_entities(input_dir)
    except PipelineError:
        return []
    if isinstance(error, EntitiesFailed):
        return [(e, error.failures[e.slug]) for e in entities if e.slug in error.failures]
    try:
        entities = select_entities(entities, run.parameters.get("entity"), input_dir)
    except InputError:
        pass  # an entity that is not there: every entity's office hears of the failed run
    return [(e, error) for e in entities]


def _readable_plan(entity: Entity) -> Plan | None:
    """The entity's plan, for the notice to name the entity and its plan; None when the plan is
    what could not be read (the notice then names the folder and gives the plan's error)."""
    try:
        return load_plan(entity.folder)
    except PipelineError:
        return None


def _notify_failure(flow, flow_run, state) -> None:
    """on_failure and on_crashed hook: a deployment's failed run e-mails each failed entity's
    planning office (a crashed run's hook runs in the `pei-report serve` process).

    Runs of the command line are left alone (the person at the terminal sees the error). Each
    entity's configuracion.yaml decides who is told (`distribucion.avisos`, else its report's
    recipients) and through which SMTP server. A notice that cannot be sent is logged; the run's
    failure stays what it was.
    """
    if flow_run.deployment_id is None:
        return
    logger = flow_run_logger(flow_run, flow)
    try:
        # A run pointed outside the service's folders tells no one and writes nothing there.
        _, output_dir = _allowed_folders(
            flow_run.parameters.get("input_dir", "inputs"), flow_run.parameters.get("output_dir", "outputs"), flow_run
        )
    except FolderNotAllowed as exc:
        logger.warning(f"No se avisó por correo de la falla: {exc}")
        return
    if not claim_notice(Path(output_dir), flow_run.id):
        logger.info("El aviso de la falla de esta ejecución ya se envió: no se repite.")
        return
    try:
        error = state.result(raise_on_failure=False)
    except MissingResult:  # a state the server's automation set (Crashed) carries no result
        error = None
    if not isinstance(error, BaseException):
        error = RuntimeError(state.message or "la ejecución falló")
    failed = _failed_entities(flow_run, error)
    if not failed:
        logger.warning(
            f"No se avisó por correo de la falla: no se pudo leer ninguna entidad en "
            f"{flow_run.parameters.get('input_dir')} para saber a quién avisar. Motivo de la falla: {reason(error)}"
        )
        return
    ui = PREFECT_UI_URL.value()
    for entity, entity_error in failed:
        plan = _readable_plan(entity)
        run = FailedRun(
            slug=entity.slug,
            cut=_run_cut(flow_run),
            error=entity_error,
            flow=flow.name,
            deployment=f"{flow.name}/{DEPLOYMENTS.get(flow.name, flow.name)}",
            input_dir=str(flow_run.parameters.get("input_dir", "inputs")),
            output_dir=str(flow_run.parameters.get("output_dir", "outputs")),
            run_name=flow_run.name,
            run_url=f"{ui.rstrip('/')}/runs/flow-run/{flow_run.id}" if ui else None,
            scheduled_for=_scheduled_day(flow_run),
            entity=plan.entity if plan else None,
            acronym=plan.acronym if plan else None,
        )
        try:
            sent = send_failure_notice(load_settings(entity.folder).distribution, run)
        except PipelineError as exc:  # its configuracion.yaml, no one to tell, or the SMTP server
            logger.error(
                f"No se pudo enviar el aviso de la falla de {entity.slug}: {exc} "
                f"La ejecución sigue fallida por: {reason(entity_error)}"
            )
        else:
            logger.info(f"Aviso de la falla de {entity.slug} enviado a {', '.join(sent.to)}")


def notify_crashed(flow_name: str, flow_run) -> None:
    """The failure notice of a run the server's automation marked Crashed, which no runner saw
    end (`pipeline.crashes.watch_crashed_runs` calls it from `pei-report serve`)."""
    _notify_failure(NOTIFIED[flow_name], flow_run, flow_run.state)


def _fails_with_its_message(body):
    """A flow body whose `PipelineError` ends its run Failed with the error's Spanish text.

    Raised, the error would end the run with Prefect's "Flow run encountered an exception:
    PeriodError: ..." and its traceback in the run's log. Returned as a Failed state, the state's
    message is the text the planning office reads in the UI, and the error is the state's data:
    a direct call of the flow (the command line) still raises it, so exit codes keep working.
    Any other exception is Prefect's to report, traceback included. The run's log shows a
    `PipelineError` without its traceback too (`hide_pipeline_tracebacks`).
    """

    @functools.wraps(body)
    def run(*args, **kwargs):
        hide_pipeline_tracebacks()
        try:
            return body(*args, **kwargs)
        except PipelineError as exc:
            return Failed(message=str(exc), data=exc)

    return run


@flow(name="quarterly_report", task_runner=task_runner(), on_failure=[_notify_failure], on_crashed=[_notify_failure])
@_fails_with_its_message
def quarterly_report(
    input_dir: str = "inputs",
    output_dir: str = "outputs",
    period: str | None = None,
    entity: str | None = None,
    distribute: bool = True,
) -> list[EntityReport]:
    """Report every entity under `input_dir` (or only `entity`) at `period`.

    Without `period`: a run created by the deployment's schedule reports the last quarter closed
    before its scheduled date; any other run, each entity's latest quarter with data. One
    mapped task per entity, with a task run per step when there is only one entity. One
    entity's failure does not stop the others, and the run then fails with `EntitiesFailed`
    (or, with a single entity, with that entity's own error).

    Args:
        input_dir: Carpeta de una entidad (con plan.yaml o plan.xlsx) o carpeta de carpetas de entidades.
        output_dir: Carpeta de resultados: cada corte queda en <entidad>/<año>-T<trimestre>.
        period: Corte a reportar: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3). Vacío, una ejecución
            programada reporta el último trimestre cerrado antes de su fecha, y cualquier otra,
            el último trimestre con datos de cada entidad.
        entity: Solo esta entidad (el nombre de su carpeta). Vacío, todas las de la carpeta de
            entrada.
        distribute: Copiar a la carpeta de publicación y enviar por correo (según
            configuracion.yaml). Desactivado, el corte solo se publica en la carpeta de resultados.
    """
    input_dir, output_dir = _allowed_folders(input_dir, output_dir)
    if period:
        period = str(parse_period(period))  # a malformed period fails before any work
    elif (day := _scheduled_day()) is not None:
        period = str(last_closed_quarter(day))
        text = f"Ejecución programada para el {day}: se reporta el último trimestre cerrado, {period}"
        PROGRESS.info(text, extra={"entity": "*"})
        _run_log(text)
    entities = select_entities(find_entities(Path(input_dir)), entity, Path(input_dir))
    _announce(entities)
    futures = report_entity.map(
        entities,
        output_dir=unmapped(Path(output_dir)),
        period=unmapped(period),
        distribute=unmapped(distribute),
        step_runs=unmapped(len(entities) == 1),  # a batch: one task run per entity (see _as_step)
    )
    try:
        reports = _gather(entities, futures)
    finally:  # also when the run's own cuts failed: the interrupted ones are already published
        completed = _complete_interrupted(entities, Path(output_dir), input_dir, distribute)
    return _with_completed(reports, completed)


@flow(name="resend_report", on_failure=[_notify_failure], on_crashed=[_notify_failure])
@_fails_with_its_message
def resend_report(
    period: str, input_dir: str = "inputs", output_dir: str = "outputs", entity: str | None = None
) -> list[EntityReport]:
    """Distribute a published cut again (publication folder and e-mail) without regenerating it.

    Args:
        period: Corte ya publicado que se reenvía: 2024-T3 (o 2024T3, 2024-Q3, 2024Q3).
        input_dir: Carpeta de una entidad (con plan.yaml o plan.xlsx) o carpeta de carpetas de entidades.
        output_dir: Carpeta de resultados donde está publicado el corte.
        entity: Solo esta entidad (el nombre de su carpeta). Vacío, todas las de la carpeta de
            entrada.
    """
    input_dir, output_dir = _allowed_folders(input_dir, output_dir)
    period = str(parse_period(period))
    entities = select_entities(find_entities(Path(input_dir)), entity, Path(input_dir))
    _announce(entities)
    futures = resend_entity.map(entities, output_dir=unmapped(Path(output_dir)), period=unmapped(period))
    try:
        reports = _gather(entities, futures)
    finally:
        completed = _complete_interrupted(entities, Path(output_dir), input_dir)
    return _with_completed(reports, completed)


@flow(name="complete_distributions")
@_fails_with_its_message
def complete_distributions(input_dir: str = "inputs", output_dir: str = "outputs") -> list[EntityReport]:
    """Complete every distribution a crash left pending under `output_dir` (`pei-report serve`
    runs it at start-up)."""
    entities = find_entities(Path(input_dir))
    return _with_completed([], _complete_interrupted(entities, Path(output_dir), input_dir))


NOTIFIED = {f.name: f for f in (quarterly_report, resend_report)}
"""The flows whose failed deployment runs e-mail a notice, by name."""


def deployments(input_dir: Path, output_dir: Path, cron: str = QUARTERLY_CRON, timezone: str = "America/Bogota"):
    """The deployments a server runs: `trimestral` on the quarterly schedule, `reenviar` on demand.

    Paths are made absolute so a run does not depend on the folder the worker runs in.
    """
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    parameters = {"input_dir": str(Path(input_dir).resolve()), "output_dir": str(Path(output_dir).resolve())}
    quarterly = quarterly_report.to_deployment(
        name=DEPLOYMENTS["quarterly_report"],
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters,
        description=(
            "Seguimiento trimestral del plan de cada entidad: genera la presentación, el PDF y las tablas de cada "
            "entidad, los publica y los distribuye. Sin periodo, una ejecución programada reporta "
            "el último trimestre cerrado antes de su fecha."
        ),
        tags=["pei"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    resend = resend_report.to_deployment(
        name=DEPLOYMENTS["resend_report"],
        parameters=parameters,
        description="Reenvía un corte ya publicado (carpeta de publicación y correo) sin regenerarlo.",
        tags=["pei"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return [quarterly, resend]
