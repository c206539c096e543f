"""pipeline/workbooks/template_files.py: `pei-report plantilla`'s steps: each entity's template(s)
for a cut written where the office finds them, the file replaced kept dated in .historial/, and
what the office should be told."""

from __future__ import annotations

from datetime import datetime

from openpyxl import load_workbook

from pipeline.app.cli import app
from pipeline.core.periods import BOGOTA, Cut
from pipeline.ingest.template_schema import DATA_SHEET
from pipeline.workbooks.template_files import keep_earlier, slugify, template_path, write_templates
from tests.workbooks.test_template import CUT, _columns, _rows_by_id, fill, runner
from tests.workbooks.test_template import pdm_folder, template  # noqa: F401  (fixtures: a PDM entity, its template)


def test_por_responsable_on_a_plan_without_responsables_says_so(sample_copy, tmp_path):
    written = write_templates(sample_copy, "2024-T3", tmp_path / "out", per_dependency=True)
    assert [p.name for p in written.files] == ["seguimiento-2024-T3-sin-responsable.xlsx"]
    assert any("ningún indicador del plan tiene «responsable»" in w for w in written.warnings)


def test_a_template_for_a_year_after_the_vigencia_says_to_roll_the_plan_over(pdm_folder, tmp_path):
    written = write_templates(pdm_folder, "2025-T1", tmp_path / "out")
    assert any("la vigencia del plan es 2024" in w and "cambio de vigencia" in w for w in written.warnings)
    assert not write_templates(pdm_folder, "2024-T4", tmp_path / "out2").warnings


def test_a_template_made_again_keeps_the_earlier_file_dated_in_historial_and_says_so(template, pdm_folder, tmp_path):
    """Someone may already have typed into the template in outputs/: writing it again never loses that."""
    fill(template, {"V-1": 2})
    typed = template.read_bytes()
    written = write_templates(pdm_folder, "2024-T3", tmp_path / "outputs")
    assert written.files == (template,)
    (kept,) = (template.parent / ".historial").iterdir()
    assert kept.read_bytes() == typed
    assert kept.name.startswith("seguimiento-2024-T3.") and kept.suffix == ".xlsx" and len(kept.name) == len("seguimiento-2024-T3.2026-12-07T101500.xlsx")
    assert written.kept == ((template, kept),)
    result = runner.invoke(app, ["plantilla", "--input", str(pdm_folder), "--period", "2024-T3", "--output", str(tmp_path / "outputs")])
    assert result.exit_code == 0 and ".historial" in result.stderr.replace("\n", "")
    sheet = load_workbook(template)[DATA_SHEET]
    assert sheet.cell(_rows_by_id(sheet)["V-1"], _columns(sheet)[f"Valor ({CUT})"]).value is None


def test_a_dependency_s_name_becomes_a_file_name_part():
    assert slugify("Secretaría de Infraestructura") == "secretaria-de-infraestructura"
    assert slugify("  Oficina TIC / Gestión  ") == "oficina-tic-gestion"
    assert slugify("???") == "dependencia"
    assert len(slugify("Dirección " * 20)) <= 60 and not slugify("Dirección " * 20).endswith("-")


def test_a_template_s_place_is_its_entity_its_cut_and_its_dependency(tmp_path):
    assert template_path(tmp_path, "pdm", Cut(2024, 3)) == tmp_path / "pdm" / "plantillas" / "2024-T3" / "seguimiento-2024-T3.xlsx"
    assert template_path(tmp_path, "pdm", Cut(2024, 3), "obras").name == "seguimiento-2024-T3-obras.xlsx"


def test_the_earlier_file_is_kept_under_the_moment_it_was_replaced_twice_in_a_second_too(tmp_path):
    path = tmp_path / "seguimiento-2024-T3.xlsx"
    assert keep_earlier(path) is None  # nothing to keep
    path.write_bytes(b"typed by the office")
    moment = datetime(2024, 10, 1, 8, 30, 5, tzinfo=BOGOTA)
    first, second = keep_earlier(path, moment), keep_earlier(path, moment)
    assert first.name == "seguimiento-2024-T3.2024-10-01T083005.xlsx" and first.parent.name == ".historial"
    assert second.name == "seguimiento-2024-T3.2024-10-01T083005-2.xlsx"
    assert first.read_bytes() == second.read_bytes() == path.read_bytes() == b"typed by the office"
