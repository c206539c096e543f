"""pipeline/report/tables.py: the attainment tables of the sample against golden files and hand figures."""

from __future__ import annotations

import csv
import io

import pytest

from pipeline.core.attainment import plan_attainment
from pipeline.ingest import load_execution
from pipeline.core.periods import Cut
from pipeline.delivery.publish import csv_bytes
from pipeline.report.tables import AVANCE_COLUMNS, OBJETIVOS_COLUMNS, avance_table, objetivos_table
from tests.conftest import SAMPLE
from tests.golden import assert_matches_golden_csv, csv_differences
from tests.plans import execution_table, write_pdm


@pytest.fixture(scope="module")
def sample_execution(sample_plan):
    return load_execution(SAMPLE, sample_plan).table


def _rows(data: bytes) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["objetivo"], r["indicador"]): r for r in csv.DictReader(io.StringIO(data.decode()))}


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_sample_tables_match_golden(quarter, sample_plan, sample_execution, default_bands):
    result = plan_attainment(sample_plan, sample_execution, Cut(2024, quarter), default_bands)
    assert_matches_golden_csv(f"secretaria-general-2024-T{quarter}/avance.csv", csv_bytes(avance_table(sample_plan, result)))
    assert_matches_golden_csv(f"secretaria-general-2024-T{quarter}/objetivos.csv", csv_bytes(objetivos_table(result)))
    from pipeline.core.attainment import plan_series
    from pipeline.report.tables import serie_table

    series = plan_series(sample_plan, sample_execution, Cut(2024, quarter), default_bands)
    assert_matches_golden_csv(f"secretaria-general-2024-T{quarter}/serie.csv", csv_bytes(serie_table(sample_plan, series)))


def test_sample_figures_computed_by_hand(sample_plan, sample_execution, default_bands):
    result = plan_attainment(sample_plan, sample_execution, Cut(2024, 3), default_bands)
    rows = _rows(csv_bytes(avance_table(sample_plan, result)))
    lag = rows[("2", "IS-554")]  # creciente: 92 - 90 = 2 of 10 -> 20 %; r = 20/75 -> rojo
    assert (lag["ejecutado_vigencia"], lag["avance_vigencia"], lag["esperado"], lag["semaforo"]) == ("2", "20", "75", "rojo")
    over = rows[("5", "IS-546")]  # suma: 41.220 + 45.871 + 44.013 = 131.104 of 112.938
    assert over["ejecutado_vigencia"] == "131104"
    assert float(over["avance_vigencia"]) == pytest.approx(131104 / 112938 * 100)
    assert over["semaforo"] == "naranja"
    gap = rows[("3", "IS-552")]  # no T2 report: T3 level 93 - 80 = 13 of 20
    assert gap["avance_vigencia"] == "65"
    later = rows[("4", "IS-514")]  # quarterly targets 0, 0, .5, .5: 50 % expected at T3
    assert (later["esperado"], later["avance_vigencia"], later["semaforo"]) == ("50", "50", "verde")
    assert result.indicators["MP-7871-04"].inconsistencies  # 93 -> 92,5 in 2024-T3
    cum = rows[("5", "IS-545")]
    assert cum["ejecutado_cuatrienio"] == str(4_903_112 + 5_104_870 + 4_812_006 + 4_702_451 + 1_004_233 + 1_098_412 + 1_051_877)


def test_columns_follow_the_contract(sample_plan, sample_execution, default_bands):
    result = plan_attainment(sample_plan, sample_execution, Cut(2024, 4), default_bands)
    avance = csv_bytes(avance_table(sample_plan, result)).decode()
    objetivos = csv_bytes(objetivos_table(result)).decode()
    assert avance.splitlines()[0] == ",".join(AVANCE_COLUMNS)
    assert objetivos.splitlines()[0] == ",".join(OBJETIVOS_COLUMNS)
    assert len(avance.splitlines()) == 1 + 14  # 13 indicators, IS-543 under objectives 2 and 3
    assert objetivos.splitlines()[-1].startswith("plan,13,13,")


