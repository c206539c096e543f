"""pipeline/workbooks/validation.py: every problem of every input of an entity, the cut checked and who has
not reported, without running the report."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest import Entity, find_entities, load_inputs
from pipeline.ingest.execution import reported_quarters
from pipeline.core.periods import Cut, choose_cut
from pipeline.workbooks.validation import NO_RESPONSIBLE, check_entities, check_entity
from tests.conftest import SAMPLE
from tests.messy_workbook import write_entity
from tests.plans import write_pdm

BROKEN_PLAN = ("anualizacion: suma\n    linea_base: null\n    unidad: numero\n    meta_cuatrienio: 40",
               "anualizacion: sumas\n    linea_base: null\n    unidad: numero\n    meta_cuatrienio: 40")


def broken_entity(folder: Path) -> Path:
    """The messy workbook's entity with its plan broken too: problems in plan.yaml and seguimiento.xlsx."""
    write_entity(folder)
    plan = folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(*BROKEN_PLAN), encoding="utf-8")
    return folder


def test_the_sample_is_clean(tmp_path):
    entity = Entity("secretaria-general", shutil.copytree(SAMPLE, tmp_path / "secretaria-general"))
    check = check_entity(entity, None, today=date(2025, 1, 15))
    assert check.ok and check.problems == () and check.cut_error is None
    assert check.cut == Cut(2024, 4)
    assert [f.name for f in check.files] == ["plan.yaml", "configuracion.yaml", "seguimiento.xlsx"]
    assert check.missing == {}


def test_problems_of_the_plan_and_of_the_seguimiento_are_all_listed_at_once(tmp_path):
    folder = broken_entity(tmp_path / "ejemplo")
    check = check_entity(Entity("ejemplo", folder), "2024-T3", today=date(2025, 1, 15))
    assert not check.ok
    files = {p.file.name for p in check.problems}
    assert files == {"plan.yaml", "seguimiento.xlsx"}
    seguimiento = [p for p in check.problems if p.file.name == "seguimiento.xlsx"]
    assert {p.sheet for p in seguimiento} == {"Seguimiento"}
    assert (11, "E") in {(p.row, p.column_letter) for p in seguimiento}
    plan = [p for p in check.problems if p.file.name == "plan.yaml"]
    assert plan and "sumas" in plan[0].found and plan[0].row_label == "línea"
    assert [f.name for f in check.files] == ["plan.yaml", "seguimiento.xlsx"]
    assert check.cut == Cut(2024, 3)  # the period given, even though the inputs cannot be read
    assert check.name == "ejemplo"  # the plan cannot be read: the folder's name


def test_the_default_cut_is_the_one_run_chooses(tmp_path):
    folder = write_pdm(tmp_path / "pdm", 2025)
    read = load_inputs(folder)
    check = check_entity(Entity("pdm", folder), None, today=date(2025, 2, 1))
    # 2025-T1 has not closed: run stops with this message, and validar reports it
    assert check.cut is None and "no ha cerrado" in check.cut_error and not check.ok
    for today in (date(2025, 5, 2), date(2026, 1, 1)):
        expected = choose_cut(None, read.plan.vigencia, read.plan.period, reported_quarters(read.execution.table), today)
        check = check_entity(Entity("pdm", folder), None, today=today)
        assert check.cut == expected.cut and check.ok
        assert tuple(check.cut_notes) == tuple(expected.explained(3, 3))


def test_a_period_outside_the_plan_is_a_problem(tmp_path):
    folder = write_pdm(tmp_path / "pdm", 2025)
    check = check_entity(Entity("pdm", folder), "2030-T1", today=date(2026, 1, 1))
    assert not check.ok and "fuera del periodo del plan" in check.cut_error


