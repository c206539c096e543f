"""pipeline/ingest/execution.py: reading seguimiento in every form Excel writes, and rejecting bad cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
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


def write_xlsx(folder: Path, rows, header=HEADER, title="Seguimiento", name="seguimiento.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = folder / name
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

    execution = load_execution(SAMPLE, sample_plan)
    path, table = execution.path, execution.table
    assert path.name == "seguimiento.xlsx"
    assert list(table.columns) == ["fila", "indicador", "anio", "trimestre", "valor", "comentario"]
    assert set(table["indicador"]) == set(sample_plan.indicators)
    assert not ((table["indicador"] == "IS-552") & (table["anio"] == 2024) & (table["trimestre"] == 2)).any()


def test_xlsx_reads_numbers_and_spanish_text(tmp_path, sample_plan):
    rows = [["IS-545", "2024", "1", "1.004.233", ""], ["IS-321", 2024.0, 2, "94,5", None], ["IS-546", 2024, 3, " 41.220 ", None]]
    write_xlsx(tmp_path, rows)
    table = load_execution(tmp_path, sample_plan).table
    values = dict(zip(table["indicador"], table["valor"]))
    assert values == {"IS-545": 1004233, "IS-321": 94.5, "IS-546": 41220}
    assert list(table["anio"]) == [2024, 2024, 2024]


def test_empty_value_is_a_quarter_not_reported_and_keeps_its_comment(tmp_path, sample_plan):
    write_xlsx(tmp_path, [*GOOD, ["IS-321", 2024, 3, None, None], ["IS-321", 2024, 4, "", "pendiente"]])
    table = load_execution(tmp_path, sample_plan).table
    assert len(table) == 5 and table["valor"].notna().sum() == 3
    q4 = table[(table["indicador"] == "IS-321") & (table["trimestre"] == 4)].iloc[0]
    assert pd.isna(q4["valor"]) and q4["comentario"] == "pendiente"


def test_a_row_without_value_is_still_checked(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador;anio;trimestre;valor;comentario\nP999999;2099;7;;\n")
    error = _error(tmp_path, sample_plan)
    assert [p.column for p in error.problems] == ["indicador", "anio", "trimestre"]


def test_semicolon_csv_with_decimal_comma_thousands_dots_and_bom(tmp_path, sample_plan):
    write_csv(tmp_path, "\ufeffindicador;anio;trimestre;valor;comentario\n"
              "IS-545;2024;1;1.004.233;Llamadas\nIS-321;2024;2;94,5;\n"
              'IS-546;2024;3;4.155;"Nota; con punto y coma"\n')
    table = load_execution(tmp_path, sample_plan).table
    values = dict(zip(table["indicador"], table["valor"]))
    assert values == {"IS-545": 1004233, "IS-321": 94.5, "IS-546": 4155}
    assert table.set_index("indicador").loc["IS-546", "comentario"] == "Nota; con punto y coma"


def test_windows_1252_csv(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador;año;trimestre;valor;comentario\r\nIS-545;2024;1;1.004.233;Atención en línea 195\r\n", "cp1252")
    table = load_execution(tmp_path, sample_plan).table
    assert table.loc[0, "comentario"] == "Atención en línea 195"
    assert table.loc[0, "valor"] == 1004233


def test_comma_csv_with_decimal_point(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador,anio,trimestre,valor,comentario\nIS-321,2024,2,94.5,\nIS-551,2024,1,1.000,\n")
    table = load_execution(tmp_path, sample_plan).table
    assert sorted(table["valor"]) == [1.0, 94.5]


def test_no_execution_file(tmp_path, sample_plan):
    error = _error(tmp_path, sample_plan)
    assert "seguimiento.xlsx o seguimiento.csv" in str(error) and str(tmp_path) in str(error)


def test_both_files(tmp_path, sample_plan):
    write_xlsx(tmp_path, GOOD)
    write_csv(tmp_path, "indicador,anio,trimestre,valor\n")
    assert "dos archivos de seguimiento" in str(_error(tmp_path, sample_plan))


@pytest.mark.parametrize("content", [b"this is not a zip", b"PK\x03\x04broken"])
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


def test_a_mistyped_indicator_is_told_the_id_it_is_close_to(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["is-545", 2024, 1, 5, None], ["IS-5455", 2024, 2, 5, None]])
    found = [p.found for p in _error(tmp_path, sample_plan).problems]
    assert found[0] == "«is-545» (¿quiso decir «IS-545»?)"
    assert found[1].startswith("«IS-5455» (¿quiso decir «IS-545»")


def test_a_mistyped_heading_is_told_the_heading_it_is_close_to(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 5]], header=["indicador", "anio", "trimestr", "valor"])
    (problem,) = _error(tmp_path, sample_plan).problems
    assert "faltan: trimestre" in problem.found and "«trimestr»: ¿quiso decir «trimestre»?" in problem.hint
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 5, "nota"]], header=[*HEADER[:4], "Obsrvaciones"])
    (warning,) = load_execution(tmp_path, sample_plan).warnings
    assert warning.column == "Obsrvaciones" and "¿Quiso decir «observaciones»" in warning.hint


def test_year_outside_the_plan(tmp_path, sample_plan):
    message = _cell_error(tmp_path, sample_plan, ["IS-545", 2019, 4, 5, None], "anio", "B")
    assert "«2019»" in message and "2020 a 2024" in message


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
    assert load_execution(tmp_path, sample_plan).table.loc[0, "valor"] == 1_000_000


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
    table = load_execution(tmp_path, sample_plan).table
    assert table.empty and list(table.columns) == ["fila", "indicador", "anio", "trimestre", "valor", "comentario"]


def test_empty_csv(tmp_path, sample_plan):
    write_csv(tmp_path, "")
    assert "un archivo vacío" in str(_error(tmp_path, sample_plan))


def test_missing_folder_is_called_a_folder(tmp_path, sample_plan):
    message = str(_error(tmp_path, sample_plan))
    assert message.startswith(f"Error en la carpeta {tmp_path}")


# --- spreadsheets as offices make them ---------------------------------------------------------


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


def test_fractions_of_a_porcentaje_indicator_are_flagged(tmp_path, sample_plan):
    # IS-321 is a porcentaje with target 100: 0,92 and 0,97 typed as plain numbers look like fractions.
    write_xlsx(tmp_path, [["IS-321", 2024, 1, 0.92, None], ["IS-321", 2024, 2, "0,97", None], ["IS-545", 2024, 1, 1, None]])
    execution = load_execution(tmp_path, sample_plan)
    assert len(execution.warnings) == 1
    warning = execution.warnings[0]
    assert "«IS-321»" in warning.found and "parecen fracciones" in warning.found
    assert warning.row == 2 and warning.column == "valor" and warning.file == tmp_path / "seguimiento.xlsx"
    assert "escriba 97" in warning.hint


def test_headings_are_matched_with_their_synonyms(tmp_path, sample_plan):
    header = ["Código Indicador", "AÑO", " Trimestre ", "Valor ejecutado en el trimestre (unidades)", "Observaciones"]
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000, "Comentario bajo Observaciones"]], header=header)
    execution = load_execution(tmp_path, sample_plan)
    assert execution.table.loc[0, "comentario"] == "Comentario bajo Observaciones"
    assert execution.warnings == ()


@pytest.mark.parametrize("value", ["Ejecución física", "Avance físico", "Ejecución física del trimestre",
                                   "Avance físico del trimestre", "Meta ejecutada", "Cantidad ejecutada", "Magnitud ejecutada"])
@pytest.mark.parametrize("comment", ["Explicación avance / retroceso", "Análisis", "Descripción del avance",
                                     "Análisis del avance", "Explicación del avance", "Avances y logros"])
def test_headings_offices_use(tmp_path, sample_plan, value, comment):
    header = ["Código meta", "Vigencia", "Trimestre", value, comment, "Meta de producto", "BPIN", "Subprograma"]
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000, "Se cumplió", "Llamadas atendidas", "2024250540001", "Atención"]],
               header=header)
    execution = load_execution(tmp_path, sample_plan)
    assert (execution.table.loc[0, "valor"], execution.table.loc[0, "comentario"]) == (1000, "Se cumplió")
    assert execution.warnings == ()


@pytest.mark.parametrize("percent", ["% de avance", "Avance (%)", "% avance físico", "Porcentaje de avance",
                                     "% de cumplimiento", "Cumplimiento", "Avance físico %"])
def test_a_percentage_of_attainment_beside_the_value_is_reported_not_read(tmp_path, sample_plan, percent):
    header = ["indicador", "anio", "trimestre", "Ejecución física", percent]
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000, 0.25]], header=header)
    execution = load_execution(tmp_path, sample_plan)
    assert list(execution.table["valor"]) == [1000]
    (warning,) = execution.warnings
    assert warning.column == percent and warning.column_letter == "E"
    assert "porcentaje de avance" in warning.found and "el reporte lo calcula" in warning.hint


def test_a_percentage_of_attainment_alone_is_not_taken_for_the_value(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 0.25]], header=["indicador", "anio", "trimestre", "% avance físico"])
    message = str(_error(tmp_path, sample_plan))
    assert "faltan: valor" in message and "«% avance físico»" in message


@pytest.mark.parametrize("header, warned", [
    (["indicador", "anio", "trimestre", "valor", "Avance"], True),
    (["indicador", "anio", "trimestre", "Avance"], False),
    (["indicador", "anio", "trimestre", "Avance del trimestre"], False),
])
def test_a_bare_avance_column_is_not_guessed(tmp_path, sample_plan, header, warned):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 25, 30][: len(header)]], header=header)
    if warned:
        (warning,) = load_execution(tmp_path, sample_plan).warnings
        assert warning.column == "Avance" and "valor ejecutado o el porcentaje de avance" in warning.found
        return
    message = str(_error(tmp_path, sample_plan))
    assert "faltan: valor" in message and "«Avance físico»" in message


def test_code_is_the_id_when_a_name_column_is_headed_indicador(tmp_path, sample_plan):
    header = ["Código", "Indicador", "Vigencia", "Trimestre", "Ejecutado", "Observación"]
    write_xlsx(tmp_path, [["IS-545", "Llamadas atendidas", 2024, 1, 1000, "nota"]], header=header)
    table = load_execution(tmp_path, sample_plan).table
    assert table.loc[0, "indicador"] == "IS-545" and table.loc[0, "comentario"] == "nota"


def test_an_unrecognised_column_with_data_is_reported(tmp_path, sample_plan):
    header = [*HEADER, "Nombre del indicador", "Meta física acumulada"]
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000, None, "Llamadas", 4000]], header=header)
    warnings = load_execution(tmp_path, sample_plan).warnings
    assert len(warnings) == 1  # the name is a reference column; the other holds data nobody reads
    assert "«Meta física acumulada»" in warnings[0].found and warnings[0].column_letter == "G"
    assert warnings[0].sheet == "Seguimiento"


def test_two_columns_with_the_same_heading_are_refused(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 1000, 900]], header=["indicador", "anio", "trimestre", "Valor", "VALOR"])
    message = str(_error(tmp_path, sample_plan))
    assert "varias columnas para el mismo dato: «Valor» (D), «VALOR» (E)" in message and "fila 1" in message


def test_of_two_synonyms_the_first_named_is_read_and_the_other_reported(tmp_path, sample_plan):
    header = ["indicador", "anio", "trimestre", "Valor reportado", "Valor"]
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 900, 1000]], header=header)
    execution = load_execution(tmp_path, sample_plan)
    assert list(execution.table["valor"]) == [1000]
    assert [w.column for w in execution.warnings] == ["Valor reportado"]


def test_a_title_block_and_a_cover_sheet(tmp_path, sample_plan):
    book = Workbook()
    book.active.title = "Portada"
    book.active["A1"] = "Informe de seguimiento"
    sheet = book.create_sheet("Seguimiento 2024")
    sheet["A1"] = "SEGUIMIENTO PEI"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Corte: junio"
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(["IS-545", 2024, 1, 1000, None])
    book.save(tmp_path / "seguimiento.xlsx")
    table = load_execution(tmp_path, sample_plan).table
    assert list(table["fila"]) == [5] and list(table["valor"]) == [1000]


def test_section_rows_with_text_only_beside_the_data_are_not_rows_of_data(tmp_path, sample_plan):
    """«Eje 1. ...» or «Objetivo 2» written in a name column between the indicators (as a returned
    template saved as CSV, or an office's own matrix, has them) carry none of the data fields."""
    header = ["indicador", "Nombre del indicador", "anio", "trimestre", "valor", "comentario"]
    rows = [
        [None, "Eje 1. Tenjo con bienestar", None, None, None, None],
        ["IS-545", "Atenciones", 2024, 1, 1000, None],
        [None, "Objetivo 2", None, None, None, None],
        ["IS-546", "Trámites", 2024, 1, None, "Sin medición"],
    ]
    write_xlsx(tmp_path, rows, header=header)
    table = load_execution(tmp_path, sample_plan).table
    assert list(table["fila"]) == [3, 5] and list(table["indicador"]) == ["IS-545", "IS-546"]
    rows[2] = [None, "Objetivo 2", None, None, 7, None]  # a value without its indicator is still a problem
    write_xlsx(tmp_path, rows, header=header)
    assert "fila 4" in str(_error(tmp_path, sample_plan))


def test_without_a_seguimiento_sheet_the_first_with_a_header_is_read(tmp_path, sample_plan):
    book = Workbook()
    book.active.title = "Instrucciones"
    book.active["A1"] = "Diligencie la hoja de datos"
    data = book.create_sheet("Datos")
    data.append(HEADER)
    data.append(["IS-545", 2024, 1, 1000, None])
    book.save(tmp_path / "seguimiento.xlsx")
    assert len(load_execution(tmp_path, sample_plan).table) == 1


def test_a_csv_with_a_title_line(tmp_path, sample_plan):
    write_csv(tmp_path, "Seguimiento PEI 2024\n\nindicador;año;trimestre;valor;observaciones\nIS-545;2024;1;1.000;nota\n")
    table = load_execution(tmp_path, sample_plan).table
    assert list(table["fila"]) == [4] and table.loc[0, "comentario"] == "nota"


def test_no_header_row_anywhere(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 5]], header=["a", "b", "c", "d"])
    message = str(_error(tmp_path, sample_plan))
    assert "ninguna de las primeras 30 filas" in message and "Valor ejecutado" in message


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


