"""pipeline/ingest/shapes.py: the shapes a seguimiento comes in: which file or folder is the
seguimiento, a seguimiento/ folder of files (joined by `pipeline.ingest.execution.consolidate`),
and wide matrices (one column per quarter) read as the long format. Every workbook is written here
with openpyxl."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from pipeline.errors import InputError
from pipeline.ingest import load_execution, load_inputs
from pipeline.ingest.execution import COMMENT_JOIN

from tests.ingest.test_execution import GOOD, HEADER, write_csv, write_xlsx


def long_book(path: Path, rows, header=HEADER, title="Seguimiento") -> Path:
    """A long-format seguimiento at `path`: one row per indicator and quarter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(path.parent, rows, header, title, name=path.name)


def wide_book(path: Path, header_rows, rows, merges=(), title="Seguimiento") -> Path:
    """A wide matrix: the header rows as given, then one row per indicator."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in [*header_rows, *rows]:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def _error(folder: Path, plan) -> InputError:
    with pytest.raises(InputError) as info:
        load_execution(folder, plan)
    return info.value


def _facts(table: pd.DataFrame) -> list[tuple]:
    """The table's content without the row numbers (which differ between shapes)."""
    return [
        (r.indicador, r.anio, r.trimestre, None if pd.isna(r.valor) else r.valor,
         r.comentario if isinstance(r.comentario, str) else None)
        for r in table.itertuples(index=False)
    ]


# --- a seguimiento/ folder ----------------------------------------------------------------------


def test_folder_files_are_consolidated(tmp_path, sample_plan):
    long_book(tmp_path / "seguimiento" / "planeacion.xlsx", [["IS-545", 2024, 1, 1004233, "Primer trimestre"]])
    (tmp_path / "seguimiento" / "talento.csv").write_text(
        "indicador;anio;trimestre;valor;comentario\nIS-321;2024;2;94,5;\n", encoding="utf-8"
    )
    execution = load_execution(tmp_path, sample_plan)
    assert execution.path == tmp_path / "seguimiento"
    assert _facts(execution.table) == [
        ("IS-321", 2024, 2, 94.5, None),
        ("IS-545", 2024, 1, 1004233.0, "Primer trimestre"),
    ]
    assert list(execution.table.columns) == ["fila", "indicador", "anio", "trimestre", "valor", "comentario"]


def test_conflicting_values_name_both_files_and_rows(tmp_path, sample_plan):
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, 80, None], ["IS-321", 2024, 2, 90, None]])
    long_book(tmp_path / "seguimiento" / "b.xlsx", [["IS-546", 2024, 1, 5, None], ["IS-321", 2024, 2, 91, None]])
    error = _error(tmp_path, sample_plan)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert Path(problem.file).name == "b.xlsx" and problem.row == 3 and problem.column_letter == "D"
    text = str(error)
    assert "b.xlsx" in text and "a.xlsx" in text and "fila 3" in text
    assert "«IS-321», año 2024, trimestre 2" in problem.found and "91" in problem.found and "90" in problem.found


def test_equal_duplicates_are_kept_once_with_both_comments(tmp_path, sample_plan):
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, 80, "Según planeación"]])
    long_book(tmp_path / "seguimiento" / "b.xlsx", [["IS-321", 2024, 1, 80, "Según talento humano"]])
    long_book(tmp_path / "seguimiento" / "c.xlsx", [["IS-321", 2024, 1, 80, None]])
    table = load_execution(tmp_path, sample_plan).table
    assert _facts(table) == [("IS-321", 2024, 1, 80.0, f"Según planeación{COMMENT_JOIN}Según talento humano")]


def test_every_problem_of_every_file_at_once(tmp_path, sample_plan):
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, "N/A", None]])
    long_book(tmp_path / "seguimiento" / "b.xlsx", [["IS-321", 2024, 5, 10, None]])
    error = _error(tmp_path, sample_plan)
    assert sorted(Path(p.file).name for p in error.problems) == ["a.xlsx", "b.xlsx"]


def test_a_file_beside_the_folder_is_read_with_it(tmp_path, sample_plan):
    """The office keeps its seguimiento.xlsx (the history) and drops the dependencies' files in
    seguimiento/: all are consolidated, by the same rules, the file first."""
    long_book(tmp_path / "seguimiento.xlsx", [["IS-321", 2024, 1, 80, "histórico"], ["IS-545", 2024, 1, 1000, None]])
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, 80, None], ["IS-321", 2024, 2, 85, None]])
    execution = load_execution(tmp_path, sample_plan)
    assert _facts(execution.table) == [
        ("IS-321", 2024, 1, 80.0, "histórico"), ("IS-321", 2024, 2, 85.0, None), ("IS-545", 2024, 1, 1000.0, None)
    ]
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, 82, None]])
    error = _error(tmp_path, sample_plan)
    assert "seguimiento.xlsx" in str(error) and "a.xlsx" in str(error)


