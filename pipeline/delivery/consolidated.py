"""The I/O edge of a sector's consolidation: read each entity's published cut back
(`read_entity_cut`, every file checked against its manifest's sha256) and publish the sector's
folder, `<output>/sectores/<id>/<cut>/`, atomically with its manifest.json (`publish_sector`).

Only what an entity published is read (objetivos.csv, avance.csv, datapackage.json and
manifest.json), never its spreadsheets: the sector always says what each entity published. A cut
that cannot be read is the entity's state «sin corte» with the reason; a draft is «no aprobado».
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.core.consolidation import EntityCut, IndicatorPart, ObjectiveFigure, PreviousFigures, SectorResult, State
from pipeline.core.periods import parse_period
from pipeline.delivery.portal import DRAFT
from pipeline.delivery.publish import MANIFEST_FILE, Artifact, cut_folder, manifest_bytes, publish, read_published
from pipeline.errors import PipelineError
from pipeline.core.consolidation import SECTORS_FOLDER

__all__ = ["EntityRead", "read_entity_cut", "publish_sector", "sector_folder"]

READ_FILES = ("objetivos.csv", "avance.csv", "datapackage.json")


@dataclass(frozen=True)
class EntityRead:
    """An entity's cut as read, and the manifest's record of it: folder, state and each file's sha256."""

    cut: EntityCut
    record: dict[str, Any]


def sector_folder(output_dir: Path, sector_id: str, period: str) -> Path:
    return cut_folder(Path(output_dir) / SECTORS_FOLDER, sector_id, period)