def test_who_has_not_reported_is_grouped_by_responsable_in_plan_order(tmp_path):
    # At 2024-T3: V-1 and P-1 reported, H-1 (Secretaría de Ambiente) did not.
    folder = write_pdm(tmp_path / "pdm", 2024)
    check = check_entity(Entity("pdm", folder), "2024-T3", today=date(2026, 1, 1))
    assert check.ok
    assert {k: [m.id for m in v] for k, v in check.missing.items()} == {"Secretaría de Ambiente": ["H-1"]}
    execution = (
        "indicador,anio,trimestre,valor,comentario\n"
        "V-1,2024,1,1,\n"
        "H-1,2024,1,21,\n"
        "P-1,2024,1,,Sin medición por cambio de metodología\n"
    )
    write_pdm(folder, 2024, execution)
    check = check_entity(Entity("pdm", folder), "2024-T2", today=date(2026, 1, 1))
    assert list(check.missing) == ["Secretaría de Infraestructura", "Secretaría de Ambiente", NO_RESPONSIBLE]
    assert check.missing[NO_RESPONSIBLE][0].name == "Prestadores de servicios vigilados"
    check = check_entity(Entity("pdm", folder), "2024-T1", today=date(2026, 1, 1))
    assert [(m.id, m.comment) for v in check.missing.values() for m in v] == [
        ("P-1", "Sin medición por cambio de metodología")
    ]
    assert check.ok  # missing reports alone are no problem


def test_an_entity_that_cannot_be_read_does_not_stop_the_others(tmp_path):
    broken_entity(tmp_path / "a-rota")
    shutil.copytree(SAMPLE, tmp_path / "b-buena")
    checks = check_entities(tmp_path, None, None, today=date(2025, 1, 15))
    assert [(c.entity.slug, c.ok) for c in checks] == [("a-rota", False), ("b-buena", True)]
    assert [c.entity.slug for c in check_entities(tmp_path, None, "b-buena", today=date(2025, 1, 15))] == ["b-buena"]


def test_a_bad_input_folder_is_an_input_error(tmp_path):
    from pipeline.errors import InputError

    with pytest.raises(InputError):
        check_entities(tmp_path / "no-existe", None, None)
    assert find_entities(SAMPLE)  # the sample itself is an entity folder


def test_two_files_of_a_seguimiento_folder_that_disagree_name_each_other(tmp_path):
    from tests.ingest.test_execution import write_xlsx

    folder = write_pdm(tmp_path / "pdm", 2024)
    (folder / "seguimiento.csv").unlink()
    (folder / "seguimiento").mkdir()
    write_xlsx(folder / "seguimiento", [["V-1", 2024, 1, 1, None]], name="infraestructura.xlsx")
    write_xlsx(folder / "seguimiento", [["V-1", 2024, 1, 2, None]], name="planeacion.xlsx")
    check = check_entity(Entity("pdm", folder), "2024-T1", today=date(2026, 1, 1))
    assert [f.name for f in check.files] == ["plan.yaml", "infraestructura.xlsx", "planeacion.xlsx"]
    [problem] = check.problems
    assert problem.file.name == "planeacion.xlsx" and problem.sheet == "Seguimiento" and problem.column_letter == "D"
    assert "infraestructura.xlsx" in problem.found


def test_with_only_configuracion_wrong_the_cut_and_who_has_not_reported_are_still_said(tmp_path):
    folder = write_pdm(tmp_path / "pdm", 2024)
    (folder / "configuracion.yaml").write_text("semaforo:\n  verde: abc\n", encoding="utf-8")
    check = check_entity(Entity("pdm", folder), None, today=date(2026, 1, 1))
    assert not check.ok and [p.file.name for p in check.problems] == ["configuracion.yaml"]
    assert check.cut == Cut(2024, 4) and check.counted
    assert {k: [m.id for m in v] for k, v in check.missing.items()} == {}
    check = check_entity(Entity("pdm", folder), "2024-T3", today=date(2026, 1, 1))
    assert [m.id for v in check.missing.values() for m in v] == ["H-1"]


