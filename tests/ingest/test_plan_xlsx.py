"""pipeline/ingest/plan_xlsx.py and pipeline/workbooks/plan_workbook.py: plan.xlsx, the plan as a workbook.

The workbooks are written by code (`write_plan_workbook` from plan.yaml's data, then edited with
openpyxl where a test needs a bad cell); no binary fixture is committed.
"""

from __future__ import annotations

import json
import shutil
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from ruamel.yaml import YAML
from typer.testing import CliRunner

from pipeline.app.cli import app
from pipeline.errors import InputError
from pipeline.ingest import find_entities, load_inputs, load_plan
from pipeline.workbooks.plan_workbook import NotRepresentable, write_plan_workbook
from tests.conftest import SAMPLE
from tests.plans import PDM_EXECUTION, pdm, write_pdm

runner = CliRunner()


def _sample_data() -> dict:
    return YAML(typ="safe").load((SAMPLE / "plan.yaml").read_text(encoding="utf-8"))


def _workbook_folder(folder: Path, data: dict | None) -> Path:
    """`folder` with plan.xlsx written from `data` (plan.yaml's fields; None: the empty template)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_plan_workbook(folder / "plan.xlsx", data)
    return folder


def _edit(folder: Path, edit) -> Path:
    """Open plan.xlsx, let `edit(book)` change it, save it."""
    path = folder / "plan.xlsx"
    book = load_workbook(path)
    edit(book)
    book.save(path)
    return folder


def _error(folder: Path) -> str:
    with pytest.raises(InputError) as info:
        load_plan(folder)
    message = str(info.value)
    assert "Traceback" not in message
    return message


def _column(sheet, name: str) -> int:
    """The 1-based column whose heading is `name`."""
    return next(c.column for c in sheet[1] if c.value == name)


# --- the same plan ---------------------------------------------------------------------------------


def test_the_sample_plan_and_its_workbook_give_the_same_plan(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())
    assert load_plan(folder) == load_plan(SAMPLE)
    assert list(load_plan(folder).indicators) == list(load_plan(SAMPLE).indicators)


@pytest.mark.parametrize("vigencia", [2024, 2025])  # quarterly targets as one list (2024) and by year (2025)
def test_a_pdm_with_ejes_units_levels_weights_and_quarterly_targets_round_trips(tmp_path, vigencia):
    data = pdm(vigencia)
    data["objetivos"][1]["indicadores"] = ["H-1", "P-1"]  # P-1 in objectives 2 and 3
    data["objetivos"][1]["pesos"] = {"H-1": 2, "P-1": 1}
    data["objetivos"][1]["texto_detalle"] = "Ambiente, **en detalle**."
    data["objetivos"][1]["encabezado_tabla"] = "Meta de producto"
    data["agregacion"] = "indicadores"
    data["titulo_reporte"] = "Informe de seguimiento al PDM"
    data["indicadores"][0]["etiqueta"] = "Meta 1"
    yaml_folder = write_pdm(tmp_path / "yaml", vigencia)
    with (yaml_folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(data, handle)
    folder = _workbook_folder(tmp_path / "xlsx", data)
    plan = load_plan(folder)
    assert plan == load_plan(yaml_folder)
    assert plan.objectives[1].indicator_ids == ("H-1", "P-1") and plan.objectives[1].weights == (2, 1)
    assert [a.objective_ids for a in plan.axes] == [(1,), (2, 3)] and plan.axes[0].weight == 2
    assert str(plan.indicators["H-1"].unit) == "hectáreas"
    sheet = load_workbook(folder / "plan.xlsx")["Indicadores"]
    headings = [c.value for c in sheet[1]]
    if vigencia == 2024:
        assert sheet.cell(2, _column(sheet, "metas_trimestrales")).value == "1; 2; 3; 4"
    else:
        assert {"meta_2024", "meta_2025_T1", "meta_2024_T4"} <= set(headings)
    objective = sheet.cell(4, _column(sheet, "objetivo")).value  # P-1's row
    assert objective == "2; 3"


def test_cells_as_a_planning_office_types_them(tmp_path):
    """Spanish text numbers, a percent-formatted target (45 % is kept as 0,45), objective ids as
    text, the period written with «a», an empty baseline, headings in any case and accents."""
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        plan = book["Plan"]
        plan["B6"] = "2020 a 2024"
        sheet = book["Indicadores"]
        row = 2 + [c.value for c in sheet["A"][1:]].index("IS-545")
        sheet.cell(row, _column(sheet, "meta_vigencia")).value = "4.155.036"
        pct = sheet.cell(2, _column(sheet, "meta_vigencia"))
        pct.value, pct.number_format = 0.1, "0%"
        sheet.cell(2, _column(sheet, "objetivo")).value = "1"
        sheet.cell(2, _column(sheet, "linea_base")).value = None
        sheet.cell(1, _column(sheet, "linea_base")).value = "Línea Base"

    plan = load_plan(_edit(folder, edit))
    assert plan == load_plan(SAMPLE)
    assert plan.indicators["IS-545"].year_target == 4_155_036
    assert plan.indicators["IS-321"].year_target == 10 and plan.indicators["IS-321"].baseline is None


# --- entity folders ------------------------------------------------------------------------------


def _entity_with_workbook(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    (folder / "plan.yaml").unlink()
    write_plan_workbook(folder / "plan.xlsx", _sample_data())
    return folder


def test_an_entity_folder_with_plan_xlsx_is_found_and_recorded(tmp_path):
    folder = _entity_with_workbook(tmp_path / "inputs" / "secretaria-general")
    assert [e.slug for e in find_entities(folder.parent)] == ["secretaria-general"]
    assert [e.slug for e in find_entities(folder)] == ["secretaria-general"]
    inputs = load_inputs(folder)
    assert {s.path.name for s in inputs.sources} == {"plan.xlsx", "seguimiento.xlsx", "configuracion.yaml"}


def test_plan_yaml_and_plan_xlsx_together_are_refused(tmp_path):
    folder = tmp_path / "entidad"
    shutil.copytree(SAMPLE, folder)
    write_plan_workbook(folder / "plan.xlsx", _sample_data())
    message = _error(folder)
    assert "plan.yaml y plan.xlsx" in message and "uno solo de los dos" in message
    with pytest.raises(InputError, match="uno solo de los dos"):
        load_inputs(folder)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_plan_yaml_and_its_workbook_give_identical_reports(tmp_path):
    from pptx import Presentation
    from pypdf import PdfReader

    yaml_entity = tmp_path / "yaml" / "secretaria-general"
    shutil.copytree(SAMPLE, yaml_entity)
    xlsx_entity = _entity_with_workbook(tmp_path / "xlsx" / "secretaria-general")
    folders = {}
    for name, entity in (("yaml", yaml_entity), ("xlsx", xlsx_entity)):
        out = tmp_path / f"out-{name}"
        result = runner.invoke(app, ["run", "--input", str(entity), "--output", str(out), "--period", "2024-T4",
                                     "--no-distribute"], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        folders[name] = out / "secretaria-general" / "2024-T4"
    a, b = folders["yaml"], folders["xlsx"]
    for table in ("avance.csv", "objetivos.csv"):
        assert (a / table).read_bytes() == (b / table).read_bytes()

    def deck_text(folder: Path) -> list[str]:
        deck = Presentation(str(next(folder.glob("*.pptx"))))
        return [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]

    def pdf_text(folder: Path) -> list[str]:
        return [page.extract_text() for page in PdfReader(str(next(folder.glob("*.pdf")))).pages]

    assert deck_text(a) == deck_text(b)
    assert pdf_text(a) == pdf_text(b)
    recorded = {Path(r["path"]).name for r in json.loads((b / "manifest.json").read_text(encoding="utf-8"))["inputs"]}
    assert "plan.xlsx" in recorded and "plan.yaml" not in recorded


# --- what is wrong, and where --------------------------------------------------------------------


def test_a_bad_annualization_names_the_sheet_row_and_column(tmp_path):
    data = _sample_data()
    data["indicadores"][2]["anualizacion"] = "acumulado"
    message = _error(_workbook_folder(tmp_path, data))
    assert "plan.xlsx (hoja «Indicadores»)" in message
    assert "fila 4, columna «anualizacion» (D)" in message
    assert "«acumulado»" in message and "suma, creciente, decreciente o constante" in message


def test_an_indicator_naming_an_unknown_objective(tmp_path):
    """In the workbook an indicator names its objectives (plan.yaml's objective naming an unknown indicator)."""
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        sheet = book["Indicadores"]
        sheet.cell(3, _column(sheet, "objetivo")).value = "1; 9"

    message = _error(_edit(folder, edit))
    assert "hoja «Indicadores»" in message and "fila 3, columna «objetivo» (K)" in message
    assert "el objetivo «9» en el indicador «MP-7871-04», que no está en la hoja «Objetivos»" in message


def test_mistyped_sheets_columns_fields_and_ids_in_the_workbook_are_told_what_they_are_close_to(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        sheet = book["Indicadores"]
        column = _column(sheet, "responsable")
        sheet.cell(1, column).value = "responsabe"
        sheet.cell(2, column).value = "Oficina"
        book["Plan"]["A2"] = "entidd"

    message = _error(_edit(folder, edit))
    assert "¿Quiso decir «responsable»?" in message and "¿Quiso decir «entidad»?" in message

    folder = _workbook_folder(tmp_path / "hojas", _sample_data())
    message = _error(_edit(folder, lambda book: setattr(book["Indicadores"], "title", "Indicadore")))
    assert "¿La hoja «Indicadore» es «Indicadores»?" in message

    folder = _workbook_folder(tmp_path / "ids", _sample_data())

    def objective(book):
        sheet = book["Indicadores"]
        sheet.cell(3, _column(sheet, "objetivo")).value = "1; 11"

    message = _error(_edit(folder, objective))
    assert "el objetivo «11»" in message and "¿Quiso decir «1»?" in message


def test_an_objective_without_indicators(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        sheet = book["Indicadores"]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, _column(sheet, "objetivo")).value == 8:
                sheet.cell(row, _column(sheet, "objetivo")).value = None

    message = _error(_edit(folder, edit))
    assert "hoja «Objetivos»), fila 9, columna «id» (A)" in message
    assert "0 elementos en «indicadores (columna «objetivo» de la hoja «Indicadores»)»" in message


def test_weights_for_some_indicators_of_an_objective(tmp_path):
    data = _sample_data()
    data["objetivos"][0]["pesos"] = {"IS-321": 2}  # MP-7871-04 has none
    message = _error(_workbook_folder(tmp_path, data))
    assert "hoja «Objetivos»), fila 2, columna «id» (A)" in message
    assert "un peso para cada indicador del objetivo (IS-321, MP-7871-04)" in message


def test_a_percent_formatted_target_is_read_as_points_and_a_fraction_warned(tmp_path):
    from pipeline.ingest.plan import read_plan

    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        sheet = book["Indicadores"]
        for name, value in (("meta_cuatrienio", 1), ("meta_vigencia", 0.1)):
            cell = sheet.cell(2, _column(sheet, name))
            cell.value, cell.number_format = value, "0%"

    plan, _ = read_plan(_edit(folder, edit))
    assert (plan.indicators["IS-321"].plan_target, plan.indicators["IS-321"].year_target) == (100, 10)

    def fraction(book):
        sheet = book["Indicadores"]
        for name in ("meta_cuatrienio", "meta_vigencia"):
            cell = sheet.cell(2, _column(sheet, name))
            cell.value, cell.number_format = 0.5, "General"

    _, warnings = read_plan(_edit(folder, fraction))
    warning = next(w for w in warnings if "parecen fracciones" in w.found)
    assert (warning.sheet, warning.row, warning.column, warning.column_letter) == ("Indicadores", 2, "meta_cuatrienio", "G")


def test_a_missing_sheet_says_which_sheets_are_expected(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())
    message = _error(_edit(folder, lambda book: book.remove(book["Objetivos"])))
    assert "sin la hoja «Objetivos»" in message
    assert "las hojas Plan, Objetivos e Indicadores, y Ejes si el plan tiene ejes" in message


def test_an_unknown_column_or_sheet_with_data_is_reported(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        sheet = book["Indicadores"]
        column = sheet.max_column + 1
        sheet.cell(1, column).value = "meta vigencia 2"
        sheet.cell(3, column).value = 5
        sheet.cell(1, column + 1).value = "notas vacías"  # no data: not a problem
        book.create_sheet("Hoja1")["B2"] = "borrador"

    message = _error(_edit(folder, edit))
    assert "la columna «meta vigencia 2» con datos en 1 fila, que no es un campo del plan" in message
    assert "hoja «Hoja1»" in message and "notas vacías" not in message


def test_a_formula_without_a_saved_result_names_its_cell(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        sheet = book["Indicadores"]
        sheet.cell(5, _column(sheet, "meta_vigencia")).value = "=G5/4"

    message = _error(_edit(folder, edit))
    assert "fila 5, columna «meta_vigencia» (H)" in message and "la fórmula =G5/4 sin resultado guardado" in message


def test_bad_period_and_incomplete_quarters(tmp_path):
    folder = _workbook_folder(tmp_path, pdm(2025))

    def edit(book):
        book["Plan"]["B6"] = "2024/27/28"
        sheet = book["Indicadores"]
        sheet.cell(2, _column(sheet, "meta_2025_T3")).value = None

    message = _error(_edit(folder, edit))
    assert "hoja «Plan»), fila 6" in message or "fila 6, columna «valor» (B)" in message
    assert "«2024/27/28» como periodo del plan" in message
    assert "vacía la meta del trimestre 3 de 2025" in message


def test_reference_rules_are_plan_yamls_with_the_cell(tmp_path):
    data = pdm(2024)
    data["indicadores"][0]["metas_trimestrales"] = [1, 1, 1, 1]  # 4 for a target of 10
    folder = _workbook_folder(tmp_path, data)
    message = _error(_edit(folder, lambda book: book["Indicadores"].cell(3, 1, "V-1")))
    assert "las metas trimestrales de 2024 que suman 4" in message
    assert "columna «metas_trimestrales» (M)" in message
    assert "el id «V-1» repetido" in message and "fila 3, columna «id» (A)" in message


def test_the_empty_template_read_back_says_what_to_fill(tmp_path):
    message = _error(_workbook_folder(tmp_path, None))
    assert "(hoja «Plan»)" in message and "fila 2, columna «valor» (B): se encontró que falta el campo «entidad»" in message
    assert "0 elementos en «indicadores (filas de la hoja «Indicadores»)»" in message
    assert "problemas en 3 hojas" in message


def test_the_workbook_of_a_pdm_reports_as_its_yaml(tmp_path):
    """Attainment from plan.xlsx and plan.yaml of a PDM with the same seguimiento."""
    from tests.plans import execution_table

    yaml_folder = write_pdm(tmp_path / "yaml", 2025)
    folder = _workbook_folder(tmp_path / "xlsx", pdm(2025))
    (folder / "seguimiento.csv").write_text(PDM_EXECUTION, encoding="utf-8")
    plan = load_plan(folder)
    assert execution_table(folder, plan).equals(execution_table(yaml_folder, load_plan(yaml_folder)))


# --- the template --------------------------------------------------------------------------------


def test_plantilla_plan_writes_the_empty_workbook_and_never_overwrites(tmp_path):
    out = tmp_path / "outputs"
    result = runner.invoke(app, ["plantilla", "--plan", "--output", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    path = out / "plan.xlsx"
    assert result.stdout.strip() == str(path)
    book = load_workbook(path)
    assert book.sheetnames == ["Plan", "Ejes", "Objetivos", "Indicadores", "Instrucciones"]
    indicators = book["Indicadores"]
    assert indicators.freeze_panes == "A2"
    lists = {dv.formula1: dv for dv in indicators.data_validations.dataValidation}
    assert '"suma,creciente,decreciente,constante"' in lists and '"incremento,nivel"' in lists
    assert lists['"porcentaje,numero"'].showErrorMessage is False  # any unit text is accepted
    assert [dv.formula1 for dv in book["Plan"].data_validations.dataValidation] == ['"objetivos,indicadores"']
    assert "anualizacion" in [c.value for c in book["Instrucciones"]["B"]]
    before = path.read_bytes()
    again = runner.invoke(app, ["plantilla", "--plan", "--output", str(out)], catch_exceptions=False)
    assert again.exit_code == 1 and "Ya existe" in again.stderr and "no se sobrescribe" in again.stderr
    assert path.read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["plan.xlsx"]  # no temporary file left


def test_plantilla_plan_from_an_entity_writes_its_plan(tmp_path):
    out = tmp_path / "outputs"
    result = runner.invoke(app, ["plantilla", "--plan", "--input", str(SAMPLE), "--output", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    written = out / SAMPLE.name / "plan.xlsx"  # beside the entity's other outputs: an empty one does not collide
    assert result.stdout.strip() == str(written)
    folder = tmp_path / "entidad"
    folder.mkdir()
    shutil.copy(written, folder / "plan.xlsx")
    assert load_plan(folder) == load_plan(SAMPLE)
    empty = runner.invoke(app, ["plantilla", "--plan", "--output", str(out)], catch_exceptions=False)
    assert empty.exit_code == 0 and (out / "plan.xlsx").exists()


def test_plantilla_plan_from_a_folder_of_entities_asks_for_one(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "sg")
    result = runner.invoke(app, ["plantilla", "--plan", "--input", str(inputs), "--output", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "carpeta de una entidad" in result.stderr and str(inputs / "sg") in result.stderr


def test_plantilla_without_what_and_from_a_bad_plan_exit_2(tmp_path):
    result = runner.invoke(app, ["plantilla", "--output", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2 and "--plan" in result.stderr
    bad = tmp_path / "mala"
    bad.mkdir()
    (bad / "plan.yaml").write_text((SAMPLE / "plan.yaml").read_text(encoding="utf-8").replace("anualizacion: creciente", "anualizacion: x", 1), encoding="utf-8")
    result = runner.invoke(app, ["plantilla", "--plan", "--input", str(bad), "--output", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 2 and "plan.yaml" in result.stderr and "línea" in result.stderr
    assert not (tmp_path / "out" / "plan.xlsx").exists()


def test_numbers_typed_in_text_fields_are_their_text(tmp_path):
    data = pdm(2024)
    data["ejes"] = [{"id": "1", "nombre": "Eje 1", "objetivos": [1]}, {"id": "2", "nombre": "Eje 2", "objetivos": [2, 3]}]
    data["indicadores"][0]["etiqueta"] = "321"
    folder = _workbook_folder(tmp_path, data)

    def edit(book):
        book["Ejes"]["A2"], book["Ejes"]["A3"] = 1, 2
        objectives = book["Objetivos"]
        for row in (2, 3, 4):
            objectives.cell(row, _column(objectives, "eje")).value = 1 if row == 2 else 2
        indicators = book["Indicadores"]
        indicators.cell(2, _column(indicators, "etiqueta")).value = 321

    plan = load_plan(_edit(folder, edit))
    assert plan.indicators["V-1"].label == "321"
    assert [(a.id, a.objective_ids) for a in plan.axes] == [("1", (1,)), ("2", (2, 3))]


def test_a_plan_with_long_texts_round_trips_and_one_past_a_cell_is_refused(tmp_path):
    from tests.plans import long_texts_plan, write_long_entity

    yaml_folder = write_long_entity(tmp_path / "yaml")
    folder = _workbook_folder(tmp_path / "xlsx", long_texts_plan())
    assert load_plan(folder) == load_plan(yaml_folder)
    data = long_texts_plan()
    data["mision"] = "Texto. " * 5000
    with pytest.raises(NotRepresentable, match="no cabe en una celda"):
        write_plan_workbook(tmp_path / "otro" / "plan.xlsx", data)


def test_plan_fields_are_matched_as_written_and_an_unknown_one_is_reported(tmp_path):
    folder = _workbook_folder(tmp_path, _sample_data())

    def edit(book):
        plan = book["Plan"]
        plan["A9"] = "Misión"  # mision
        plan["A12"], plan["B12"] = "objetivo_general", "Un texto"

    message = _error(_edit(folder, edit))
    assert "fila 12, columna «campo» (A): se encontró el campo «objetivo_general»" in message
    assert "Misión" not in message


def test_an_eje_named_by_an_objective_must_be_in_the_ejes_sheet(tmp_path):
    folder = _workbook_folder(tmp_path, pdm(2024))

    def edit(book):
        objectives = book["Objetivos"]
        objectives.cell(3, _column(objectives, "eje")).value = "E9"

    message = _error(_edit(folder, edit))
    assert "hoja «Objetivos»), fila 3, columna «eje» (E)" in message
    assert "el eje «E9» en el objetivo 2, que no está en la hoja «Ejes»" in message


def test_hints_name_the_workbooks_columns_not_plan_yamls_fields(tmp_path):
    """What to do is said in the workbook's own terms: the column meta_2024, the column «eje»."""
    folder = _workbook_folder(tmp_path / "niveles", pdm(2025))

    def drop_2024_level(book):
        indicators = book["Indicadores"]
        row = next(c.row for c in indicators["A"] if c.value == "H-1")
        indicators.cell(row, _column(indicators, "meta_2024")).value = None
        for q in range(1, 5):
            indicators.cell(row, _column(indicators, f"meta_2024_T{q}")).value = None

    message = _error(_edit(folder, drop_2024_level))
    assert "columna meta_2024" in message and "metas_anuales" not in message

    folder = _workbook_folder(tmp_path / "ejes", pdm(2025))

    def no_axis(book):
        objectives = book["Objetivos"]
        objectives.cell(3, _column(objectives, "eje")).value = None

    message = _error(_edit(folder, no_axis))
    assert "el objetivo 2, que no está en ningún eje" in message
    assert "columna «eje»" in message and "campo «objetivos» de cada eje" not in message


# --- any plan ------------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Texts as plans write them, with «=» and digits that Excel would otherwise take for a formula or a number.
_TEXT = st.text("abcdefXYZ áéíóúñÑü0123456789.,;:-*()«»%$=¿?/'\"", min_size=1, max_size=30).filter(lambda t: t.strip() != "")
# Excel keeps 15 significant digits: plans' figures have far fewer.
_NUMBER = st.one_of(st.integers(0, 10**9), st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 6)))


@st.composite
def _plans(draw) -> dict:
    """Valid plans of 1-4 objectives and 1-6 indicators, with or without ejes and optional fields."""
    first = draw(st.integers(2000, 2030))
    last = first + draw(st.integers(0, 4))
    vigencia = draw(st.integers(first, last))
    ids = draw(st.lists(st.from_regex(r"[A-Z]{1,3}-[0-9]{1,4}", fullmatch=True), min_size=1, max_size=6, unique=True))
    indicators = []
    for ind in ids:
        item = {"id": ind, "nombre": draw(_TEXT), "anualizacion": draw(st.sampled_from(["suma", "creciente", "constante"])),
                "unidad": draw(st.sampled_from(["porcentaje", "numero", "km", "hectáreas", "personas atendidas"])),
                "meta_cuatrienio": draw(_NUMBER), "meta_vigencia": draw(_NUMBER)}
        if draw(st.booleans()):
            item["etiqueta"] = draw(_TEXT)
        if draw(st.booleans()):
            item["linea_base"] = draw(_NUMBER)
        if draw(st.booleans()):
            item["responsable"] = draw(_TEXT)
        if draw(st.booleans()):
            item["metas_anuales"] = {y: draw(_NUMBER) for y in range(first, last + 1) if y != vigencia and draw(st.booleans())}
        indicators.append(item)
    count = draw(st.integers(1, min(4, len(ids))))
    cuts = sorted(draw(st.lists(st.integers(1, len(ids) - 1), max_size=count - 1, unique=True))) if len(ids) > 1 else []
    groups = [ids[a:b] for a, b in zip([0, *cuts], [*cuts, len(ids)])]
    objectives = []
    for k, group in enumerate(groups, start=1):
        item = {"id": k, "texto": draw(_TEXT), "indicadores": group}
        if draw(st.booleans()):
            item["peso"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            item["pesos"] = {i: draw(st.integers(1, 5)) for i in group}
        if draw(st.booleans()):
            item["texto_detalle"] = draw(_TEXT)
        objectives.append(item)
    plan = {"entidad": draw(_TEXT), "titulo": draw(_TEXT), "vigencia": vigencia, "periodo_plan": [first, last],
            **{key: draw(_TEXT) for key in ("normatividad", "fuente_normatividad", "mision", "vision")},
            "agregacion": draw(st.sampled_from(["objetivos", "indicadores"])),
            "objetivos": objectives, "indicadores": indicators}
    if draw(st.booleans()):
        half = max(1, len(objectives) // 2)
        plan["ejes"] = [{"id": "E1", "nombre": draw(_TEXT), "objetivos": [o["id"] for o in objectives[:half]]}]
        if objectives[half:]:
            plan["ejes"].append({"id": "E2", "nombre": draw(_TEXT), "peso": 2, "objetivos": [o["id"] for o in objectives[half:]]})
    return plan


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=_plans())
def test_any_valid_plan_round_trips_through_its_workbook(tmp_path_factory, plan):
    base = tmp_path_factory.mktemp("plan")
    yaml_folder, xlsx_folder = base / "yaml", base / "xlsx"
    yaml_folder.mkdir()
    with (yaml_folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(plan, handle)
    expected = load_plan(yaml_folder)
    assert load_plan(_workbook_folder(xlsx_folder, plan)) == expected


def test_quarterly_targets_separated_by_commas_are_told_to_use_semicolons(tmp_path):
    folder = _workbook_folder(tmp_path, pdm(2024))

    def edit(book):
        sheet = book["Indicadores"]
        sheet.cell(2, _column(sheet, "metas_trimestrales")).value = "1, 2, 3, 4"

    message = _error(_edit(folder, edit))
    assert "fila 2, columna «metas_trimestrales» (M): se encontró «1, 2, 3, 4»" in message
    assert "separadas por punto y coma" in message


def test_a_sigla_in_plan_xlsx_is_read_and_written(tmp_path):
    data = pdm(2024) | {"entidad": "Alcaldía Municipal de Tenjo", "sigla": "PDM-Tenjo"}
    folder = _workbook_folder(tmp_path, data)
    assert load_plan(folder).acronym == "PDM-Tenjo"
    assert load_plan(_workbook_folder(tmp_path / "sin", pdm(2024))).acronym == "PDM"
