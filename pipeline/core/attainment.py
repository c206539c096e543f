"""Attainment of indicators, objectives and the plan at a cut.

Pure functions over the plan and the execution table: no files, no Prefect, no rendering. The
rules are those of `docs/rules.md`; the choices it leaves open are written down in
`docs/attainment.md` and pinned by `tests/core/test_attainment.py`.

Percentages are kept unrounded (87.5 means 87,5 %); rounding is the renderers' business.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

import pandas as pd

from pipeline.core.model import Aggregation, Annualization, Axis, Indicator, Objective, Plan
from pipeline.core.periods import Cut
from pipeline.core.settings import TrafficLight, TrafficLightBands

__all__ = [
    "Status",
    "Attainment",
    "Inconsistency",
    "IndicatorResult",
    "ObjectiveResult",
    "AxisResult",
    "PlanResult",
    "observations_by_indicator",
    "quarterly_attainment",
    "plan_series",
    "series_cuts",
    "indicator_attainment",
    "objective_attainment",
    "axis_attainment",
    "plan_attainment",
    "expected_share",
    "reported_in_year",
    "unreported",
]

Observations = Mapping[tuple[int, int], float]
"""Reported values of one indicator keyed by (year, quarter)."""

# Targets and denominators are measured values: treat |x| below this as zero ("N/A").
_ZERO = 1e-12


class Status(str, Enum):
    """Whether an attainment could be computed, and if not, why."""

    OK = "ok"
    NOT_REPORTED = "sin_reporte"  # nothing reported up to the cut
    UNDEFINED = "no_aplica"  # target 0 (or M_C = LB), or no target for the year: "N/A"


@dataclass(frozen=True)
class Attainment:
    """A percentage, or the reason there is none. Invariant: `percent` is set iff status is OK."""

    percent: float | None
    status: Status

    @classmethod
    def of(cls, executed: float | None, target: float | None) -> Attainment:
        if executed is None:
            return cls(None, Status.NOT_REPORTED)
        if target is None or abs(target) < _ZERO:
            return cls(None, Status.UNDEFINED)
        return cls(executed / target * 100.0, Status.OK)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


@dataclass(frozen=True)
class Inconsistency:
    """A creciente level that fell, or a decreciente level that rose, between two reports."""

    previous: tuple[int, int]
    previous_value: float
    current: tuple[int, int]
    current_value: float


@dataclass(frozen=True)
class IndicatorResult:
    """The figures of one indicator at a cut.

    `expected` is the share of the year expected by the cut, in percent; `reported` says whether
    anything was reported for the cut's year up to the cut; `start_level` is P(Y), the level the
    year started from (creciente and decreciente only, else None).
    """

    indicator_id: str
    year_target: float | None
    executed_year: float | None
    year: Attainment
    plan_target: float
    executed_plan: float | None
    plan: Attainment
    expected: float
    traffic_light: TrafficLight
    reported: bool
    missing_quarters: tuple[int, ...]
    inconsistencies: tuple[Inconsistency, ...]
    start_level: float | None = None

    @property
    def negative(self) -> bool:
        """A negative attainment of the year: the level went the wrong way since the year began."""
        return self.year.ok and self.year.percent is not None and self.year.percent < 0

    @property
    def flagged(self) -> bool:
        """Whether the planning office should check this indicator's data (inconsistent or negative)."""
        return bool(self.inconsistencies) or self.negative


@dataclass(frozen=True)
class ObjectiveResult:
    """The roll-up of an objective: capped weighted means of its indicators' attainments."""

    objective_id: int
    indicators: int
    reported: int
    year: Attainment
    plan: Attainment
    expected: float | None
    traffic_light: TrafficLight


@dataclass(frozen=True)
class AxisResult:
    """The roll-up of an eje: capped weighted means of its objectives (each objective's `peso`).

    `objectives` counts its objectives; `indicators` and `reported` count distinct indicators.
    """

    axis_id: str
    objectives: int
    indicators: int
    reported: int
    year: Attainment
    plan: Attainment
    expected: float | None
    traffic_light: TrafficLight


@dataclass(frozen=True)
class PlanResult:
    """Every figure of the plan at a cut: per indicator (computed once), objective, eje and plan.

    `axes` follows the plan's ejes (empty when it has none).
    """

    cut: Cut
    indicators: dict[str, IndicatorResult]
    objectives: tuple[ObjectiveResult, ...]
    overall: ObjectiveResult  # objective_id 0: the whole plan
    axes: tuple[AxisResult, ...] = ()

    def light_counts(self, levels: Iterable[TrafficLight] = ()) -> dict[TrafficLight, int]:
        """How many indicators (each counted once) have each traffic light: every one of `levels`
        (the scale's, in its order; 0 where none has it), then any other light found, in plan
        order. They add up to the number of indicators."""
        counts = {light: 0 for light in levels}
        for r in self.indicators.values():
            counts[r.traffic_light] = counts.get(r.traffic_light, 0) + 1
        return counts

    def inconsistent(self) -> list[str]:
        """Ids of the indicators the planning office should check: a level that went the wrong
        way between two reports, or a negative attainment of the year."""
        return [i for i, r in self.indicators.items() if r.flagged]


