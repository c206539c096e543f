"""A sector's consolidated outputs, drawn from its result and document (`pipeline.report.sector`):
entidades.csv, indicadores_compartidos.csv, datapackage.json and the accessible web page, with the
entity page's stylesheet and chart drawing (`pipeline.outputs.web`). Draw only.

`SECTOR_OUTPUTS` declares them once (file name, media type), as `pipeline.outputs.registry` does
for an entity's cut; `render_sector` returns their files in that order.
"""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup

from pipeline.core.consolidation import SECTORS_FOLDER, SectorResult
from pipeline.core.settings import Theme
from pipeline.outputs.artifacts import Artifact, csv_bytes
from pipeline.outputs.datapackage import DATAPACKAGE_FILE, package_name, table_resource
from pipeline.outputs.deck import render_deck
from pipeline.outputs.pdf import render_pdf
from pipeline.outputs.web import INDEX, STYLESHEET, figure_svg, file_size, web_css, web_environment
from pipeline.report.sector import (
    COMPARTIDOS_FILE, COMPARTIDOS_KEY, COMPARTIDOS_SCHEMA, ENTIDADES_FILE, ENTIDADES_KEY, ENTIDADES_SCHEMA,
    SectorDocument, build_sector_document, compartidos_table, entidades_table, level_columns,
)
from pipeline.core.periods import parse_period
from pipeline.report.layout import Report
from pipeline.report.sector_layout import lay_out_sector

__all__ = ["SECTOR_OUTPUTS", "render_sector", "draw_sector", "SECTORS_FOLDER"]

CSV, JSON, HTML = "text/csv", "application/json", "text/html"
# key -> (file name, media type, what the page's link says)
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF = "application/pdf"
SECTOR_OUTPUTS: dict[str, tuple[str, str, str]] = {
    "deck": ("sector-{id}-{periodo}.pptx", PPTX, "Presentación del sector"),
    "pdf": ("sector-{id}-{periodo}.pdf", PDF, "Reporte del sector en PDF"),
    "entidades": (ENTIDADES_FILE, CSV, "Avance de cada entidad y del sector"),
    "compartidos": (COMPARTIDOS_FILE, CSV, "Indicadores compartidos: la parte de cada entidad y la del sector"),
    "datapackage": (DATAPACKAGE_FILE, JSON, "Descripción de los datos (Frictionless Data Package)"),
    "web": (INDEX, HTML, "Página web del sector"),
}


def _datapackage(result: SectorResult, tables: dict[str, bytes]) -> bytes:
    sector = result.sector
    specs = {
        ENTIDADES_FILE: ("entidades", "Avance por entidad del sector",
                         "Una fila por entidad del sector, en el orden de sectores.yaml, y al final la del sector "
                         "(entidad = «sector»): su estado al corte, el avance de su plan, su semáforo y cuántos "
                         "indicadores tiene en cada nivel.",
                         (*ENTIDADES_SCHEMA, *level_columns(result)), ENTIDADES_KEY),
        COMPARTIDOS_FILE: ("indicadores_compartidos", "Indicadores compartidos",
                           "Cada indicador que reportan dos o más entidades del sector: una fila por la parte de "
                           "cada entidad y una por la del sector (entidad = «sector»), o el motivo por el que no "
                           "se consolidó.", COMPARTIDOS_SCHEMA, COMPARTIDOS_KEY),
    }
    descriptor = {
        "profile": "tabular-data-package",
        "name": package_name(f"sector-{sector.id}", parse_period(result.period)),
        "title": f"{sector.name} · Seguimiento consolidado {result.period}",
        "description": (
            f"Seguimiento consolidado del {sector.name} al corte {result.period}, a partir de los cortes "
            f"publicados de sus entidades{f' (cabeza: {result.head.name})' if result.head else ''}. Cifras con punto decimal y sin redondear; "
            "una celda vacía significa que el valor no se puede calcular."
        ),
        "contributors": [{"title": (result.head.name if result.head else sector.name), "role": "publisher"}],
        "resources": [table_resource(name, content, specs[name]) for name, content in tables.items()],
    }
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


FORMATS = {CSV: "CSV", JSON: "JSON", PPTX: "PowerPoint, PPTX", PDF: "PDF"}


def file_name(key: str, sector_id: str, period: str) -> str:
    return SECTOR_OUTPUTS[key][0].format(id=sector_id, periodo=period)


def _page(document: SectorDocument, sizes: dict[str, int], sector_id: str) -> bytes:
    downloads = [
        (f"../{file_name(key, sector_id, document.period)}", f"{text} ({FORMATS[media]}, {file_size(sizes[key])})")
        for key, (name, media, text) in SECTOR_OUTPUTS.items() if key in sizes
    ]
    html = web_environment().get_template("sector.html.j2").render(
        d=document, stylesheet=Path(STYLESHEET).name, figure_svg=Markup(figure_svg(document.figure)), downloads=downloads,
    )
    return html.encode("utf-8")


def render_sector(result: SectorResult, document: SectorDocument, theme: Theme, report: Report | None = None) -> list[Artifact]:
    """The sector's files at its cut, paths relative to its folder (`sectores/<id>/<cut>/`): with
    `report` (its slides, `pipeline.report.sector_layout`), the deck and the PDF first."""
    sector_id, period = result.sector.id, result.period
    drawn = []
    if report is not None:
        drawn = [
            Artifact(file_name("deck", sector_id, period), render_deck(report), "deck", PPTX),
            Artifact(file_name("pdf", sector_id, period), render_pdf(report), "pdf", PDF),
        ]
    tables = {ENTIDADES_FILE: csv_bytes(entidades_table(result)), COMPARTIDOS_FILE: csv_bytes(compartidos_table(result))}
    package = _datapackage(result, tables)
    sizes = {a.output: len(a.content) for a in drawn}
    sizes |= {"entidades": len(tables[ENTIDADES_FILE]), "compartidos": len(tables[COMPARTIDOS_FILE]), "datapackage": len(package)}
    return [
        *drawn,
        Artifact(ENTIDADES_FILE, tables[ENTIDADES_FILE], "entidades", CSV),
        Artifact(COMPARTIDOS_FILE, tables[COMPARTIDOS_FILE], "compartidos", CSV),
        Artifact(DATAPACKAGE_FILE, package, "datapackage", JSON),
        Artifact(INDEX, _page(document, sizes, sector_id), "web", HTML),
        Artifact(STYLESHEET, web_css(theme).encode("utf-8"), "web", "text/css"),
    ]


def draw_sector(result: SectorResult, theme: Theme, today) -> tuple[SectorDocument, list[Artifact]]:
    """A sector's (or the district's) document and every file of it, laid out at `today`: what
    `pipeline.runs.consolidation` publishes, drawn in one call so a process pool can draw several."""
    document = build_sector_document(result)
    return document, render_sector(result, document, theme, lay_out_sector(document, theme, today))
