"""A sector's consolidated figures from its entities' published cuts (docs/rules.md, «The sector
and the district»): pure, data in and data out.

`consolidate` takes the sector (from sectores.yaml) and what each of its entities published at the
cut (`EntityCut`: its plan row, its indicators' rows and their meanings, or why there is none) and
returns the sector's figure of the year and of the plan, each saying how many entities it covers,
the sector's tally, and its shared indicators, each consolidated by its rule or listed with the
reason it cannot be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from pipeline.core.model import Annualization, Plan
from pipeline.core.settings import Distribution

__all__ = [
    "Sector",
    "Grouping",
    "State",
    "IndicatorPart",
    "EntityCut",
    "ObjectiveFigure",
    "PreviousFigures",
    "ATTENTION_LEVELS",
    "Covered",
    "SharedIndicator",
    "SectorResult",
    "consolidate",
    "consolidate_district",
    "DISTRICT_ID",
    "weighted_mean",
    "indicator_records",
    "PERCENT",
    "SECTORS_FOLDER",
    "SECTOR_SUBJECT",
    "SECTOR_BODY",
]

PERCENT = "porcentaje"
SECTORS_FOLDER = "sectores"  # the consolidated reports' folder under --output: outputs/sectores/<id>/<cut>/

SECTOR_SUBJECT = "{entidad}: seguimiento consolidado con corte {periodo}"
"""The subject of a sector's (or the district's) e-mail; {entidad} is the sector's name."""
SECTOR_BODY = (
    "Buen día:\n\nAdjuntamos el reporte consolidado de {entidad} con corte {periodo} ({fecha_corte}), "
    "en PDF y en PowerPoint: el avance de cada entidad que lo compone y el del conjunto, según lo que cada "
    "una publicó.\n\nEste mensaje fue generado automáticamente por pei-report.\n"
)
"""The body of a sector's (or the district's) e-mail, unless its own `distribucion` sets one."""


@dataclass(frozen=True)
class Sector:
    """A sector of sectores.yaml. Invariants: `head` is one of `entities` (empty for the district,
    whose members are sectors and which has no head); every weight is > 0 and names one of
    `entities`; an entity without a weight weighs 1."""

    id: str
    name: str
    head: str
    entities: tuple[str, ...]
    weights: Mapping[str, float] = field(default_factory=dict)
    distribution: Distribution | None = None  # its own `distribucion` in sectores.yaml; None: its head's

    def weight(self, slug: str) -> float:
        return float(self.weights.get(slug, 1.0))


@dataclass(frozen=True)
class Grouping:
    """sectores.yaml: the sectors (each entity of --input in exactly one), the district's name,
    and the district's own `distribucion` (None: the first sector's head's)."""

    sectors: tuple[Sector, ...]
    district: str | None = None
    district_distribution: Distribution | None = None

    def sector_of(self, slug: str) -> Sector | None:
        return next((s for s in self.sectors if slug in s.entities), None)


class State(str, Enum):
    """An entity's state at the cut, as entidades.csv's `estado` says it."""

    PUBLISHED = "publicado"
    FAILED = "fallido"
    NOT_APPROVED = "no_aprobado"
    NO_CUT = "sin_corte"


@dataclass(frozen=True)
class IndicatorPart:
    """One entity's published row of an indicator (avance.csv) and its meaning (the manifest's
    `indicadores`; None where the cut was published before it recorded them). Figures are
    None where the cell was empty (not computable)."""

    entity: str
    id: str
    name: str
    annualization: str | None
    unit: str | None
    targets_as: str | None
    baseline: float | None
    target_year: float | None
    executed_year: float | None
    attainment_year: float | None
    target_plan: float | None
    executed_plan: float | None
    attainment_plan: float | None
    light: str | None = None  # its semáforo's level id, as avance.csv says it


@dataclass(frozen=True)
class ObjectiveFigure:
    """An objective's (or an eje's) row of an entity's objetivos.csv."""

    id: str
    indicators: int
    year: float | None
    plan: float | None
    light: str | None


@dataclass(frozen=True)
class PreviousFigures:
    """An entity's plan row as it published the previous cut (`period`)."""

    period: str
    year: float | None
    plan: float | None
    light: str | None


# The default scale's levels that make an indicator an attention item, most severe first
# (docs/rules.md: retraso first, sin reporte, then sobreejecución); another scale's levels are
# not ranked from a published cut, which gives their ids and words only.
ATTENTION_LEVELS = ("rojo", "gris", "naranja")


