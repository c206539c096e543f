"""The series over the cuts (pipeline/core/attainment.py `plan_series`, pipeline/report/tables.py `serie_table`):
worked example 10 of docs/rules.md across a year boundary, and properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.attainment import Status, plan_attainment, plan_series, quarterly_attainment
from pipeline.core.model import Axis, Objective, Plan
from pipeline.core.periods import Cut
from pipeline.report.tables import SERIE_COLUMNS, objetivos_table, serie_table, avance_table
from tests.conftest import make_indicator

PERIOD = (2023, 2024)


def example_10(axes: tuple[Axis, ...] = ()) -> tuple[Plan, pd.DataFrame]:
    """rules.md's worked example 10: a 2023-2024 plan, vigencia 2024; A suma, B creciente with a baseline."""
    a = make_indicator("suma", id="A", plan_target=100, annual_targets={2023: 40}, year_target=60)
    b = make_indicator("creciente", id="B", baseline=20, plan_target=80, annual_targets={2023: 30}, year_target=30)
    plan = Plan(
        entity="Entidad", title="Plan de prueba", vigencia=2024, period=PERIOD, normative_basis="n",
        normative_source="s", mission="m", vision="v", objectives=(Objective(1, "Objetivo.", ("A", "B"), (1.0, 1.0)),),
        indicators={"A": a, "B": b}, axes=axes,
    )
    execution = pd.DataFrame(
        [("A", 2023, 2, 10.0), ("A", 2023, 4, 30.0), ("A", 2024, 1, 15.0), ("B", 2023, 3, 35.0), ("B", 2024, 1, 56.0),
         ("A", 2024, 2, 99.0)],  # after the cut: ignored
        columns=["indicador", "anio", "trimestre", "valor"],
    )
    execution["comentario"] = None
    return plan, execution


def _pct(a) -> float | None:
    return a.percent if a.ok else None


def test_the_series_has_every_quarter_of_the_plan_period_up_to_the_cut(default_bands):
    plan, execution = example_10()
    series = plan_series(plan, execution, Cut(2024, 1), default_bands)
    assert [str(r.cut) for r in series] == ["2023-T1", "2023-T2", "2023-T3", "2023-T4", "2024-T1"]


def test_worked_example_10_indicators_across_the_year_boundary(default_bands):
    plan, execution = example_10()
    series = plan_series(plan, execution, Cut(2024, 1), default_bands)
    a = [r.indicators["A"] for r in series]
    b = [r.indicators["B"] for r in series]
    assert [_pct(r.year) for r in a] == pytest.approx([None, 25.0, 25.0, 100.0, 25.0])
    assert [_pct(r.plan) for r in a] == pytest.approx([None, 10.0, 10.0, 40.0, 55.0])
    assert [r.expected for r in a] == pytest.approx([25.0, 50.0, 75.0, 100.0, 25.0])
    assert [r.traffic_light.value for r in a] == ["gris", "amarillo", "rojo", "verde", "verde"]
    assert a[0].year.status is Status.NOT_REPORTED and a[0].plan.status is Status.NOT_REPORTED
    assert [_pct(r.year) for r in b] == pytest.approx([None, None, 50.0, 50.0, 70.0])
    assert [_pct(r.plan) for r in b] == pytest.approx([None, None, 25.0, 25.0, 60.0])
    assert [r.traffic_light.value for r in b] == ["gris", "gris", "amarillo", "amarillo", "naranja"]
    assert b[-1].start_level == 35  # 2024 starts from 2023's close, not from the baseline


def test_worked_example_10_objective_and_plan(default_bands):
    plan, execution = example_10()
    series = plan_series(plan, execution, Cut(2024, 1), default_bands)
    objective = [r.objectives[0] for r in series]
    assert [_pct(o.year) for o in objective] == pytest.approx([None, 25.0, 37.5, 75.0, 47.5])
    assert [_pct(o.plan) for o in objective] == pytest.approx([None, 10.0, 17.5, 32.5, 57.5])
    assert [o.expected for o in objective] == pytest.approx([None, 50.0, 75.0, 100.0, 25.0])
    assert [o.traffic_light.value for o in objective] == ["gris", "amarillo", "amarillo", "amarillo", "naranja"]
    from dataclasses import replace

    assert [r.overall for r in series] == [replace(o, objective_id=0) for o in objective]  # one objective: the plan


def test_the_series_last_point_is_the_report_and_every_point_is_that_cuts_report(default_bands):
    plan, execution = example_10()
    series = plan_series(plan, execution, Cut(2024, 1), default_bands)
    for point in series:
        assert point == plan_attainment(plan, execution, point.cut, default_bands)
    assert series[-1:] == quarterly_attainment(plan, execution, Cut(2024, 1), default_bands)


