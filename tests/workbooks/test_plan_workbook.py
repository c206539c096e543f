"""pipeline/workbooks/plan_workbook.py: plan.xlsx written from plan.yaml's data (what it reads back
as is tests/ingest/test_plan_xlsx.py)."""

from __future__ import annotations

import pytest

from pipeline.workbooks.plan_workbook import NotRepresentable, write_plan_workbook
from tests.ingest.test_plan_xlsx import _sample_data


def test_an_objective_listing_indicators_out_of_the_others_order_cannot_be_a_workbook(tmp_path):
    data = _sample_data()
    data["objetivos"][1]["indicadores"] = [*data["objetivos"][1]["indicadores"], "IS-321"]  # objective 1 has it first
    with pytest.raises(NotRepresentable, match="orden"):
        write_plan_workbook(tmp_path / "plan.xlsx", data)
    assert not (tmp_path / "plan.xlsx").exists()


def test_plan_xlsx_is_written_with_the_same_mode_as_the_templates(tmp_path):
    """Not `-rw-------` (a temporary file's mode): the office's other people read it as they read the templates."""
    import stat

    from tests.plans import write_pdm
    from pipeline.workbooks.template_files import write_templates

    folder = write_pdm(tmp_path / "pdm", 2024)
    (template,) = write_templates(folder, "2024-T1", tmp_path / "out").files
    plan = write_plan_workbook(tmp_path / "out" / "plan.xlsx", None)
    mode = stat.S_IMODE(plan.stat().st_mode)
    assert mode == stat.S_IMODE(template.stat().st_mode)


def test_the_empty_template_offers_every_sheet_and_column_the_reader_reads():
    from pipeline.ingest.plan_xlsx import NOTES_SHEET, SHEETS
    from pipeline.workbooks.plan_workbook import plan_workbook

    book = plan_workbook(None)
    assert book.sheetnames == [*SHEETS, NOTES_SHEET]
    for title in ("Ejes", "Objetivos", "Indicadores"):
        headings = [c.value for c in book[title][1]]
        assert headings == [c.name for c in SHEETS[title]], title
        assert book[title].max_row == 1  # nothing filled in
    assert all(s.page_setup.orientation == "landscape" for s in book.worksheets)


def test_a_filled_workbook_has_one_row_per_objective_and_indicator_of_the_plan():
    from pipeline.workbooks.plan_workbook import plan_workbook

    data = _sample_data()
    book = plan_workbook(data)
    ids = [c.value for c in book["Indicadores"]["A"][1:] if c.value is not None]
    assert sorted(ids) == sorted({i["id"] for i in data["indicadores"]})
    assert book["Objetivos"].max_row == 1 + len(data["objetivos"])


def _instruction_lines(book) -> list[str]:
    """Every text of the Instrucciones sheet, row by row (its cells joined)."""
    from pipeline.ingest.plan_xlsx import NOTES_SHEET

    sheet = book[NOTES_SHEET]
    return [" ".join(str(c.value) for c in row if c.value is not None) for row in sheet.iter_rows()]


def test_the_instructions_say_how_a_maintenance_indicator_writes_its_quarterly_targets(tmp_path):
    """A constante (maintenance) indicator without quarterly targets is expected at a quarter of its
    target per quarter (25 % at T1), so a level kept all year looks like overachievement: the sheet
    the office reads says to write the target in all four quarters, and its example, typed as it
    says, is read back as a plan expected in full from T1."""
    import re

    from pipeline.core.attainment import expected_share
    from pipeline.workbooks.plan_workbook import plan_workbook

    lines = [line for line in _instruction_lines(plan_workbook(None)) if "constante" in line and "mantenimiento" in line]
    assert lines, "the Instrucciones sheet says how a constante (maintenance) indicator writes its quarterly targets"
    note = lines[0]
    assert "metas_trimestrales" in note and "T1" in note and "25 %" in note
    example = re.search(r"meta_vigencia (\d+).*?metas_trimestrales (\d+(?:; \d+){3})", note)
    assert example, note
    target, quarters = example.group(1), example.group(2)
    assert quarters == "; ".join([target] * 4)

    data = _sample_data()
    first = data["indicadores"][0]
    first.update(anualizacion="constante", meta_vigencia=int(target), meta_cuatrienio=int(target))
    first.pop("metas_trimestrales", None)
    folder = tmp_path / "entidad"
    folder.mkdir()
    write_plan_workbook(folder / "plan.xlsx", data)

    def type_as_told(book):
        sheet = book["Indicadores"]
        column = next(c.column for c in sheet[1] if c.value == "metas_trimestrales")
        sheet.cell(row=2, column=column, value=quarters)

    from openpyxl import load_workbook

    from pipeline.ingest import load_plan

    book = load_workbook(folder / "plan.xlsx")
    type_as_told(book)
    book.save(folder / "plan.xlsx")
    plan = load_plan(folder)
    indicator = plan.indicators[first["id"]]
    assert indicator.annualization.value == "constante"
    assert expected_share(indicator, plan.vigencia, 1, float(target)) == 1.0
