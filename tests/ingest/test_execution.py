"""pipeline/ingest/execution.py: the whole seguimiento reader, through `load_execution`: the forms Excel
writes, every problem of a file at once, the messy workbook, limits (each concern of the reader has
its own module too: test_cells, test_headings, test_files, test_shapes, test_checks)."""

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


def test_comma_csv_with_decimal_point(tmp_path, sample_plan):
    write_csv(tmp_path, "indicador,anio,trimestre,valor,comentario\nIS-321,2024,2,94.5,\nIS-551,2024,1,1.000,\n")
    table = load_execution(tmp_path, sample_plan).table
    assert sorted(table["valor"]) == [1.0, 94.5]


def _cell_error(tmp_path, sample_plan, bad_row, column, letter):
    write_xlsx(tmp_path, [*GOOD, bad_row])
    error = _error(tmp_path, sample_plan)
    message = str(error)
    assert "seguimiento.xlsx" in message and "hoja «Seguimiento»" in message
    assert f"fila 5, columna «{column}» ({letter})" in message, message
    return message


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


# --- the CSV's delimiter is the header row's --------------------------------------------------

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
