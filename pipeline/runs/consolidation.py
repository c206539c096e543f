"""The sectors' consolidation step: after the entities of a batch (or alone, `pei-report
consolidar`), each sector of sectores.yaml is consolidated from its entities' published cuts and
published in `<output>/sectores/<id>/<cut>/`. Loads, calls the core, renders, publishes; no rule
lives here (`pipeline.core.consolidation`, docs/rules.md).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from pipeline import versions
from pipeline.core.consolidation import Grouping, SectorResult, consolidate, consolidate_district
from pipeline.core.periods import parse_period
from pipeline.core.settings import Settings
from pipeline.delivery.consolidated import publish_sector, read_entity_cut
from pipeline.errors import DistributionError, InputError
from pipeline.ingest import Entity, find_entities, load_settings
from pipeline.ingest.sectors import load_sectors
from pipeline.outputs.sector import draw_sector
from pipeline.core.formatting import long_date
from pipeline.core.settings import Email
from pipeline.delivery.distribution import (
    Attachment, build_message, copied, copy_failed, copy_to_publication, distribution_record, email_failed, email_not_configured, email_sent,
    load_credentials, not_configured_record, publication_folder, send, sender_address,
)
from pipeline.delivery.publish import MANIFEST_FILE, update_manifest
from pipeline.core.consolidation import SECTORS_FOLDER
from pipeline.report.sector import ENTIDADES_FILE
from pipeline.runs.progress import PROGRESS, log_line, now
from pipeline.runs.render_pool import draw_each

__all__ = ["SectorReport", "grouping_of", "consolidate_sectors", "consolidate_step", "batch_period", "SECTOR_SUBJECT"]

SECTOR_SUBJECT = "{entidad}: seguimiento consolidado con corte {periodo}"
"""The subject of a sector's (or the district's) e-mail; {entidad} is the sector's name."""
SECTOR_BODY = (
    "Buen día:\n\nAdjuntamos el reporte consolidado de {entidad} con corte {periodo} ({fecha_corte}), "
    "en PDF y en PowerPoint: el avance de cada entidad que lo compone y el del conjunto, según lo que cada "
    "una publicó.\n\nEste mensaje fue generado automáticamente por pei-report.\n"
)
ATTACHED = (".pdf", ".pptx")
"""The sector's files an e-mail carries, as an entity's carries its deck and PDF."""


@dataclass(frozen=True)
class SectorReport:
    """What one sector's consolidation wrote, and its figures as the report says them."""

    sector: str
    name: str
    period: str
    folder: Path
    files: list[Path] = field(default_factory=list)
    summary: str = ""


def grouping_of(input_dir: Path) -> tuple[Grouping | None, list[Entity]]:
    """sectores.yaml of `input_dir` checked against its entity folders (None: no file); an invalid
    file raises `InputError` before any entity is run."""
    entities = find_entities(input_dir)
    return load_sectors(input_dir, [e.slug for e in entities]), entities


def _settings(folder: Path) -> Settings:
    """The head's settings (theme, publication folder); the defaults if its configuracion.yaml
    cannot be read (its own run says why)."""
    try:
        return load_settings(folder)
    except InputError:
        return load_settings()


def batch_period(period: str | None, periods: list[str]) -> str | None:
    """The cut a batch consolidates: the one it was given, else the latest its entities reported."""
    if period:
        return str(parse_period(period))
    cuts = sorted({parse_period(p) for p in periods}, key=lambda c: (c.year, c.quarter))
    return str(cuts[-1]) if cuts else None


def consolidate_sectors(
    input_dir: Path, output_dir: Path, period: str, failures: Mapping[str, str] | None = None,
    grouping: Grouping | None = None, entities: list[Entity] | None = None, distribute: bool = False,
) -> list[SectorReport]:
    """Consolidate every sector of `input_dir`'s sectores.yaml at `period` from the published
    cuts under `output_dir`; `failures`: the entities whose report failed in this batch, with the
    run's message. Nothing to do (an empty list) without sectores.yaml. `distribute`: copy each
    report to its head's publication folder (`<carpeta_publicacion>/sectores/<id>/<cut>/`, listed
    on its standing pages) and e-mail it to the head's `distribucion.correo` recipients (the
    district's: the first sector's head's)."""
    if grouping is None:
        grouping, entities = grouping_of(Path(input_dir))
        if grouping is None:
            return []
    period = str(parse_period(period))
    folders = {e.slug: e.folder for e in entities or find_entities(Path(input_dir))}
    failures = failures or {}
    reads, results = [], []
    for sector in grouping.sectors:
        read = {slug: read_entity_cut(Path(output_dir), slug, period, failures.get(slug)) for slug in sector.entities}
        reads.append(read)
        results.append(consolidate(sector, period, {slug: r.cut for slug, r in read.items()}))
    district = consolidate_district(grouping.district, period, results) if grouping.district else None
    heads = [folders[sector.head] for sector in grouping.sectors] + ([folders[grouping.sectors[0].head]] if district else [])
    every = [*results, *([district] if district else [])]
    settings = [_settings(folder) for folder in heads]
    today = now().date()
    drawn = draw_each(draw_sector, [(r, s.theme, today) for r, s in zip(every, settings)], preload=draw_sector.__module__)
    reports = [
        _publish(output_dir, result, conf, [r.record for r in read.values()], distribute, made)
        for result, conf, read, made in zip(results, settings, reads, drawn)
    ]
    if district is not None:
        records = [
            {"slug": r.sector.id, "estado": "publicado", "motivo": "", "folder": report.folder.as_posix(),
             "files": [{"path": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest()}
                       for f in (report.folder / ENTIDADES_FILE, report.folder / MANIFEST_FILE)]}
            for r, report in zip(results, reports)
        ]
        reports.append(_publish(output_dir, district, settings[-1], records, distribute, drawn[-1]))
    return reports