@dataclass(frozen=True)
class EntityCut:
    """What an entity published at the cut: its plan row (`year`, `plan`, `light`), its tally
    (distinct indicators per level id, in the scale's order) and its indicators; or, when `state`
    is not PUBLISHED, the `reason` it counts for nothing. `labels` gives each level id its word."""

    slug: str
    name: str
    state: State
    reason: str = ""
    year: float | None = None
    plan: float | None = None
    light: str | None = None
    tally: Mapping[str, int] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    indicators: tuple[IndicatorPart, ...] = ()
    objectives: tuple[ObjectiveFigure, ...] = ()
    previous: PreviousFigures | None = None  # the previous cut it published, if any

    @property
    def attention(self) -> tuple[IndicatorPart, ...]:
        """Its indicators at an attention level, most severe first (the lowest attainment of the
        year first within a level), each once."""
        rank = {level: n for n, level in enumerate(ATTENTION_LEVELS)}
        flagged = [p for p in self.indicators if p.light in rank]
        return tuple(sorted(flagged, key=lambda p: (rank[p.light], p.attainment_year if p.attainment_year is not None else -1e9)))

    @property
    def light_word(self) -> str:
        if self.light is None:
            return ""
        return self.labels.get(self.light, self.light.replace("_", " ").capitalize())

    @property
    def indicator_count(self) -> int:
        return sum(self.tally.values())


@dataclass(frozen=True)
class Covered:
    """A consolidated figure (None: «Sin dato») and how many of `total` members it covers."""

    value: float | None
    counted: int
    total: int
    noun: str = "entidades"

    @property
    def coverage(self) -> str:
        """«3 de 4 entidades»."""
        noun = self.noun if self.total != 1 else self.noun.removesuffix("es").removesuffix("s")
        return f"{self.counted} de {self.total} {noun}"


@dataclass(frozen=True)
class SharedIndicator:
    """An indicator id two or more published entities report. `rule` is None and `reason` says
    why when its parts cannot be consolidated; otherwise the figures are the sector's."""

    id: str
    name: str
    parts: tuple[IndicatorPart, ...]
    rule: str | None
    reason: str = ""
    target_year: float | None = None
    executed_year: float | None = None
    year: Covered | None = None
    target_plan: float | None = None
    executed_plan: float | None = None
    plan: Covered | None = None

    @property
    def consolidated(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True)
class SectorResult:
    """A sector at a cut: every entity (in sectores.yaml's order), the sector's figures, its tally
    (level id -> count, over its published entities) and its shared indicators."""

    sector: Sector
    period: str
    entities: tuple[EntityCut, ...]
    year: Covered
    plan: Covered
    tally: Mapping[str, int]
    labels: Mapping[str, str]
    shared: tuple[SharedIndicator, ...]

    @property
    def head(self) -> EntityCut | None:
        return next((e for e in self.entities if e.slug == self.sector.head), None)

    @property
    def is_district(self) -> bool:
        return self.year.noun == "sectores"


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> tuple[float | None, int]:
    """The mean of the values that are not None, each with its weight, and how many counted."""
    counted = [(v, w) for v, w in pairs if v is not None]
    total = sum(w for _, w in counted)
    if not counted or total <= 0:
        return None, len(counted)
    return sum(v * w for v, w in counted) / total, len(counted)


def _ratio(done: float, target: float) -> float | None:
    return None if target == 0 else 100.0 * done / target


def _differ(parts: Sequence[IndicatorPart], attribute: str, what: str) -> str | None:
    values = [getattr(p, attribute) for p in parts]
    if len(set(values)) <= 1:
        return None
    shown = ", ".join(f"{v} en {p.entity}" for v, p in zip(values, parts))
    return f"{what} ({shown})"


def _not_consolidable(parts: Sequence[IndicatorPart]) -> str | None:
    unknown = [p.entity for p in parts if p.unit is None or p.annualization is None]
    if unknown:
        return (
            f"el corte publicado de {', '.join(unknown)} no registra la unidad y la anualización de sus "
            "indicadores (publicado antes de la versión 22): regenérelo con pei-report run"
        )
    return (
        _differ(parts, "unit", "unidades distintas")
        or _differ(parts, "annualization", "anualizaciones distintas")
        or _differ(parts, "targets_as", "metas leídas de otra forma")
    )


def _summed(parts: Sequence[IndicatorPart], executed: str, target: str) -> tuple[float, float, int] | None:
    """ΣE and ΣM over the parts where both figures are there, and how many they are."""
    counted = [p for p in parts if getattr(p, executed) is not None and getattr(p, target) is not None]
    if not counted:
        return None
    return sum(getattr(p, executed) for p in counted), sum(getattr(p, target) for p in counted), len(counted)


