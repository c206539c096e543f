"""The sectors' consolidation step: after the entities of a batch (or alone, `pei-report
consolidar`), each sector of sectores.yaml is consolidated from its entities' published cuts and
published in `<output>/sectores/<id>/<cut>/`, then distributed by the sector's own `distribucion`
(sectores.yaml) or its head's. `redeliver_sectors` retries what a consolidated cut's manifest says
was not delivered (a resend, recovery after a crash). Loads, calls the core, renders, publishes;
no rule lives here (`pipeline.core.consolidation`, docs/rules.md).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from shlex import quote

from prefect import task
from prefect.cache_policies import NO_CACHE

from pipeline import versions
from pipeline.core.command import suggest
from pipeline.core.consolidation import (
    DISTRICT_ID, SECTOR_BODY, SECTOR_SUBJECT, SECTORS_FOLDER, Grouping, Sector, SectorResult, consolidate, consolidate_district,
)
from pipeline.core.formatting import long_date
from pipeline.core.periods import parse_period
from pipeline.core.settings import Distribution, Email, Settings
from pipeline.delivery.consolidated import publish_sector, read_entity_cut, sector_folder
from pipeline.delivery.distribution import (
    FAILED, NOT_CONFIGURED, PENDING, Attachment, build_message, copied, copy_failed, copy_to_publication, distribution_record,
    email_failed, email_not_configured, email_sent, load_credentials, not_configured_record, publication_folder, send,
    sender_address, write_current_sectors,
)
from pipeline.delivery.publish import MANIFEST_FILE, cut_lock, update_manifest
from pipeline.errors import DistributionError, InputError
from pipeline.ingest import Entity, find_entities, load_settings
from pipeline.ingest.sectors import load_sectors
from pipeline.outputs.sector import draw_sector
from pipeline.report.sector import ENTIDADES_FILE
from pipeline.runs.progress import PROGRESS, log_line, now
from pipeline.runs.render_pool import draw_each

__all__ = [
    "SectorReport", "grouping_of", "consolidate_sectors", "consolidate_step", "batch_period", "SECTOR_SUBJECT",
    "redeliver_sectors",
]

ATTACHED = (".pdf", ".pptx")
"""The sector's files an e-mail carries, as an entity's carries its deck and PDF."""
NOT_DISTRIBUTED = "not_distributed"


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
    report to its publication folder (`<carpeta_publicacion>/sectores/<id>/<cut>/`, listed on its
    standing pages) and e-mail it, by the sector's own `distribucion` in sectores.yaml, else its
    head's (the district's: its own, else the first sector's head's)."""
    if grouping is None:
        grouping, entities = grouping_of(Path(input_dir))
        if grouping is None:
            return []
    period = str(parse_period(period))
    folders = {e.slug: e.folder for e in entities or find_entities(Path(input_dir))}
    failures = failures or {}
    current = _current_ids(grouping)
    reads, results = [], []
    for sector in grouping.sectors:
        read = {slug: read_entity_cut(Path(output_dir), slug, period, failures.get(slug)) for slug in sector.entities}
        reads.append(read)
        results.append(consolidate(sector, period, {slug: r.cut for slug, r in read.items()}))
    district = consolidate_district(grouping.district, period, results) if grouping.district else None
    deliveries = [_delivery(sector.distribution, folders[sector.head]) for sector in grouping.sectors]
    if district is not None:
        deliveries.append(_delivery(grouping.district_distribution, folders[grouping.sectors[0].head]))
    every = [*results, *([district] if district is not None else [])]
    today = now().date()
    # every report drawn first, one per core (the batch's entities are done), then published in order
    drawn = draw_each(draw_sector, [(r, d.settings.theme, today) for r, d in zip(every, deliveries)],
                      preload=draw_sector.__module__)
    reports = [
        _publish(output_dir, result, delivery, [r.record for r in read.values()], distribute, current, made)
        for result, delivery, read, made in zip(results, deliveries, reads, drawn)
    ]
    if district is not None:
        records = [
            {"slug": r.sector.id, "estado": "publicado", "motivo": "", "folder": report.folder.as_posix(),
             "files": [{"path": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest()}
                       for f in (report.folder / ENTIDADES_FILE, report.folder / MANIFEST_FILE)]}
            for r, report in zip(results, reports)
        ]
        reports.append(_publish(output_dir, district, deliveries[-1], records, distribute, current, drawn[-1]))
    return reports


@dataclass(frozen=True)
class _Delivery:
    """How a consolidated report is themed and distributed: its head's theme (the defaults' if
    the head's configuracion.yaml cannot be read), and its own distribution or its head's, the
    e-mail then worded for a sector."""

    settings: Settings
    distribution: Distribution


def _delivery(own: Distribution | None, head: Path) -> _Delivery:
    settings = _settings(head)
    if own is not None:  # sectores.yaml's, its wording already a sector's where it sets none
        return _Delivery(settings, own)
    head_distribution = settings.distribution
    email = replace(head_distribution.email, subject=SECTOR_SUBJECT, body=SECTOR_BODY)
    return _Delivery(settings, replace(head_distribution, email=email))


