"""What a sector's consolidated report says: its tables (entidades.csv, indicadores_compartidos.csv)
and its document (the words and figures every output of the sector draws), from a
`pipeline.core.consolidation.SectorResult`.

Column names and order are docs/contract.md's («sectors and the district»); as in
`pipeline.report.tables`, each column is declared once as a `Column`, and datapackage.json
describes the CSVs with the same declarations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline.core.consolidation import EntityCut, SectorResult, SharedIndicator, State
from pipeline.core.formatting import long_date, number, percent
from pipeline.core.periods import parse_period
from pipeline.report.document import Figure, FigureSeries, points_text
from pipeline.report.tables import Column

__all__ = [
    "ENTIDADES_FILE", "COMPARTIDOS_FILE", "ENTIDADES_SCHEMA", "COMPARTIDOS_SCHEMA", "level_column",
    "entidades_table", "compartidos_table", "SectorDocument", "EntityLine", "SharedLine", "build_sector_document",
    "STATE_WORDS", "EntitySection", "NAME_CHARS", "shortened_name",
]

ENTIDADES_FILE = "entidades.csv"
COMPARTIDOS_FILE = "indicadores_compartidos.csv"
SECTOR_ROW = "sector"
_PERCENT = "Porcentaje (87.5 significa 87,5 %), sin redondear; vacío si no se puede calcular"
STATE_WORDS = {
    State.PUBLISHED: "Publicado",
    State.FAILED: "Falló el reporte",
    State.NOT_APPROVED: "Sin aprobar",
    State.NO_CUT: "Sin corte publicado",
}

ENTIDADES_SCHEMA = (
    Column("entidad", "string", "Entidad", "Carpeta de la entidad en --input; «sector» en la fila del sector", required=True),
    Column("nombre", "string", "Nombre", "Nombre de la entidad (o del sector)", required=True),
    Column("peso", "number", "Peso", "Peso de la entidad en la cifra del sector (sectores.yaml; 1 por omisión)",
           required=True, minimum=0),
    Column("estado", "string", "Estado", "publicado, fallido, no_aprobado o sin_corte; consolidado en la fila del sector",
           required=True, values=(*(s.value for s in State), "consolidado")),
    Column("motivo", "string", "Motivo",
           "Por qué la entidad no cuenta en la cifra del sector; en la fila del sector, cuántas entidades cubre"),
    Column("avance_vigencia", "number", "Avance de la vigencia",
           f"Del plan de la entidad (su fila «plan» de objetivos.csv) o, en la fila del sector, su promedio ponderado. {_PERCENT}",
           unit="%"),
    Column("avance_cuatrienio", "number", "Avance del plan",
           f"Del plan de la entidad o, en la fila del sector, su promedio ponderado. {_PERCENT}", unit="%"),
    Column("semaforo", "string", "Semáforo", "Id del nivel del semáforo del plan de la entidad, como en su objetivos.csv"),
    Column("semaforo_texto", "string", "Semáforo (texto)", "La palabra de ese nivel"),
    Column("indicadores", "integer", "Indicadores", "Indicadores distintos de la entidad (o del sector)", minimum=0),
    Column("corte_anterior", "string", "Corte anterior", "El corte anterior que la entidad publicó; vacío si no lo hay",
           pattern=r"[0-9]{4}-T[1-4]"),
    Column("avance_vigencia_anterior", "number", "Avance de la vigencia en el corte anterior",
           f"Como lo publicó la entidad (su año puede ser otro: T4 del año anterior). {_PERCENT}", unit="%"),
    Column("avance_cuatrienio_anterior", "number", "Avance del plan en el corte anterior", f"Como lo publicó la entidad. {_PERCENT}",
           unit="%"),
    Column("semaforo_anterior", "string", "Semáforo en el corte anterior", "Id del nivel, como lo publicó la entidad"),
)
COMPARTIDOS_SCHEMA = (
    Column("indicador", "string", "Indicador", "Código del indicador que reportan varias entidades del sector", required=True),
    Column("entidad", "string", "Entidad", "La entidad de esta parte; «sector» en la fila consolidada", required=True),
    Column("nombre", "string", "Nombre", "Nombre del indicador", required=True),
    Column("anualizacion", "string", "Anualización", "Anualización del indicador en esa entidad"),
    Column("unidad", "string", "Unidad", "Unidad del indicador en esa entidad"),
    Column("meta_vigencia", "number", "Meta de la vigencia", "En la unidad del indicador"),
    Column("ejecutado_vigencia", "number", "Ejecutado en la vigencia", "En la unidad del indicador"),
    Column("avance_vigencia", "number", "Avance de la vigencia", _PERCENT, unit="%"),
    Column("meta_cuatrienio", "number", "Meta del plan", "En la unidad del indicador"),
    Column("ejecutado_cuatrienio", "number", "Ejecutado en el plan", "En la unidad del indicador"),
    Column("avance_cuatrienio", "number", "Avance del plan", _PERCENT, unit="%"),
    Column("regla", "string", "Regla", "Cómo se consolidó: suma, niveles sumados o media ponderada por la meta"),
    Column("consolidado", "boolean", "Consolidado", "Si el indicador se pudo consolidar", required=True),
    Column("motivo", "string", "Motivo", "Por qué no se consolidó, o cuántas entidades cubre la cifra"),
)
ENTIDADES_KEY = ("entidad",)
COMPARTIDOS_KEY = ("indicador", "entidad")


def level_column(level: str, word: str) -> Column:
    """`n_verde`: how many indicators are at that level."""
    return Column(f"n_{level}", "integer", f"Indicadores en {word}",
                  f"Indicadores distintos con semáforo «{word}»; vacío si la entidad no tiene un corte publicado", minimum=0)


def _levels(result: SectorResult) -> list[str]:
    return list(dict.fromkeys([*result.labels, *result.tally]))


def _word(result: SectorResult, level: str) -> str:
    return result.labels.get(level, level.replace("_", " ").capitalize())


def level_columns(result: SectorResult) -> tuple[Column, ...]:
    return tuple(level_column(level, _word(result, level)) for level in _levels(result))


def _entity_row(entity: EntityCut, weight: float, levels: Sequence[str]) -> dict:
    published = entity.state is State.PUBLISHED
    row = {
        "entidad": entity.slug, "nombre": entity.name, "peso": weight, "estado": entity.state.value,
        "motivo": entity.reason, "avance_vigencia": entity.year, "avance_cuatrienio": entity.plan,
        "semaforo": entity.light, "semaforo_texto": entity.light_word if published else None,
        "indicadores": entity.indicator_count if published else None,
        **_previous_cells(entity),
    }
    row.update({f"n_{level}": entity.tally.get(level, 0) if published else None for level in levels})
    return row


def _previous_cells(entity: EntityCut) -> dict:
    before = entity.previous if entity.state is State.PUBLISHED else None
    return {
        "corte_anterior": before.period if before else None,
        "avance_vigencia_anterior": before.year if before else None,
        "avance_cuatrienio_anterior": before.plan if before else None,
        "semaforo_anterior": before.light if before else None,
    }


def _sector_coverage(result: SectorResult) -> str:
    return f"{result.year.coverage} en la vigencia; {result.plan.counted} de {result.plan.total} en el plan"


def entidades_table(result: SectorResult) -> pd.DataFrame:
    """entidades.csv: one row per entity in sectores.yaml's order, then the sector's row."""
    levels = _levels(result)
    rows = [_entity_row(e, result.sector.weight(e.slug), levels) for e in result.entities]
    rows.append({
        "entidad": SECTOR_ROW, "nombre": result.sector.name,
        "peso": sum(result.sector.weight(e.slug) for e in result.entities), "estado": "consolidado",
        "motivo": _sector_coverage(result), "avance_vigencia": result.year.value, "avance_cuatrienio": result.plan.value,
        "semaforo": None, "semaforo_texto": None, "indicadores": sum(result.tally.values()),
        "corte_anterior": None, "avance_vigencia_anterior": None, "avance_cuatrienio_anterior": None, "semaforo_anterior": None,
        **{f"n_{level}": result.tally.get(level, 0) for level in levels},
    })
    columns = [c.name for c in ENTIDADES_SCHEMA] + [f"n_{level}" for level in levels]
    return pd.DataFrame(rows, columns=columns).astype(object).where(lambda f: f.notna(), None)


def _shared_reason(s: SharedIndicator) -> str:
    if not s.consolidated:
        return s.reason
    return f"vigencia: {s.year.coverage}; plan: {s.plan.coverage}"


def compartidos_table(result: SectorResult) -> pd.DataFrame:
    """indicadores_compartidos.csv: each shared indicator's parts, then its consolidated row."""
    rows = []
    for s in result.shared:
        for p in s.parts:
            rows.append({
                "indicador": s.id, "entidad": p.entity, "nombre": p.name, "anualizacion": p.annualization, "unidad": p.unit,
                "meta_vigencia": p.target_year, "ejecutado_vigencia": p.executed_year, "avance_vigencia": p.attainment_year,
                "meta_cuatrienio": p.target_plan, "ejecutado_cuatrienio": p.executed_plan, "avance_cuatrienio": p.attainment_plan,
                "regla": None, "consolidado": s.consolidated, "motivo": None,
            })
        first = s.parts[0]
        rows.append({
            "indicador": s.id, "entidad": SECTOR_ROW, "nombre": s.name,
            "anualizacion": first.annualization if s.consolidated else None, "unidad": first.unit if s.consolidated else None,
            "meta_vigencia": s.target_year, "ejecutado_vigencia": s.executed_year,
            "avance_vigencia": s.year.value if s.year else None,
            "meta_cuatrienio": s.target_plan, "ejecutado_cuatrienio": s.executed_plan,
            "avance_cuatrienio": s.plan.value if s.plan else None,
            "regla": s.rule, "consolidado": s.consolidated, "motivo": _shared_reason(s),
        })
    frame = pd.DataFrame(rows, columns=[c.name for c in COMPARTIDOS_SCHEMA])
    return frame.astype(object).where(lambda f: f.notna(), None)