def test_an_xlsx_and_a_csv_beside_each_other_are_still_an_error(tmp_path, sample_plan):
    long_book(tmp_path / "seguimiento.xlsx", [["IS-321", 2024, 1, 80, None]])
    (tmp_path / "seguimiento.csv").write_text("indicador,anio,trimestre,valor\nIS-321,2024,1,80\n", encoding="utf-8")
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, 80, None]])
    assert "uno solo de los dos" in str(_error(tmp_path, sample_plan))


def test_a_workbook_in_a_format_that_is_not_read_is_an_error_and_other_files_are_warned_about(tmp_path, sample_plan):
    """A dependency's .xls or .ods (saved by an older Excel or by LibreOffice) would otherwise be
    skipped and its indicators come out «Sin reporte» without a word."""
    long_book(tmp_path / "seguimiento" / "a.xlsx", [["IS-321", 2024, 1, 80, None]])
    (tmp_path / "seguimiento" / "salud.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"0" * 100)
    (tmp_path / "seguimiento" / "ambiente.ods").write_bytes(b"PK" + b"0" * 100)
    error = _error(tmp_path, sample_plan)
    text = str(error)
    assert "salud.xls" in text and "ambiente.ods" in text and "guárdelo como" in text.lower()
    (tmp_path / "seguimiento" / "salud.xls").unlink()
    (tmp_path / "seguimiento" / "ambiente.ods").unlink()
    (tmp_path / "seguimiento" / "oficio.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "seguimiento" / "anteriores").mkdir()
    (tmp_path / "seguimiento" / ".~lock.a.xlsx#").write_text("x")
    (tmp_path / "seguimiento" / "~$a.xlsx").write_text("x")
    (tmp_path / "seguimiento" / "Thumbs.db").write_text("x")
    execution = load_execution(tmp_path, sample_plan)
    warned = " ".join(p.found for p in execution.warnings)
    assert "oficio.pdf" in warned and "anteriores" in warned
    assert "lock" not in warned and "~$" not in warned and "Thumbs" not in warned


def test_empty_folder_is_an_error(tmp_path, sample_plan):
    (tmp_path / "seguimiento").mkdir()
    (tmp_path / "seguimiento" / "notas.txt").write_text("no es un seguimiento")
    error = _error(tmp_path, sample_plan)
    assert "sin archivos .xlsx ni .csv" in str(error)


def test_every_file_of_the_folder_is_a_source(sample_copy):
    folder = sample_copy / "seguimiento"
    folder.mkdir()
    (sample_copy / "seguimiento.xlsx").rename(folder / "secretaria.xlsx")
    (folder / "copia.xlsx").write_bytes((folder / "secretaria.xlsx").read_bytes())  # equal rows: kept once
    inputs = load_inputs(sample_copy)
    names = sorted(s.path.name for s in inputs.sources)
    assert {"copia.xlsx", "secretaria.xlsx", "plan.yaml"} <= set(names)


# --- wide matrices ------------------------------------------------------------------------------

LONG = [
    ["IS-545", 2024, 1, 1004233, None],
    ["IS-545", 2024, 2, 2000000, None],
    ["IS-321", 2024, 1, 80, None],
    ["IS-321", 2024, 2, 94.5, None],
]


def _wide_rows(headings):
    return [["Código", "Nombre", *headings]], [
        ["IS-545", "Recursos", 1004233, 2000000],
        ["IS-321", "Satisfacción", 80, 94.5],
    ]


@pytest.mark.parametrize(
    "headings",
    [
        ["2024-T1", "2024-T2"],
        ["T1 2024", "T2 2024"],
        ["2024 T1", "2024 T2"],
        ["2024T1", "2024T2"],
        ["Trimestre 1 2024", "Trimestre 2 2024"],
    ],
)
def test_wide_matrix_reads_as_the_long_file(tmp_path, sample_plan, headings):
    long_book(tmp_path / "long" / "seguimiento.xlsx", LONG)
    header, rows = _wide_rows(headings)
    wide_book(tmp_path / "wide" / "seguimiento.xlsx", header, rows)
    expected = load_execution(tmp_path / "long", sample_plan).table
    assert _facts(load_execution(tmp_path / "wide", sample_plan).table) == _facts(expected)


@pytest.mark.parametrize(
    "headings",
    [
        ["Abr-Jun 2024", "Jul-Sep 2024"],
        ["2024 Abr-Jun", "2024 Jul-Sep"],
        ["II trimestre 2024", "III trimestre 2024"],
        ["Trimestre II de 2024", "Trimestre III de 2024"],
        ["2024-II", "2024-III"],
        ["2do trimestre 2024", "3er trimestre 2024"],
        ["abril a junio de 2024", "julio a septiembre de 2024"],
    ],
)
def test_wide_matrix_quarters_in_words(tmp_path, sample_plan, headings):
    long_book(tmp_path / "long" / "seguimiento.xlsx", [[i, y, q + 1, v, c] for i, y, q, v, c in LONG])
    header, rows = _wide_rows(headings)
    wide_book(tmp_path / "wide" / "seguimiento.xlsx", header, rows)
    expected = load_execution(tmp_path / "long", sample_plan).table
    assert _facts(load_execution(tmp_path / "wide", sample_plan).table) == _facts(expected)


def test_wide_matrix_with_years_over_quarters_in_words(tmp_path, sample_plan):
    long_book(tmp_path / "long" / "seguimiento.xlsx", LONG)
    header = [["Código", "Nombre", 2024, None], [None, None, "Ene-Mar", "Abr-Jun"]]
    rows = [["IS-545", "Recursos", 1004233, 2000000], ["IS-321", "Satisfacción", 80, 94.5]]
    wide_book(tmp_path / "wide" / "seguimiento.xlsx", header, rows, merges=("A1:A2", "B1:B2", "C1:D1"))
    expected = load_execution(tmp_path / "long", sample_plan).table
    assert _facts(load_execution(tmp_path / "wide", sample_plan).table) == _facts(expected)


@pytest.mark.parametrize("header", [
    [["Código", "Nombre", "Ene-Mar 2024", "Abr-Jun 2024", "Ene-Jun 2024"]],
    [["Código", "Nombre", 2024, None, None], [None, None, "Ene-Mar", "Abr-Jun", "Ene-Jun"]],
])
def test_wide_matrix_heading_of_months_that_are_not_a_quarter_is_an_error_naming_it(tmp_path, sample_plan, header):
    rows = [["IS-545", "Recursos", 1004233, 2000000, 3004233]]
    wide_book(tmp_path / "seguimiento.xlsx", header, rows)
    (problem,) = _error(tmp_path, sample_plan).problems
    assert (problem.row, problem.column_letter) == (len(header), "E")
    assert "Ene-Jun" in problem.found and "va de enero a junio, que no es un trimestre" in problem.found


def test_wide_matrix_of_planned_and_executed_quarters_reads_the_executed(tmp_path, sample_plan):
    # A PDM's plan indicativo: planned and executed columns for each quarter, then the year's totals.
    long_book(tmp_path / "long" / "seguimiento.xlsx", LONG)
    header = [["Cod meta producto", "Meta de producto", "T1 PLANEADO 2024", "T1 EJECUTADO 2024", "T2 PLANEADO 2024",
               "T2 EJECUTADO 2024", "TOTAL PLANEADO 2024", "AVANCE 2024"]]
    rows = [["IS-545", "Recursos", 1000000, 1004233, 2000000, 2000000, 4155036, 0.7],
            ["IS-321", "Satisfacción", 80, 80, 95, 94.5, 100, 0.9]]
    wide_book(tmp_path / "wide" / "seguimiento.xlsx", header, rows)
    execution = load_execution(tmp_path / "wide", sample_plan)
    assert _facts(execution.table) == _facts(load_execution(tmp_path / "long", sample_plan).table)
    (warning,) = execution.warnings  # the planned columns are the plan's; the year's «avance» is not guessed
    assert warning.column == "AVANCE 2024" and warning.column_letter == "H"


def test_wide_matrix_with_years_over_quarters(tmp_path, sample_plan):
    long_book(tmp_path / "long" / "seguimiento.xlsx", LONG)
    header = [["Código", "Nombre", 2024, None], [None, None, "T1", "T2"]]
    rows = [["IS-545", "Recursos", 1004233, 2000000], ["IS-321", "Satisfacción", 80, 94.5]]
    wide_book(tmp_path / "wide" / "seguimiento.xlsx", header, rows, merges=("A1:A2", "B1:B2", "C1:D1"))
    expected = load_execution(tmp_path / "long", sample_plan).table
    assert _facts(load_execution(tmp_path / "wide", sample_plan).table) == _facts(expected)


def test_wide_matrix_in_csv(tmp_path, sample_plan):
    long_book(tmp_path / "long" / "seguimiento.xlsx", LONG)
    (tmp_path / "wide").mkdir()
    (tmp_path / "wide" / "seguimiento.csv").write_text(
        "Código;2024-T1;2024-T2\nIS-545;1.004.233;2.000.000\nIS-321;80;94,5\n", encoding="utf-8"
    )
    expected = load_execution(tmp_path / "long", sample_plan).table
    assert _facts(load_execution(tmp_path / "wide", sample_plan).table) == _facts(expected)


def test_wide_matrix_percent_and_empty_cells(tmp_path, sample_plan):
    header = [["Indicador", "2024-T1", "2024-T2", "2024-T3"]]
    path = wide_book(tmp_path / "seguimiento.xlsx", header, [["IS-321", 0.8, None, 0.575]])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.active["B2"].number_format = "0%"
    book.active["D2"].number_format = "0.0%"
    book.save(path)
    table = load_execution(tmp_path, sample_plan).table
    assert _facts(table) == [("IS-321", 2024, 1, 80.0, None), ("IS-321", 2024, 3, 57.5, None)]
    assert list(table["fila"]) == [2, 2]


def test_wide_matrix_bad_cell_names_its_own_column(tmp_path, sample_plan):
    header = [["Indicador", "2024-T1", "2024-T2"]]
    wide_book(tmp_path / "seguimiento.xlsx", header, [["IS-321", 80, "N/A"]])
    error = _error(tmp_path, sample_plan)
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.column_letter) == (2, "2024-T2", "C")
    assert "deje la celda vacía" in problem.hint


def test_wide_matrix_comment_column_is_warned_about(tmp_path, sample_plan):
    header = [["Indicador", "2024-T1", "Observaciones"]]
    wide_book(tmp_path / "seguimiento.xlsx", header, [["IS-321", 80, "Bien"]])
    execution = load_execution(tmp_path, sample_plan)
    assert _facts(execution.table) == [("IS-321", 2024, 1, 80.0, None)]
    (warning,) = execution.warnings
    assert warning.column == "Observaciones" and "formato largo" in warning.expected


def test_wide_matrix_with_years_above_the_indicator_row(tmp_path, sample_plan):
    long_book(tmp_path / "long" / "seguimiento.xlsx", LONG)
    header = [[None, None, "Vigencia 2024", None], ["Código", "Nombre", "Trimestre 1", "Trimestre 2"]]
    rows = [["IS-545", "Recursos", 1004233, 2000000], ["IS-321", "Satisfacción", 80, 94.5]]
    wide_book(tmp_path / "wide" / "seguimiento.xlsx", header, rows, merges=("C1:D1",))
    expected = load_execution(tmp_path / "long", sample_plan).table
    assert _facts(load_execution(tmp_path / "wide", sample_plan).table) == _facts(expected)


def test_a_folder_with_only_an_xls_says_to_save_it_as_xlsx(tmp_path, sample_plan):
    (tmp_path / "seguimiento").mkdir()
    (tmp_path / "seguimiento" / "salud.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"0" * 100)
    text = str(_error(tmp_path, sample_plan))
    assert "salud.xls" in text and "guárdelo como" in text.lower()


def test_an_empty_folder_beside_the_file_is_a_folder_still_waiting_for_its_files(tmp_path, sample_plan):
    long_book(tmp_path / "seguimiento.xlsx", [["IS-321", 2024, 1, 80, None]])
    (tmp_path / "seguimiento").mkdir()
    assert len(load_execution(tmp_path, sample_plan).table) == 1


def test_no_execution_file(tmp_path, sample_plan):
    error = _error(tmp_path, sample_plan)
    assert "seguimiento.xlsx o seguimiento.csv" in str(error) and str(tmp_path) in str(error)


def test_both_files(tmp_path, sample_plan):
    write_xlsx(tmp_path, GOOD)
    write_csv(tmp_path, "indicador,anio,trimestre,valor\n")
    assert "dos archivos de seguimiento" in str(_error(tmp_path, sample_plan))


def test_without_a_seguimiento_sheet_the_first_with_a_header_is_read(tmp_path, sample_plan):
    book = Workbook()
    book.active.title = "Instrucciones"
    book.active["A1"] = "Diligencie la hoja de datos"
    data = book.create_sheet("Datos")
    data.append(HEADER)
    data.append(["IS-545", 2024, 1, 1000, None])
    book.save(tmp_path / "seguimiento.xlsx")
    assert len(load_execution(tmp_path, sample_plan).table) == 1
