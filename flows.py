"""Prefect flows of the quarterly report. Wiring only: every step's work is in `pipeline`.

`quarterly_report` reports every entity an input folder holds, one mapped `report_entity` task
each; the steps of an entity's cut are nested tasks. Tasks load, call the core, and return; none of them holds business rules.
With no `PREFECT_API_URL`, Prefect runs these on its embedded temporary server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE

from pipeline import versions
from pipeline.attainment import PlanResult, plan_attainment
from pipeline.errors import EntitiesFailed, PipelineError
from pipeline.ingest import Entity, find_entities, load_execution, load_plan, load_settings
from pipeline.model import Plan
from pipeline.periods import Cut, check_cut, default_cut, parse_period
from pipeline.render_pdf import render_pdf
from pipeline.render_pptx import render_deck
from pipeline.report import Report, build_report
from pipeline.publish import Artifact, csv_bytes, cut_lock, file_record, history_folder, manifest_bytes, publish
from pipeline.settings import Settings
from pipeline.tables import avance_table, objetivos_table

PROGRESS = logging.getLogger("pei_report.progress")
"""Step-by-step progress for the command line (a rich handler shows it); not Prefect's log."""

BOGOTA = ZoneInfo("America/Bogota")


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


def _step(entity: Entity, text: str) -> None:
    PROGRESS.info(text, extra={"entity": entity.slug})


@task(name="Leer plan.yaml", cache_policy=NO_CACHE)
def read_plan(folder: Path) -> Plan:
    return load_plan(folder)


@task(name="Leer configuración del reporte", cache_policy=NO_CACHE)
def read_settings(folder: Path) -> Settings:
    return load_settings(folder)


@task(name="Leer y validar seguimiento", cache_policy=NO_CACHE)
def read_execution(folder: Path, plan: Plan) -> tuple[Path, pd.DataFrame]:
    return load_execution(folder, plan)


@task(name="Elegir el corte", cache_policy=NO_CACHE)
def choose_cut(period: str | None, plan: Plan, execution: pd.DataFrame) -> Cut:
    reported = zip(execution["anio"], execution["trimestre"])
    cut = parse_period(period) if period else default_cut(plan.vigencia, reported)
    check_cut(cut, plan.period)
    return cut


@task(name="Calcular avance", cache_policy=NO_CACHE)
def compute_attainment(plan: Plan, execution: pd.DataFrame, cut: Cut, settings: Settings) -> PlanResult:
    return plan_attainment(plan, execution, cut, settings.bands)


@task(name="Armar tablas de avance", cache_policy=NO_CACHE)
def build_tables(plan: Plan, result: PlanResult) -> list[Artifact]:
    return [
        Artifact("avance.csv", csv_bytes(avance_table(plan, result))),
        Artifact("objetivos.csv", csv_bytes(objetivos_table(result))),
    ]


@task(name="Armar el contenido del reporte", cache_policy=NO_CACHE)
def build_content(plan: Plan, execution: pd.DataFrame, result: PlanResult, settings: Settings) -> Report:
    return build_report(plan, execution, result, settings.bands, settings.theme)


@task(name="Generar presentación (.pptx)", cache_policy=NO_CACHE)
def render_deck_file(report: Report, name: str) -> Artifact:
    return Artifact(name, render_deck(report))


@task(name="Generar reporte PDF", cache_policy=NO_CACHE)
def render_pdf_file(report: Report, name: str, attachments: list[Artifact]) -> Artifact:
    return Artifact(name, render_pdf(report, {a.name: a.content for a in attachments}))


@task(name="Publicar resultados", cache_policy=NO_CACHE)
def publish_outputs(
    entity: Entity, plan: Plan, cut: Cut, sources: list[Path], artifacts: list[Artifact], output_dir: Path
) -> list[Path]:
    base = Path.cwd()
    manifest = manifest_bytes(
        entity={"slug": entity.slug, "name": plan.entity},
        period=str(cut),
        generated_at=datetime.now(BOGOTA),
        inputs=[file_record(p, base) for p in sources if p.exists()],
        outputs=artifacts,
        versions=versions(),
    )
    target = output_dir / entity.slug / str(cut)
    history = history_folder(output_dir, entity.slug, str(cut))
    with cut_lock(target):
        return publish(target, [*artifacts, Artifact("manifest.json", manifest)], history).files


@task(name="Reportar entidad", task_run_name="reportar-{entity.slug}", cache_policy=NO_CACHE)
def report_entity(entity: Entity, output_dir: Path, period: str | None = None) -> EntityReport:
    """One entity's cut: read and validate, compute, write the tables, publish atomically."""
    _step(entity, "Leyendo plan.yaml")
    plan = read_plan(entity.folder)
    settings = read_settings(entity.folder)
    _step(entity, "Leyendo y validando el seguimiento")
    source, execution = read_execution(entity.folder, plan)
    cut = choose_cut(period, plan, execution)
    _step(entity, f"Calculando el avance al corte {cut}")
    result = compute_attainment(plan, execution, cut, settings)
    tables = build_tables(plan, result)
    _step(entity, "Armando la presentación y el PDF")
    report = build_content(plan, execution, result, settings)
    deck_name, pdf_name = settings.theme.file_names(entity.slug, str(cut))
    deck = render_deck_file(report, deck_name)
    pdf = render_pdf_file(report, pdf_name, [t for t in tables if t.name == "avance.csv"])
    artifacts = [deck, pdf, *tables]
    target = output_dir / entity.slug / str(cut)
    _step(entity, f"Publicando en {target}")
    sources = [entity.folder / "plan.yaml", source, entity.folder / "configuracion.yaml"]
    files = publish_outputs(entity, plan, cut, sources, artifacts, output_dir)
    return EntityReport(
        slug=entity.slug,
        entity=plan.entity,
        period=str(cut),
        folder=target,
        files=files,
        plan_year_percent=result.overall.year.percent,
        traffic_lights={light.value: n for light, n in result.light_counts().items()},
        inconsistent=result.inconsistent(),
    )


@flow(name="quarterly_report")
def quarterly_report(
    input_dir: str = "inputs", output_dir: str = "outputs", period: str | None = None
) -> list[EntityReport]:
    """Report every entity under `input_dir` at `period` (default: each one's latest quarter).

    One mapped task per entity. One entity's failure does not stop the others; the run then
    fails with `EntitiesFailed` (or, with a single entity, with that entity's own error).
    """
    if period:
        period = str(parse_period(period))  # a malformed period fails before any work
    entities = find_entities(Path(input_dir))
    futures = report_entity.map(entities, output_dir=unmapped(Path(output_dir)), period=unmapped(period))
    reports: list[EntityReport] = []
    failures: dict[str, PipelineError] = {}
    for entity, future in zip(entities, futures):
        outcome = future.result(raise_on_failure=False)
        if isinstance(outcome, BaseException):
            if len(entities) == 1 or not isinstance(outcome, PipelineError):
                raise outcome
            failures[entity.slug] = outcome
        else:
            reports.append(outcome)
    if failures:
        raise EntitiesFailed(failures, [r.slug for r in reports])
    return reports