def test_not_computable_is_an_empty_cell(sample_plan, default_bands):
    import pandas as pd

    empty = pd.DataFrame(columns=["indicador", "anio", "trimestre", "valor"])
    result = plan_attainment(sample_plan, empty, Cut(2024, 1), default_bands)
    row = _rows(csv_bytes(avance_table(sample_plan, result)))[("1", "IS-321")]
    assert (row["ejecutado_vigencia"], row["avance_vigencia"], row["avance_cuatrienio"], row["semaforo"]) == ("", "", "", "gris")
    plan_row = csv_bytes(objetivos_table(result)).decode().splitlines()[-1]
    assert plan_row == "plan,13,0,,,gris"


def test_golden_comparison_is_by_content():
    assert csv_differences("a,b\n1,2.50\n", "a,b\r\n1,2.5\r\n") == []
    assert csv_differences("a,b\n1,2.5\n", "a,b\n1,2.6\n") == ["row 2 column b: '2.6', expected '2.5'"]


# --- real plans: ejes, responsables, the yearly roll-over -------------------------------------


def _tables(folder, cut, bands):
    from pipeline.ingest import load_plan

    plan = load_plan(folder)
    execution = execution_table(folder, plan)
    result = plan_attainment(plan, execution, cut, bands)
    return plan, result, csv_bytes(avance_table(plan, result)), csv_bytes(objetivos_table(result))


def test_eje_rows_come_after_the_objectives_and_before_the_plan(tmp_path, default_bands):
    _, result, _, objetivos = _tables(write_pdm(tmp_path / "pdm", 2024), Cut(2024, 4), default_bands)
    rows = list(csv.DictReader(io.StringIO(objetivos.decode())))
    assert [r["objetivo"] for r in rows] == ["1", "2", "3", "eje:E1", "eje:E2", "plan"]
    e1, e2, plan = rows[3:]
    assert float(e1["avance_vigencia"]) == pytest.approx(90.0)  # 9 km of 10
    # E2: objective 2 (peso 3) at (25 - 20) / 6 = 83,3 %, objective 3 at 100 %
    assert float(e2["avance_vigencia"]) == pytest.approx((3 * 5 / 6 * 100 + 100) / 4)
    assert (e2["indicadores"], e2["reportados"]) == ("2", "2")
    assert float(plan["avance_vigencia"]) == pytest.approx((2 * 90 + float(e2["avance_vigencia"])) / 3)
    assert [a.axis_id for a in result.axes] == ["E1", "E2"]


def test_responsable_is_a_last_column_only_when_named(tmp_path, sample_plan, sample_execution, default_bands):
    _, _, avance, _ = _tables(write_pdm(tmp_path / "pdm", 2024), Cut(2024, 4), default_bands)
    rows = list(csv.DictReader(io.StringIO(avance.decode())))
    assert list(rows[0]) == [*AVANCE_COLUMNS, "responsable"]
    assert [r["responsable"] for r in rows] == ["Secretaría de Infraestructura", "Secretaría de Ambiente", ""]
    result = plan_attainment(sample_plan, sample_execution, Cut(2024, 4), default_bands)
    assert list(avance_table(sample_plan, result).columns) == list(AVANCE_COLUMNS)


@pytest.mark.parametrize("quarter", [1, 2, 4])
def test_a_past_cut_is_the_same_after_the_yearly_roll_over(quarter, tmp_path, default_bands):
    before = _tables(write_pdm(tmp_path / "2024", 2024), Cut(2024, quarter), default_bands)
    after = _tables(write_pdm(tmp_path / "2025", 2025), Cut(2024, quarter), default_bands)
    assert csv_differences(before[2].decode(), after[2].decode()) == []
    assert csv_differences(before[3].decode(), after[3].decode()) == []
    assert before[1].indicators["H-1"].year_target == 6  # 26 - 20: level targets, the first year from LB
    assert after[0].indicators["H-1"].target_for_year(2025, 2025, 2024) == 2  # 28 - 26
    if quarter == 1:
        assert before[1].indicators["P-1"].expected == pytest.approx(100.0)  # maintenance
        assert before[1].indicators["V-1"].expected == pytest.approx(10.0)  # 1 of 10 km
