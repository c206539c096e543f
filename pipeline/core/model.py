"""The plan: entity texts, strategic objectives and their indicators.

Frozen records built by `pipeline.ingest` after validation, so every invariant stated in a
docstring here holds for any instance the rest of the pipeline sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
import re
import unicodedata
from typing import ClassVar

__all__ = [
    "Annualization", "Unit", "TargetReading", "Aggregation", "Indicator", "Objective", "Axis", "Plan",
    "MINOR_WORDS", "initials",
]

MINOR_WORDS = frozenset(
    {"a", "al", "con", "de", "del", "e", "el", "en", "la", "las", "lo", "los", "o", "para", "por", "u", "un", "una", "y"}
)
"""Spanish articles, prepositions and conjunctions: words a title's initials leave out."""


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def initials(title: str) -> str:
    """A plan's sigla made from its title: the first letter of each significant word, in capitals.

    Words of `MINOR_WORDS` and words without letters (years, «2024-2027») are left out; a word
    written in capitals (an acronym such as «TIC») is kept whole; accents are dropped, so the
    result is plain A-Z and 0-9 and can go in a file name: «Plan Estratégico Institucional» →
    PEI, «Plan de Desarrollo Municipal» → PDM. «PLAN» when no word is significant.
    """
    letters = []
    for word in re.findall(r"[^\W_]+", _ascii(title)):
        if word.lower() in MINOR_WORDS or not any(c.isalpha() for c in word):
            continue
        letters.append(word if len(word) > 1 and word.isupper() else word[0].upper())
    return "".join(letters) or "PLAN"


class Annualization(str, Enum):
    """How quarterly execution adds up over a year and over the plan (SDP/SEGPLAN types)."""

    SUMA = "suma"
    CRECIENTE = "creciente"
    DECRECIENTE = "decreciente"
    CONSTANTE = "constante"

    @property
    def is_level(self) -> bool:
        """Whether a reported value is a level held at the end of the quarter (not a flow)."""
        return self is not Annualization.SUMA


class Unit:
    """What an indicator's values measure: `porcentaje`, `numero`, or any unit text (`km`, `m²`,
    `hectáreas`, `pesos`, `días`).

    A small value type, not a closed list: real plans measure in whatever their metas say.
    Invariants: `name` is non-empty, trimmed, with single spaces inside; porcentaje and numero
    are recognised in any case, with or without accent (`Número`), and `%` is porcentaje; any
    other unit keeps the plan's spelling (units are case-sensitive: MW, kWh). Instances are
    interned, so equal units are the same object and `unit is Unit.PORCENTAJE` holds for every
    percentage unit.
    """

    __slots__ = ("name",)
    _interned: ClassVar[dict[str, Unit]] = {}
    _KNOWN: ClassVar[dict[str, str]] = {"porcentaje": "porcentaje", "%": "porcentaje", "numero": "numero", "número": "numero"}
    PORCENTAJE: ClassVar[Unit]
    NUMERO: ClassVar[Unit]

    name: str

    def __new__(cls, text: str) -> Unit:
        name = " ".join(str(text).split())
        if not name:
            raise ValueError("una unidad: porcentaje, numero o la unidad de medida (km, hectáreas, pesos ...)")
        name = cls._KNOWN.get(name.lower(), name)
        unit = cls._interned.get(name)
        if unit is None:
            unit = super().__new__(cls)
            object.__setattr__(unit, "name", name)
            cls._interned[name] = unit
        return unit

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError("Unit is immutable")

    def __reduce__(self) -> tuple:
        return (Unit, (self.name,))

    def __repr__(self) -> str:
        return f"Unit({self.name!r})"

    def __str__(self) -> str:
        return self.name

    @property
    def is_percent(self) -> bool:
        return self is Unit.PORCENTAJE

    @property
    def suffix(self) -> str:
        """What is shown beside a figure: `%` for porcentaje, the unit's text, nothing for numero."""
        if self is Unit.PORCENTAJE:
            return "%"
        return "" if self is Unit.NUMERO else self.name


Unit.PORCENTAJE = Unit("porcentaje")
Unit.NUMERO = Unit("numero")


class TargetReading(str, Enum):
    """How creciente/decreciente targets are written: what each year adds, or the level to reach."""

    INCREMENT = "incremento"
    LEVEL = "nivel"


class Aggregation(str, Enum):
    """How the plan's figures are averaged: over objectives (or ejes), or over its indicators."""

    OBJECTIVES = "objetivos"
    INDICATORS = "indicadores"


Quarterly = tuple[float, float, float, float]