# --- the document: what every output of the sector says -----------------------------------


@dataclass(frozen=True)
class EntityLine:
    """An entity's row as the report writes it."""

    slug: str
    name: str
    head: bool
    state: str  # «Publicado», «Falló el reporte» ...
    reason: str
    year: str
    plan: str
    light: str | None  # the level id (the swatch's class), None when not published
    light_word: str
    tally: str  # «Verde 8 · Amarillo 3 · Rojo 1»
    weight: str
    counted: bool = True  # its cut is published and approved: it may count in the figure


@dataclass(frozen=True)
class SharedLine:
    """A shared indicator as the report writes it: the sector's figures and each entity's part."""

    id: str
    name: str
    rule: str
    year: str
    plan: str
    coverage: str
    parts: tuple[tuple[str, str, str], ...]  # (entity, year, plan)


@dataclass(frozen=True)
class EntitySection:
    """A published entity's own part of the sector's report: its figures, objectives (one line
    each) and attention items (most severe first; every one of them)."""

    slug: str
    name: str
    year: str
    plan: str
    light: str | None
    light_word: str
    tally: tuple[tuple[str, str, int], ...]  # (level id, word, count)
    objectives: tuple[tuple[str | None, str], ...]  # (level id, «Objetivo 1: avance 2024 47,5 %, del plan 94,8 % · Amarillo»)
    attention: tuple[tuple[str | None, str], ...]  # (level id, «IS-554 Porcentaje de …: avance 2024 de 20,0 % · Rojo»)


