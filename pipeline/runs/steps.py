"""The steps of one entity's cut as Prefect tasks: read, compute, render, publish, record in
Prefect, distribute. Each loads, calls the packages below, and returns; none holds a rule."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from shlex import quote
from typing import Any

import pandas as pd
from prefect import task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from pipeline import versions
from pipeline.core.attainment import PlanResult, plan_series
from pipeline.core.consolidation import indicator_records
from pipeline.core.model import Plan
from pipeline.core.command import suggest
from pipeline.core.periods import Cut, choose_cut
from pipeline.core.settings import Email, History, Settings
from pipeline.delivery.distribution import (
    Attachment,
    Names,
    PlanNames,
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
    load_credentials,
    plan_record,
    publication_folder,
    send,
    sender_address,
    template_fields,
)
from pipeline.delivery.publish import (
    MANIFEST_FILE,
    Artifact,
    Publication,
    cut_folder,
    history_folder,
    input_record,
    manifest_bytes,
    prune_history,
    publish,
    update_manifest,
)
from pipeline.delivery.published import Published, read_entity_cuts
from pipeline.errors import DistributionError, Problem
from pipeline.ingest import Entity, load_inputs, load_plan, load_settings
from pipeline.ingest.checks import nothing_reported, reported_quarters, reporters_at
from pipeline.ingest.plan import PLAN_FILE, PLAN_WORKBOOK
from pipeline.ingest.settings import SETTINGS_FILE
from pipeline.ingest.source import Source
from pipeline.outputs.registry import OUTPUTS, Deliverables, Output, Rendering, cut_tables, render_order
from pipeline.report.changes import Comparison, StaleCut, compare, previous_cut, stale_cuts
from pipeline.report.document import Document, ReportStatus, build_document
from pipeline.report.layout import Report, lay_out
from pipeline.report.summary import attainment_markdown
from pipeline.runs.progress import announce_step, now, warn, warn_text, warning_record
from pipeline.runs.render_pool import Pending, render_all


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
    announce_step(entity, f"Leyendo y validando {plan_name}, {SETTINGS_FILE} y el seguimiento")
    read = load_inputs(entity.folder)
    plan, execution = read.plan, read.execution
    choice = choose_cut(
        period, plan.vigencia, plan.period, reported_quarters(execution.table), today or now().date()
    )
    cut = choice.cut
    for line in choice.explained(reporters_at(execution.table, cut.year, cut.quarter), len(plan.indicators)):
        announce_step(entity, line)
    empty = nothing_reported(execution, cut.year, cut.quarter)
    warnings = (*read.warnings, *([empty] if empty else []))
    for warning in warnings:
        warn(entity, warning)
    return Inputs(
        plan, read.settings, execution.path, execution.table, cut, warnings, execution.suspect_fractions,
        read.sources,
    )


@task(name="Leer los cortes ya publicados de la entidad", cache_policy=NO_CACHE)
def read_published_cuts(entity: Entity, output_dir: Path) -> Published:
    published = read_entity_cuts(output_dir, entity.slug)
    for line in published.unreadable:
        warn_text(entity, line)
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
def compute_report(inputs: Inputs, published: Published = Published(), status: ReportStatus = ReportStatus()) -> Computed:
    """The cut's figures, its comparison with the previous cut (as published, where it was) and
    the other published cuts the current inputs would change; `status`: a draft's or an approved
    report's marks (`pipeline.runs.approval.report_status`)."""
    plan, execution, settings, cut = inputs.plan, inputs.execution, inputs.settings, inputs.cut
    series = plan_series(plan, execution, cut, settings.bands)  # every quarter up to the cut, once
    result = series[-1]
    before = previous_cut(cut, plan.period)
    comparison = compare(plan, execution, cut, settings.bands, published.at(before) if before else None, result)
    tables = cut_tables(plan, series, comparison)
    document = build_document(plan, execution, result, settings.bands, inputs.suspect_fractions, settings.review,
                              comparison=comparison, series=series)
    document = replace(document, status=status)
    stale = stale_cuts(plan, execution, settings.bands, published.cuts, cut)
    return Computed(result, tables, document, lay_out(document, settings.theme), comparison, stale)


def stale_lines(
    entity: Entity, stale: tuple[StaleCut, ...], output_dir: Path, approval_required: bool = False
) -> tuple[str, ...]:
    """Each stale cut as the office reads it, with the command that regenerates it and, with
    approval required, that the regenerated cut must be approved again (`StaleCut.needs_approval`)."""
    lines = []
    for s in stale:
        shown = ", ".join(s.indicators[:5]) + (f" y {len(s.indicators) - 5} más" if len(s.indicators) > 5 else "")
        lines.append(
            f"El corte {s.cut} ya publicado cambiaría con los datos de hoy ({shown}); regenérelo con "
            + suggest(f"run --input {quote(str(entity.folder))} --period {s.cut} --output {quote(str(output_dir))}")
            + ("; queda en borrador y debe aprobarse de nuevo (pei-report aprobar)" if approval_required and s.needs_approval else "")
        )
    return tuple(lines)