def test_every_problem_of_a_file_is_listed(tmp_path, sample_plan):
    rows = [[f"X-{n}", 2024, n % 4 + 1, "N/A", None] for n in range(14)]
    write_xlsx(tmp_path, rows)
    error = _error(tmp_path, sample_plan)
    assert len(error.problems) == 28
    detailed = error.detailed().splitlines()
    assert len(detailed) == 1 + 28
    screen = str(error)
    assert "filas 2 a 15, columna «indicador» (A) (14 celdas)" in screen
    assert "filas 2 a 15, columna «valor» (D) (14 celdas)" in screen
    assert "«X-0», «X-1»" in screen and "«X-13»" in screen


# --- the messy workbook -------------------------------------------------------------------------


def test_messy_workbook_lists_every_error_at_once(tmp_path):
    from pipeline.ingest import load_plan
    from tests.messy_workbook import ERRORS, HEADER_ROW, write_entity

    folder = write_entity(tmp_path / "entidad")
    error = _error(folder, load_plan(folder))
    assert error.sheet == "Seguimiento"
    found = {(p.row, p.column): p.found for p in error.problems}
    for place, text in ERRORS.items():
        assert found.get(place) == text, (place, found)
    by_place = {(p.row, p.column): p for p in error.problems}
    assert "guárdelo" in by_place[(11, "Valor ejecutado")].hint
    assert "Separe las celdas combinadas" in by_place[(17, "Código")].hint
    assert "formato de fecha" in by_place[(18, "Año")].hint
    assert "deje la celda vacía" in by_place[(19, "Valor ejecutado")].hint
    assert "Borre las filas de totales" in by_place[(20, "Código")].hint
    assert by_place[(20, "Valor ejecutado")].found == "la fórmula «=SUM(E6:E19)» sin resultado guardado"
    assert all(p.row > HEADER_ROW for p in error.problems)
    assert by_place[(17, "Código")].column_letter == "A"


