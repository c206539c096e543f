"""Read sectores.yaml, the optional grouping of an input folder's entities into sectors (and a
district), and check it against the entity folders that are there.

Every problem is found in one pass and named by its line and key: an entity folder in no sector,
a slug that is no entity folder, an entity in two sectors, a `cabeza` not among its sector's
entities, a bad weight, two sectors with one id (docs/contract.md, «sectors and the district»).

A sector (and the district, at the top) may have its own `distribucion`, written and validated as
an entity's configuracion.yaml writes it (`pipeline.ingest.settings.DistributionIn`) and laid over
the installation's defaults as an entity's is, except that an e-mail subject and message it does
not set are the sector's (`SECTOR_SUBJECT`, `SECTOR_BODY`), not an entity's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from pipeline.core.consolidation import DISTRICT_ID, SECTOR_BODY, SECTOR_SUBJECT, SECTORS_FOLDER, Grouping, Sector
from pipeline.core.settings import Distribution
from pipeline.errors import InputError, Problem, did_you_mean
from pipeline.ingest.settings import DistributionIn, default_distribution, folder_problem, to_distribution, with_defaults
from pipeline.ingest.yaml_source import YamlDocument, read_yaml, validate

__all__ = ["SECTORS_FILE", "load_sectors", "sectors_file"]

SECTORS_FILE = "sectores.yaml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectorIn(_Strict):
    """A sector as sectores.yaml writes it."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
    nombre: Text
    cabeza: Text
    entidades: Annotated[list[Text], Field(min_length=1)]
    pesos: dict[str, Annotated[float, Field(gt=0)]] | None = None
    distribucion: DistributionIn | None = None

    @field_validator("pesos")
    @classmethod
    def _finite(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value and any(not math.isfinite(w) for w in value.values()):
            raise ValueError("pesos que sean números finitos mayores que 0")
        return value


class SectorsIn(_Strict):
    """sectores.yaml."""

    distrito: Text | None = None
    distribucion: DistributionIn | None = None  # the district's
    sectores: Annotated[list[SectorIn], Field(min_length=1)]


def sectors_file(input_dir: Path) -> Path:
    return Path(input_dir) / SECTORS_FILE


def load_sectors(input_dir: Path, slugs: Sequence[str]) -> Grouping | None:
    """The grouping of `input_dir`'s entities (`slugs`, their folders' names), or None when the
    folder has no sectores.yaml; an invalid file raises `InputError` with every problem."""
    path = sectors_file(input_dir)
    if not path.exists():
        return None
    user = read_yaml(path, what="la agrupación de entidades en sectores")
    doc = user.with_data(_with_defaults(user.data))
    folders = _distribution_locs(user.data)
    try:
        model = validate(SectorsIn, doc)
    except InputError as error:
        outside = [p for loc in folders for p in folder_problem(user, loc)]
        raise InputError(error.file, doc.order([*error.problems, *outside])) from error
    problems = [p for loc in folders for p in folder_problem(user, loc)] + _grouping_problems(model, doc, list(slugs))
    if problems:
        raise InputError(path, doc.order(problems))
    sectors = tuple(
        Sector(s.id, s.nombre, s.cabeza, tuple(dict.fromkeys(s.entidades)), dict(s.pesos or {}),
               _distribution(s.distribucion, user.data["sectores"][n]))
        for n, s in enumerate(model.sectores)
    )
    return Grouping(sectors, model.distrito, _distribution(model.distribucion, user.data))


def _distribution_locs(data: Any) -> list[tuple[str | int, ...]]:
    """Where the file writes a `distribucion` of its own: at the top (the district's) and in sectors."""
    if not isinstance(data, dict):
        return []
    locs: list[tuple[str | int, ...]] = [("distribucion",)] if isinstance(data.get("distribucion"), dict) else []
    sectors = data.get("sectores")
    for n, sector in enumerate(sectors if isinstance(sectors, list) else []):
        if isinstance(sector, dict) and isinstance(sector.get("distribucion"), dict):
            locs.append(("sectores", n, "distribucion"))
    return locs


def _with_defaults(data: Any) -> Any:
    """The file's data with each `distribucion` it writes laid over the installation's defaults,
    the e-mail's subject and message being a sector's where it sets none."""
    locs = _distribution_locs(data)
    if not locs:
        return data
    defaults = default_distribution()
    defaults["correo"] = {**defaults["correo"], "asunto": SECTOR_SUBJECT, "mensaje": SECTOR_BODY}
    out = {**data, "sectores": [dict(s) if isinstance(s, dict) else s for s in data["sectores"]]} if isinstance(
        data.get("sectores"), list) else dict(data)
    for loc in locs:
        holder = out if len(loc) == 1 else out["sectores"][loc[1]]
        holder["distribucion"] = with_defaults(holder["distribucion"], defaults)
    return out


def _distribution(model: DistributionIn | None, written: Any) -> Distribution | None:
    """A validated `distribucion` as the settings' `Distribution`; its publication folder is
    confined to the publication root when the file itself names one, as an entity's is."""
    if model is None:
        return None
    own = written.get("distribucion") if isinstance(written, dict) else None
    return to_distribution(model, folder_confined=isinstance(own, dict) and "carpeta_publicacion" in own)


def _grouping_problems(model: SectorsIn, doc: YamlDocument, slugs: list[str]) -> list[Problem]:
    """What the fields' model cannot see: the slugs against the entity folders and each other."""
    problems: list[Problem] = []

    def problem(loc: tuple, found: str, expected: str, hint: str | None = None) -> None:
        problems.append(Problem(f"{found} en «{doc.field_name(loc)}»", expected, row=doc.line_of(loc), row_label="línea", hint=hint))

    if model.distrito:
        for n, sector in enumerate(model.sectores):
            if sector.id == DISTRICT_ID:
                problem(("sectores", n, "id"), f"«{DISTRICT_ID}», el id que nombra el reporte del distrito",
                        "otro id para el sector", "Con «distrito» en sectores.yaml, su reporte queda en sectores/distrito/.")
    known = set(slugs)
    placed: dict[str, tuple[str, int | None]] = {}
    ids: dict[str, int] = {}
    for n, sector in enumerate(model.sectores):
        if sector.id in ids:
            problem(("sectores", n, "id"), f"«{sector.id}», repetido (también en el sector {ids[sector.id] + 1})",
                    "un id distinto para cada sector", "El id nombra la carpeta del sector en los resultados.")
        ids.setdefault(sector.id, n)
        for k, slug in enumerate(sector.entidades):
            loc = ("sectores", n, "entidades", k)
            if slug not in known:
                problem(loc, f"«{slug}», que no es una carpeta de entidad de --input",
                        "el nombre de la carpeta de una entidad (" + ", ".join(slugs) + ")",
                        did_you_mean(slug, slugs) or "Cada entidad se nombra por su carpeta de inputs.")
            elif slug in placed:
                where, line = placed[slug]
                problem(loc, f"«{slug}», que ya está en el sector «{where}»" + (f" (línea {line})" if line else ""),
                        "cada entidad en un solo sector", "Quítela de uno de los dos sectores.")
            else:
                placed[slug] = (sector.id, doc.line_of(loc))
        if sector.cabeza not in sector.entidades:
            problem(("sectores", n, "cabeza"), f"«{sector.cabeza}», que no está en «entidades» de su sector",
                    "como cabeza una de las entidades del sector (" + ", ".join(sector.entidades) + ")",
                    did_you_mean(sector.cabeza, sector.entidades) or "Agréguela a «entidades» o corrija la cabeza.")
        for slug in sector.pesos or {}:
            if slug not in sector.entidades:
                problem(("sectores", n, "pesos", slug), f"un peso para «{slug}», que no está en «entidades» de su sector",
                        "pesos solo para las entidades del sector", did_you_mean(slug, sector.entidades))
    if SECTORS_FOLDER in known:  # its outputs would share outputs/sectores/ with the sectors' reports
        problems.append(Problem(
            f"la carpeta de entidad «{SECTORS_FOLDER}»", "otro nombre de carpeta para la entidad",
            row=doc.line_of(("sectores",)), row_label="línea",
            hint=f"Con sectores.yaml, los consolidados quedan en outputs/{SECTORS_FOLDER}/: cámbiele el nombre a la carpeta.",
        ))
    for slug in slugs:
        if slug not in placed:
            problems.append(Problem(
                f"la entidad «{slug}» (carpeta de --input) en ningún sector", "cada entidad de --input en un sector",
                row=doc.line_of(("sectores",)), row_label="línea",
                hint=f"Agregue «{slug}» a las «entidades» de su sector.",
            ))
    return problems
