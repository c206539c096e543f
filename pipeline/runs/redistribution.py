"""Distributing a published cut again: `resend_entity` (the `reenviar` deployment's step) and the
completion of distributions a killed run left pending (`pipeline.delivery.recovery`), which every
flow runs after its own cuts. Tasks load, call the packages below, and return."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from pipeline.core.periods import Cut, parse_period
from pipeline.core.settings import Settings
from pipeline.delivery.approval import refuse_pending_draft
from pipeline.delivery.distribution import failed_after_publishing, not_configured_record
from pipeline.delivery.publish import cut_folder, cut_lock, read_published
from pipeline.delivery.recovery import find_pending, in_progress, pending_text, still_pending
from pipeline.errors import DistributionError, PipelineError
from pipeline.ingest import Entity
from pipeline.ingest.settings import SETTINGS_FILE
from pipeline.outputs.registry import OUTPUTS, deliverables
from pipeline.runs.batch import EntityReport
from pipeline.runs.consolidation import redeliver_sectors
from pipeline.runs.progress import announce_step, now
from pipeline.runs.run_log import hide_pipeline_tracebacks
from pipeline.runs.steps import distribute_cut, published_names, read_settings, record_distribution

__all__ = ["resend_entity", "complete_distribution", "complete_interrupted"]


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
        refuse_pending_draft(cut_folder(output_dir, entity.slug, cut), entity, cut)
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


def complete_interrupted(
    entities: list[Entity], output_dir: Path, input_dir: str, distribute: bool = True, period: str | None = None,
) -> tuple[list[EntityReport], list[PipelineError]]:
    """Complete the interrupted distributions of these entities' cuts, or, with `distribute`
    off, say which there are. Returns the cuts completed and the errors of those that failed
    (each also logged, so that it is seen when the run fails for another reason).

    The sectors' and the district's consolidated cuts of sectores.yaml are looked at too
    (`redeliver_sectors`): those a crash left pending, and with `period` (a resend) that cut's
    failed deliveries; they are logged, not returned, and their errors join the entities'."""
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
    errors += redeliver_sectors(Path(input_dir), Path(output_dir), period, distribute)[1]
    return reports, errors