def test_messy_workbook_fixed_reads_every_cell(tmp_path):
    from pipeline.ingest import load_plan
    from tests.messy_workbook import COMMENT_NOT_REPORTED, write_entity

    folder = write_entity(tmp_path / "entidad", fixed=True)
    execution = load_execution(folder, load_plan(folder))
    table = execution.table.set_index(["indicador", "anio", "trimestre"])
    assert table.loc[("P-01", 2024, 1), "valor"] == 45 and table.loc[("P-01", 2024, 3), "valor"] == 72
    assert table.loc[("N-02", 2024, 2), "valor"] == 120  # the formula's saved result
    assert pd.isna(table.loc[("C-03", 2024, 2), "valor"])
    assert table.loc[("C-03", 2024, 2), "comentario"] == COMMENT_NOT_REPORTED
    assert [w.column for w in execution.warnings] == ["Soporte"]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"])
def test_an_invisible_character_in_an_id_is_named_with_its_position(tmp_path, sample_plan, invisible):
    message = _cell_error(tmp_path, sample_plan, [f"IS-{invisible}545", 2024, 1, 5, None], "indicador", "A")
    assert "invisible" in message and "posición 4" in message and f"U+{ord(invisible):04X}" in message
    assert "«IS-545»" in message  # the id without it
    assert invisible not in message


