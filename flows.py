"""Prefect flows of the quarterly report. Wiring only: every step's work is in `pipeline`.

`quarterly_report` reports every entity an input folder holds, one mapped `report_entity` task
each; the steps of an entity's cut are nested tasks. After publishing, a cut is distributed
(publication folder, e-mail) and recorded in Prefect (a Markdown summary, links to the files).
`resend_report` distributes an already published cut again without regenerating it. Both then
complete the entity's distributions that a killed run left pending (`pipeline.delivery.recovery`), as
`complete_distributions` does for `pei-report serve` at start-up; the sectors' consolidated cuts
too (`pipeline.runs.consolidation.redeliver_sectors`).
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

from pipeline.core.approval import Decision
from pipeline.core.periods import CutOutsidePlan, last_closed_quarter, parse_period
from pipeline.delivery.distribution import PENDING, failed_after_publishing, status_at_publishing
from pipeline.delivery.publish import cut_folder, cut_lock
from pipeline.errors import ApprovalError, EntitiesFailed
from pipeline.ingest import Entity, find_entities, load_plan, select_entities
from pipeline.outputs.registry import OUTPUTS, Rendering, deliverables
from pipeline.report.changes import fingerprints
from pipeline.runs.approval import (
    approval_fields,
    decide_drafts,
    make_decision,
    reject_cut,
    report_status,
    write_draft,
)
from pipeline.runs.batch import RESENT, EntityReport, as_step, gather, largest_first, skipped, with_completed
from pipeline.runs.consolidation import consolidate_batch, grouping_of
from pipeline.runs.context import allowed_folders, scheduled_day
from pipeline.runs.deployments import DEPLOYMENTS, QUARTERLY_CRON
from pipeline.runs.failures import fails_with_its_message, notify_failure
from pipeline.runs.progress import PROGRESS, announce_batch, announce_step, log_line, warning_text
from pipeline.runs.render_pool import renders_concurrently, warm
from pipeline.runs.redistribution import complete_interrupted, resend_entity
from pipeline.runs.run_log import hide_pipeline_tracebacks
from pipeline.runs.runners import task_runner
from pipeline.runs.steps import (
    compute_report,
    distribute_cut,
    publish_outputs,
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
    decision: Decision | None = None,
    in_batch: bool = False,
) -> EntityReport:
    """One entity's cut: read and validate, compute, render, publish atomically, distribute.

    With approval required (and no `decision`), the cut is written as a draft instead and the
    approvers are asked; with an approving `decision`, the draft's cut is rebuilt from the same
    inputs, published and distributed (`pipeline.runs.approval`).
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
    target = cut_folder(output_dir, entity.slug, cut)
    concurrently = renders_concurrently(len(plan.indicators), in_batch)
    if concurrently:
        warm()  # the PDF's process starts while the cut is computed
    if decision is not None:  # refused before any work when there is nothing to approve
        approval_fields(entity, cut, target, decision, inputs.sources)
    draft = decision is None and settings.approval.required
    published = step(read_published_cuts)(entity, output_dir)
    announce_step(entity, f"Calculando el avance al corte {cut} y los cambios desde el corte anterior")
    computed = step(compute_report)(inputs, published, report_status(settings.approval.required, decision))
    result = computed.result
    stale = stale_lines(entity, computed.stale, output_dir, settings.approval.required)
    announce_step(entity, "Generando la presentación, el PDF, las tablas y la página web")
    rendering = Rendering(entity.slug, cut, settings, plan, result, computed.report, computed.tables, computed.document)
    artifacts = render_outputs(step, rendering, concurrently)
    if draft:
        return replace(write_draft(step, publish_outputs, entity, inputs, artifacts, output_dir,
                                   fingerprints(plan, settings.bands), stale, distribute), **_figures(result, settings))
    status = status_at_publishing(settings.distribution, distribute)
    with cut_lock(target):  # one run at a time publishes, keeps history and distributes this cut
        approved = approval_fields(entity, cut, target, decision, inputs.sources) if decision else None  # again, locked
        announce_step(entity, f"Publicando en {target}")
        publication = step(publish_outputs)(
            entity, plan, cut, list(inputs.sources), artifacts, output_dir, {"status": status}, inputs.warnings,
            settings.history, fingerprints(plan, settings.bands), approved,
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
        **_figures(result, settings),
        kept=publication.kept,
        distribution=distribution,
        warnings=tuple(warning_text(w) for w in inputs.warnings),
        stale=stale,
        decision=approved["estado"] if approved else None,
    )