def observations_by_indicator(execution: pd.DataFrame) -> dict[str, dict[tuple[int, int], float]]:
    """Group the execution table (indicador, anio, trimestre, valor) into observations.

    Rows without a value (a quarter not reported, kept for its comment) are not observations.
    """
    grouped: dict[str, dict[tuple[int, int], float]] = {}
    reported = execution[execution["valor"].notna()]
    for ind, year, quarter, value in reported[["indicador", "anio", "trimestre", "valor"]].itertuples(
        index=False
    ):
        grouped.setdefault(str(ind), {})[(int(year), int(quarter))] = float(value)
    return grouped


def reported_in_year(observations: Observations, cut: Cut) -> bool:
    """Whether anything was reported for the cut's year up to the cut: an indicator without it is
    «Sin reporte» in the report (a creciente level reported in T1 still counts at T2)."""
    return any(y == cut.year and cut.includes(y, k) for y, k in observations)


def unreported(plan: Plan, execution: pd.DataFrame, cut: Cut) -> list[str]:
    """Ids of the plan's indicators, in plan order, the report shows «Sin reporte» at `cut`."""
    observations = observations_by_indicator(execution)
    return [i for i in plan.indicators if not reported_in_year(observations.get(i, {}), cut)]


def expected_share(indicator: Indicator, year: int, quarter: int, year_target: float | None) -> float:
    """Share of the year's target expected by the end of `quarter` of `year`, as a fraction.

    Without a quarterly profile for `year`: quarter / 4. Suma, creciente, decreciente: the
    profile is what each quarter contributes (cumulative sum / year's sum). Constante: the
    profile is the level programmed at each quarter's end (target of the quarter / M_Y).
    """
    targets = indicator.quarterly_for(year)
    if targets is None:
        return quarter / 4
    if indicator.annualization is Annualization.CONSTANTE:
        # ingest checks that the last quarter equals M_Y; it stands in when M_Y is unknown or 0
        base = year_target if year_target is not None and abs(year_target) >= _ZERO else targets[-1]
        return targets[quarter - 1] / base if abs(base) >= _ZERO else quarter / 4
    return sum(targets[:quarter]) / sum(targets)


def _level(obs: Observations, year: int, quarter: int) -> float | None:
    """L(year, quarter): the value of the latest reported quarter <= quarter of that year."""
    for k in range(quarter, 0, -1):
        if (year, k) in obs:
            return obs[(year, k)]
    return None


def _latest_level_before(obs: Observations, year: int, first_year: int) -> float | None:
    """L_end of the latest year before `year` (not before `first_year`) with any report."""
    for y in range(year - 1, first_year - 1, -1):
        level = _level(obs, y, 4)
        if level is not None:
            return level
    return None


def _inconsistencies(annualization: Annualization, obs: Observations) -> tuple[Inconsistency, ...]:
    if annualization not in (Annualization.CRECIENTE, Annualization.DECRECIENTE):
        return ()
    found = []
    keys = sorted(obs)
    for before, after in zip(keys, keys[1:]):
        fell = obs[after] < obs[before]
        rose = obs[after] > obs[before]
        if (annualization is Annualization.CRECIENTE and fell) or (
            annualization is Annualization.DECRECIENTE and rose
        ):
            found.append(Inconsistency(before, obs[before], after, obs[after]))
    return tuple(found)


def _traffic_light(
    attainment: Attainment, expected: float | None, bands: TrafficLightBands
) -> TrafficLight:
    """Compare the year's attainment with what was expected by the cut (`expected` in %); without
    an attainment, the scale's level for why: sin reporte, or N/A."""
    if attainment.status is Status.NOT_REPORTED:
        return bands.not_reported
    if not attainment.ok or expected is None:
        return bands.undefined
    assert attainment.percent is not None
    if expected < _ZERO:
        # Nothing was programmed yet: doing nothing is on track, doing something is ahead.
        r = 100.0 if abs(attainment.percent) < _ZERO else math.inf
    else:
        r = attainment.percent / expected * 100.0
    return bands.classify(r)