def test_comment_characters_the_font_cannot_draw_are_warned_about_with_row(tmp_path, sample_plan):
    write_xlsx(tmp_path, [*GOOD, ["IS-545", 2024, 2, 5, "Avance 👍 تم"]])
    execution = load_execution(tmp_path, sample_plan)
    (warning,) = [w for w in execution.warnings if "Open Sans" in w.found]
    assert (warning.row, warning.column, warning.column_letter) == (5, "comentario", "E")
    assert "U+1F44D" in warning.found and "U+062A" in warning.found


# --- limits: a seguimiento too large, or one that inflates when unzipped, is refused unread ----


def _add_part(xlsx: Path, name: str, size: int) -> None:
    """Add to a workbook a part of `size` spaces, which deflate compresses about a thousandfold."""
    import zipfile

    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(xlsx, "a", compression=zipfile.ZIP_DEFLATED) as book:
        with book.open(name, "w", force_zip64=True) as part:
            for _ in range(size // len(chunk)):
                part.write(chunk)


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, sample_plan):
    path = write_xlsx(tmp_path, GOOD)
    _add_part(path, "xl/media/relleno.xml", 150 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    message = str(_error(tmp_path, sample_plan))
    assert "seguimiento.xlsx" in message and "al descomprimirse ocupa 150 MB" in message, message
    assert "a lo sumo 100 MB" in message and "PEI_MAX_XLSX_UNCOMPRESSED_BYTES" in message


def test_a_part_compressed_a_thousandfold_is_refused(tmp_path, sample_plan):
    path = write_xlsx(tmp_path, GOOD)
    _add_part(path, "xl/media/relleno.xml", 20 * 1024 * 1024)
    message = str(_error(tmp_path, sample_plan))
    assert "«xl/media/relleno.xml»" in message and "comprimida" in message and "a lo sumo 100 a 1" in message, message


def test_a_seguimiento_too_large_is_refused_unread(tmp_path, sample_plan, monkeypatch):
    monkeypatch.setenv("PEI_MAX_TABLE_BYTES", "1000")
    write_csv(tmp_path, "indicador,anio,trimestre,valor\n" + "IS-545,2024,1,5\n" * 100)
    message = str(_error(tmp_path, sample_plan))
    assert "un archivo de 1,6 KB" in message and "a lo sumo 1000 bytes" in message, message


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_too_many_rows_are_refused(tmp_path, sample_plan, monkeypatch, kind):
    monkeypatch.setenv("PEI_MAX_TABLE_ROWS", "50")
    rows = [["IS-545", 2024, 1, n] for n in range(60)]
    if kind == "csv":
        write_csv(tmp_path, "indicador,anio,trimestre,valor\n" + "".join(f"{','.join(map(str, r))}\n" for r in rows))
    else:
        write_xlsx(tmp_path, rows)
    message = str(_error(tmp_path, sample_plan))
    assert "más de 50 filas" in message and "a lo sumo 50 filas" in message and "PEI_MAX_TABLE_ROWS" in message, message


def test_a_sheet_whose_used_range_is_too_large_is_refused(tmp_path, sample_plan, monkeypatch):
    monkeypatch.setenv("PEI_MAX_TABLE_CELLS", "1000")
    book = Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(HEADER)
    sheet.append(GOOD[0])
    sheet["ZZ100"] = "x"  # a stray cell far away: the used range is 100 rows by 702 columns
    book.save(tmp_path / "seguimiento.xlsx")
    message = str(_error(tmp_path, sample_plan))
    assert "A1:ZZ100" in message and "70.200 celdas" in message and "a lo sumo 1.000" in message, message


def test_200_000_duplicate_rows_are_all_reported_and_the_screen_message_stays_short(tmp_path, sample_plan):
    """Measured in docs/ti/limites.md: 6,4 s and 377 MB (the time is not asserted)."""
    write_csv(tmp_path, "indicador,anio,trimestre,valor\n" + "IS-545,2024,1,5\n" * 200_001)
    error = _error(tmp_path, sample_plan)
    assert len(error.problems) == 200_000
    assert "filas 3 a 200002" in str(error) and len(str(error)) < 2_000
    assert len(error.detailed().splitlines()) == 1 + 200_000


def test_one_value_typed_as_a_fraction_among_the_others_is_flagged(tmp_path, sample_plan):
    """0,88 for 88 once, beside 85 and 90: the level falls a hundredfold and the objective with it."""
    write_xlsx(tmp_path, [["IS-321", 2024, 1, 85, None], ["IS-321", 2024, 2, "0,88", None], ["IS-321", 2024, 3, 90, None],
                          ["IS-554", 2024, 1, 0.5, None], ["IS-554", 2024, 2, 2, None]])
    execution = load_execution(tmp_path, sample_plan)
    assert execution.suspect_fractions == ("IS-321",)  # 0,5 then 2 is a slow start, not a typo
    (warning,) = execution.warnings
    assert warning.row == 3 and "0,88 (2024-T2)" in warning.found and "parece una fracción" in warning.found


def test_a_two_row_header_with_merged_titles(tmp_path, sample_plan):
    """«Ejecución» merged over «Valor» and «Observaciones»; Código, Año and Trimestre merged down."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(["Seguimiento PEI 2024"])
    sheet.append(["Código", "Año", "Trimestre", "Ejecución", None])
    sheet.append([None, None, None, "Valor", "Observaciones"])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:E2"):
        sheet.merge_cells(cells)
    sheet.append(["IS-545", 2024, 1, 1000, "nota"])
    book.save(tmp_path / "seguimiento.xlsx")
    execution = load_execution(tmp_path, sample_plan)
    assert list(execution.table["fila"]) == [4] and execution.table.loc[0, "comentario"] == "nota"
    assert list(execution.table["valor"]) == [1000] and execution.warnings == ()


def test_an_empty_workbook_file_is_called_empty(tmp_path, sample_plan):
    (tmp_path / "seguimiento.xlsx").write_bytes(b"")
    message = str(_error(tmp_path, sample_plan))
    assert "un archivo vacío (0 bytes)" in message and "BadZipFile" not in message


def test_a_csv_mixing_utf8_and_windows_1252_is_read_with_a_warning_naming_the_lines(tmp_path, sample_plan):
    """Excel's ANSI export with a line pasted from a UTF-8 file: «Gestión» would read «GestiÃ³n»."""
    path = tmp_path / "seguimiento.csv"
    path.write_bytes(b"indicador,anio,trimestre,valor,comentario\nIS-545,2024,1,1004233,Gesti\xc3\xb3n documental\n"
                     b"IS-321,2024,2,94.5,Revisi\xf3n\n")
    execution = load_execution(tmp_path, sample_plan)
    (warning,) = [w for w in execution.warnings if "codificaciones" in w.found]
    assert warning.file == path and warning.row == 2
    assert "«Gestión»" in warning.found and "«GestiÃ³n»" in warning.found and "línea 3" in warning.found
    path.write_bytes(b"indicador,anio,trimestre,valor,comentario\nIS-321,2024,2,94.5,Revisi\xf3n\n")
    assert not any("codificaciones" in w.found for w in load_execution(tmp_path, sample_plan).warnings)


def test_shared_strings_no_cell_uses_are_bounded_before_the_workbook_is_opened_and_it_is_opened_once(
    tmp_path, sample_plan, monkeypatch
):
    """tests/hostile_files.py writes the full-size file (4 million strings) for a measurement."""
    import pipeline.ingest.files as files
    from tests.hostile_files import unused_strings

    opened = []
    real = files.load_workbook
    monkeypatch.setattr(files, "load_workbook", lambda *a, **k: opened.append(k) or real(*a, **k))
    monkeypatch.setenv("PEI_MAX_XLSX_STRINGS", "1000")
    unused_strings(write_xlsx(tmp_path, GOOD), 1500)
    message = str(_error(tmp_path, sample_plan))
    assert "más de 1.000 textos" in message and "«xl/sharedStrings.xml»" in message and "PEI_MAX_XLSX_STRINGS" in message
    assert opened == []
    unused_strings(write_xlsx(tmp_path, GOOD), 990)
    assert len(load_execution(tmp_path, sample_plan).table) == len(GOOD)
    assert len(opened) == 1  # the cells, and the formulas of empty cells, from one opening


# --- the CSV's delimiter is the header row's --------------------------------------------------

# A PDM follow-up as Excel in a Spanish locale exports it: semicolons, decimal comma, and
# narrative comments with more commas than the header has semicolons.
NARRATIVE = (
    "Durante el trimestre se realizaron mesas técnicas con las juntas de acción comunal, las veedurías, "
    "los comités de participación, la personería, la comisaría de familia, el consejo territorial de "
    "planeación y las asociaciones de productores, en las veredas El Chacal, La Punta, Chince, Poveda, "
    "Santacruz, Churuguaco, Juaica, Carrasquilla y Guangatá"
)


def test_a_semicolon_csv_whose_comments_hold_more_commas_than_the_header_has_semicolons(tmp_path, sample_plan):
    text = (
        "indicador;anio;trimestre;valor;comentario\r\n"
        f"IS-545;2024;1;1.004.233;{NARRATIVE}\r\n"
        f'IS-546;2024;2;41,5;"{NARRATIVE}; y además, en el casco urbano"\r\n'
    )
    write_csv(tmp_path, text, "cp1252")
    table = load_execution(tmp_path, sample_plan).table.set_index("indicador")
    assert table.loc["IS-545", "valor"] == 1004233 and table.loc["IS-546", "valor"] == 41.5
    assert table.loc["IS-545", "comentario"] == NARRATIVE
    assert table.loc["IS-546", "comentario"] == f"{NARRATIVE}; y además, en el casco urbano"


def test_a_comma_csv_whose_comments_hold_semicolons_and_a_title_line(tmp_path, sample_plan):
    comment = "Avance; según acta; con soporte; en revisión; por la oficina; de control; interno"
    write_csv(tmp_path, f"Seguimiento PDM; línea estratégica 1; corte T2\n\nindicador,anio,trimestre,valor,comentario\n"
              f'IS-545,2024,2,1.5,"{comment}"\n')
    table = load_execution(tmp_path, sample_plan).table
    assert table.loc[0, "comentario"] == comment and table.loc[0, "valor"] == 1.5 and table.loc[0, "fila"] == 4


from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Comment text as people write it, with every character the CSV format must carry: the three
# delimiters, quotes, line breaks, accents and emoji. Control characters other than tab and line
# breaks are another rule's business (pipeline.core.characters) and stay out.
_COMMENT_TEXT = st.text(
    st.one_of(
        st.sampled_from(list(",;\t\"'\r\n ")),
        st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
    ),
    max_size=80,
)
# Narratives: long, with more of one delimiter than the header has of its own.
_NARRATIVE = st.tuples(
    st.lists(_COMMENT_TEXT, min_size=1, max_size=30), st.sampled_from([", ", "; ", "\t", ",", ";", "\r\n"])
).map(lambda parts: parts[1].join(parts[0]))
# The reader strips a comment's surrounding spaces, as a spreadsheet cell shows it.
_COMMENT = st.one_of(_COMMENT_TEXT, _NARRATIVE).map(str.strip)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    rows=st.lists(
        st.tuples(
            st.sampled_from(["IS-545", "IS-546", "IS-551"]),
            st.integers(2020, 2024),
            st.integers(1, 4),
            st.one_of(st.none(), st.integers(0, 10**7), st.decimals(0, 10**6, places=2).map(float)),
            _COMMENT,
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda r: r[:3],
    ),
)
def test_any_table_the_csv_module_writes_is_read_back_exactly(tmp_path_factory, sample_plan, delimiter, encoding, rows):
    import csv
    import io

    decimal = "," if delimiter == ";" else "."  # the locale a delimiter comes with

    def shown(value):
        if value is None:
            return ""
        text = f"{value:.2f}" if isinstance(value, float) and not value.is_integer() else str(int(value))
        return text.replace(".", decimal)

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows([ind, year, quarter, shown(value), comment] for ind, year, quarter, value, comment in rows)
    text = buffer.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)  # emoji and the like only where the encoding can hold them
    if encoding == "cp1252":
        try:
            # cp1252 bytes that also make valid UTF-8 (an «Ã©» typed on purpose) read as UTF-8: no
            # reader can tell them apart, so that case is no claim of this test.
            assume(data.decode("utf-8") == text)
        except UnicodeDecodeError:
            pass
    folder = tmp_path_factory.mktemp("csv")
    (folder / "seguimiento.csv").write_bytes(data)
    table = load_execution(folder, sample_plan).table
    read = sorted(
        (r.indicador, r.anio, r.trimestre, None if pd.isna(r.valor) else r.valor,
         r.comentario if isinstance(r.comentario, str) else None)
        for r in table.itertuples()
    )
    expected = sorted((ind, year, quarter, value, comment or None) for ind, year, quarter, value, comment in rows)
    assert read == expected


