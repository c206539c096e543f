"""pipeline/core/attainment.py: the spec's worked examples, the rules it leaves to us, and properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.attainment import (
    Status,
    expected_share,
    indicator_attainment,
    objective_attainment,
    plan_attainment,
)
from pipeline.core.model import Aggregation, Axis, Objective, Plan
from pipeline.core.periods import Cut
from tests.conftest import make_indicator

PERIOD = (2020, 2024)


def attain(indicator, obs, cut, bands):
    return indicator_attainment(indicator, obs, cut, PERIOD, 2024, bands)


# --- the spec's worked examples (docs/rules.md) -------------------------------


def test_example_1_suma(default_bands):
    ind = make_indicator("suma", year_target=4_155_036, plan_target=23_669_955)
    obs = {(2020, 4): 4.9e6, (2021, 4): 5.1e6, (2022, 4): 4.8e6, (2023, 4): 4.7e6}
    obs |= {(2024, 1): 1.0e6, (2024, 2): 1.1e6, (2024, 3): 1.05e6, (2024, 4): 1.2e6}
    r = attain(ind, obs, Cut(2024, 4), default_bands)
    assert r.executed_year == pytest.approx(4.35e6)
    assert round(r.year.percent, 1) == 104.7
    assert r.executed_plan == pytest.approx(23.85e6)
    assert round(r.plan.percent, 1) == 100.8


EXAMPLE_2 = {(2023, 4): 90, (2024, 1): 92, (2024, 2): 95, (2024, 3): 97, (2024, 4): 100}


def test_example_2_creciente_without_baseline(default_bands):
    ind = make_indicator("creciente", year_target=10, plan_target=100)
    r = attain(ind, EXAMPLE_2, Cut(2024, 4), default_bands)
    assert r.executed_year == 10 and r.year.percent == pytest.approx(100.0)
    assert r.executed_plan == 100 and r.plan.percent == pytest.approx(100.0)


def test_example_2_at_t2_is_on_track(default_bands):
    ind = make_indicator("creciente", year_target=10, plan_target=100)
    r = attain(ind, EXAMPLE_2, Cut(2024, 2), default_bands)
    assert r.executed_year == 5 and r.year.percent == pytest.approx(50.0)
    assert r.expected == pytest.approx(50.0)
    assert r.traffic_light.value == "verde"


def test_example_3_creciente_with_baseline(default_bands):
    ind = make_indicator("creciente", year_target=15, plan_target=80, baseline=20)
    r = attain(ind, {(2023, 4): 60, (2024, 3): 70}, Cut(2024, 3), default_bands)
    assert r.executed_year == 10
    assert round(r.year.percent, 1) == 66.7
    assert r.expected == pytest.approx(75.0)
    assert round(r.year.percent / r.expected * 100, 1) == 88.9
    assert r.traffic_light.value == "verde"
    assert round(r.plan.percent, 1) == 83.3


def test_example_4_decreciente(default_bands):
    ind = make_indicator("decreciente", year_target=20, plan_target=40, baseline=100)
    r = attain(ind, {(2023, 4): 70, (2024, 4): 55}, Cut(2024, 4), default_bands)
    assert r.executed_year == 15 and r.year.percent == pytest.approx(75.0)
    assert r.plan.percent == pytest.approx(75.0)


def test_example_5_constante_without_q4(default_bands):
    ind = make_indicator("constante", year_target=100, plan_target=100)
    r = attain(ind, {(2024, 1): 20, (2024, 2): 45, (2024, 3): 70}, Cut(2024, 4), default_bands)
    assert r.executed_year == 70 and r.year.percent == pytest.approx(70.0)
    assert r.executed_plan == 70 and r.plan.percent == pytest.approx(70.0)
    assert r.traffic_light.value == "amarillo"
    assert r.missing_quarters == (4,)


# --- rules around the examples --------------------------------------------------------------


def test_later_data_is_ignored(default_bands):
    ind = make_indicator("suma")
    obs = {(2024, 1): 2, (2024, 2): 3, (2024, 3): 100}
    r = attain(ind, obs, Cut(2024, 2), default_bands)
    assert r.executed_year == 5 and r.executed_plan == 5


def test_no_report_in_the_year_is_sin_reporte_not_zero(default_bands):
    ind = make_indicator("suma")
    r = attain(ind, {(2023, 4): 7}, Cut(2024, 3), default_bands)
    assert r.year.status is Status.NOT_REPORTED and r.year.percent is None
    assert r.reported is False
    assert r.traffic_light.value == "gris"
    assert r.executed_plan == 7  # the plan still counts what earlier years did
    assert r.missing_quarters == (1, 2, 3)


def test_a_reported_zero_is_zero(default_bands):
    ind = make_indicator("suma")
    r = attain(ind, {(2024, 1): 0}, Cut(2024, 1), default_bands)
    assert r.year.status is Status.OK and r.year.percent == 0
    assert r.traffic_light.value == "rojo"


@pytest.mark.parametrize("kind", ["suma", "creciente", "constante"])
def test_zero_year_target_is_not_applicable(kind, default_bands):
    ind = make_indicator(kind, year_target=0)
    r = attain(ind, {(2024, 1): 5}, Cut(2024, 1), default_bands)
    assert r.year.status is Status.UNDEFINED and r.year.percent is None
    assert r.traffic_light.value == "no_aplica"  # its own light, not sin reporte


def test_plan_target_equal_to_baseline_is_not_applicable(default_bands):
    ind = make_indicator("creciente", baseline=50, plan_target=50)
    r = attain(ind, {(2024, 1): 55}, Cut(2024, 1), default_bands)
    assert r.plan.status is Status.UNDEFINED
    assert not math.isinf(r.year.percent)


def test_creciente_carries_the_latest_earlier_level_into_the_plan(default_bands):
    ind = make_indicator("creciente", plan_target=100)
    r = attain(ind, {(2022, 4): 40, (2023, 2): 55}, Cut(2024, 2), default_bands)
    assert r.year.status is Status.NOT_REPORTED
    assert r.executed_plan == 55 and r.plan.percent == pytest.approx(55.0)


def test_creciente_previous_level_is_the_baseline_when_no_earlier_year(default_bands):
    ind = make_indicator("creciente", year_target=10, plan_target=80, baseline=20)
    r = attain(ind, {(2024, 2): 26}, Cut(2024, 2), default_bands)
    assert r.executed_year == 6


def test_over_execution_is_not_clipped_and_is_naranja(default_bands):
    ind = make_indicator("suma", year_target=10)
    r = attain(ind, {(2024, 1): 9}, Cut(2024, 1), default_bands)
    assert r.year.percent == pytest.approx(90.0)  # r = 360 %
    assert r.traffic_light.value == "naranja"


def test_falling_creciente_and_rising_decreciente_are_flagged(default_bands):
    up = make_indicator("creciente")
    r = attain(up, {(2023, 4): 50, (2024, 1): 48, (2024, 2): 52}, Cut(2024, 2), default_bands)
    assert [(i.previous, i.current) for i in r.inconsistencies] == [((2023, 4), (2024, 1))]
    down = make_indicator("decreciente", baseline=100, plan_target=40)
    r = attain(down, {(2024, 1): 80, (2024, 2): 85}, Cut(2024, 2), default_bands)
    assert len(r.inconsistencies) == 1
    flat = make_indicator("suma")
    assert attain(flat, {(2024, 1): 5, (2024, 2): 1}, Cut(2024, 2), default_bands).inconsistencies == ()


def test_expected_share_uses_quarterly_targets():
    ind = make_indicator(quarterly_targets=(2, 3, 2, 3))
    assert [expected_share(ind, 2024, q, 10) for q in (1, 2, 3, 4)] == pytest.approx([0.2, 0.5, 0.7, 1.0])
    assert expected_share(make_indicator(), 2024, 3, 10) == 0.75


def test_nothing_programmed_yet(default_bands):
    ind = make_indicator("creciente", year_target=1, plan_target=1, quarterly_targets=(0, 0, 0.5, 0.5))
    assert attain(ind, {(2024, 2): 0}, Cut(2024, 2), default_bands).traffic_light.value == "verde"
    assert attain(ind, {(2024, 2): 0.2}, Cut(2024, 2), default_bands).traffic_light.value == "naranja"


@pytest.mark.parametrize(
    ("executed", "light"),
    [(4.9, "rojo"), (5, "amarillo"), (7.5, "amarillo"), (7.51, "verde"), (12.5, "verde"), (12.51, "naranja")],
)
def test_band_edges(executed, light, default_bands):
    # cut T4: expected 100 %, so r equals the attainment
    ind = make_indicator("suma", year_target=10)
    assert attain(ind, {(2024, 4): executed}, Cut(2024, 4), default_bands).traffic_light.value == light


def test_band_edge_survives_float_noise(default_bands):
    # 0.1 + 1.1 + 0.3 of 2 is exactly 75 %, but floats give 75.00000000000001
    ind = make_indicator("suma", year_target=2)
    obs = {(2024, 1): 0.1, (2024, 2): 1.1, (2024, 3): 0.3}
    r = attain(ind, obs, Cut(2024, 4), default_bands)
    assert r.year.percent > 75.0  # the noise is really there
    assert r.traffic_light.value == "amarillo"  # and "up to 75 %" still holds


def test_example_6_maintenance_is_expected_in_full_from_t1(default_bands):
    ind = make_indicator("constante", year_target=6, plan_target=6, quarterly_targets={2026: (6, 6, 6, 6)})
    r = indicator_attainment(ind, {(2026, 1): 4}, Cut(2026, 1), (2024, 2027), 2026, default_bands)
    assert r.executed_year == 4 and round(r.year.percent, 1) == 66.7
    assert r.expected == pytest.approx(100.0)
    assert r.traffic_light.value == "amarillo"  # r = 66,7 %
    plain = make_indicator("constante", year_target=6, plan_target=6)
    r = indicator_attainment(plain, {(2026, 1): 4}, Cut(2026, 1), (2024, 2027), 2026, default_bands)
    assert r.expected == pytest.approx(25.0) and r.traffic_light.value == "naranja"  # r = 266,7 %


def test_constante_quarterly_targets_are_levels_not_contributions(default_bands):
    # a level that grows within the year: 2 by T1, 4 by T2, 6 from T3
    ind = make_indicator("constante", year_target=6, plan_target=6, quarterly_targets=(2, 4, 6, 6))
    assert [expected_share(ind, 2024, q, 6) for q in (1, 2, 3, 4)] == pytest.approx([1 / 3, 2 / 3, 1.0, 1.0])


def test_example_7_creciente_targets_as_levels(default_bands):
    ind = make_indicator(
        "creciente", baseline=20, annual_targets={2024: 26, 2025: 28}, year_target=29, plan_target=30,
        targets_as="nivel",
    )
    obs = {(2025, 4): 28, (2026, 2): 28.5}
    r = indicator_attainment(ind, obs, Cut(2026, 2), (2024, 2027), 2026, default_bands)
    assert r.year_target == pytest.approx(1)  # 29 - 28
    assert r.executed_year == pytest.approx(0.5) and r.year.percent == pytest.approx(50.0)
    assert r.expected == pytest.approx(50.0) and r.traffic_light.value == "verde"
    assert r.plan.percent == pytest.approx(85.0)  # (28,5 - 20) / (30 - 20)
    # the plan's first year is measured from the baseline: 26 - 20
    assert indicator_attainment(ind, {}, Cut(2024, 4), (2024, 2027), 2026, default_bands).year_target == 6


def test_decreciente_targets_as_levels_go_the_other_way(default_bands):
    ind = make_indicator(
        "decreciente", baseline=100, annual_targets={2024: 90}, year_target=75, plan_target=60, targets_as="nivel"
    )
    assert ind.target_for_year(2024, 2025, 2024) == 10  # 100 - 90
    assert ind.target_for_year(2025, 2025, 2024) == 15  # 90 - 75
    suma = make_indicator("suma", year_target=5, targets_as="nivel")  # suma and constante ignore the field
    assert suma.target_for_year(2024, 2024, 2020) == 5


def test_quarterly_profiles_are_used_per_year(default_bands):
    ind = make_indicator("suma", year_target=10, annual_targets={2023: 10},
                         quarterly_targets={2023: (10, 0, 0, 0), 2024: (0, 0, 5, 5)})
    assert attain(ind, {(2023, 1): 10}, Cut(2023, 1), default_bands).expected == pytest.approx(100.0)
    assert attain(ind, {(2024, 1): 0}, Cut(2024, 1), default_bands).expected == pytest.approx(0.0)
    assert attain(ind, {(2024, 3): 5}, Cut(2024, 3), default_bands).expected == pytest.approx(50.0)
    no_profile = make_indicator("suma", annual_targets={2022: 10}, quarterly_targets={2024: (0, 0, 5, 5)})
    assert attain(no_profile, {(2022, 1): 1}, Cut(2022, 1), default_bands).expected == pytest.approx(25.0)


def test_negative_attainment_is_shown_and_flagged(default_bands):
    # the level fell below where the year started (the baseline: no earlier report to compare)
    ind = make_indicator("creciente", id="N", baseline=20, year_target=5, plan_target=40)
    plan = _plan([ind], [Objective(1, "t", ("N",), (1.0,))])
    result = plan_attainment(plan, _execution([("N", 2024, 2, 18)]), Cut(2024, 2), default_bands)
    r = result.indicators["N"]
    assert r.executed_year == -2 and r.year.percent == pytest.approx(-40.0)
    assert r.inconsistencies == () and r.negative and r.start_level == 20
    assert r.traffic_light.value == "rojo"
    assert result.inconsistent() == ["N"]


def test_a_cut_in_an_earlier_year_uses_that_years_target(default_bands):
    ind = make_indicator("suma", year_target=10)
    ind = type(ind)(**{**ind.__dict__, "annual_targets": {2023: 20}})
    r = attain(ind, {(2023, 1): 5, (2024, 1): 99}, Cut(2023, 1), default_bands)
    assert r.year_target == 20 and r.year.percent == pytest.approx(25.0)
    r = attain(ind, {(2022, 1): 5}, Cut(2022, 1), default_bands)
    assert r.year.status is Status.UNDEFINED  # no target known for 2022


# --- objectives and the plan ---------------------------------------------------------------


def _plan(indicators, objectives, **extra) -> Plan:
    return Plan(
        entity="E", title="PEI", vigencia=2024, period=PERIOD, normative_basis="n", normative_source="s",
        mission="m", vision="v", objectives=tuple(objectives), indicators={i.id: i for i in indicators}, **extra,
    )


def _execution(rows):
    return pd.DataFrame(rows, columns=["indicador", "anio", "trimestre", "valor"])


def test_objective_is_capped_weighted_mean_and_counts_reports(default_bands):
    a = make_indicator("suma", id="A", year_target=10)
    b = make_indicator("suma", id="B", year_target=10)
    c = make_indicator("suma", id="C", year_target=10)
    objective = Objective(1, "t", ("A", "B", "C"), (1.0, 1.0, 1.0))
    plan = _plan([a, b, c], [objective])
    result = plan_attainment(plan, _execution([("A", 2024, 4, 15), ("B", 2024, 4, 6)]), Cut(2024, 4), default_bands)
    o = result.objectives[0]
    assert (o.indicators, o.reported) == (3, 2)
    assert o.year.percent == pytest.approx((100 + 60) / 2)  # A capped at 100, C not reported
    assert o.traffic_light.value == "verde"


def test_objective_weights(default_bands):
    a = make_indicator("suma", id="A", year_target=10)
    b = make_indicator("suma", id="B", year_target=10)
    results = {
        i.id: attain(i, {(2024, 4): v}, Cut(2024, 4), default_bands) for i, v in ((a, 10), (b, 4))
    }
    o = objective_attainment(Objective(1, "t", ("A", "B"), (3.0, 1.0)), results, default_bands)
    assert o.year.percent == pytest.approx((3 * 100 + 1 * 40) / 4)


def test_objective_expected_share_is_the_mean_over_the_same_indicators(default_bands):
    a = make_indicator("suma", id="A", year_target=10, quarterly_targets=(10, 0, 0, 0))  # 100 % due at T1
    b = make_indicator("suma", id="B", year_target=10)  # 25 % due at T1
    results = {"A": attain(a, {(2024, 1): 5}, Cut(2024, 1), default_bands),
               "B": attain(b, {(2024, 1): 2.5}, Cut(2024, 1), default_bands)}
    o = objective_attainment(Objective(1, "t", ("A", "B"), (1.0, 1.0)), results, default_bands)
    assert o.expected == pytest.approx(62.5)
    assert o.year.percent == pytest.approx(37.5)
    assert o.traffic_light.value == "amarillo"  # r = 37.5 / 62.5 = 60 %

def test_objective_without_reports_is_gris(default_bands):
    a = make_indicator("suma", id="A")
    o = objective_attainment(
        Objective(1, "t", ("A",), (1.0,)), {"A": attain(a, {}, Cut(2024, 1), default_bands)}, default_bands
    )
    assert o.year.status is Status.NOT_REPORTED and o.traffic_light.value == "gris"


def test_plan_rollup_over_objectives_with_equal_weights(default_bands):
    a = make_indicator("suma", id="A", year_target=10)
    b = make_indicator("suma", id="B", year_target=10)
    c = make_indicator("suma", id="C", year_target=10)
    plan = _plan([a, b, c], [Objective(1, "t", ("A", "B"), (1.0, 1.0)), Objective(2, "t", ("C",), (1.0,))])
    execution = _execution([("A", 2024, 4, 10), ("B", 2024, 4, 5), ("C", 2024, 4, 2)])
    result = plan_attainment(plan, execution, Cut(2024, 4), default_bands)
    assert result.overall.year.percent == pytest.approx((75 + 20) / 2)
    assert (result.overall.indicators, result.overall.reported) == (3, 3)


def _two_objectives(default_bands, weights=(3.0, 1.0), **plan):
    """Objective 1 at 90 % and objective 2 at 50 % of the year (cut 2024-T4)."""
    a = make_indicator("suma", id="A", year_target=10)
    b = make_indicator("suma", id="B", year_target=10)
    objectives = [Objective(1, "t", ("A",), (1.0,), weight=weights[0]), Objective(2, "t", ("B",), (1.0,), weight=weights[1])]
    p = _plan([a, b], objectives, **plan)
    return plan_attainment(p, _execution([("A", 2024, 4, 9), ("B", 2024, 4, 5)]), Cut(2024, 4), default_bands)


def test_example_8_weighted_objectives(default_bands):
    result = _two_objectives(default_bands)
    assert [o.year.percent for o in result.objectives] == pytest.approx([90.0, 50.0])
    assert result.overall.year.percent == pytest.approx(80.0)  # (3 x 90 + 1 x 50) / 4
    assert result.axes == ()


def test_ejes_weigh_their_objectives_and_the_plan_weighs_the_ejes(default_bands):
    a, b, c = (make_indicator("suma", id=i, year_target=10) for i in "ABC")
    objectives = [Objective(1, "t", ("A",), (1.0,), weight=3.0), Objective(2, "t", ("B",), (1.0,)),
                  Objective(3, "t", ("C", "A"), (1.0, 1.0))]
    axes = (Axis("E1", "Eje 1", (1, 2), weight=1.0), Axis("E2", "Eje 2", (3,), weight=3.0))
    plan = _plan([a, b, c], objectives, axes=axes)
    execution = _execution([("A", 2024, 4, 9), ("B", 2024, 4, 5), ("C", 2024, 4, 20)])
    result = plan_attainment(plan, execution, Cut(2024, 4), default_bands)
    e1, e2 = result.axes
    assert (e1.axis_id, e2.axis_id) == ("E1", "E2")
    assert e1.year.percent == pytest.approx(80.0)  # (3 x 90 + 50) / 4
    assert e2.year.percent == pytest.approx(95.0)  # objective 3: (100 capped + 90) / 2
    assert (e1.objectives, e1.indicators, e1.reported) == (2, 2, 2)
    assert (e2.objectives, e2.indicators) == (1, 2)
    assert result.overall.year.percent == pytest.approx((80 + 3 * 95) / 4)
    assert result.overall.indicators == 3  # distinct indicators


def test_agregacion_indicadores_averages_distinct_indicators(default_bands):
    a, b, c = (make_indicator("suma", id=i, year_target=10) for i in "ABC")
    objectives = [Objective(1, "t", ("A", "B"), (1.0, 1.0), weight=5.0), Objective(2, "t", ("C", "A"), (1.0, 1.0))]
    plan = _plan([a, b, c], objectives, aggregation=Aggregation.INDICATORS)
    execution = _execution([("A", 2024, 4, 15), ("B", 2024, 4, 5), ("C", 2024, 4, 2)])
    result = plan_attainment(plan, execution, Cut(2024, 4), default_bands)
    assert result.overall.year.percent == pytest.approx((100 + 50 + 20) / 3)  # A once, capped


def test_shared_indicator_is_computed_once(sample_plan, default_bands):
    shared = [o for o in sample_plan.objectives if "IS-543" in o.indicator_ids]
    assert [o.id for o in shared] == [2, 3]
    result = plan_attainment(sample_plan, _execution([("IS-543", 2024, 1, 3)]), Cut(2024, 1), default_bands)
    assert result.indicators["IS-543"].year.percent == pytest.approx(25.0)
    assert result.overall.indicators == 13  # IS-543 counted once


# --- properties -------------------------------------------------------------------------------

values = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(["suma", "creciente", "decreciente", "constante"])
year_quarters = st.tuples(st.integers(2020, 2024), st.integers(1, 4))


@settings(max_examples=150, deadline=None)
@given(
    kind=kinds,
    obs=st.dictionaries(year_quarters, values, max_size=12),
    later=st.dictionaries(year_quarters, values, max_size=8),
    cut=year_quarters,
)
def test_data_after_the_cut_never_changes_the_cut(kind, obs, later, cut, default_bands):
    ind = make_indicator(kind, baseline=1e7 if kind == "decreciente" else None)
    c = Cut(*cut)
    before = {k: v for k, v in obs.items() if c.includes(*k)}
    after = before | {k: v for k, v in later.items() if not c.includes(*k)}
    assert attain(ind, before, c, default_bands) == attain(ind, after, c, default_bands)


@settings(max_examples=150, deadline=None)
@given(quarters=st.dictionaries(st.integers(1, 4), values, min_size=1), past=st.lists(values, max_size=4))
def test_suma_is_additive_over_quarters(quarters, past, default_bands):
    ind = make_indicator("suma", year_target=1000, plan_target=5000)
    obs = {(2024, k): v for k, v in quarters.items()} | {(2020 + i, 4): v for i, v in enumerate(past)}
    r = attain(ind, obs, Cut(2024, 4), default_bands)
    assert r.executed_year == pytest.approx(sum(quarters.values()))
    assert r.executed_plan == pytest.approx(sum(quarters.values()) + sum(past))
    partial = attain(ind, obs, Cut(2024, 2), default_bands)
    assert partial.executed_year == pytest.approx(sum(v for k, v in quarters.items() if k <= 2)) or (
        partial.executed_year is None and not any(k <= 2 for k in quarters)
    )


@settings(max_examples=60, deadline=None)
@given(value=values, quarter=st.integers(1, 4))
def test_shared_indicator_has_the_same_figures_under_each_objective(value, quarter, sample_plan, default_bands):
    from pipeline.report.tables import avance_table

    execution = _execution([("IS-543", 2024, quarter, min(value, 100.0))])
    result = plan_attainment(sample_plan, execution, Cut(2024, quarter), default_bands)
    table = avance_table(sample_plan, result)
    rows = table[table["indicador"] == "IS-543"].drop(columns="objetivo")
    assert list(table[table["indicador"] == "IS-543"]["objetivo"]) == [2, 3]
    assert rows.iloc[0].equals(rows.iloc[1])


def test_a_negative_attainment_counts_as_zero_in_the_roll_ups(default_bands):
    """0,88 typed for 88 in a creciente level: the indicator shows its negative attainment, but
    its objective and the plan are not dragged below what the other indicator achieved."""
    a = make_indicator("creciente", id="A", year_target=10, plan_target=100)
    b = make_indicator("suma", id="B", year_target=10)
    plan = _plan([a, b], [Objective(1, "t", ("A", "B"), (1.0, 1.0))])
    execution = _execution([("A", 2023, 4, 90), ("A", 2024, 2, 0.88), ("B", 2024, 2, 8)])
    result = plan_attainment(plan, execution, Cut(2024, 2), default_bands)
    assert result.indicators["A"].year.percent == pytest.approx((0.88 - 90) / 10 * 100)
    assert result.indicators["A"].negative
    assert result.objectives[0].year.percent == pytest.approx(40.0)  # (0 + 80) / 2
    assert result.overall.year.percent == pytest.approx(40.0)


def test_nothing_programmed_has_its_own_light_apart_from_sin_reporte(default_bands):
    ind = make_indicator("suma", year_target=0)
    na = attain(ind, {(2024, 1): 0}, Cut(2024, 1), default_bands)
    missing = attain(ind, {}, Cut(2024, 1), default_bands)
    assert (na.traffic_light.value, na.traffic_light.label) == ("no_aplica", "N/A")
    assert (missing.traffic_light.value, missing.traffic_light.label) == ("gris", "Sin reporte")
    assert na.reported and not missing.reported


def test_an_objective_of_na_indicators_is_na_and_one_missing_report_makes_it_sin_reporte(default_bands):
    a, b = make_indicator("suma", id="A", year_target=0), make_indicator("suma", id="B", year_target=0)
    results = {i.id: attain(i, {(2024, 1): 0}, Cut(2024, 1), default_bands) for i in (a, b)}
    o = objective_attainment(Objective(1, "t", ("A", "B"), (1.0, 1.0)), results, default_bands)
    assert o.year.status is Status.UNDEFINED and o.traffic_light.value == "no_aplica"
    results["B"] = attain(make_indicator("suma", id="B"), {}, Cut(2024, 1), default_bands)
    o = objective_attainment(Objective(1, "t", ("A", "B"), (1.0, 1.0)), results, default_bands)
    assert o.year.status is Status.NOT_REPORTED and o.traffic_light.value == "gris"


def test_a_level_reported_earlier_in_the_year_is_not_sin_reporte(default_bands):
    from pipeline.core.attainment import unreported

    plan = Plan(
        entity="E", title="T", vigencia=2024, period=PERIOD, normative_basis="", normative_source="", mission="",
        vision="", objectives=(Objective(1, "t", ("A", "B"), (1.0, 1.0)),),
        indicators={"A": make_indicator("creciente", id="A"), "B": make_indicator("suma", id="B")},
    )
    execution = pd.DataFrame({"indicador": ["A"], "anio": [2024], "trimestre": [1], "valor": [3.0]})
    result = plan_attainment(plan, execution, Cut(2024, 2), default_bands)
    assert unreported(plan, execution, Cut(2024, 2)) == ["B"]
    assert [i for i, r in result.indicators.items() if r.traffic_light.value == "gris"] == ["B"]