def test_the_closing_line_counts_in_spanish(tmp_path):
    """«3 indicadores sin reporte», not «indicadors»; «1 indicador ... saldrá»."""
    from pipeline.workbooks.validation import closing_line

    folder = write_pdm(tmp_path / "pdm", 2024)
    execution = "indicador,anio,trimestre,valor,comentario\nV-1,2024,1,1,\nH-1,2024,1,21,\n"
    write_pdm(folder, 2024, execution)
    one = check_entity(Entity("pdm", folder), "2024-T2", today=date(2026, 1, 1))  # V-1 and H-1 reported in T1
    assert "1 indicador sin reporte saldrá como «Sin reporte»" in closing_line([one], "")
    write_pdm(folder, 2024, "indicador,anio,trimestre,valor\nV-1,2024,3,1\n")  # after the cut: not counted
    many = check_entity(Entity("pdm", folder), "2024-T2", today=date(2026, 1, 1))
    assert "3 indicadores sin reporte saldrán como «Sin reporte»" in closing_line([many], "")


def test_a_level_that_goes_the_wrong_way_is_warned_about_at_its_cell_before_the_run():
    """What `run` would flag «inconsistencias por revisar» is said by validar, at the cell, so the
    office asks the dependency before the report is made. The sample's MP-7871-04 dips in 2024."""
    check = check_entity(Entity("secretaria-general", SAMPLE), "2024-T4", today=date(2026, 1, 1))
    assert check.ok  # a warning, not a problem: the level may really have fallen
    (warning,) = [w for w in check.warnings if "MP-7871-04" in w.found]
    assert "bajó" in warning.found and "creciente" in warning.found
    assert warning.row is not None and warning.column_letter is not None
    assert Path(warning.file).name == "seguimiento.xlsx" and warning.sheet
    assert "comentario" in warning.hint


def test_with_a_broken_plan_a_seguimiento_without_problems_says_what_is_left_to_check(tmp_path):
    """The seguimiento is read without the plan then: its ids, years and percentages are checked
    once the plan is fixed, so «sin problemas» alone would promise too much."""
    from pipeline.workbooks.validation import check_lines

    folder = tmp_path / "ejemplo"
    shutil.copytree(SAMPLE, folder)
    plan = folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("    anualizacion: suma\n", "    anualizacion: sumas\n", 1), encoding="utf-8")
    lines = check_lines(check_entity(Entity("ejemplo", folder), "2024-T3", today=date(2025, 1, 15)))
    (line,) = [l for l in lines if l.strip().startswith("seguimiento.xlsx")]
    assert "sin problemas" in line and "cuando se corrija el plan" in line
    (settings,) = [l for l in lines if l.strip().startswith("configuracion.yaml")]
    assert settings.strip() == "configuracion.yaml: sin problemas"