def _shared(indicator_id: str, parts: tuple[IndicatorPart, ...]) -> SharedIndicator:
    name = parts[0].name
    reason = _not_consolidable(parts)
    if reason:
        return SharedIndicator(indicator_id, name, parts, None, reason)
    total = len(parts)
    if parts[0].unit == PERCENT:
        return _percent_shared(indicator_id, name, parts)
    kind = Annualization(parts[0].annualization)
    rule = "suma" if kind is Annualization.SUMA else "niveles sumados"
    year = _summed(parts, "executed_year", "target_year")
    plan = _summed(parts, "executed_plan", "target_plan")
    year_value = _ratio(year[0], year[1]) if year else None
    plan_value = None
    if plan:
        counted = [p for p in parts if p.executed_plan is not None and p.target_plan is not None]
        base = sum(p.baseline or 0.0 for p in counted)
        done, target = plan[0], plan[1]
        if kind is Annualization.CRECIENTE:
            plan_value = _ratio(done - base, target - base)
        elif kind is Annualization.DECRECIENTE:
            plan_value = _ratio(base - done, base - target)
        else:
            plan_value = _ratio(done, target)
    return SharedIndicator(
        indicator_id, name, parts, rule,
        target_year=year[1] if year else None, executed_year=year[0] if year else None,
        year=Covered(year_value, year[2] if year else 0, total),
        target_plan=plan[1] if plan else None, executed_plan=plan[0] if plan else None,
        plan=Covered(plan_value, plan[2] if plan else 0, total),
    )


def _target_weighted(parts: Sequence[IndicatorPart], attainment: str, executed: str, target: str):
    """(Σ M·a / ΣM, Σ M·E / ΣM, counted) over the parts with an attainment and a target."""
    counted = [p for p in parts if getattr(p, attainment) is not None and getattr(p, target) is not None]
    weights = sum(getattr(p, target) for p in counted)
    if not counted or weights == 0:
        return None, None, len(counted)
    mean = sum(getattr(p, target) * getattr(p, attainment) for p in counted) / weights
    done = [p for p in counted if getattr(p, executed) is not None]
    executed_mean = sum(getattr(p, target) * getattr(p, executed) for p in done) / weights if len(done) == len(counted) else None
    return mean, executed_mean, len(counted)


def _percent_shared(indicator_id: str, name: str, parts: tuple[IndicatorPart, ...]) -> SharedIndicator:
    year, year_executed, year_count = _target_weighted(parts, "attainment_year", "executed_year", "target_year")
    plan, plan_executed, plan_count = _target_weighted(parts, "attainment_plan", "executed_plan", "target_plan")
    return SharedIndicator(
        indicator_id, name, parts, "media ponderada por la meta",
        executed_year=year_executed, year=Covered(year, year_count, len(parts)),
        executed_plan=plan_executed, plan=Covered(plan, plan_count, len(parts)),
    )


def consolidate(sector: Sector, period: str, cuts: Mapping[str, EntityCut], noun: str = "entidades") -> SectorResult:
    """The sector at the cut from each entity's `EntityCut` (an entity with none is «sin corte»);
    `noun` names its members in the coverage («3 de 4 entidades»; the district's «sectores»)."""
    entities = tuple(
        cuts.get(slug) or EntityCut(slug, slug, State.NO_CUT, f"no hay un corte {period} publicado")
        for slug in sector.entities
    )
    published = [e for e in entities if e.state is State.PUBLISHED]
    total = len(entities)
    year, year_count = weighted_mean((e.year, sector.weight(e.slug)) for e in published)
    plan, plan_count = weighted_mean((e.plan, sector.weight(e.slug)) for e in published)
    tally: dict[str, int] = {}
    labels: dict[str, str] = {}
    for entity in published:
        labels.update({k: v for k, v in entity.labels.items() if k not in labels})
        for level, count in entity.tally.items():
            tally[level] = tally.get(level, 0) + count
    parts: dict[str, list[IndicatorPart]] = {}
    for entity in published:
        for part in entity.indicators:
            parts.setdefault(part.id, []).append(part)
    shared = tuple(_shared(i, tuple(p)) for i, p in parts.items() if len(p) > 1)
    return SectorResult(
        sector, period, entities, Covered(year, year_count, total, noun), Covered(plan, plan_count, total, noun), tally, labels,
        shared,
    )


DISTRICT_ID = "distrito"


def consolidate_district(name: str, period: str, sectors: Sequence[SectorResult]) -> SectorResult:
    """The district: the same rule one level up, each sector a member weighing 1 with its own
    figures and tally; a sector with no figure is left out of the mean and counted."""
    district = Sector(DISTRICT_ID, name, "", tuple(s.sector.id for s in sectors))
    cuts = {
        s.sector.id: EntityCut(
            s.sector.id, s.sector.name, State.PUBLISHED, year=s.year.value, plan=s.plan.value, tally=s.tally, labels=s.labels,
        )
        for s in sectors
    }
    return consolidate(district, period, cuts, noun="sectores")


def indicator_records(plan: Plan) -> list[dict[str, object]]:
    """The manifest's `indicadores`: what each indicator's figures mean, for a sector that
    consolidates an indicator several entities share."""
    return [
        {
            "id": i.id,
            "anualizacion": i.annualization.value,
            "unidad": i.unit.name,
            "metas_como": i.targets_as.value,
            "linea_base": i.baseline,
        }
        for i in plan.indicators.values()
    ]