def indicator_attainment(
    indicator: Indicator,
    observations: Observations,
    cut: Cut,
    plan_period: tuple[int, int],
    reporting_year: int,
    bands: TrafficLightBands,
) -> IndicatorResult:
    """Attainment of one indicator at `cut`, from all its observations (later ones are ignored)."""
    first_year = plan_period[0]
    year = cut.year
    obs = {
        (y, k): v
        for (y, k), v in observations.items()
        if first_year <= y <= plan_period[1] and cut.includes(y, k)
    }
    in_year = {k: v for (y, k), v in obs.items() if y == year}
    reported = reported_in_year(obs, cut)
    baseline = indicator.baseline if indicator.baseline is not None else 0.0
    year_target = indicator.target_for_year(year, reporting_year, first_year)
    kind = indicator.annualization

    executed_year: float | None
    executed_plan: float | None
    start_level: float | None = None
    if kind is Annualization.SUMA:
        executed_year = sum(in_year.values()) if reported else None
        executed_plan = sum(obs.values()) if obs else None
        plan = Attainment.of(executed_plan, indicator.plan_target)
    else:
        level = _level(obs, year, cut.quarter)
        before = _latest_level_before(obs, year, first_year)
        previous = before if before is not None else baseline
        if kind is Annualization.CONSTANTE:
            executed_year = level
            executed_plan = level
            plan = Attainment.of(executed_plan, indicator.plan_target)
        else:
            start_level = previous
            executed_plan = level if level is not None else before
            if kind is Annualization.CRECIENTE:
                executed_year = None if level is None else level - previous
                gained = None if executed_plan is None else executed_plan - baseline
                plan = Attainment.of(gained, indicator.plan_target - baseline)
            else:
                executed_year = None if level is None else previous - level
                reduced = None if executed_plan is None else baseline - executed_plan
                plan = Attainment.of(reduced, baseline - indicator.plan_target)

    year_attainment = Attainment.of(executed_year, year_target)
    expected = expected_share(indicator, year, cut.quarter, year_target) * 100.0
    return IndicatorResult(
        indicator_id=indicator.id,
        year_target=year_target,
        executed_year=executed_year,
        year=year_attainment,
        plan_target=indicator.plan_target,
        executed_plan=executed_plan,
        plan=plan,
        expected=expected,
        traffic_light=_traffic_light(year_attainment, expected, bands),
        reported=reported,
        missing_quarters=tuple(k for k in range(1, cut.quarter + 1) if k not in in_year),
        inconsistencies=_inconsistencies(kind, obs),
        start_level=start_level,
    )


def _capped_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Weighted mean of (weight, percent) pairs, each percent kept between 0 and 100.

    An indicator counts at most its whole weight, and at least nothing: a negative attainment (a
    level that went backwards, often a typing error such as 0,88 for 88) is shown and flagged on
    its own row but cannot pull its objective, eje and plan below what the others achieved.
    """
    pairs = list(pairs)
    total = sum(w for w, _ in pairs)
    if not pairs or total <= 0:
        return None
    return sum(w * min(max(p, 0.0), 100.0) for w, p in pairs) / total


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(pairs)
    total = sum(w for w, _ in pairs)
    if not pairs or total <= 0:
        return None
    return sum(w * x for w, x in pairs) / total


Member = IndicatorResult | ObjectiveResult | AxisResult


def _rollup(
    objective_id: int,
    members: list[tuple[float, Member]],
    indicators: int,
    reported: int,
    bands: TrafficLightBands,
) -> ObjectiveResult:
    """The capped weighted mean of members' year and plan attainments, with its semáforo."""
    with_year = [(w, m) for w, m in members if m.year.ok]
    year_percent = _capped_mean((w, m.year.percent) for w, m in with_year)
    expected = _weighted_mean((w, m.expected) for w, m in with_year if m.expected is not None)
    plan_percent = _capped_mean((w, m.plan.percent) for w, m in members if m.plan.ok)

    def attainment(percent: float | None, statuses: list[Status]) -> Attainment:
        # Nothing computable: N/A only when nothing was programmed for any member; one member
        # missing its report makes it «Sin reporte», so the office is not told nothing was due.
        if percent is not None:
            return Attainment(percent, Status.OK)
        if any(s is Status.NOT_REPORTED for s in statuses):
            return Attainment(None, Status.NOT_REPORTED)
        return Attainment(None, Status.UNDEFINED)

    year = attainment(year_percent, [m.year.status for _, m in members])
    return ObjectiveResult(
        objective_id=objective_id,
        indicators=indicators,
        reported=reported,
        year=year,
        plan=attainment(plan_percent, [m.plan.status for _, m in members]),
        expected=expected,
        traffic_light=_traffic_light(year, expected, bands),
    )


