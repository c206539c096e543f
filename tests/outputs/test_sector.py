"""A sector's files: the data package validates, the page passes the entity page's axe check and
says every entity and shared indicator in words."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from pipeline.core.consolidation import consolidate
from pipeline.ingest import load_settings
from pipeline.outputs.sector import render_sector
from pipeline.report.sector import build_sector_document
from pipeline.report.sector_layout import lay_out_sector
from tests.core.test_consolidation import SECTOR, example_cuts


@pytest.fixture(scope="module")
def sector_folder(tmp_path_factory):
    result = consolidate(SECTOR, "2024-T3", example_cuts())
    folder = tmp_path_factory.mktemp("sector")
    document, theme = build_sector_document(result), load_settings().theme
    report = lay_out_sector(document, theme, date(2024, 10, 15))
    for artifact in render_sector(result, document, theme, report):
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


def test_the_deck_and_the_pdf_are_the_slides_and_name_the_sector_and_its_head(sector_folder):
    from pptx import Presentation
    from pypdf import PdfReader

    deck = Presentation(str(sector_folder / "sector-gestion-publica-2024-T3.pptx"))
    texts = [" ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame) for slide in deck.slides]
    assert len(texts) == 9  # cover, summary, changes, chart, entities, shared, one per entity with indicators, closing
    assert "Seguimiento consolidado: Sector Gestión Pública" in texts[0] and "Entidad cabeza del sector: SECRETARIA-GENERAL" in texts[0]
    pdf = PdfReader(io.BytesIO((sector_folder / "sector-gestion-publica-2024-T3.pdf").read_bytes()))
    assert len(pdf.pages) == 9
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Sector Gestión Pública" in first and "SECRETARIA-GENERAL" in first
    assert "imprenta" in pdf.pages[1].extract_text()
    assert "no hay un corte anterior publicado" in " ".join(pdf.pages[2].extract_text().split())
    html = (sector_folder / "web" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../sector-gestion-publica-2024-T3.pdf">Reporte del sector en PDF (PDF,' in html


def test_the_page_lists_each_entitys_objectives_and_every_attention_item(tmp_path, axe_violations):
    from tests.browser import describe
    from tests.sectors import publish_district, write_district
    from pipeline.runs.consolidation import consolidate_sectors

    inputs, outputs = write_district(tmp_path / "inputs"), tmp_path / "outputs"
    publish_district(inputs, outputs)
    consolidate_sectors(inputs, outputs, "2024-T3")
    page = outputs / "sectores" / "gestion-publica" / "2024-T3" / "web" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<h3>Secretaría General de la Alcaldía Mayor de Bogotá</h3>" in html
    assert "<li>Objetivo 8: avance 2024" in html
    assert "IS-554 Porcentaje de lineamientos distritales" in html and "· Rojo</li>" in html
    assert axe_violations(page) == [], describe(axe_violations(page))
