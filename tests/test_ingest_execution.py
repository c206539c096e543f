"""pipeline/ingest/execution.py: reading seguimiento in every form Excel writes, and rejecting bad cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.errors import InputError
from pipeline.ingest import load_execution

HEADER = ["indicador", "anio", "trimestre", "valor", "comentario"]
GOOD = [
    ["IS-545", 2023, 4, 4702451, None],
    ["IS-545", 2024, 1, 1004233, "Primer trimestre"],
    ["IS-321", 2024, 2, 94.5, None],
]


def write_xlsx(folder: Path, rows, header=HEADER, title="Seguimiento") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = folder / "seguimiento.xlsx"
    book.save(path)
    return path


def write_csv(folder: Path, text: str, encoding: str = "utf-8") -> Path:
    path = folder / "seguimiento.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _error(folder: Path, plan) -> InputError:
    with pytest.raises(InputError) as info:
        load_execution(folder, plan)
    return info.value


def test_sample_reads(sample_plan):
    from tests.conftest import SAMPLE

    path, table = load_execution(SAMPLE, sample_plan)
    assert path.name == "seguimiento.xlsx"
    assert list(table.columns) == ["fila", "indicador", "anio", "trimestre", "valor", "comentario"]
    assert set(table["indicador"]) == set(sample_plan.indicators)
    assert not ((table["indicador"] == "IS-552") & (table["anio"] == 2024) & (table["trimestre"] == 2)).any()


def test_xlsx_reads_numbers_and_spanish_text(tmp_path, sample_plan):
    rows = [["IS-545", "2024", "1", "1.004.233", ""], ["IS-321", 2024.0, 2, "94,5", None], ["IS-546", 2024, 3, " 41.220 ", None]]
    write_xlsx(tmp_path, rows)
    _, table = load_execution(tmp_path, sample_plan)
    values = dict(zip(table["indicador"], table["valor"]))
    assert values == {"IS-545": 1004233, "IS-321": 94.5, "IS-546": 41220}
    assert list(table["anio"]) == [2024, 2024, 2024]


def test_empty_value_is_a_quarter_not_reported(tmp_path, sample_plan):
    write_xlsx(tmp_path, [*GOOD, ["IS-321", 2024, 3, None, None], ["IS-321", 2024, 4, "", "pendiente"]])
    _, table = load_execution(tmp_path, sample_plan)
    assert len(table) == 3


def test_semicolon_csv_with_decimal_comma_thousands_dots_and_bom(tmp_path, sample_plan):
    write_csv(tmp_path, "\ufeffindicador;anio;trimestre;valor;comentario\n"
              "IS-545;2024;1;1.004.233;Llamadas\nIS-321;2024;2;94,5;\n"
              'IS-546;2024;3;4.155;"Nota; con punto y coma"\n')
    _, table = load_execution(tmp_path, sample_plan)
    values = dict(zip(table["indicador"], table["valor"]))
    assert values == {"IS-545": 1004233, "IS-321": 94.5, "IS-546": 4155}
    assert table.set_index("indicador").loc["IS-546", "comentario"] == "Nota; con punto y coma"


def test_windows_1252_csv(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador;año;trimestre;valor;comentario\r\nIS-545;2024;1;1.004.233;Atención en línea 195\r\n", "cp1252")
    _, table = load_execution(tmp_path, sample_plan)
    assert table.loc[0, "comentario"] == "Atención en línea 195"
    assert table.loc[0, "valor"] == 1004233


def test_comma_csv_with_decimal_point(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador,anio,trimestre,valor,comentario\nIS-321,2024,2,94.5,\nIS-551,2024,1,1.000,\n")
    _, table = load_execution(tmp_path, sample_plan)
    assert sorted(table["valor"]) == [1.0, 94.5]


def test_no_execution_file(tmp_path, sample_plan):
    error = _error(tmp_path, sample_plan)
    assert "seguimiento.xlsx o seguimiento.csv" in str(error) and str(tmp_path) in str(error)


def test_both_files(tmp_path, sample_plan):
    write_xlsx(tmp_path, GOOD)
    write_csv(tmp_path, "indicador,anio,trimestre,valor\n")
    assert "dos archivos de seguimiento" in str(_error(tmp_path, sample_plan))


@pytest.mark.parametrize("content", [b"this is not a zip", b"PK\x03\x04broken", b""])
def test_corrupt_xlsx(tmp_path, sample_plan, content):
    (tmp_path / "seguimiento.xlsx").write_bytes(content)
    message = str(_error(tmp_path, sample_plan))
    assert "seguimiento.xlsx" in message and "no se puede abrir como libro de Excel" in message


def test_truncated_real_xlsx(tmp_path, sample_plan):
    path = write_xlsx(tmp_path, GOOD)
    path.write_bytes(path.read_bytes()[:600])
    assert "no se puede abrir como libro de Excel" in str(_error(tmp_path, sample_plan))


def test_missing_columns(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1]], header=["indicador", "anio", "periodo"])
    message = str(_error(tmp_path, sample_plan))
    assert "faltan: trimestre, valor" in message
    assert "«indicador», «anio», «periodo»" in message
    assert "fila 1" in message


def _cell_error(tmp_path, sample_plan, bad_row, column, letter):
    write_xlsx(tmp_path, [*GOOD, bad_row])
    error = _error(tmp_path, sample_plan)
    message = str(error)
    assert "seguimiento.xlsx" in message and "hoja «Seguimiento»" in message
    assert f"fila 5, columna «{column}» ({letter})" in message, message
    return message


def test_unknown_indicator(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-999", 2024, 1, 5, None], "indicador", "A")
    assert "«IS-999»" in message and "un id de indicador definido en plan.yaml" in message


def test_year_outside_the_plan(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2019, 4, 5, None], "anio", "B")
    assert "«2019»" in message and "2020 a 2024" in message


@pytest.mark.parametrize("quarter", [0, 5, "T2", 2.5])
def test_quarter_not_1_to_4(tmp_path, sample_plan, quarter):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, quarter, 5, None], "trimestre", "C")
    assert "un trimestre: 1, 2, 3 o 4" in message


def test_non_numeric_value(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, 3, "mil", None], "valor", "D")
    assert "«mil»" in message and "un número (por ejemplo 4.155.036 o 87,5)" in message


def test_duplicate_quarter(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2024, 1, 7, None], "trimestre", "C")
    assert "ya está en la fila 3" in message and "una sola fila por indicador, año y trimestre" in message


def test_negative_value(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-546", 2024, 1, -3, None], "valor", "D")
    assert "«-3»" in message and "no puede ser negativa" in message


def test_percentage_above_100(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-321", 2024, 3, "100,5", None], "valor", "D")
    assert "«100,5»" in message and "un porcentaje entre 0 y 100" in message


def test_a_number_indicator_may_exceed_100(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000000, None]])
    assert load_execution(tmp_path, sample_plan)[1].loc[0, "valor"] == 1_000_000


def test_many_problems_are_listed_in_row_order(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-999", 2024, 1, 5, None], ["IS-545", 2030, 7, "x", None]])
    message = str(_error(tmp_path, sample_plan))
    assert "se encontraron 4 problemas" in message
    lines = message.splitlines()[1:]
    assert [line.split(":")[0].strip(" -") for line in lines] == [
        "fila 2, columna «indicador» (A)", "fila 3, columna «anio» (B)",
        "fila 3, columna «trimestre» (C)", "fila 3, columna «valor» (D)",
    ]


def test_csv_rows_are_numbered_as_a_text_editor_does(tmp_path, sample_plan):
    text = 'indicador;anio;trimestre;valor;comentario\n\nIS-545;2024;1;5;"dos\nlíneas"\nIS-545;2024;9;5;\n'
    write_csv(tmp_path, text)
    message = str(_error(tmp_path, sample_plan))
    assert "fila 5, columna «trimestre»" in message
    assert "hoja" not in message


def test_csv_with_extra_cells(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador;anio;trimestre;valor;comentario\nIS-545;2024;1;5;nota; sin comillas\n")
    message = str(_error(tmp_path, sample_plan))
    assert "fila 2" in message and "6 celdas" in message


def test_header_only_is_an_empty_table(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador;anio;trimestre;valor;comentario\n")
    _, table = load_execution(tmp_path, sample_plan)
    assert table.empty and list(table.columns) == ["fila", "indicador", "anio", "trimestre", "valor", "comentario"]


def test_empty_csv(tmp_path, sample_plan):
    write_csv(tmp_path, "")
    assert "un archivo vacío" in str(_error(tmp_path, sample_plan))


def test_missing_folder_is_called_a_folder(tmp_path, sample_plan):
    message = str(_error(tmp_path, sample_plan))
    assert message.startswith(f"Error en la carpeta {tmp_path}")