# --- the entry point after the reader was split by concern (issue 20) -------------------------

# Every public name pipeline.ingest.execution offered before it was split into cells, files,
# headings, shapes and checks: callers outside pipeline/ (benchmarks, scripts, tests) import them
# from there.
PUBLIC_BEFORE_THE_SPLIT = (
    "COLUMNS", "COMMENT_JOIN", "CSV_FILE", "Execution", "FIELDS", "FOLDER", "FRACTION_GAP", "HEADER_SEARCH_ROWS",
    "HEADINGS", "MergedPart", "Percent", "PlanOutline", "REFERENCE", "REQUIRED", "RawTable", "SHEET_NAME",
    "SUGGESTED_IDS", "UNREADABLE_WORKBOOK", "UNREAD_BOOKS", "Uncomputed", "XLSX_FILE", "awaiting_files",
    "consolidate", "csv_dialect", "decode_csv", "execution_files", "find_execution_file", "load_execution",
    "named_sheet", "nothing_reported", "read_execution", "reported_quarters", "reporters_at", "sheet_formulas",
    "validate_execution",
)
READER_MODULES = ("cells", "files", "headings", "shapes", "checks", "execution")


def test_the_entry_point_still_offers_every_public_name_it_had_before_the_split():
    import pipeline.ingest.execution as execution

    assert [name for name in PUBLIC_BEFORE_THE_SPLIT if not hasattr(execution, name)] == []
    assert set(PUBLIC_BEFORE_THE_SPLIT) <= set(execution.__all__)


@pytest.mark.parametrize("name", READER_MODULES)
def test_each_module_of_the_reader_says_what_it_is_for(name):
    import importlib

    doc = importlib.import_module(f"pipeline.ingest.{name}").__doc__
    assert doc and len(doc.split()) > 40


def test_each_name_the_entry_point_re_exports_has_one_home_and_is_its_object():
    """A re-export is the object of the one module that declares it, never a copy that could drift."""
    import importlib

    import pipeline.ingest.execution as execution

    modules = [importlib.import_module(f"pipeline.ingest.{name}") for name in READER_MODULES[:-1]]
    own = {"load_execution", "consolidate", "COMMENT_JOIN"}
    for name in set(execution.__all__) - own:
        homes = [m for m in modules if name in m.__all__]
        assert len(homes) == 1, (name, [m.__name__ for m in homes])
        assert getattr(execution, name) is getattr(homes[0], name)
    assert own <= set(vars(execution)) and not any(name in m.__all__ for m in modules for name in own)