def _number(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _labels(datapackage: dict[str, Any]) -> dict[str, str]:
    """Each level id's word, from avance.csv's `semaforo` field's `categories`."""
    for resource in datapackage.get("resources", []):
        if resource.get("path") != "avance.csv":
            continue
        for field in resource.get("schema", {}).get("fields", []):
            if field.get("name") == "semaforo":
                return {str(c["value"]): str(c["label"]) for c in field.get("categories", [])}
    return {}


def _entity_cut(slug: str, manifest: dict[str, Any], files: dict[str, bytes]) -> EntityCut:
    objetivos, avance = _rows(files["objetivos.csv"]), _rows(files["avance.csv"])
    labels = _labels(json.loads(files["datapackage.json"])) if "datapackage.json" in files else {}
    plan_row = next((r for r in objetivos if r["objetivo"] == "plan"), None)
    if plan_row is None:
        raise PipelineError("su objetivos.csv no tiene la fila «plan»")
    meanings = {str(r["id"]): r for r in manifest.get("indicadores", []) if isinstance(r, dict)}
    seen: dict[str, dict[str, str]] = {}
    for row in avance:
        seen.setdefault(row["indicador"], row)  # an indicator serving two objectives is one
    tally: dict[str, int] = {level: 0 for level in labels}
    for row in seen.values():
        tally[row["semaforo"]] = tally.get(row["semaforo"], 0) + 1
    parts = []
    for ind, row in seen.items():
        meaning = meanings.get(ind, {})
        parts.append(IndicatorPart(
            slug, ind, row["nombre"], meaning.get("anualizacion"), meaning.get("unidad"), meaning.get("metas_como"),
            meaning.get("linea_base"),
            _number(row["meta_vigencia"]), _number(row["ejecutado_vigencia"]), _number(row["avance_vigencia"]),
            _number(row["meta_cuatrienio"]), _number(row["ejecutado_cuatrienio"]), _number(row["avance_cuatrienio"]),
            row["semaforo"] or None,
        ))
    objectives = tuple(
        ObjectiveFigure(r["objetivo"], int(r["indicadores"] or 0), _number(r["avance_vigencia"]), _number(r["avance_cuatrienio"]),
                        r["semaforo"] or None)
        for r in objetivos if r["objetivo"] != "plan"
    )
    return EntityCut(
        slug, str(manifest.get("entity", {}).get("name") or slug), State.PUBLISHED,
        year=_number(plan_row["avance_vigencia"]), plan=_number(plan_row["avance_cuatrienio"]),
        light=plan_row["semaforo"] or None, tally={k: v for k, v in tally.items() if v}, labels=labels,
        indicators=tuple(parts), objectives=objectives,
    )


def read_entity_cut(output_dir: Path, slug: str, period: str, failure: str | None = None) -> EntityRead:
    """The entity's published cut at `period` under `output_dir`; `failure`: its report failed in
    this batch (the run's message), so no cut of it is consolidated."""
    folder = cut_folder(output_dir, slug, period)
    record: dict[str, Any] = {"slug": slug, "folder": folder.as_posix(), "files": []}

    def without(state: State, reason: str) -> EntityRead:
        return EntityRead(EntityCut(slug, slug, state, reason), {**record, "estado": state.value, "motivo": reason})

    if failure is not None:
        return without(State.FAILED, failure.splitlines()[0] if failure else "falló el reporte")
    if not (folder / MANIFEST_FILE).is_file():
        return without(State.NO_CUT, f"no hay un corte {period} publicado en {folder}")
    try:
        manifest, paths = read_published(folder)
        by_name = {p.relative_to(folder).as_posix(): p for p in paths}
        missing = [n for n in READ_FILES[:2] if n not in by_name]
        if missing:
            raise PipelineError(f"su manifest.json no registra {', '.join(missing)}")
        files = {n: by_name[n].read_bytes() for n in READ_FILES if n in by_name}
        manifest_data = (folder / MANIFEST_FILE).read_bytes()
        cut = _entity_cut(slug, manifest, files)
    except (PipelineError, OSError, UnicodeDecodeError, KeyError, ValueError, TypeError) as exc:
        return without(State.NO_CUT, f"el corte {period} publicado en {folder} no se pudo leer: {exc}")
    record["files"] = [{"path": MANIFEST_FILE, "sha256": hashlib.sha256(manifest_data).hexdigest()}] + [
        {"path": n, "sha256": hashlib.sha256(data).hexdigest()} for n, data in files.items()
    ]
    cut = replace(cut, previous=_previous(output_dir, slug, period))
    estado = str(manifest.get("estado") or "")
    if estado.strip().casefold() == DRAFT:
        reason = f"el corte {period} es un borrador sin aprobar: no se consolida"
        return EntityRead(EntityCut(slug, cut.name, State.NOT_APPROVED, reason),
                          {**record, "estado": State.NOT_APPROVED.value, "motivo": reason})
    return EntityRead(cut, {**record, "estado": State.PUBLISHED.value, "motivo": ""})


def _previous(output_dir: Path, slug: str, period: str) -> PreviousFigures | None:
    """The plan row of the entity's previous published cut (T4 of the year before for a T1), if it
    can be read and is not a draft."""
    before = str(parse_period(period).previous)
    folder = cut_folder(output_dir, slug, before)
    if not (folder / MANIFEST_FILE).is_file():
        return None
    try:
        manifest, paths = read_published(folder)
        if str(manifest.get("estado") or "").strip().casefold() == DRAFT:
            return None
        objetivos = next(p for p in paths if p.relative_to(folder).as_posix() == "objetivos.csv")
        row = next(r for r in _rows(objetivos.read_bytes()) if r["objetivo"] == "plan")
    except (PipelineError, OSError, StopIteration, UnicodeDecodeError, KeyError, ValueError):
        return None
    return PreviousFigures(before, _number(row["avance_vigencia"]), _number(row["avance_cuatrienio"]), row["semaforo"] or None)


def publish_sector(
    output_dir: Path, result: SectorResult, artifacts: Sequence[Artifact], records: Sequence[dict[str, Any]],
    generated_at: datetime, versions: dict[str, str] | None = None, distribution: dict[str, Any] | None = None,
) -> Path:
    """Write the sector's folder at its cut, every file at once, with its manifest.json
    (`distribution`: its record at publishing, as an entity's `{"status": "pending"}`)."""
    target = sector_folder(output_dir, result.sector.id, result.period)
    manifest = manifest_bytes(
        entity={"slug": result.sector.id, "name": result.sector.name},
        period=result.period,
        generated_at=generated_at,
        inputs=[],
        outputs=artifacts,
        versions=versions or {},
        extra={
            "sector": {"id": result.sector.id, "nombre": result.sector.name, "cabeza": result.sector.head},
            "entities": list(records),
            **({"distribution": distribution} if distribution is not None else {}),
        },
    )
    publish(target, [*artifacts, Artifact(MANIFEST_FILE, manifest)])
    return target