def _figures(result, settings) -> dict:
    """What the command line prints of a cut's figures."""
    return {
        "plan_year_percent": result.overall.year.percent,
        "traffic_lights": {light.label: n for light, n in result.light_counts(settings.bands.levels).items() if n},
        "inconsistent": result.inconsistent(),
    }


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
    grouping = grouping_of(Path(input_dir))  # an invalid sectores.yaml fails before any entity runs
    announce_batch(entities)
    started = largest_first(entities)  # the long ones first, so none runs alone at the end
    futures = report_entity.map(
        started,
        output_dir=unmapped(Path(output_dir)),
        period=unmapped(period),
        distribute=unmapped(distribute),
        step_runs=unmapped(len(entities) == 1),  # a batch: one task run per entity (see as_step)
        in_batch=unmapped(len(entities) > 1),
    )
    try:
        reports = gather(started, futures, listed=entities)
    except EntitiesFailed as failed:  # the sectors still say which entities failed, and why
        consolidate_batch(grouping, input_dir, output_dir, period, list(failed.reports), failed.failures, distribute)
        raise
    finally:  # also when the run's own cuts failed: the interrupted ones are already published
        completed = complete_interrupted(entities, Path(output_dir), input_dir, distribute)
    reports = decide_drafts(reports, entities, Path(output_dir), report_entity)  # a served run waits for the committee
    consolidate_batch(grouping, input_dir, output_dir, period, reports, distribute=distribute)
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
    futures = resend_entity.map(entities, output_dir=unmapped(Path(output_dir)), period=unmapped(period),
                                in_batch=unmapped(len(entities) > 1))
    try:
        reports = gather(entities, futures, action=RESENT)
    finally:  # the sectors' deliveries of this cut that failed are retried too, and only those
        completed = complete_interrupted(entities, Path(output_dir), input_dir, period=period)
    return with_completed(reports, completed)


@flow(name="decide_report")
@fails_with_its_message
def decide_report(
    decision: str, period: str, nombre: str, input_dir: str = "inputs", output_dir: str = "outputs",
    entity: str | None = None, acta: str | None = None, cargo: str | None = None,
    observaciones: str | None = None, fecha: str | None = None,
) -> list[EntityReport]:
    """Decide the draft a run left of one entity's cut: `aprobar` rebuilds it from the same
    inputs, publishes and distributes it; `rechazar` publishes nothing and tells the office."""
    input_dir, output_dir = allowed_folders(input_dir, output_dir)
    cut = parse_period(period)
    chosen = make_decision(decision, nombre, acta, cargo, observaciones, fecha)
    entities = select_entities(find_entities(Path(input_dir)), entity, Path(input_dir))
    if len(entities) != 1:
        raise ApprovalError(f"Se decide el corte de una sola entidad: elija una con --entity ({', '.join(e.slug for e in entities)}).")
    one = entities[0]
    if chosen.approve:
        return [report_entity(one, Path(output_dir), str(cut), decision=chosen)]
    settings = read_settings(one.folder)
    return [reject_cut(one, Path(output_dir), cut, chosen, settings, load_plan(one.folder))]


@flow(name="complete_distributions")
@fails_with_its_message
def complete_distributions(input_dir: str = "inputs", output_dir: str = "outputs") -> list[EntityReport]:
    """Complete every distribution a crash left pending under `output_dir` (`pei-report serve`
    runs it at start-up)."""
    entities = find_entities(Path(input_dir))
    return with_completed([], complete_interrupted(entities, Path(output_dir), input_dir))


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
