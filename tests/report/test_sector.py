"""The sector's document and its slides: words decided once, every entity and shared indicator said."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.core.consolidation import consolidate
from pipeline.ingest import load_settings
from pipeline.report.layout import ChartSlide, Closing, Cover, Detail, Summary, slide_titles
from pipeline.report.sector import build_sector_document, compartidos_table, entidades_table
from pipeline.report.sector_layout import lay_out_sector
from pipeline.core.text import plain
from tests.core.test_consolidation import SECTOR, example_cuts


@pytest.fixture(scope="module")
def result():
    return consolidate(SECTOR, "2024-T3", example_cuts())


@pytest.fixture(scope="module")
def report(result):
    return lay_out_sector(build_sector_document(result), load_settings().theme, date(2024, 10, 15))


def test_document_words(result):
    d = build_sector_document(result)
    assert (d.title, d.head, d.cut_date) == ("Seguimiento consolidado: Sector Gestión Pública", "SECRETARIA-GENERAL",
                                             "30 de septiembre de 2024")
    assert (d.year_figure, d.year_coverage, d.plan_figure, d.plan_coverage) == (
        "70,0\u00a0%", "2 de 4 entidades", "62,5\u00a0%", "3 de 4 entidades")
    idpac = next(e for e in d.entities if e.slug == "idpac")
    assert (idpac.year, idpac.plan, idpac.light_word) == ("Sin reporte", "40,0\u00a0%", "Verde")
    failed = next(e for e in d.entities if e.slug == "imprenta")
    assert (failed.state, failed.year, failed.light) == ("Falló el reporte", "—", None)
    assert [s.id for s in d.shared] == ["IS-100", "IS-200", "IS-321"] and d.not_consolidated[0][0] == "IS-300"


def test_the_tables_follow_the_contract(result):
    entities = entidades_table(result)
    assert list(entities.columns)[:10] == ["entidad", "nombre", "peso", "estado", "motivo", "avance_vigencia",
                                           "avance_cuatrienio", "semaforo", "semaforo_texto", "indicadores"]
    assert list(entities["entidad"]) == ["secretaria-general", "dascd", "idpac", "imprenta", "sector"]
    assert entities.iloc[-1]["motivo"] == "2 de 4 entidades en la vigencia; 3 de 4 en el plan"
    assert entities.iloc[3]["n_verde"] is None and entities.iloc[-1]["n_verde"] == 5
    shared = compartidos_table(result)
    sector_rows = shared[shared["entidad"] == "sector"]
    assert list(sector_rows["indicador"]) == ["IS-100", "IS-200", "IS-321", "IS-300"]
    assert list(sector_rows["consolidado"]) == [True, True, True, False]


def test_the_slides_cover_names_the_sector_and_its_head(report):
    kinds = [type(s) for s in report.slides]
    assert kinds == [Cover, Summary, Summary, ChartSlide, Detail, Detail, Summary, Summary, Closing]
    cover = report.slides[0]
    assert cover.title == "Seguimiento consolidado: Sector Gestión Pública"
    assert cover.entity == "Entidad cabeza del sector: SECRETARIA-GENERAL"
    assert slide_titles(report)[2] == "Cambios desde el corte anterior"
    assert slide_titles(report)[4:6] == ["Sector Gestión Pública: Avance por entidad",
                                         "Sector Gestión Pública: Indicadores compartidos"]


def test_every_entity_is_a_row_and_the_summary_names_those_not_counted(report):
    summary, entities = report.slides[1], report.slides[4]
    assert [k.value for k in summary.kpis] == ["70,0\u00a0%", "62,5\u00a0%", "2 de 4", "8"]
    said = [plain(parts) for _, parts in summary.attention]
    assert said == ["imprenta: falló el reporte — plan.yaml, línea 3: falta el campo «entidad»."]
    names = [plain(r.cells[0].parts) for r in entities.table.rows]
    assert names[0] == "SECRETARIA-GENERAL (cabeza del sector) · peso 2" and len(names) == 4
    assert [plain(r.cells[-1].parts) for r in entities.table.rows] == ["Verde", "Verde", "Verde", "—"]
    shared = report.slides[5]
    assert plain(shared.table.rows[-1].cells[0].parts).startswith("IS-300 Indicador IS-300 — unidades distintas")


def test_each_entity_has_its_objectives_and_most_severe_attention_items_and_the_annex_all():
    from dataclasses import replace

    from pipeline.core.consolidation import ObjectiveFigure
    from tests.core.test_consolidation import part

    levels = ["verde", "naranja", "rojo", "gris", "rojo", "amarillo"] * 2
    parts = tuple(
        replace(part("secretaria-general", f"I-{n}", my=10, ey=n, ay=10.0 * n), light=level) for n, level in enumerate(levels)
    )
    cuts = example_cuts()
    cuts["secretaria-general"] = replace(
        cuts["secretaria-general"], indicators=parts,
        objectives=(ObjectiveFigure("1", 6, 47.5, 94.75, "amarillo"), ObjectiveFigure("eje:E1", 12, 60.0, 90.0, "verde")),
        labels={"verde": "Verde", "rojo": "Rojo", "amarillo": "Amarillo", "naranja": "Naranja", "gris": "Sin reporte"},
    )
    result = consolidate(SECTOR, "2024-T3", cuts)
    document = build_sector_document(result)
    section = document.sections[0]
    assert [text for _, text in section.objectives] == [
        "Objetivo 1: avance 2024 47,5\u00a0%, del plan 94,8\u00a0% · Amarillo",
        "Eje E1: avance 2024 60,0\u00a0%, del plan 90,0\u00a0% · Verde",
    ]
    # rojo first (lowest attainment first), then sin reporte, then sobreejecución; verde and amarillo are not items
    assert [text.split(":")[0] for _, text in section.attention] == [
        "I-2 Indicador I-2", "I-4 Indicador I-4", "I-8 Indicador I-8", "I-10 Indicador I-10",
        "I-3 Indicador I-3", "I-9 Indicador I-9", "I-1 Indicador I-1", "I-7 Indicador I-7"]
    report = lay_out_sector(document, load_settings().theme, date(2024, 10, 15))
    slide = next(s for s in report.slides if isinstance(s, Summary) and s.title == "SECRETARIA-GENERAL")
    shown = len(slide.attention)  # at most ENTITY_ATTENTION, as many as fit under its objectives
    assert 1 <= shown <= 6 and slide.more_note.startswith(f"y {8 - shown} más")
    assert plain(slide.attention[0][1]).startswith("I-2 Indicador I-2: avance 2024 de 20,0")
    annex = [s for s in report.slides if isinstance(s, Summary) and s.title.startswith("Anexo: alertas de cada entidad")]
    assert sum(len(s.attention) for s in annex) == 8


def test_a_shared_indicator_s_long_name_is_shortened_on_its_slide_row_with_every_entity_s_part(result):
    """The slides' table gives a shared indicator's name as an attention line does (at most
    NAME_CHARS, «…»): a long name made each row three or four lines and the table dozens of pages;
    every entity's part stays, and indicadores_compartidos.csv and the web page keep the whole name."""
    from dataclasses import replace

    from pipeline.report.sector import NAME_CHARS

    document = build_sector_document(result)
    long_name = "Porcentaje de " + " ".join(["avance de la estrategia distrital de gestión territorial"] * 6)
    first = replace(document.shared[0], name=long_name)
    laid = lay_out_sector(replace(document, shared=(first, *document.shared[1:])), load_settings().theme, date(2024, 10, 15))
    row = next(r for s in laid.slides if isinstance(s, Detail) and "compartidos" in s.title
               for r in s.table.rows if plain(r.cells[0].parts).startswith(first.id))
    said = plain(row.cells[0].parts)
    name = said.removeprefix(f"{first.id} ").split(" — ")[0]
    assert name.endswith("…") and len(name) <= NAME_CHARS and long_name.startswith(name[:-1])
    assert all(f"{entity}: {y} / {p}" in said for entity, y, p in first.parts)
    assert long_name not in said