def _xlsx_text(path: Path, placeholder: str, escaped: str) -> None:
    """Rewrite a text inside an .xlsx's XML as Excel stores a character XML cannot hold (`_x000B_`)."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as book:
        for info in book.infolist():
            parts[info.filename] = book.read(info.filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data.replace(placeholder.encode(), escaped.encode()))


def test_characters_no_output_can_hold_are_problems_of_every_input_naming_the_place(tmp_path):
    """NUL, vertical tab and the non-characters U+FFFE and U+FFFF in plan.yaml, configuracion.yaml,
    plan.xlsx and the seguimiento (names, comments, headings) are refused where they are."""
    from pipeline.workbooks.plan_workbook import write_plan_workbook
    from tests.plans import pdm

    yaml_folder = write_pdm(tmp_path / "yaml", 2024, "indicador,anio,trimestre,valor,comentario\n"
                            "V-1,2024,1,1,\"Avance\ufffe del trimestre\"\nH-1,2024,1,21,Sin\x00 novedad\n")
    plan = yaml_folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "Hectáreas en restauración", '"Hectáreas\\ven restauración"'), encoding="utf-8")
    (yaml_folder / "configuracion.yaml").write_text('tema:\n  logo:\n    - ["ALCALDÍA\\uffff"]\n', encoding="utf-8")
    check = check_entity(Entity("yaml", yaml_folder), "2024-T1", today=date(2025, 1, 15))
    found = {(Path(p.file).name, p.row, p.column): p for p in check.problems}
    line = next(n for n, text in enumerate(plan.read_text(encoding="utf-8").splitlines(), start=1) if "Hectáreas" in text)
    assert "tabulador vertical" in found[("plan.yaml", line, None)].sentence()
    assert "U+FFFF" in found[("configuracion.yaml", 3, None)].sentence()
    assert "U+FFFE" in found[("seguimiento.csv", 2, "comentario")].sentence()
    assert "carácter nulo" in found[("seguimiento.csv", 3, "comentario")].sentence()

    xlsx_folder = tmp_path / "xlsx"
    xlsx_folder.mkdir()
    data = pdm(2024)
    data["indicadores"][0]["nombre"] = "Kilómetros MARCA de vías"
    write_plan_workbook(xlsx_folder / "plan.xlsx", data)
    _xlsx_text(xlsx_folder / "plan.xlsx", "MARCA", "_x000B_")
    (xlsx_folder / "seguimiento.csv").write_text("indicador,anio,trimestre,valor,Comentario\uffff\nV-1,2024,1,1,x\n", encoding="utf-8")
    check = check_entity(Entity("xlsx", xlsx_folder), "2024-T1", today=date(2025, 1, 15))
    found = {(Path(p.file).name, p.sheet, p.row, p.column): p for p in check.problems}
    assert "tabulador vertical" in found[("plan.xlsx", "Indicadores", 2, "nombre")].sentence()
    assert "U+FFFF" in found[("seguimiento.csv", None, 1, "Comentario\uffff")].sentence()


def test_a_sheet_with_a_dtd_or_a_csv_that_is_not_utf8_is_refused_per_file_and_the_other_entities_are_checked(tmp_path):
    """A billion laughs, an external entity and a CSV whose BOM says UTF-8 before bytes that are
    not: each file «no se puede abrir», and every other entity is still checked."""
    from pipeline.workbooks.annotate import write_revision
    from tests.hostile_files import EXTERNAL, LAUGHS, with_dtd
    from tests.ingest.test_execution import write_xlsx

    inputs = tmp_path / "inputs"
    laughs, external, bom, fine = (write_pdm(inputs / name, 2024) for name in ("a-risas", "b-externa", "c-bom", "d-bien"))
    for folder, dtd, entity in ((laughs, LAUGHS, "l9"), (external, EXTERNAL, "xxe")):
        (folder / "seguimiento.csv").unlink()
        with_dtd(write_xlsx(folder, [["V-1", 2024, 1, 1, None]]), dtd, entity)
    (bom / "seguimiento.csv").write_bytes(b"\xef\xbb\xbfindicador,anio,trimestre,valor,comentario\nV-1,2024,1,1,Gesti\xf3n\n")
    checks = check_entities(inputs, "2024-T1", None, today=date(2025, 1, 15))
    assert [c.entity.slug for c in checks] == ["a-risas", "b-externa", "c-bom", "d-bien"]
    for check in checks[:3]:
        (problem,) = check.problems
        assert "no se puede abrir" in problem.sentence(), problem
        assert Path(problem.file).name in ("seguimiento.xlsx", "seguimiento.csv")
        assert write_revision(check.entity.folder, tmp_path / "out" / check.entity.slug, check.problems) != []
    assert "UTF-8" in checks[2].problems[0].sentence() and "línea 2" in checks[2].problems[0].line()
    assert checks[3].ok


def test_a_value_many_times_its_target_is_warned_about_at_its_cell(tmp_path):
    """A length typed in metres where the plan counts km (1.200,5 for 1,2): validar says «dato
    por revisar» at the cell, as a warning (the value may be right), not a problem."""
    from tests.plans import write_action_plan

    folder = write_action_plan(tmp_path / "dagma")
    check = check_entity(Entity("dagma", folder), "2025-T2", today=date(2026, 1, 1))
    assert check.ok
    (warning,) = [w for w in check.warnings if "V-1" in w.found]
    assert "1.200,5 km" in warning.found and "2025-T2" in warning.found and "meta de 2025 (4 km)" in warning.found
    assert "dato por revisar" in warning.hint and "otra unidad" in warning.hint
    assert (Path(warning.file).name, warning.row, warning.column) == ("seguimiento.csv", 3, "valor")
    # the thresholds are settings: with a looser one, nothing is said
    loose = write_action_plan(tmp_path / "loose", configuration="revision:\n  veces_meta: 1000\n  veces_historia: 2000\n")
    check = check_entity(Entity("loose", loose), "2025-T2", today=date(2026, 1, 1))
    assert not [w for w in check.warnings if "V-1" in w.found]


def test_a_value_far_above_the_indicators_history_is_warned_about(tmp_path):
    """Far above what the indicator reported before (here 10 km a quarter, then 1.050), even when
    the year's target is large enough to hide it."""
    from tests.plans import ACTION_EXECUTION, write_action_plan

    execution = ACTION_EXECUTION.replace("V-1,2025,1,1,", "V-1,2025,1,10,").replace("1200.5", "1050")
    folder = write_action_plan(tmp_path / "dagma", execution,
                               configuration="revision:\n  veces_meta: 1000\n")
    check = check_entity(Entity("dagma", folder), "2025-T2", today=date(2026, 1, 1))
    (warning,) = [w for w in check.warnings if "V-1" in w.found]
    assert "105 veces el mayor valor reportado antes (10 km, 2025-T1)" in warning.found


