"""pipeline/outputs/tables_xlsx.py: tablas.xlsx, the attainment tables as an office opens them in Excel."""

from __future__ import annotations

import csv
import io
import math
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.core.attainment import plan_attainment
from pipeline.ingest import load_execution
from pipeline.core.periods import Cut
from pipeline.report.tables import AVANCE_SCHEMA, OBJETIVOS_SCHEMA, avance_table, objetivos_table
from pipeline.outputs.tables_xlsx import SHEETS, tables_workbook
from tests.conftest import SAMPLE
from tests.outputs.test_artifacts import HOSTILE


@pytest.fixture(scope="module")
def sample_tables(sample_plan, default_bands) -> dict[str, pd.DataFrame]:
    execution = load_execution(SAMPLE, sample_plan).table
    result = plan_attainment(sample_plan, execution, Cut(2024, 3), default_bands)
    return {"avance": avance_table(sample_plan, result), "objetivos": objetivos_table(result)}


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_a_sheet_per_table_with_spanish_names_titles_and_a_frozen_header(sample_tables):
    book = _book(tables_workbook(sample_tables))
    assert book.sheetnames == ["Avance por indicador", "Avance por objetivo"] == [SHEETS[k] for k in ("avance", "objetivos")]
    avance, objetivos = book["Avance por indicador"], book["Avance por objetivo"]
    assert [c.value for c in avance[1]] == [c.title for c in AVANCE_SCHEMA]
    assert [c.value for c in objetivos[1]] == [c.title for c in OBJETIVOS_SCHEMA]
    for sheet, frame in ((avance, sample_tables["avance"]), (objetivos, sample_tables["objetivos"])):
        assert sheet.freeze_panes == "A2" and sheet.max_row == 1 + len(frame)
        assert all(c.font.bold for c in sheet[1])
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(8 <= w <= 62 for w in widths)
    name = [c.column_letter for c in avance[1] if c.value == "Nombre"][0]
    assert avance.column_dimensions[name].width > avance.column_dimensions["A"].width  # long names get room


def test_percentages_are_fractions_with_a_percent_format_and_figures_stay_unrounded(sample_tables):
    sheet = _book(tables_workbook(sample_tables))["Avance por indicador"]
    titles = [c.value for c in sheet[1]]
    frame = sample_tables["avance"]
    for row, (_, record) in zip(sheet.iter_rows(min_row=2), frame.iterrows()):
        cells = dict(zip(titles, row))
        for column in AVANCE_SCHEMA:
            cell, value = cells[column.title], record[column.name]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert cell.value is None
            elif column.unit == "%":  # the CSV's 87.5 means 87,5 %: the cell holds 0.875, shown as a percent
                assert cell.value == pytest.approx(value / 100, rel=1e-12) and cell.number_format == "0.0 %"
            elif column.type == "number":
                assert cell.value == pytest.approx(value, rel=1e-12) and cell.number_format in ("#,##0", "#,##0.0###")
                assert cell.number_format == ("#,##0" if float(value).is_integer() else "#,##0.0###")
            elif column.type == "integer":
                assert cell.value == value and cell.number_format == "0"
            else:
                assert cell.value == value and cell.data_type == "s"
    # IS-545's cumulative execution, a large figure: a number with thousands separators
    is545 = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "IS-545")
    assert isinstance(is545[titles.index("Ejecutado en el plan")].value, (int, float))


def test_text_that_starts_a_formula_stays_text(sample_tables):
    avance = sample_tables["avance"].copy()
    avance = avance.iloc[: len(HOSTILE)].copy()
    avance["nombre"] = HOSTILE[: len(avance)]
    avance["indicador"] = list(reversed(HOSTILE[: len(avance)]))
    sheet = _book(tables_workbook({"avance": avance, "objetivos": sample_tables["objetivos"]}))["Avance por indicador"]
    for row, name, code in zip(sheet.iter_rows(min_row=2), avance["nombre"], avance["indicador"]):
        assert row[2].data_type == "s" and row[2].value == name
        assert row[1].data_type == "s" and row[1].value == code


def test_the_objectives_sheet_keeps_its_labels_as_text(sample_tables):
    sheet = _book(tables_workbook(sample_tables))["Avance por objetivo"]
    labels = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert labels == list(sample_tables["objetivos"]["objetivo"]) and labels[-1] == "plan"
    assert all(r[0].data_type == "s" for r in sheet.iter_rows(min_row=2))


def _calc_available() -> bool:
    soffice = shutil.which("soffice")
    return bool(soffice) and any(Path(soffice).resolve().parent.glob("libsclo.so"))