def test_serie_table_is_long_one_row_per_level_id_and_cut(default_bands):
    axes = (Axis("E1", "Eje 1", (1,)),)
    plan, execution = example_10(axes)
    series = plan_series(plan, execution, Cut(2024, 1), default_bands)
    table = serie_table(plan, series)
    assert tuple(table.columns) == SERIE_COLUMNS == (
        "nivel", "id", "corte", "fecha_corte", "avance_vigencia", "avance_cuatrienio", "esperado", "semaforo",
    )
    assert len(table) == (2 + 1 + 1 + 1) * 5
    assert list(dict.fromkeys(zip(table["nivel"], table["id"]))) == [
        ("indicador", "A"), ("indicador", "B"), ("objetivo", "1"), ("eje", "E1"), ("plan", "plan"),
    ]
    first = table.iloc[0].to_dict()
    assert first["corte"] == "2023-T1" and first["fecha_corte"] == "2023-03-31"
    assert pd.isna(first["avance_vigencia"]) and pd.isna(first["avance_cuatrienio"])  # sin reporte: empty cells
    assert first["esperado"] == pytest.approx(25.0) and first["semaforo"] == "gris"
    plan_rows = table[table["nivel"] == "plan"]
    assert list(plan_rows["corte"]) == ["2023-T1", "2023-T2", "2023-T3", "2023-T4", "2024-T1"]
    last = plan_rows.iloc[-1]
    assert (last["avance_vigencia"], last["avance_cuatrienio"], last["esperado"]) == pytest.approx((47.5, 57.5, 25.0))
    assert last["semaforo"] == "naranja"
    assert pd.isna(plan_rows.iloc[0]["esperado"])  # nothing reported yet: no expected share of a roll-up


def test_serie_rows_at_the_cut_match_avance_and_objetivos(sample_plan, default_bands):
    from tests.plans import execution_table
    from tests.conftest import SAMPLE

    execution = execution_table(SAMPLE, sample_plan)
    cut = Cut(2024, 3)
    series = plan_series(sample_plan, execution, cut, default_bands)
    assert len(series) == 19  # 2020-T1 .. 2024-T3
    table = serie_table(sample_plan, series)
    at_cut = table[table["corte"] == str(cut)]
    avance = avance_table(sample_plan, series[-1]).drop_duplicates("indicador")
    ours = at_cut[at_cut["nivel"] == "indicador"]
    assert list(ours["id"]) == list(avance["indicador"])
    for column in ("avance_vigencia", "avance_cuatrienio", "esperado", "semaforo"):
        assert list(ours[column]) == list(avance[column]), column
    objetivos = objetivos_table(series[-1])
    rolled = at_cut[at_cut["nivel"].isin(["objetivo", "plan"])]
    assert list(rolled["id"]) == list(objetivos["objetivo"])
    for column in ("avance_vigencia", "avance_cuatrienio", "semaforo"):
        assert list(rolled[column]) == list(objetivos[column]), column


values = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(["suma", "creciente", "decreciente", "constante"])
observations = st.dictionaries(st.tuples(st.integers(2023, 2024), st.integers(1, 4)), values, max_size=8)


@settings(max_examples=60, deadline=None)
@given(kind=kinds, obs=observations, quarter=st.integers(1, 4), year=st.integers(2023, 2024))
def test_every_point_of_the_series_is_the_report_of_its_cut(kind, obs, quarter, year, default_bands):
    ind = make_indicator(kind, id="X", baseline=1e6 if kind == "decreciente" else None, annual_targets={2023: 5})
    plan = Plan(
        entity="E", title="T", vigencia=2024, period=PERIOD, normative_basis="", normative_source="", mission="",
        vision="", objectives=(Objective(1, "t", ("X",), (1.0,)),), indicators={"X": ind},
    )
    execution = pd.DataFrame(
        [("X", y, k, v) for (y, k), v in obs.items()], columns=["indicador", "anio", "trimestre", "valor"]
    )
    cut = Cut(year, quarter)
    series = plan_series(plan, execution, cut, default_bands)
    assert len(series) == (year - 2023) * 4 + quarter
    assert series[-1] == plan_attainment(plan, execution, cut, default_bands)
    table = serie_table(plan, series)
    assert len(table) == 3 * len(series)
    for value in table["avance_vigencia"]:
        assert pd.isna(value) or math.isfinite(value)


def test_a_later_reports_series_begins_with_an_earlier_reports(sample_plan, default_bands):
    """Data reported after a cut never changes it: the series of 2024-T2 is the first 18 points of
    2024-T4's, row for row in serie.csv."""
    from tests.conftest import SAMPLE
    from tests.plans import execution_table

    execution = execution_table(SAMPLE, sample_plan)
    earlier = plan_series(sample_plan, execution, Cut(2024, 2), default_bands)
    later = plan_series(sample_plan, execution, Cut(2024, 4), default_bands)
    assert later[: len(earlier)] == earlier and len(later) == len(earlier) + 2
    rows = serie_table(sample_plan, later)
    assert rows[rows["corte"] <= "2024-T2"].reset_index(drop=True).equals(serie_table(sample_plan, earlier))