@task(name="Generar salida", cache_policy=NO_CACHE)
def render_output(output: Output, rendering: Rendering) -> tuple[Artifact, ...]:
    return output.artifacts(rendering)


@functools.cache
def _render_step(output: Output):
    """`render_output` as a task named for the output (Generar reporte PDF, ...)."""
    return render_output.with_options(name=output.step)


@task(name="Esperar salida", cache_policy=NO_CACHE)
def collect_output(output: Output, pending: Pending) -> tuple[Artifact, ...]:
    return pending.result()


@functools.cache
def _collect_step(output: Output):
    """`collect_output` as a task named for the output it waits for."""
    return collect_output.with_options(name=output.step)


def render_outputs(step, rendering: Rendering, concurrently: bool = False) -> list[Artifact]:
    """Every registered output's files, in publication order; each output rendered after the
    outputs it needs, and given only theirs. `concurrently`: the PDF in a second process while
    the others are drawn here (`pipeline.runs.render_pool`; the same files either way)."""
    if concurrently:
        rendered = render_all(
            rendering, OUTPUTS, lambda output, given: step(_render_step(output))(output, given),
            lambda output, pending: step(_collect_step(output))(output, pending),
        )
        return [artifact for output in OUTPUTS for artifact in rendered[output.key]]
    rendered = {}
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
    approval: dict[str, Any] | None = None,
    folder: Path | None = None,
) -> Publication:
    """`comparable`: the plan's and the semáforo's fingerprints (`pipeline.report.changes.fingerprints`),
    which a later cut's comparison checks; `approval`: the manifest's `estado` and `aprobacion`;
    `folder`: where to publish instead of the cut's folder (its draft's)."""
    manifest = manifest_bytes(
        entity={"slug": entity.slug, "name": plan.entity},
        period=str(cut),
        generated_at=now(),
        inputs=[input_record(s.path, s.size, s.sha256, Path.cwd()) for s in sources],
        outputs=artifacts,
        versions=versions(),
        extra={
            **(comparable or {}), "plan": {**plan_record(plan), **(comparable or {}).get("plan", {})},
            "distribution": distribution, "warnings": [warning_record(w) for w in warnings],
            "indicadores": indicator_records(plan),  # what a sector consolidating a shared indicator checks
            **(approval or {}),
        },
    )
    target = folder or cut_folder(output_dir, entity.slug, cut)
    history = history_folder(output_dir, entity.slug, str(cut))
    publication = publish(target, [*artifacts, Artifact(MANIFEST_FILE, manifest)], history)
    try:
        prune_history(history, retention.keep, retention.max_age_days)
    except OSError as exc:  # the cut is published; an untidy history is not worth failing it
        warn_text(entity, f"No se pudieron borrar versiones antiguas del historial {history} ({exc.strerror or exc}).")
    return publication


def artifact_key(slug: str, cut: Cut) -> str:
    """Prefect artifact keys: lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", f"pei-{slug}-{cut}".lower()).strip("-")


@task(name="Registrar resumen y enlaces en Prefect", cache_policy=NO_CACHE)
def record_artifacts(
    entity: Entity, plan: Plan, result: PlanResult, document: Document, files: list[Path], folder: Path,
    stale: tuple[str, ...] = (),
) -> None:
    create_markdown_artifact(
        markdown=attainment_markdown(document, stale),
        key=artifact_key(entity.slug, result.cut),
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


def distribute_cut(
    slug: str, names: Names, cut: Cut, target: Path, outputs: Deliverables, settings: Settings, output_dir: Path
) -> tuple[dict[str, Any], DistributionError | None]:
    """Copy a published cut's distributed outputs to the publication folder and e-mail its
    distributed single files (`pipeline.outputs.registry`); never raises.

    Returns the manifest's record of what happened (`pipeline.delivery.distribution`) and the first
    error, if any.
    """
    distribution, email = settings.distribution, settings.distribution.email
    started = now()
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
            sending = email_sent(state.result(), now())
        else:
            errors.append(as_distribution_error(state.result(raise_on_failure=False)))
            sending = email_failed(email, errors[-1])
    return distribution_record(started, publication, sending), (errors[0] if errors else None)


def published_names(manifest: dict[str, Any], entity: Entity) -> Names:
    """The entity and plan a published cut's e-mail names, as its manifest recorded them; a
    manifest written before it recorded the plan's title and sigla: the entity's plan as it is now."""
    plan = manifest.get("plan")
    name = manifest.get("entity", {}).get("name")
    if isinstance(plan, dict) and plan.get("title") and plan.get("acronym") and name:
        return PlanNames(name, plan["title"], plan["acronym"])
    return load_plan(entity.folder)