@dataclass(frozen=True)
class Indicator:
    """An indicator of the plan.

    Invariants: targets are >= 0; `baseline` is None only for "sin línea base" and is required
    for decreciente; `annual_targets` maps years of the plan period to the year's target as
    written (a level when `targets_as` is LEVEL); with LEVEL, every year with a target but the
    plan's first also has the year before's, and the derived year targets are >= 0;
    `quarterly_targets` maps years of the plan period to 4 values >= 0 with a positive sum that
    agree with that year's target (sum = M_Y for suma, creciente, decreciente; last quarter = M_Y
    for constante, each within 0,5 %); `responsible` is None or non-empty.
    """

    id: str
    label: str
    name: str
    annualization: Annualization
    unit: Unit
    baseline: float | None
    plan_target: float
    year_target: float
    quarterly_targets: Mapping[int, Quarterly] = field(default_factory=dict, hash=False)
    annual_targets: dict[int, float] = field(default_factory=dict, hash=False)
    targets_as: TargetReading = TargetReading.INCREMENT
    responsible: str | None = None

    @property
    def targets_are_levels(self) -> bool:
        """Whether `meta_vigencia`/`metas_anuales` are levels to reach (only creciente/decreciente)."""
        return self.targets_as is TargetReading.LEVEL and self.annualization in (
            Annualization.CRECIENTE,
            Annualization.DECRECIENTE,
        )

    def stated_target(self, year: int, reporting_year: int) -> float | None:
        """The target of `year` as the plan writes it: `metas_anuales`, else `meta_vigencia` for
        the vigencia, else None."""
        if year in self.annual_targets:
            return self.annual_targets[year]
        if year == reporting_year:
            return self.year_target
        return None

    def target_for_year(self, year: int, reporting_year: int, first_year: int) -> float | None:
        """M_Y: the stated target, or, for targets given as levels, the change the year is
        programmed to make (from the year before's level target, or from the baseline, or 0,
        for the plan's first year). None when the plan gives no target for `year`."""
        stated = self.stated_target(year, reporting_year)
        if stated is None or not self.targets_are_levels:
            return stated
        if year <= first_year:
            before: float | None = self.baseline if self.baseline is not None else 0.0
        else:
            before = self.stated_target(year - 1, reporting_year)
        if before is None:
            return None
        return stated - before if self.annualization is Annualization.CRECIENTE else before - stated

    def quarterly_for(self, year: int) -> Quarterly | None:
        """The quarterly profile of `year`, if the plan gives one."""
        return self.quarterly_targets.get(year)


@dataclass(frozen=True)
class Objective:
    """A strategic objective.

    Invariants: `indicator_ids` is non-empty, without repeats, and every id is an indicator of
    the plan; `weights` has one positive weight per indicator, in the same order; `weight` (its
    weight within its eje, or within the plan) is positive.
    """

    id: int
    text: str
    indicator_ids: tuple[str, ...]
    weights: tuple[float, ...]
    detail_text: str | None = None
    table_heading: str = "Nombre meta"
    weight: float = 1.0


@dataclass(frozen=True)
class Axis:
    """An eje (a PDM's eje or línea estratégica): a level above objectives.

    Invariants: `objective_ids` is non-empty and every id is an objective of the plan; `weight`
    (within the plan) is positive.
    """

    id: str
    name: str
    objective_ids: tuple[int, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Plan:
    """A planning office's plan: a Plan Estratégico Institucional, a Plan de Desarrollo, a Plan Indicativo...

    Invariants: `period[0] <= vigencia <= period[1]`; objective ids and indicator ids are unique;
    every indicator an objective names is in `indicators` (an indicator may serve several
    objectives and is defined once); when `axes` is non-empty, eje ids are unique and every
    objective is in exactly one eje.
    """

    entity: str
    title: str
    vigencia: int
    period: tuple[int, int]
    normative_basis: str
    normative_source: str
    mission: str
    vision: str
    objectives: tuple[Objective, ...]
    indicators: dict[str, Indicator] = field(hash=False)
    axes: tuple[Axis, ...] = ()
    aggregation: Aggregation = Aggregation.OBJECTIVES
    report_title: str | None = None  # plan.yaml's titulo_reporte: the report's title, used as written
    given_acronym: str | None = None  # plan.yaml's sigla, checked to be safe in a file name

    @property
    def acronym(self) -> str:
        """The plan's sigla: plan.yaml's `sigla`, else the initials of its title (`initials`)."""
        return self.given_acronym or initials(self.title)

    def years(self) -> range:
        return range(self.period[0], self.period[1] + 1)

    def indicators_of(self, objective: Objective) -> list[Indicator]:
        return [self.indicators[i] for i in objective.indicator_ids]

    def objectives_of(self, axis: Axis) -> list[Objective]:
        """The eje's objectives, in the plan's order."""
        members = set(axis.objective_ids)
        return [o for o in self.objectives if o.id in members]
