"""pipeline/core/plausibility.py: «dato por revisar», a value found by what it does to the figures
(docs/rules.md): the year executed past `target_times` its target, or a value past `history_times`
the largest reported before it."""

from __future__ import annotations

from pipeline.core.attainment import plan_attainment
from pipeline.core.periods import Cut
from pipeline.core.plausibility import Outlier, executed_by, outliers
from pipeline.core.settings import ReviewRule
from tests.conftest import make_indicator
from tests.report.test_changes import _execution, _plan


def _outliers(plan, rows, cut, bands, rule=ReviewRule()):
    execution = _execution(rows)
    return outliers(plan, execution, plan_attainment(plan, execution, cut, bands), rule)


def test_a_quarter_that_takes_the_year_past_ten_times_its_target_is_to_review(default_bands):
    plan = _plan(make_indicator("suma", id="S-1", year_target=10, plan_target=40))
    found = _outliers(plan, [("S-1", 2024, 1, 3), ("S-1", 2024, 2, 1200.5)], Cut(2024, 2), default_bands)
    assert found == {"S-1": (Outlier("S-1", (2024, 2), 1200.5, "meta", 10, 1203.5 / 10),)}


def test_a_value_far_above_the_indicator_s_history_is_to_review(default_bands):
    plan = _plan(make_indicator("constante", id="C-1", year_target=100_000, plan_target=100_000))
    rows = [("C-1", 2024, 1, 40), ("C-1", 2024, 2, 55), ("C-1", 2024, 3, 900)]
    (outlier,) = _outliers(plan, rows, Cut(2024, 3), default_bands)["C-1"]
    assert (outlier.basis, outlier.reference, outlier.reference_quarter) == ("historia", 55, (2024, 2))
    assert outlier.times == 900 / 55


def test_plausible_values_and_quarters_after_the_cut_give_nothing(default_bands):
    plan = _plan(make_indicator("suma", id="S-1", year_target=10, plan_target=40))
    rows = [("S-1", 2024, 1, 3), ("S-1", 2024, 2, 4), ("S-1", 2024, 3, 5000)]
    assert _outliers(plan, rows, Cut(2024, 2), default_bands) == {}
    assert _outliers(plan, rows, Cut(2024, 3), default_bands)  # at its own cut it is found


def test_the_thresholds_are_the_rule_s(default_bands):
    plan = _plan(make_indicator("suma", id="S-1", year_target=10, plan_target=40))
    rows = [("S-1", 2024, 1, 3), ("S-1", 2024, 2, 1200.5)]
    assert _outliers(plan, rows, Cut(2024, 2), default_bands, ReviewRule(target_times=1000, history_times=1000)) == {}


def test_what_a_year_executed_by_a_quarter_follows_the_annualization():
    assert executed_by(make_indicator("suma"), 5, None, 7) == 12
    assert executed_by(make_indicator("constante"), 5, None, 7) == 5
    assert executed_by(make_indicator("creciente"), 50, 20, 0) == 30
    assert executed_by(make_indicator("decreciente"), 15, 20, 0) == 5
    assert executed_by(make_indicator("creciente"), 50, None, 0) is None  # no start level


def _mp001(**fields):
    """Worked example 5a (docs/rules.md): a PDM 2024-2027's creciente porcentaje with level targets."""
    from tests.report.test_changes import _plan as plan_of

    ind = make_indicator("creciente", id="MP-001", baseline=85, plan_target=95, year_target=90, unit="porcentaje",
                         annual_targets={2024: 88}, targets_as="nivel", vigencia=2025, **fields)
    return plan_of(ind, period=(2024, 2027), vigencia=2025)


def test_a_level_target_without_the_year_before_s_report_has_two_starting_points(default_bands):
    """newuser-findings 5: MP-001 at 2025-T1, 2024 never reported: 200 %, flagged, figure kept."""
    from pipeline.core.plausibility import MixedStart, mixed_starts

    plan = _mp001()
    execution = _execution([("MP-001", 2025, 1, 89)])
    result = plan_attainment(plan, execution, Cut(2025, 1), default_bands)
    assert result.indicators["MP-001"].year.percent == 200.0  # the rules' figure is kept
    assert mixed_starts(plan, execution, result) == {"MP-001": MixedStart("MP-001", 2025, 85.0, 88.0, 90.0)}
    # With 2024's closing level reported there is one starting point: no flag.
    closed = _execution([("MP-001", 2024, 4, 88), ("MP-001", 2025, 1, 89)])
    assert mixed_starts(plan, closed, plan_attainment(plan, closed, Cut(2025, 1), default_bands)) == {}
    # The plan's first year starts both from the baseline; and a year not yet reported has no figure to flag.
    first = _execution([("MP-001", 2024, 2, 87)])
    assert mixed_starts(plan, first, plan_attainment(plan, first, Cut(2024, 2), default_bands)) == {}
    empty = _execution([("MP-001", 2026, 1, 89)])
    assert mixed_starts(plan, empty, plan_attainment(plan, empty, Cut(2025, 1), default_bands)) == {}


def test_increments_or_a_level_target_equal_to_the_baseline_have_one_starting_point(default_bands):
    from dataclasses import replace

    from pipeline.core.model import TargetReading
    from pipeline.core.plausibility import mixed_starts

    execution = _execution([("MP-001", 2025, 1, 89)])
    plan = _mp001()
    ind = plan.indicators["MP-001"]
    for changed in (replace(ind, annual_targets={2024: 85}),  # 2024's level target is the baseline
                    replace(ind, targets_as=TargetReading.INCREMENT, year_target=2, annual_targets={2024: 3})):
        other = replace(plan, indicators={"MP-001": changed})
        assert mixed_starts(other, execution, plan_attainment(other, execution, Cut(2025, 1), default_bands)) == {}