NAME_CHARS = 110
"""An indicator's name in an attention line and in the slides' shared-indicators table, at most:
the whole name is in the entity's own report and in indicadores_compartidos.csv (a long name made
each shared row three or four lines, and that table most of a sector's pages)."""


@dataclass(frozen=True)
class SectorDocument:
    """The sector's report, wording decided once."""

    title: str
    sector: str
    head: str  # the head's name; empty for the district
    head_line: str  # «Entidad cabeza del sector: …», or the district's «Consolida 15 sectores»
    member: str  # «Entidad», or the district's «Sector»
    members: str  # «entidades», «sectores»
    period: str
    cut_date: str
    year_figure: str
    year_coverage: str
    plan_figure: str
    plan_coverage: str
    tally: str
    tally_counts: tuple[tuple[str, str, int], ...]  # (level id, word, count) of every level, in the scale's order
    entities: tuple[EntityLine, ...]
    shared: tuple[SharedLine, ...]
    not_consolidated: tuple[tuple[str, str, str], ...]  # (id, name, reason)
    figure: Figure  # the entities' attainment of the year, as the entity report's objectives chart
    sections: tuple[EntitySection, ...] = ()
    changes: tuple[tuple[str | None, str], ...] = ()  # (level id now, «Alcaldía A: avance del plan de … a …»), one per entity


