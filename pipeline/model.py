"""The plan: entity texts, strategic objectives and their indicators.

Frozen records built by `pipeline.ingest` after validation, so every invariant stated in a
docstring here holds for any instance the rest of the pipeline sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = ["Annualization", "Unit", "Indicator", "Objective", "Plan"]


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


class Unit(str, Enum):
    """What an indicator's values measure."""

    PORCENTAJE = "porcentaje"
    NUMERO = "numero"


@dataclass(frozen=True)
class Indicator:
    """An indicator of the plan.

    Invariants: targets are >= 0; `baseline` is None only for "sin línea base" and is required
    for decreciente; `quarterly_targets`, when given, has 4 values >= 0 with a positive sum;
    `annual_targets` maps years of the plan period to the year's target.
    """

    id: str
    label: str
    name: str
    annualization: Annualization
    unit: Unit
    baseline: float | None
    plan_target: float
    year_target: float
    quarterly_targets: tuple[float, float, float, float] | None = None
    annual_targets: dict[int, float] = field(default_factory=dict, hash=False)

    def target_for_year(self, year: int, reporting_year: int) -> float | None:
        """The target of `year`: `year_target` for the plan's vigencia, else `annual_targets`."""
        if year in self.annual_targets:
            return self.annual_targets[year]
        if year == reporting_year:
            return self.year_target
        return None


@dataclass(frozen=True)
class Objective:
    """A strategic objective.

    Invariants: `indicator_ids` is non-empty, without repeats, and every id is an indicator of
    the plan; `weights` has one positive weight per indicator, in the same order.
    """

    id: int
    text: str
    indicator_ids: tuple[str, ...]
    weights: tuple[float, ...]
    detail_text: str | None = None
    table_heading: str = "Nombre meta"


@dataclass(frozen=True)
class Plan:
    """A Plan Estratégico Institucional.

    Invariants: `period[0] <= vigencia <= period[1]`; objective ids and indicator ids are unique;
    every indicator an objective names is in `indicators` (an indicator may serve several
    objectives and is defined once).
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

    def years(self) -> range:
        return range(self.period[0], self.period[1] + 1)

    def indicators_of(self, objective: Objective) -> list[Indicator]:
        return [self.indicators[i] for i in objective.indicator_ids]