def _current_ids(grouping: Grouping) -> list[str]:
    return [s.id for s in grouping.sectors] + ([DISTRICT_ID] if grouping.district else [])


def _publish(
    output_dir: Path, result: SectorResult, delivery: _Delivery, records: list[dict], distribute: bool, current: list[str],
    drawn: tuple,
) -> SectorReport:
    """Publish one consolidated report (a sector's or the district's) as `draw_sector` drew it
    (its document and files), then distribute it when asked. Its manifest says `pending` between
    the two, as an entity's does, so that a run killed in between leaves it for
    `redeliver_sectors` to complete."""
    document, artifacts = drawn
    target = sector_folder(Path(output_dir), result.sector.id, result.period)
    active = delivery.distribution.active
    status = PENDING if distribute and active else NOT_CONFIGURED if distribute else NOT_DISTRIBUTED
    with cut_lock(target):
        folder = publish_sector(Path(output_dir), result, artifacts, records, now(), versions(), {"status": status})
        if status == PENDING:
            update_manifest(folder, distribution=_distribute(folder, result.sector, result.period, delivery.distribution,
                                                             output_dir, current))
        elif status == NOT_CONFIGURED:
            update_manifest(folder, distribution=not_configured_record(now()))
    summary = (f"{result.sector.name} ({result.period}): avance de la vigencia {document.year_figure} "
               f"({document.year_coverage}), del plan {document.plan_figure} ({document.plan_coverage}).")
    PROGRESS.info(summary, extra={"entity": "*"})
    log_line(summary)
    return SectorReport(result.sector.id, result.sector.name, result.period, folder, [folder / a.name for a in artifacts], summary)


def _distribute(
    folder: Path, sector: Sector, period: str, distribution: Distribution, output_dir: Path, current: list[str],
    previous: dict | None = None,
) -> dict:
    """Copy the sector's files (not its manifest.json, as an entity's copy) to the publication
    folder and e-mail its PDF and deck; what happened, for its manifest, as an entity's
    distribution is recorded (`pipeline.delivery.distribution.distribution_record`). With the
    `previous` record of a distribution that failed, only its failed parts are done again. A
    failure is logged and recorded, and the sector's files stay published."""
    started = now()
    publication = _succeeded(previous, "publication") or _copy(folder, sector, period, distribution, output_dir, current)
    email = distribution.email
    sending = _succeeded(previous, "email") or (_email(folder, sector, period, email) if email.active else email_not_configured())
    return distribution_record(started, publication, sending)


def _succeeded(previous: dict | None, part: str) -> dict | None:
    """A part of an earlier distribution's record that was done (a copy made, an e-mail sent):
    kept as it is, not done again; else None."""
    record = (previous or {}).get(part)
    return record if isinstance(record, dict) and record.get("status") in ("copied", "sent") else None


def _warn(message: str) -> None:
    PROGRESS.warning(message, extra={"entity": "*"})
    log_line(message)


def _copy(folder: Path, sector: Sector, period: str, distribution: Distribution, output_dir: Path, current: list[str]) -> dict | None:
    """The publication copy's record; None without a publication folder. The publication
    folder's `sectores/` is told which sectors sectores.yaml names now (`write_current_sectors`)."""
    setting = distribution.folder
    if setting is None:
        return None
    names = sorted(n for n in (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if n != MANIFEST_FILE)
    try:
        target = publication_folder(setting, Path(output_dir), f"{SECTORS_FOLDER}/{sector.id}", parse_period(period),
                                    confined=distribution.folder_confined)
        write_current_sectors(target.parent.parent, current)
        copy_to_publication(folder, names, target)
    except DistributionError as exc:
        _warn(str(exc))
        return copy_failed(setting, exc)
    return {**copied(target, names), "at": now().isoformat(timespec="seconds")}


def _email(folder: Path, sector: Sector, period: str, email: Email) -> dict:
    """Send the sector's PDF and deck, retrying a transient failure `email.retries` times as an
    entity's e-mail is; the record of what happened."""
    cut = parse_period(period)
    fields = {"entidad": sector.name, "slug": sector.id, "periodo": str(cut), "fecha_corte": long_date(cut.end),
              "sigla": "", "titulo": sector.name}
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ATTACHED)
    attempt = 0
    while True:
        try:
            credentials = load_credentials(email)
            message = build_message(email, sender_address(email, credentials), fields,
                                    [Attachment(p.name, p.read_bytes()) for p in files])
            return email_sent(send(message, credentials), now())
        except DistributionError as exc:
            if exc.transient and attempt < email.retries:
                attempt += 1
                time.sleep(email.retry_delay_seconds)
                continue
            _warn(f"El reporte consolidado de {sector.name} ({period}) quedó publicado en {folder}, "
                  f"pero el correo no se envió: {exc}")
            return email_failed(email, exc)