def _pct(value: float | None, missing: str = "Sin dato") -> str:
    return percent(value) if value is not None else missing


def _tally_text(tally, labels) -> str:
    return " · ".join(f"{labels.get(k, k)} {number(v)}" for k, v in tally.items() if v) or "Sin indicadores"


def build_sector_document(result: SectorResult) -> SectorDocument:
    """The words and figures of the sector's report at its cut."""
    cut = parse_period(result.period)
    head = result.head.name if result.head else ""
    district = result.is_district
    members = "sectores" if district else "entidades"
    lines = []
    for e in result.entities:
        published = e.state is State.PUBLISHED
        lines.append(EntityLine(
            e.slug, e.name, e.slug == result.sector.head, STATE_WORDS[e.state], e.reason,
            _pct(e.year, "Sin reporte") if published else "—", _pct(e.plan) if published else "—",
            e.light if published else None, e.light_word if published else "", _tally_text(e.tally, e.labels) if published else "",
            number(result.sector.weight(e.slug)), published,
        ))
    shared = tuple(
        SharedLine(s.id, s.name, s.rule or "", _pct(s.year.value), _pct(s.plan.value),
                   f"vigencia: {s.year.coverage}; plan: {s.plan.coverage}",
                   tuple((p.entity, _pct(p.attainment_year, "Sin reporte"), _pct(p.attainment_plan)) for p in s.parts))
        for s in result.shared if s.consolidated
    )
    refused = tuple((s.id, s.name, s.reason) for s in result.shared if not s.consolidated)
    figure = _entities_figure(result, cut.year, "Sector" if district else "Entidad")
    sections = tuple(_section(e, cut.year) for e in result.entities if e.state is State.PUBLISHED and (e.objectives or e.indicators))
    return SectorDocument(
        title=f"Seguimiento consolidado: {result.sector.name}",
        sector=result.sector.name, head=head,
        head_line=f"Consolida {len(result.entities)} {members}" if district else f"Entidad cabeza del sector: {head}",
        member="Sector" if district else "Entidad", members=members, period=result.period,
        cut_date=long_date(cut.end),
        year_figure=_pct(result.year.value), year_coverage=result.year.coverage,
        plan_figure=_pct(result.plan.value), plan_coverage=result.plan.coverage,
        tally=_tally_text(result.tally, result.labels),
        tally_counts=tuple((level, _word(result, level), result.tally.get(level, 0)) for level in _levels(result)),
        entities=tuple(lines), shared=shared,
        not_consolidated=refused, figure=figure, sections=sections,
        changes=tuple(_change(e, result.period) for e in result.entities if e.state is State.PUBLISHED) if not district else (),
    )


