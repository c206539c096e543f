"""pipeline/ingest/cells.py: one cell of a seguimiento read as its typed value (quarters as offices
write them, percent cells, numbers in Spanish), or refused naming the cell.

The seguimientos are written by the helpers of tests/ingest/test_execution.py and read through
`load_execution`, as a run reads them; each test here exercises this module's concern."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.ingest import load_execution
from tests.ingest.test_execution import HEADER, _cell_error, _error, write_xlsx


@pytest.mark.parametrize("quarter", [0, 5, "T5", 2.5, "2024-T2"])
def test_quarter_not_1_to_4(tmp_path, sample_plan, quarter):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, quarter, 5, None], "trimestre", "C")
    assert "un trimestre: 1, 2, 3 o 4" in message


@pytest.mark.parametrize("written", ["T2", "t2", "Q2", "Trimestre 2", "2", 2.0, "II", "Segundo trimestre", "segundo", "2do trimestre", "2do"])
def test_quarter_as_offices_write_it(tmp_path, sample_plan, written):
    write_xlsx(tmp_path, [["IS-545", 2024, written, 5, None]])
    assert list(load_execution(tmp_path, sample_plan).table["trimestre"]) == [2]


QUARTERS_IN_WORDS = {
    1: ["Ene-Mar", "enero - marzo", "Enero a Marzo", "ene.-mar.", "I trimestre", "Trimestre I", "Trim. 1", "1er trimestre",
        "1º trimestre", "Primer Trimestre", "I Trim", "Trimestre 1 (ene-mar)", "I trimestre enero-marzo"],
    2: ["Abr-Jun", "abril a junio", "II trimestre", "Trimestre II", "Trim. 2", "2do trimestre", "2º Trimestre",
        "Abril - Junio", "abr/jun", "II Trim", "Segundo trimestre (abril a junio)"],
    3: ["Jul-Sep", "julio a septiembre", "Jul-Sept", "julio - setiembre", "III trimestre", "Trim 3", "3er trimestre"],
    4: ["Oct-Dic", "octubre a diciembre", "IV Trimestre", "Trimestre IV", "Trim. 4", "4to trimestre", "Cuarto trimestre"],
}


@pytest.mark.parametrize("quarter, written", [(q, w) for q, words in QUARTERS_IN_WORDS.items() for w in words])
def test_quarters_written_in_words(tmp_path, sample_plan, quarter, written):
    write_xlsx(tmp_path, [["IS-545", 2024, written, 5, None]])
    assert list(load_execution(tmp_path, sample_plan).table["trimestre"]) == [quarter]


@pytest.mark.parametrize("written, months", [("Ene-Jun", "enero a junio"), ("enero a diciembre", "enero a diciembre"),
                                             ("Feb-Abr", "febrero a abril"), ("Trimestre 2 (ene-mar)", None)])
def test_a_range_of_months_that_is_not_a_quarter_is_an_error_naming_the_cell(tmp_path, sample_plan, written, months):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, written, 5, None], "trimestre", "C")
    assert f"«{written}»" in message and "un trimestre: 1, 2, 3 o 4" in message
    if months:
        assert f"va de {months}, que no es un trimestre" in message


def test_non_numeric_value(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, 3, "mil", None], "valor", "D")
    assert "«mil»" in message and "un número (por ejemplo 4.155.036 o 87,5)" in message


def test_negative_value(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-546", 2024, 1, -3, None], "valor", "D")
    assert "«-3»" in message and "no puede ser negativa" in message


def test_percentage_above_100(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-321", 2024, 3, "100,5", None], "valor", "D")
    assert "«100,5»" in message and "un porcentaje entre 0 y 100" in message


def test_a_number_indicator_may_exceed_100(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000000, None]])
    assert load_execution(tmp_path, sample_plan).table.loc[0, "valor"] == 1_000_000


def _percent_book(folder: Path, rows, fmt="0%") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        sheet.cell(sheet.max_row, 4).number_format = fmt
    path = folder / "seguimiento.xlsx"
    book.save(path)
    return path


def test_percent_cells_are_read_as_percentages(tmp_path, sample_plan):
    # Excel keeps 97 % as 0,97; read as 0,97 it showed -890,3 % for the indicator.
    _percent_book(tmp_path, [["IS-321", 2024, 1, 0.97, None], ["IS-321", 2024, 2, 0.575, None]], fmt="0.0%")
    execution = load_execution(tmp_path, sample_plan)
    assert list(execution.table["valor"]) == [97.0, 57.5]
    assert execution.warnings == ()


@pytest.mark.parametrize("text", ["45 %", "45%", "45,0 %", " 45 % "])
def test_percent_text_is_read_as_points(tmp_path, sample_plan, text):
    write_xlsx(tmp_path, [["IS-321", 2024, 1, text, None]])
    assert list(load_execution(tmp_path, sample_plan).table["valor"]) == [45.0]


def test_a_percent_cell_above_100_for_a_porcentaje_indicator(tmp_path, sample_plan):
    _percent_book(tmp_path, [["IS-321", 2024, 1, 1.5, None]])
    message = str(_error(tmp_path, sample_plan))
    assert "«150 %» (celda con formato de porcentaje)" in message and "entre 0 y 100" in message


@pytest.mark.parametrize(
    ("value", "found", "hint"),
    [
        ("N/A", "«N/A»", "deje la celda vacía"),
        ("-", "«-»", "deje la celda vacía"),
        ("#DIV/0!", "«#DIV/0!»", "error de una fórmula de Excel"),
    ],
)
def test_values_that_mean_not_reported(tmp_path, sample_plan, value, found, hint):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, 3, value, None], "valor", "D")
    assert found in message and hint in message
