"""Reported values to check before publishing: «dato por revisar».

A value typed in another unit (1.200,5 metres where the plan counts 1,2 km) is a valid number,
so ingest accepts it; here it is found by what it does to the figures. Pure: the plan, the
execution table, the cut's results and the rule (`pipeline.core.settings.ReviewRule`, from
configuracion.yaml's `revision`) in, the outliers out. `pei-report validar` warns at each one's
cell (`pipeline.workbooks.validation`) and the report flags it (`pipeline.report.document`); nothing is left out
of any figure. The rule and a worked example are in docs/rules.md.

`mixed_starts` finds the other figure to check: a level target whose year's change starts from
the year before's level target while the executed change starts from the baseline, because no
earlier year of the plan was reported (docs/rules.md, «Two starting points»).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.core.attainment import PlanResult, observations_by_indicator
from pipeline.core.model import Annualization, Indicator, Plan
from pipeline.core.periods import Cut
from pipeline.core.settings import ReviewRule

__all__ = ["MixedStart", "Outlier", "mixed_starts", "outliers", "executed_by"]

_ZERO = 1e-12


@dataclass(frozen=True)
class Outlier:
    """A value of the cut's year, up to the cut, to check: `basis` "meta" when what the year
    executed by its quarter is `times` the year's target (`reference`), "historia" when the value
    is `times` the largest value reported before it (`reference`, at `reference_quarter`)."""

    indicator_id: str
    quarter: tuple[int, int]
    value: float
    basis: str  # "meta" | "historia"
    reference: float
    times: float
    reference_quarter: tuple[int, int] | None = None


def executed_by(ind: Indicator, value: float, start: float | None, before: float) -> float | None:
    """What the year executed by a quarter whose value is `value`: the quarters' sum so far for
    suma (`before` is the sum of the earlier quarters), the level for constante, the change from
    the year's start level for creciente and decreciente (None without one)."""
    if ind.annualization is Annualization.SUMA:
        return before + value
    if ind.annualization is Annualization.CONSTANTE:
        return value
    if start is None:
        return None
    return value - start if ind.annualization is Annualization.CRECIENTE else start - value


def outliers(plan: Plan, execution: pd.DataFrame, result: PlanResult, rule: ReviewRule) -> dict[str, tuple[Outlier, ...]]:
    """Each indicator's values to check (in quarter order), by indicator id; indicators with none
    are left out. Quarters after the cut are not looked at, as the figures do not use them."""
    cut: Cut = result.cut
    first, last = plan.period
    found: dict[str, tuple[Outlier, ...]] = {}
    for ind_id, observations in observations_by_indicator(execution).items():
        if ind_id not in plan.indicators or ind_id not in result.indicators:
            continue
        ind, r = plan.indicators[ind_id], result.indicators[ind_id]
        seen = sorted((q, v) for q, v in observations.items() if first <= q[0] <= last and cut.includes(*q))
        items = []
        year_sum = 0.0
        for n, (quarter, value) in enumerate(seen):
            if quarter[0] != cut.year:
                continue
            outlier = None
            executed = executed_by(ind, value, r.start_level, year_sum)
            target = r.year_target
            if executed is not None and target is not None and target > _ZERO and executed > rule.target_times * target:
                outlier = Outlier(ind_id, quarter, value, "meta", target, executed / target)
            earlier = [(v, q) for q, v in seen[:n] if v > _ZERO]
            if outlier is None and earlier:
                largest, at = max(earlier, key=lambda e: (e[0], e[1]))
                if value > rule.history_times * largest:
                    outlier = Outlier(ind_id, quarter, value, "historia", largest, value / largest, at)
            if outlier is not None:
                items.append(outlier)
            year_sum += value
        if items:
            found[ind_id] = tuple(items)
    return found


@dataclass(frozen=True)
class MixedStart:
    """A creciente or decreciente indicator with targets as levels whose attainment of `year` mixes
    two starting points: the executed change starts from `start` (P(Y): the baseline, or 0,
    because no earlier year of the plan has a report) while the year's target `M_Y` starts from
    `target_from` (the year before's level target, to `target_to`)."""

    indicator_id: str
    year: int
    start: float
    target_from: float
    target_to: float


def mixed_starts(plan: Plan, execution: pd.DataFrame, result: PlanResult) -> dict[str, MixedStart]:
    """The indicators whose attainment of the cut's year has two starting points, by id (plan
    order). Only where the year has an attainment, the year is not the plan's first, no earlier
    year of the plan has a report and the year before's level target differs from the baseline."""
    year, (first, _) = result.cut.year, plan.period
    if year <= first:
        return {}
    observed = observations_by_indicator(execution)
    found: dict[str, MixedStart] = {}
    for ind_id, ind in plan.indicators.items():
        r = result.indicators.get(ind_id)
        if not ind.targets_are_levels or r is None or not r.year.ok:
            continue
        if any(first <= y < year for y, _ in observed.get(ind_id, {})):
            continue  # P(Y) is a reported closing level, as M_Y assumes
        before, target = ind.stated_target(year - 1, plan.vigencia), ind.stated_target(year, plan.vigencia)
        start = ind.baseline if ind.baseline is not None else 0.0
        if before is None or target is None or abs(before - start) <= _ZERO:
            continue
        found[ind_id] = MixedStart(ind_id, year, start, before, target)
    return found
