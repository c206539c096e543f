"""A sector's files: the data package validates, the page passes the entity page's axe check and
says every entity and shared indicator in words."""

from __future__ import annotations

import json

import pytest

from pipeline.core.consolidation import consolidate
from pipeline.ingest import load_settings
from pipeline.outputs.sector import render_sector
from pipeline.report.sector import build_sector_document
from tests.core.test_consolidation import SECTOR, example_cuts


@pytest.fixture(scope="module")
def sector_folder(tmp_path_factory):
    result = consolidate(SECTOR, "2024-T3", example_cuts())
    folder = tmp_path_factory.mktemp("sector")
    for artifact in render_sector(result, build_sector_document(result), load_settings().theme):
        path = folder / artifact.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(artifact.content)
    return folder


def test_the_data_package_describes_both_csvs_and_validates(sector_folder):
    from frictionless import Package

    descriptor = json.loads((sector_folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == ["entidades.csv", "indicadores_compartidos.csv"]
    fields = [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]]
    assert fields[-3:] == ["n_verde", "n_rojo", "n_gris"]
    report = Package(str(sector_folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_page_says_the_sector_its_head_every_entity_and_the_reasons(sector_folder):
    html = (sector_folder / "web" / "index.html").read_text(encoding="utf-8")
    assert "<p class=\"entidad\">Sector Gestión Pública</p>" in html
    assert "Entidad cabeza del sector: SECRETARIA-GENERAL" in html
    assert "70,0\u00a0%" in html and "(2 de 4 entidades)" in html and "62,5\u00a0%" in html
    assert "Falló el reporte: plan.yaml, línea 3: falta el campo «entidad»" in html
    assert "IS-300 (Indicador IS-300): unidades distintas (porcentaje en secretaria-general, numero en dascd)." in html
    assert "media ponderada por la meta" in html and "72,5\u00a0%" in html
    assert '<a href="../entidades.csv">' in html and "<script" not in html


def test_the_sector_page_passes_the_same_axe_check_as_an_entitys(sector_folder, axe_violations):
    from tests.browser import describe

    violations = axe_violations(sector_folder / "web" / "index.html")
    assert violations == [], describe(violations)
