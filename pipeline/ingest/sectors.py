"""Read sectores.yaml, the optional grouping of an input folder's entities into sectors (and a
district), and check it against the entity folders that are there.

Every problem is found in one pass and named by its line and key: an entity folder in no sector,
a slug that is no entity folder, an entity in two sectors, a `cabeza` not among its sector's
entities, a bad weight, two sectors with one id (docs/contract.md, «sectors and the district»).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from pipeline.core.consolidation import DISTRICT_ID, SECTORS_FOLDER, Grouping, Sector
from pipeline.errors import InputError, Problem, did_you_mean
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

    @field_validator("pesos")
    @classmethod
    def _finite(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value and any(not math.isfinite(w) for w in value.values()):
            raise ValueError("pesos que sean números finitos mayores que 0")
        return value


class SectorsIn(_Strict):
    """sectores.yaml."""

    distrito: Text | None = None
    sectores: Annotated[list[SectorIn], Field(min_length=1)]


def sectors_file(input_dir: Path) -> Path:
    return Path(input_dir) / SECTORS_FILE


def load_sectors(input_dir: Path, slugs: Sequence[str]) -> Grouping | None:
    """The grouping of `input_dir`'s entities (`slugs`, their folders' names), or None when the
    folder has no sectores.yaml; an invalid file raises `InputError` with every problem."""
    path = sectors_file(input_dir)
    if not path.exists():
        return None
    doc = read_yaml(path, what="la agrupación de entidades en sectores")
    model = validate(SectorsIn, doc)
    problems = _grouping_problems(model, doc, list(slugs))
    if problems:
        raise InputError(path, doc.order(problems))
    sectors = tuple(
        Sector(s.id, s.nombre, s.cabeza, tuple(dict.fromkeys(s.entidades)), dict(s.pesos or {})) for s in model.sectores
    )
    return Grouping(sectors, model.distrito)


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