def test_validar_counts_sin_reporte_as_the_report_does_and_lists_the_quarter_apart(tmp_path):
    # At 2024-T3, H-1 (creciente) reported 21 and 22 in T1 and T2 but nothing in T3: the report
    # shows its level, not «Sin reporte»; validar used to count it among those that would.
    from pipeline.core.attainment import plan_attainment
    from pipeline.ingest import load_settings
    from pipeline.workbooks.validation import check_lines

    folder = write_pdm(tmp_path / "pdm", 2024)
    check = check_entity(Entity("pdm", folder), "2024-T3", today=date(2026, 1, 1))
    read = load_inputs(folder)
    result = plan_attainment(read.plan, read.execution.table, Cut(2024, 3), load_settings().bands)
    in_report = [i for i, r in result.indicators.items() if r.traffic_light.label == "Sin reporte"]
    assert [m.id for m in check.unreported] == in_report == []
    assert {k: [m.id for m in v] for k, v in check.missing.items()} == {"Secretaría de Ambiente": ["H-1"]}
    text = "\n".join(check_lines(check))
    assert "Todos los indicadores tienen reporte en 2024 al corte 2024-T3 (3 de 3)." in text
    assert "Sin el dato de 2024-T3: 1 de 3 indicadores (1 reportaron antes en 2024" in text
    assert "    Secretaría de Ambiente (1):\n      - H-1 Hectáreas en restauración" in text
    # 2025-T1 of the 2024 plan file's years: none reported in 2025 up to T1 except V-1, H-1, P-1
    write_pdm(folder, 2024, "indicador,anio,trimestre,valor\nV-1,2024,1,1\nH-1,2024,1,21\n")
    check = check_entity(Entity("pdm", folder), "2024-T2", today=date(2026, 1, 1))
    assert [m.id for m in check.unreported] == ["P-1"] and check.missing_count == 3