@pytest.mark.skipif(not _calc_available(), reason="LibreOffice Calc is not installed")
def test_libreoffice_reads_numbers_percentages_and_hostile_text_as_written(sample_tables, tmp_path):
    avance = sample_tables["avance"].iloc[: len(HOSTILE)].copy()
    avance["nombre"] = HOSTILE[: len(avance)]
    (tmp_path / "tablas.xlsx").write_bytes(tables_workbook({"avance": avance, "objetivos": sample_tables["objetivos"]}))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1",
         "--outdir", str(tmp_path / "csv"), str(tmp_path / "tablas.xlsx")],
        check=True, capture_output=True, timeout=120,
    )
    files = {p.name: p for p in (tmp_path / "csv").iterdir()}
    # values as shown (token 9), one CSV per sheet (-1), named for it; en-US (1033) shows a point
    (avance_csv,) = [p for n, p in files.items() if "Avance por indicador" in n]
    header, *rows = list(csv.reader(io.StringIO(avance_csv.read_text(encoding="utf-8"))))
    assert header == [c.title for c in AVANCE_SCHEMA]
    for row, (_, record) in zip(rows, avance.iterrows()):
        cells = dict(zip(header, row))
        # shown as written, not evaluated (a carriage return reads back as a line feed, as XML does)
        assert cells["Nombre"] == record["nombre"].replace("\r", "\n")
        if record["avance_vigencia"] is not None and not math.isnan(record["avance_vigencia"]):
            assert cells["Avance de la vigencia"] == f"{record['avance_vigencia']:.1f} %"
        assert cells["Avance esperado"] == f"{record['esperado']:.1f} %"


def test_characters_xml_cannot_hold_are_shown_escaped_not_failing_the_workbook(sample_tables):
    """The readers refuse them in the inputs; should one reach a table, the workbook still saves
    and shows it (`pipeline.outputs.cells`, the one way every workbook of the tool writes a cell)."""
    avance = sample_tables["avance"].iloc[:2].copy()
    avance["nombre"] = ["Avance\ufffe", "Sin\x00 novedad"]
    sheet = _book(tables_workbook({"avance": avance, "objetivos": sample_tables["objetivos"]}))["Avance por indicador"]
    assert [row[2].value for row in sheet.iter_rows(min_row=2)] == ["Avance\\ufffe", "Sin\\u0000 novedad"]


@pytest.fixture(scope="module")
def cut_tables_t3(sample_plan, default_bands) -> dict[str, pd.DataFrame]:
    """The four tables of the sample's 2024-T3 as the flow builds them (avance, objetivos, cambios, serie)."""
    from pipeline.core.attainment import plan_series
    from pipeline.outputs.registry import cut_tables
    from pipeline.report.changes import compare

    execution = load_execution(SAMPLE, sample_plan).table
    series = plan_series(sample_plan, execution, Cut(2024, 3), default_bands)
    comparison = compare(sample_plan, execution, Cut(2024, 3), default_bands, None, series[-1])
    return cut_tables(sample_plan, series, comparison)


def test_the_changes_and_the_series_have_their_sheets_with_every_value_as_its_type(cut_tables_t3):
    from datetime import datetime

    from pipeline.report.tables import CAMBIOS_SCHEMA, SERIE_SCHEMA

    book = _book(tables_workbook(cut_tables_t3))
    assert book.sheetnames == [
        "Avance por indicador", "Avance por objetivo", "Cambios desde el corte anterior", "Serie por trimestre",
    ]
    for key, schema in (("cambios", CAMBIOS_SCHEMA), ("serie", SERIE_SCHEMA)):
        sheet, frame = book[SHEETS[key]], cut_tables_t3[key]
        assert [c.value for c in sheet[1]] == [c.title for c in schema]
        assert sheet.max_row == 1 + len(frame) and sheet.freeze_panes == "A2"
        for row, (_, record) in zip(sheet.iter_rows(min_row=2), frame.iterrows()):
            for column, cell in zip(schema, row):
                value = record[column.name]
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    assert cell.value is None, (key, column.name)
                elif column.type == "boolean":  # Excel's own TRUE/FALSE (VERDADERO/FALSO in Spanish)
                    assert cell.value is bool(value) and cell.data_type == "b"
                elif column.type == "date":
                    assert cell.value == datetime.fromisoformat(value) and cell.number_format == "yyyy-mm-dd"
                elif column.unit == "p. p.":  # percentage points: the difference itself, signed, unrounded
                    assert cell.value == pytest.approx(value, rel=1e-12) and "p. p." in cell.number_format
                elif column.unit == "%":
                    assert cell.value == pytest.approx(value / 100, rel=1e-12) and cell.number_format == "0.0 %"
                elif column.type in ("number", "integer"):
                    assert cell.value == pytest.approx(value, rel=1e-12)
                else:
                    assert cell.value == value and cell.data_type == "s"
    cambios = cut_tables_t3["cambios"]
    assert cambios["diferencia_vigencia"].notna().any() and (cambios["publicado"] == False).all()  # noqa: E712