def objective_attainment(
    objective: Objective, results: Mapping[str, IndicatorResult], bands: TrafficLightBands
) -> ObjectiveResult:
    """Roll an objective up from its indicators' results (weights as the plan gives them)."""
    members = [(w, results[i]) for w, i in zip(objective.weights, objective.indicator_ids)]
    return _rollup(
        objective.id,
        members,
        indicators=len(members),
        reported=sum(1 for _, m in members if m.reported),
        bands=bands,
    )


def _distinct(objectives: Iterable[Objective]) -> list[str]:
    """The indicators of `objectives`, each once, in order of first appearance."""
    return list(dict.fromkeys(i for o in objectives for i in o.indicator_ids))


def axis_attainment(
    plan: Plan, axis: Axis, objectives: Mapping[int, ObjectiveResult], results: Mapping[str, IndicatorResult],
    bands: TrafficLightBands,
) -> AxisResult:
    """Roll an eje up from its objectives' results (each objective's `peso` within the eje)."""
    members = plan.objectives_of(axis)
    used = _distinct(members)
    rolled = _rollup(
        0, [(o.weight, objectives[o.id]) for o in members], len(used), sum(1 for i in used if results[i].reported), bands
    )
    return AxisResult(
        axis_id=axis.id, objectives=len(members), indicators=rolled.indicators, reported=rolled.reported,
        year=rolled.year, plan=rolled.plan, expected=rolled.expected, traffic_light=rolled.traffic_light,
    )


def plan_attainment(
    plan: Plan, execution: pd.DataFrame, cut: Cut, bands: TrafficLightBands
) -> PlanResult:
    """Every indicator once, every objective, every eje, and the whole plan.

    The plan's figures are the weighted mean of its ejes (`peso` of each eje) when it has ejes,
    else of its objectives (`peso` of each objective), or, with `agregacion: indicadores`, of its
    distinct indicators (weight 1); each member capped at 100 %.
    """
    return _plan_at(plan, observations_by_indicator(execution), cut, bands)


def _plan_at(
    plan: Plan, observations: Mapping[str, Observations], cut: Cut, bands: TrafficLightBands
) -> PlanResult:
    """`plan_attainment` from observations already grouped (the series groups them once)."""
    indicators = {
        ind_id: indicator_attainment(
            ind, observations.get(ind_id, {}), cut, plan.period, plan.vigencia, bands
        )
        for ind_id, ind in plan.indicators.items()
    }
    objectives = tuple(objective_attainment(o, indicators, bands) for o in plan.objectives)
    by_id = {o.objective_id: o for o in objectives}
    axes = tuple(axis_attainment(plan, a, by_id, indicators, bands) for a in plan.axes)
    used = _distinct(plan.objectives)
    members: list[tuple[float, Member]]
    if plan.aggregation is Aggregation.INDICATORS:
        members = [(1.0, indicators[i]) for i in used]
    elif axes:
        members = [(a.weight, r) for a, r in zip(plan.axes, axes)]
    else:
        members = [(o.weight, r) for o, r in zip(plan.objectives, objectives)]
    overall = _rollup(
        0,
        members,
        indicators=len(used),
        reported=sum(1 for i in used if indicators[i].reported),
        bands=bands,
    )
    return PlanResult(cut=cut, indicators=indicators, objectives=objectives, overall=overall, axes=axes)


def quarterly_attainment(
    plan: Plan, execution: pd.DataFrame, cut: Cut, bands: TrafficLightBands
) -> tuple[PlanResult, ...]:
    """The plan's figures at the close of each quarter of the cut's year, up to the cut."""
    return tuple(plan_attainment(plan, execution, Cut(cut.year, k), bands) for k in range(1, cut.quarter + 1))



def series_cuts(plan_period: tuple[int, int], cut: Cut) -> tuple[Cut, ...]:
    """Every quarter from the plan's first year's T1 up to `cut`, in order (none before the plan)."""
    first = plan_period[0]
    return tuple(
        Cut(y, k) for y in range(first, cut.year + 1) for k in range(1, 5) if Cut(y, k) <= cut
    )


def plan_series(
    plan: Plan, execution: pd.DataFrame, cut: Cut, bands: TrafficLightBands
) -> tuple[PlanResult, ...]:
    """The plan's figures at every cut of the plan period up to `cut` (`series_cuts`): each point
    is what `plan_attainment` gives at that cut (its year's targets, its quarter's expected share,
    only what was reported up to it), so the last one is the report itself (rules.md, «The series
    over the cuts»). The execution is grouped once for every cut."""
    observations = observations_by_indicator(execution)
    return tuple(_plan_at(plan, observations, c, bands) for c in series_cuts(plan.period, cut))
