"""pipeline/tables.py: the attainment tables of the sample against golden files and hand figures."""

from __future__ import annotations

import csv
import io

import pytest

from pipeline.attainment import plan_attainment
from pipeline.ingest import load_execution
from pipeline.periods import Cut
from pipeline.publish import csv_bytes
from pipeline.tables import AVANCE_COLUMNS, OBJETIVOS_COLUMNS, avance_table, objetivos_table
from tests.conftest import SAMPLE
from tests.golden import assert_matches_golden_csv, csv_differences


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
