"""pipeline/ingest/headings.py: the header row of a seguimiento found, each column named by the
headings offices write, and a CSV's delimiter the header row's.

The seguimientos are written by the helpers of tests/ingest/test_execution.py and read through
`load_execution`, as a run reads them; each test here exercises this module's concern."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from pipeline.ingest import load_execution
from tests.ingest.test_execution import HEADER, _error, write_csv, write_xlsx


def test_missing_columns(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1]], header=["indicador", "anio", "periodo"])
    message = str(_error(tmp_path, sample_plan))
    assert "faltan: trimestre, valor" in message
    assert "«indicador», «anio», «periodo»" in message
    assert "fila 1" in message


def test_a_mistyped_heading_is_told_the_heading_it_is_close_to(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 5]], header=["indicador", "anio", "trimestr", "valor"])
    (problem,) = _error(tmp_path, sample_plan).problems
    assert "faltan: trimestre" in problem.found and "«trimestr»: ¿quiso decir «trimestre»?" in problem.hint
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 5, "nota"]], header=[*HEADER[:4], "Obsrvaciones"])
    (warning,) = load_execution(tmp_path, sample_plan).warnings
    assert warning.column == "Obsrvaciones" and "¿Quiso decir «observaciones»" in warning.hint


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


def test_a_csv_with_a_title_line(tmp_path, sample_plan):
    write_csv(tmp_path, "Seguimiento PEI 2024\n\nindicador;año;trimestre;valor;observaciones\nIS-545;2024;1;1.000;nota\n")
    table = load_execution(tmp_path, sample_plan).table
    assert list(table["fila"]) == [4] and table.loc[0, "comentario"] == "nota"


def test_no_header_row_anywhere(tmp_path, sample_plan):
    write_xlsx(tmp_path, [["IS-545", 2024, 1, 5]], header=["a", "b", "c", "d"])
    message = str(_error(tmp_path, sample_plan))
    assert "ninguna de las primeras 30 filas" in message and "Valor ejecutado" in message


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