def _change(entity: EntityCut, period: str) -> tuple[str | None, str]:
    """What changed in the entity's figures since the previous cut it published (docs/rules.md)."""
    before = entity.previous
    if before is None:
        return entity.light, f"{entity.name}: no hay un corte anterior publicado con qué comparar."
    word = lambda level: (entity.labels.get(level, level) if level else "sin dato").lower()  # noqa: E731
    parts = []
    if before.period[:4] == period[:4]:
        parts.append(f"avance {period[:4]} de {_pct(before.year, 'sin reporte')} a {_pct(entity.year, 'sin reporte')}"
                     + (f" ({points_text(entity.year - before.year)})" if entity.year is not None and before.year is not None else ""))
    else:
        parts.append(f"avance de la vigencia: cambio de vigencia ({before.period} a {period})")
    parts.append(f"avance del plan de {_pct(before.plan)} a {_pct(entity.plan)}"
                 + (f" ({points_text(entity.plan - before.plan)})" if entity.plan is not None and before.plan is not None else ""))
    parts.append(f"semáforo de {word(before.light)} a {word(entity.light)}" if before.light != entity.light
                 else f"semáforo igual ({word(entity.light)})")
    return entity.light, f"{entity.name} (frente a {before.period}): " + "; ".join(parts) + "."


def _objective_label(objective_id: str) -> str:
    return f"Eje {objective_id.removeprefix('eje:')}" if objective_id.startswith("eje:") else f"Objetivo {objective_id}"


def shortened_name(text: str) -> str:
    """An indicator's name as a slide lists it: at most NAME_CHARS, with «…» where it is cut."""
    text = text.rstrip(". ")
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1].rstrip() + "…"


def _section(entity: EntityCut, year: int) -> EntitySection:
    word = lambda level: entity.labels.get(level, level.replace("_", " ").capitalize()) if level else "Sin dato"  # noqa: E731
    objectives = tuple(
        (o.light, f"{_objective_label(o.id)}: avance {year} {_pct(o.year, 'sin reporte')}, del plan {_pct(o.plan)} · {word(o.light)}")
        for o in entity.objectives
    )
    attention = tuple(
        (p.light, f"{p.id} {shortened_name(p.name)}: avance {year} de {_pct(p.attainment_year, 'sin reporte')} · {word(p.light)}")
        for p in entity.attention
    )
    tally = tuple((level, word(level), count) for level, count in entity.tally.items())
    return EntitySection(entity.slug, entity.name, _pct(entity.year, "Sin reporte"), _pct(entity.plan), entity.light,
                         entity.light_word, tally, objectives, attention)


def _entities_figure(result: SectorResult, year: int, member: str) -> Figure:
    published = [e for e in result.entities if e.state is State.PUBLISHED]
    said = [_pct(e.year, "sin reporte") for e in published]
    description = (
        f"Avance de la vigencia {year} por {member.lower()}: "
        + "; ".join(f"{e.name}, {text}" for e, text in zip(published, said)) + "."
        if published else "Ninguna entidad del sector tiene un corte publicado."
    )
    return Figure(
        key="entidades",
        title=f"Avance de la vigencia {year} por {member.lower()}",
        subtitle=f"{member}es con cifra: {sum(e.year is not None for e in published)} de {len(result.entities)}"
        if member == "Sector" else f"Entidades con corte publicado: {len(published)} de {len(result.entities)}",
        categories=tuple(e.name for e in published),
        long_categories=tuple(e.name for e in published),
        series=(FigureSeries(f"Avance {year}", tuple(e.year for e in published), "achieved", labels=tuple(said)),),
        description=description,
        missing="sin reporte",
        category_heading=member,
    )