def redeliver_sectors(
    input_dir: Path, output_dir: Path, period: str | None = None, distribute: bool = True,
) -> tuple[list[SectorReport], list[DistributionError]]:
    """Distribute again what the sectors' (and the district's) manifests say is not delivered,
    as `pei-report resend` and recovery do for an entity's cut.

    Without `period` (recovery after a crash): every consolidated cut whose distribution is
    `pending` (published, never distributed) is distributed. With `period` (a resend): that
    cut's `failed` parts are done again too, the parts that succeeded are not (an e-mail sent is
    not sent twice). Twice in a row, the second does nothing. A sector that is no longer in
    sectores.yaml is left as it is. `distribute` off: the pending ones are only said. Returns
    what was delivered and, for each that failed again, an error saying how to retry it.
    """
    try:
        grouping, entities = grouping_of(Path(input_dir))
    except InputError as exc:  # an entity's resend or recovery does not fail for it; it is said
        _warn(f"No se revisó la distribución de los reportes consolidados de los sectores: {exc}")
        return [], []
    if grouping is None:
        return [], []
    folders = {e.slug: e.folder for e in entities}
    targets = [(s, s.distribution) for s in grouping.sectors]
    if grouping.district:
        targets.append((Sector(DISTRICT_ID, grouping.district, "", ()), grouping.district_distribution))
    current = _current_ids(grouping)
    wanted = (PENDING,) if period is None else (PENDING, FAILED)
    done: list[SectorReport] = []
    errors: list[DistributionError] = []
    for sector, own in targets:
        parent = Path(output_dir) / SECTORS_FOLDER / sector.id
        cuts = [str(parse_period(period))] if period else sorted(p.name for p in _cut_folders(parent))
        for cut in cuts:
            folder = sector_folder(Path(output_dir), sector.id, cut)
            previous = _distribution_of(folder)
            if previous.get("status") not in wanted:
                continue
            name = _name_of(folder, sector)
            if not distribute:
                _warn(f"La distribución del reporte consolidado de {name} ({cut}) quedó interrumpida: está publicado en "
                      f"{folder}, pero no consta que se haya copiado ni enviado. Complétela con: "
                      + suggest(f"resend --input {quote(str(input_dir))} --output {quote(str(output_dir))} --period {cut}"))
                continue
            head = folders[grouping.sectors[0].head if sector.id == DISTRICT_ID else sector.head]
            outcome = _redeliver(folder, replace(sector, name=name), cut, _delivery(own, head), output_dir, current, wanted)
            if outcome is None:
                continue
            if outcome.get("status") == FAILED:
                errors.append(DistributionError(
                    f"El reporte consolidado de {name} ({cut}) está publicado en {folder}, pero su distribución volvió a "
                    f"fallar: {_failure_text(outcome)} Cuando se resuelva, reintente con: "
                    + suggest(f"resend --input {quote(str(input_dir))} --output {quote(str(output_dir))} --period {cut}")
                ))
            else:
                done.append(SectorReport(sector.id, name, cut, folder, summary=f"{name} ({cut}): distribución completada"))
                text = f"El reporte consolidado de {name} ({cut}) quedó distribuido: lo que faltaba se copió o se envió."
                PROGRESS.info(text, extra={"entity": "*"})
                log_line(text)
    return done, errors


def _redeliver(folder: Path, sector: Sector, cut: str, delivery: _Delivery, output_dir: Path, current: list[str],
               wanted: tuple[str, ...]) -> dict | None:
    """Under the cut's lock, read its record again and distribute what it lacks; the new record,
    or None when another run delivered or replaced it meanwhile (or distribution is now off)."""
    with cut_lock(folder):
        previous = _distribution_of(folder)
        if previous.get("status") not in wanted:
            return None
        if not delivery.distribution.active:
            update_manifest(folder, distribution=not_configured_record(now()))
            return None
        kept = previous if previous.get("status") == FAILED else None
        record = _distribute(folder, sector, cut, delivery.distribution, output_dir, current, kept)
        update_manifest(folder, distribution=record)
        return record


def _cut_folders(parent: Path) -> list[Path]:
    try:
        return [p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST_FILE).is_file()]
    except FileNotFoundError:
        return []


def _manifest(folder: Path) -> dict:
    try:
        document = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _distribution_of(folder: Path) -> dict:
    record = _manifest(folder).get("distribution")
    return record if isinstance(record, dict) else {}


def _name_of(folder: Path, sector: Sector) -> str:
    """The name the cut was published with (the district's name in sectores.yaml may have changed since)."""
    return str((_manifest(folder).get("entity") or {}).get("name") or sector.name)


def _failure_text(record: dict) -> str:
    return " ".join(str(part.get("error", "")).strip() for part in (record.get("publication"), record.get("email"))
                    if isinstance(part, dict) and part.get("status") == FAILED)


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
