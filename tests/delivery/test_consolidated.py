"""Reading an entity's published cut for its sector: what was published, or why it is not used."""

from __future__ import annotations

import json

import pytest

from pipeline.core.consolidation import State
from pipeline.core.periods import Cut
from pipeline.delivery.consolidated import read_entity_cut
from tests.conftest import SAMPLE
from tests.publication import published_cut


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("consolidated")
    published_cut(SAMPLE, Cut(2024, 3), root / "outputs")
    return root / "outputs"


def test_a_published_cut_gives_the_plan_row_the_tally_the_objectives_and_each_indicator_once(outputs):
    read = read_entity_cut(outputs, "secretaria-general", "2024-T3")
    cut = read.cut
    assert cut.state is State.PUBLISHED and cut.name == "Secretaría General de la Alcaldía Mayor de Bogotá"
    assert (round(cut.year, 6), round(cut.plan, 6), cut.light) == (66.261695, 86.408296, "verde")
    assert cut.labels["gris"] == "Sin reporte" and cut.light_word == "Verde"
    assert sum(cut.tally.values()) == 13 == len(cut.indicators)  # IS-543 serves two objectives: once
    is321 = next(p for p in cut.indicators if p.id == "IS-321")
    assert (is321.annualization, is321.unit, is321.targets_as, is321.light) == ("creciente", "porcentaje", "incremento", "verde")
    assert [o.id for o in cut.objectives][:2] == ["1", "2"] and cut.objectives[0].light == "amarillo"
    assert {f["path"] for f in read.record["files"]} == {"manifest.json", "objetivos.csv", "avance.csv", "datapackage.json"}


def test_a_draft_is_not_approved_and_not_counted(outputs, tmp_path):
    import shutil

    copy = tmp_path / "outputs"
    shutil.copytree(outputs, copy)
    manifest = copy / "secretaria-general" / "2024-T3" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")), "estado": "Borrador"}), encoding="utf-8")
    read = read_entity_cut(copy, "secretaria-general", "2024-T3")
    assert read.cut.state is State.NOT_APPROVED and read.cut.year is None
    assert read.cut.reason == "el corte 2024-T3 es un borrador sin aprobar: no se consolida"
    assert read.record["estado"] == "no_aprobado"


def test_a_cut_published_before_the_meanings_were_recorded_keeps_its_figures_without_them(outputs, tmp_path):
    import shutil

    copy = tmp_path / "outputs"
    shutil.copytree(outputs, copy)
    manifest = copy / "secretaria-general" / "2024-T3" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["indicadores"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    cut = read_entity_cut(copy, "secretaria-general", "2024-T3").cut
    assert cut.state is State.PUBLISHED and all(p.unit is None and p.annualization is None for p in cut.indicators)


def test_missing_failed_and_other_periods(outputs):
    assert read_entity_cut(outputs, "secretaria-general", "2024-T2").cut.state is State.NO_CUT
    failed = read_entity_cut(outputs, "secretaria-general", "2024-T3", failure="seguimiento.xlsx, fila 93: …\nmás")
    assert failed.cut.state is State.FAILED and failed.cut.reason == "seguimiento.xlsx, fila 93: …"
    assert read_entity_cut(outputs, "otra", "2024-T3").record["estado"] == "sin_corte"