# The sample's plan with one problem of each kind a plan has: a field (IS-543's anualizacion), a
# cross-reference (objective 4 names an unknown indicator) and an eje naming an unknown objective.
ONE_OF_EACH = [
    ("    anualizacion: suma\n", "    anualizacion: sumas\n"),
    ("indicadores: [IS-513, IS-514]", "indicadores: [IS-513, IS514]"),
    ("objetivos:\n", "ejes:\n  - id: E1\n    nombre: Eje 1\n    objetivos: [1, 2, 3, 4]\n"
                     "  - id: E2\n    nombre: Eje 2\n    objetivos: [5, 6, 7, 80]\nobjetivos:\n"),
]
# ... and a seguimiento with one problem of each kind the plan is needed for.
SEGUIMIENTO = (
    "indicador;anio;trimestre;valor;comentario\n"
    "IS-545;2024;1;1.000;bien\n"
    "IS-5450;2024;1;5;id mal escrito\n"
    "IS-545;2019;2;5;año fuera del plan\n"
    "IS-321;2024;2;150;porcentaje de más\n"
    "IS-543;2024;2;150;porcentaje de más de un indicador con otro campo mal\n"
)


def _one_of_each(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    plan = folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    for old, new in ONE_OF_EACH:
        assert old in text
        text = text.replace(old, new, 1)
    plan.write_text(text, encoding="utf-8")
    (folder / "seguimiento.xlsx").unlink()
    (folder / "seguimiento.csv").write_text(SEGUIMIENTO, encoding="utf-8")
    return folder


def test_validar_lists_field_cross_reference_and_seguimiento_problems_in_one_pass(tmp_path):
    folder = _one_of_each(tmp_path / "ejemplo")
    check = check_entity(Entity("ejemplo", folder), "2024-T3", today=date(2025, 1, 15))
    plan = [p for p in check.problems if p.file.name == "plan.yaml"]
    seguimiento = [p for p in check.problems if p.file.name == "seguimiento.csv"]
    assert len(plan) == 4 and len(seguimiento) == 4, check.problems  # and objective 8 in no eje, what the 80 leaves
    assert "«sumas»" in plan[0].found or any("«sumas»" in p.found for p in plan)
    assert any("«IS514» en el objetivo 4" in p.found and "«IS-514»" in p.hint for p in plan)
    assert any("el objetivo 80 en el eje «E2»" in p.found for p in plan)
    assert [(p.row, p.column) for p in seguimiento] == [(3, "indicador"), (4, "anio"), (5, "valor"), (6, "valor")]
    assert "(¿quiso decir «IS-545»?)" in seguimiento[0].found
    # run stops with the same problems, every one in one message
    with pytest.raises(InputError) as info:
        load_inputs(folder)
    assert len(info.value.problems) == 8


def test_in_a_batch_a_new_entity_with_only_its_plan_is_named_with_its_next_step(tmp_path):
    """Beside an entity that reports, a new one with only its plan is not a problem to fix: its plan
    checks, the batch is not ready (`run` would stop), and the last line names it and what is next."""
    import shutil

    from pipeline.workbooks.validation import check_entities, check_lines, closing_line
    from tests.conftest import SAMPLE

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    (inputs / "nueva").mkdir()
    shutil.copy(SAMPLE / "plan.yaml", inputs / "nueva" / "plan.yaml")
    checks = check_entities(inputs, "2024-T3", None)
    ready, new = sorted(checks, key=lambda c: c.entity.slug != "secretaria-general")
    assert ready.ok and not new.ok and new.problems == () and new.cut is not None
    lines = check_lines(new)
    assert "  plan.yaml: sin problemas" in lines
    assert lines[-1].startswith("  Aún no hay seguimiento: genere las plantillas con")
    assert f"--input {inputs / 'nueva'} --period 2024-T3 --por-responsable" in lines[-1]
    last = closing_line(checks)
    assert last.startswith("El plan de nueva está sin problemas; falta el seguimiento") and "corríj" not in last