def _publish(
    output_dir: Path, result: SectorResult, settings: Settings, records: list[dict], distribute: bool, drawn: tuple,
) -> SectorReport:
    """Publish one consolidated report (a sector's or the district's) as `draw_sector` drew it
    (its document and files), and copy it to the publication folder when distributed."""
    document, artifacts = drawn
    folder = publish_sector(Path(output_dir), result, artifacts, records, now(), versions())
    update_manifest(folder, distribution=_distribute(folder, result, settings, output_dir) if distribute
                    else {"status": "not_distributed"})
    summary = (f"{result.sector.name} ({result.period}): avance de la vigencia {document.year_figure} "
               f"({document.year_coverage}), del plan {document.plan_figure} ({document.plan_coverage}).")
    PROGRESS.info(summary, extra={"entity": "*"})
    log_line(summary)
    return SectorReport(result.sector.id, result.sector.name, result.period, folder, [folder / a.name for a in artifacts], summary)


def _distribute(folder: Path, result: SectorResult, settings: Settings, output_dir: Path) -> dict:
    """Copy the sector's files (not its manifest.json, as an entity's copy) to the publication
    folder and e-mail its PDF and deck to the head's `distribucion.correo` recipients; what
    happened, for its manifest, as an entity's distribution is recorded
    (`pipeline.delivery.distribution.distribution_record`). A failure is logged and recorded, and
    the sector's files stay published."""
    if not settings.distribution.active:
        return not_configured_record(now())
    started = now()
    publication = _copy(folder, result, settings, output_dir)
    email = settings.distribution.email
    sending = _email(folder, result, email) if email.active else email_not_configured()
    return distribution_record(started, publication, sending)


def _warn(message: str) -> None:
    PROGRESS.warning(message, extra={"entity": "*"})
    log_line(message)


def _copy(folder: Path, result: SectorResult, settings: Settings, output_dir: Path) -> dict | None:
    """The publication copy's record; None without a publication folder."""
    setting = settings.distribution.folder
    if setting is None:
        return None
    names = sorted(n for n in (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if n != MANIFEST_FILE)
    try:
        target = publication_folder(setting, Path(output_dir), f"{SECTORS_FOLDER}/{result.sector.id}", parse_period(result.period),
                                    confined=settings.distribution.folder_confined)
        copy_to_publication(folder, names, target)
    except DistributionError as exc:
        _warn(str(exc))
        return copy_failed(setting, exc)
    return {**copied(target, names), "at": now().isoformat(timespec="seconds")}


def _email(folder: Path, result: SectorResult, email: Email) -> dict:
    """Send the sector's PDF and deck, retrying a transient failure `email.retries` times as an
    entity's e-mail is; the record of what happened."""
    cut = parse_period(result.period)
    fields = {"entidad": result.sector.name, "slug": result.sector.id, "periodo": str(cut), "fecha_corte": long_date(cut.end),
              "sigla": "", "titulo": result.sector.name}
    sector_email = replace(email, subject=SECTOR_SUBJECT, body=SECTOR_BODY)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ATTACHED)
    attempt = 0
    while True:
        try:
            credentials = load_credentials(email)
            message = build_message(sector_email, sender_address(email, credentials), fields,
                                    [Attachment(p.name, p.read_bytes()) for p in files])
            return email_sent(send(message, credentials), now())
        except DistributionError as exc:
            if exc.transient and attempt < email.retries:
                attempt += 1
                time.sleep(email.retry_delay_seconds)
                continue
            _warn(f"El reporte consolidado de {result.sector.name} ({result.period}) quedó publicado en {folder}, "
                  f"pero el correo no se envió: {exc}")
            return email_failed(email, exc)


consolidate_step = task(name="Consolidar sectores", cache_policy=NO_CACHE)(consolidate_sectors)


def consolidate_batch(
    grouping: tuple[Grouping | None, list[Entity]], input_dir: str | Path, output_dir: str | Path, period: str | None,
    reports: list, failures: Mapping[str, BaseException] | None = None, distribute: bool = False,
) -> list[SectorReport]:
    """After a batch's entities: its sectors at the batch's cut (`batch_period`), with the failed
    entities' messages as their reasons; nothing without sectores.yaml."""
    sectors, entities = grouping
    cut = batch_period(period, [r.period for r in reports])
    if sectors is None or cut is None:
        return []
    reasons = {slug: str(error) for slug, error in (failures or {}).items()}
    return consolidate_step(Path(input_dir), Path(output_dir), cut, reasons, sectors, entities, distribute)
