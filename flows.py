"""Prefect flows of the quarterly report. Wiring only: every step's work is in `pipeline`.

`quarterly_report` reports every entity an input folder holds, one mapped `report_entity` task
each; the steps of an entity's cut are nested tasks. After publishing, a cut is distributed
(publication folder, e-mail) and recorded in Prefect (a Markdown summary, links to the files).
`resend_report` distributes an already published cut again without regenerating it. Both then
complete the entity's distributions that a killed run left pending (`pipeline.delivery.recovery`), as
`complete_distributions` does for `pei-report serve` at start-up.
A run ends Failed with a `PipelineError`'s Spanish message (no traceback), and a deployment's
failed run e-mails the planning office of each entity it did not report (`pipeline.runs.failures.notify_failure`).
`deployments()` serves both on a real server, the quarterly one on a schedule in Bogotá time.
The "Args:" of the deployed flows are in Spanish: Prefect reads them into the parameter schema,
and its UI shows them on the custom-run form.
Tasks load, call the core, and return; none of them holds business rules. The outputs are
those `pipeline.outputs.registry.OUTPUTS` declares, each rendered as a task named for it; which of them
are distributed, and the manifest's record of their distribution, are `pipeline.outputs.registry` and
`pipeline.delivery.distribution`'s to say. With no `PREFECT_API_URL`, Prefect runs these on its embedded
temporary server.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE

from pipeline.core.periods import Cut, CutOutsidePlan, last_closed_quarter, parse_period
from pipeline.core.settings import Settings
from pipeline.delivery.distribution import (
    PENDING,
    failed_after_publishing,
    not_configured_record,
    status_at_publishing,
)
from pipeline.delivery.publish import (
    cut_folder,
    cut_lock,
    read_published,
)
from pipeline.delivery.recovery import find_pending, in_progress, pending_text, still_pending
from pipeline.errors import DistributionError, PipelineError
from pipeline.ingest import Entity, find_entities, select_entities
from pipeline.ingest.settings import SETTINGS_FILE
from pipeline.outputs.registry import OUTPUTS, Rendering, deliverables
from pipeline.report.changes import fingerprints
from pipeline.runs.batch import EntityReport, as_step, gather, skipped, with_completed
from pipeline.runs.context import allowed_folders, scheduled_day
from pipeline.runs.deployments import DEPLOYMENTS, QUARTERLY_CRON
from pipeline.runs.failures import fails_with_its_message, notify_failure
from pipeline.runs.progress import PROGRESS, announce_batch, announce_step, log_line, now, warning_text
from pipeline.runs.run_log import hide_pipeline_tracebacks
from pipeline.runs.runners import task_runner
from pipeline.runs.steps import (
    compute_report,
    distribute_cut,
    publish_outputs,
    published_names,
    read_inputs,
    read_published_cuts,
    read_settings,
    record_artifacts,
    record_distribution,
    render_outputs,
    stale_lines,
)


@task(name="Reportar entidad", task_run_name="reportar-{entity.slug}", cache_policy=NO_CACHE)
def report_entity(
    entity: Entity, output_dir: Path, period: str | None = None, distribute: bool = True, step_runs: bool = True,
    in_batch: bool = False,
) -> EntityReport:
    """One entity's cut: read and validate, compute, render, publish atomically, distribute.

    With `step_runs`, each step up to the artifacts is a task run of its own; without it, the
    steps run inside this task run and show in its log (distribution steps are task runs
    either way: the e-mail's retries are Prefect's). In a batch, an entity whose plan does not
    cover the cut is skipped, with the reason (`batch.skipped`).
    """
    hide_pipeline_tracebacks()  # in this task's process, which may not be the flow's
    step = as_step(step_runs)
    try:
        inputs = step(read_inputs)(entity, period)
    except CutOutsidePlan as error:
        if not in_batch:
            raise
        log_line(f"[{entity.slug}] corte {period} omitido: {error}")
        return skipped(entity, period, error)
    plan, settings, cut = inputs.plan, inputs.settings, inputs.cut
    published = step(read_published_cuts)(entity, output_dir)
    announce_step(entity, f"Calculando el avance al corte {cut} y los cambios desde el corte anterior")
    computed = step(compute_report)(inputs, published)
    result = computed.result
    stale = stale_lines(entity, computed.stale, output_dir)
    announce_step(entity, "Generando la presentación, el PDF, las tablas y la página web")
    rendering = Rendering(entity.slug, cut, settings, plan, result, computed.report, computed.tables, computed.document)
    artifacts = render_outputs(step, rendering)
    target = cut_folder(output_dir, entity.slug, cut)
    status = status_at_publishing(settings.distribution, distribute)
    with cut_lock(target):  # one run at a time publishes, keeps history and distributes this cut
        announce_step(entity, f"Publicando en {target}")
        publication = step(publish_outputs)(
            entity, plan, cut, list(inputs.sources), artifacts, output_dir, {"status": status}, inputs.warnings,
            settings.history, fingerprints(plan, settings.bands),
        )
        if publication.kept:
            announce_step(entity, f"Los archivos anteriores del corte quedaron en {publication.kept}")
        for line in stale:  # the command line prints them with the entity's results
            log_line(f"[{entity.slug}] {line}")
        step(record_artifacts)(entity, plan, result, computed.document, publication.files, target, stale)
        distribution, error = {"status": status}, None
        if status == PENDING:
            announce_step(entity, "Distribuyendo: carpeta de publicación y correo")
            published = deliverables(((a.name, a.output) for a in artifacts), OUTPUTS)
            distribution, error = distribute_cut(entity.slug, plan, cut, target, published, settings, output_dir)
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
        warnings=tuple(warning_text(w) for w in inputs.warnings),
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
    announce_step(entity, f"Verificando los archivos publicados en {target}")
    manifest, files = read_published(target)
    announce_step(entity, "Distribuyendo: carpeta de publicación y correo")
    names = published_names(manifest, entity)
    name = names.entity
    published = deliverables(((str(r["path"]), r.get("output")) for r in manifest["outputs"]), OUTPUTS)
    distribution, error = distribute_cut(entity.slug, names, cut, target, published, settings, output_dir)
    record_distribution(target, distribution)
    if error is not None:
        raise failed_after_publishing(entity.slug, cut, target, error)
    return EntityReport(slug=entity.slug, entity=name, period=str(cut), folder=target, files=files, distribution=distribution)


@task(name="Completar distribución interrumpida", task_run_name="completar-{entity.slug}-{period}", cache_policy=NO_CACHE)
def complete_distribution(entity: Entity, output_dir: Path, period: str) -> EntityReport | None:
    """Complete a distribution a crash left pending (see `pipeline.delivery.recovery`), as a resend does.

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
            record_distribution(target, not_configured_record(now()))
            return None
        announce_step(entity, f"Completando la distribución del corte {cut}, que una ejecución anterior dejó interrumpida")
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
            announce_step(entity, pending_text(pending, input_dir, output_dir))
            continue
        outcome = complete_distribution(entity, output_dir, pending.period, return_state=True).result(raise_on_failure=False)
        if isinstance(outcome, PipelineError):
            errors.append(outcome)
            announce_step(entity, f"No se pudo completar la distribución interrumpida: {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome
        elif outcome is not None:
            reports.append(outcome)
    return reports, errors


def notify_crashed(flow_name: str, flow_run) -> None:
    """The failure notice of a run the server's automation marked Crashed, which no runner saw
    end (`pipeline.app.crashes.watch_crashed_runs` calls it from `pei-report serve`)."""
    notify_failure(NOTIFIED[flow_name], flow_run, flow_run.state)


@flow(name="quarterly_report", task_runner=task_runner(), on_failure=[notify_failure], on_crashed=[notify_failure])
@fails_with_its_message
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
    input_dir, output_dir = allowed_folders(input_dir, output_dir)
    if period:
        period = str(parse_period(period))  # a malformed period fails before any work
    elif (day := scheduled_day()) is not None:
        period = str(last_closed_quarter(day))
        text = f"Ejecución programada para el {day}: se reporta el último trimestre cerrado, {period}"
        PROGRESS.info(text, extra={"entity": "*"})
        log_line(text)
    entities = select_entities(find_entities(Path(input_dir)), entity, Path(input_dir))
    announce_batch(entities)
    futures = report_entity.map(
        entities,
        output_dir=unmapped(Path(output_dir)),
        period=unmapped(period),
        distribute=unmapped(distribute),
        step_runs=unmapped(len(entities) == 1),  # a batch: one task run per entity (see as_step)
        in_batch=unmapped(len(entities) > 1),
    )
    try:
        reports = gather(entities, futures)
    finally:  # also when the run's own cuts failed: the interrupted ones are already published
        completed = _complete_interrupted(entities, Path(output_dir), input_dir, distribute)
    return with_completed(reports, completed)


@flow(name="resend_report", on_failure=[notify_failure], on_crashed=[notify_failure])
@fails_with_its_message
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
    input_dir, output_dir = allowed_folders(input_dir, output_dir)
    period = str(parse_period(period))
    entities = select_entities(find_entities(Path(input_dir)), entity, Path(input_dir))
    announce_batch(entities)
    futures = resend_entity.map(entities, output_dir=unmapped(Path(output_dir)), period=unmapped(period))
    try:
        reports = gather(entities, futures)
    finally:
        completed = _complete_interrupted(entities, Path(output_dir), input_dir)
    return with_completed(reports, completed)


@flow(name="complete_distributions")
@fails_with_its_message
def complete_distributions(input_dir: str = "inputs", output_dir: str = "outputs") -> list[EntityReport]:
    """Complete every distribution a crash left pending under `output_dir` (`pei-report serve`
    runs it at start-up)."""
    entities = find_entities(Path(input_dir))
    return with_completed([], _complete_interrupted(entities, Path(output_dir), input_dir))


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
