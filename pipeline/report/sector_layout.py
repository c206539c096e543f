"""A sector's report as slides, laid out like an entity's (`pipeline.report.layout`'s slide types,
sizes and helpers), so the entity's deck and PDF renderers draw it unchanged: a cover naming the
sector and its head, the sector's summary (its figures, its tally, the entities it does not
count), a chart of the entities, the table of every entity, the shared indicators, the closing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from pipeline.core.settings import NOT_REPORTED_ID, DEFAULT_LEVELS, UNDEFINED_ID, Meaning, Theme, TrafficLight, default_light
from pipeline.core.text import LINE_HEIGHT, Run, plain, shorten
from pipeline.report.chart_layout import BAR_LABEL_SIZE, BAR_LABEL_W, axis_ticks, bar_order, shorten as shorten_label
from pipeline.report.document import Column as TableColumn, DataTable, ReportStatus, TableRow
from pipeline.report.layout import (
    ATTENTION_SIZE, FOOTER_SIZE, FOOTER_W, SUMMARY_FIRST_ROOM,
    SUMMARY_FIRST_TOP, Chart, ChartSlide, Report, Series, Slide, Summary, _annex, _closing, _cover, _details, _fit_title,
    _fitting, _items_height, _kpis, _light_counts, entity_logo, LIST_TITLE_H,
)
from pipeline.report.sector import SectorDocument, shortened_name

__all__ = ["lay_out_sector", "light_of"]

NEUTRAL = "#8A8A8A"  # a level another entity's scale defines: its word is always beside it


def light_of(level: str | None, word: str = "") -> TrafficLight:
    """A level id as a TrafficLight: the default scale's by its id, another scale's in a neutral
    colour with its word (a published cut gives the word, not the colour)."""
    if level in (*DEFAULT_LEVELS, NOT_REPORTED_ID, UNDEFINED_ID):
        return default_light(level)
    if level is None:
        return TrafficLight(NOT_REPORTED_ID, "—", default_light(NOT_REPORTED_ID).color, Meaning.SIN_REPORTE, "sin corte")
    return TrafficLight(level, word or level, NEUTRAL, Meaning.CUMPLIDO, word or level)


def _summary(document: SectorDocument) -> Summary:
    figures = [
        SimpleNamespace(label=f"Avance de la vigencia {document.period[:4]}", value=document.year_figure, light=None, light_word=None),
        SimpleNamespace(label="Avance del plan", value=document.plan_figure, light=None, light_word=None),
        SimpleNamespace(label=f"{document.members.capitalize()} en la cifra", value=" ".join(document.year_coverage.split()[:3]), light=None, light_word=None),
        SimpleNamespace(label="Indicadores", value=str(sum(c for _, _, c in document.tally_counts)), light=None, light_word=None),
    ]
    lights = _light_counts(SimpleNamespace(lights=[
        SimpleNamespace(light=light_of(level, word), label=word, count=count) for level, word, count in document.tally_counts
    ]))
    items = [
        (light_of(e.light, e.light_word) if e.light else light_of(None),
         (Run(e.name, bold=True), Run(f": {e.state.lower()}" + (f" — {e.reason.rstrip('.')}" if e.reason else "") + ".")))
        for e in document.entities if not e.counted
    ]
    shown = _fitting(_items_height(items), SUMMARY_FIRST_ROOM - 40.0)
    rest = len(items) - shown
    return Summary(
        title="Resumen del distrito" if document.members == "sectores" else "Resumen del sector",
        kpis=_kpis(figures),
        lights=lights,
        lights_title="Indicadores de las entidades por nivel del semáforo" if document.tally_counts else "",
        attention_title=f"{document.members.capitalize()} que la cifra no cuenta",
        attention=tuple(items[:shown]),
        attention_size=ATTENTION_SIZE,
        empty_note=None if items else (
            "Todas las entidades del sector tienen su corte publicado y aprobado." if document.members == "entidades"
            else "Cada sector tiene su reporte consolidado; el de cada uno dice qué entidades cuenta."),
        attention_top=SUMMARY_FIRST_TOP,
        more_note=f"y {rest} más: la tabla «Avance por entidad» las tiene todas." if rest else None,
    )


def _chart(document: SectorDocument, theme: Theme) -> list[ChartSlide]:
    figure = document.figure
    if not figure.categories:
        return []
    achieved = figure.series[0]
    names = [shorten_label(n, BAR_LABEL_SIZE, BAR_LABEL_W) for n in figure.long_categories or figure.categories]
    order = bar_order(achieved.values)
    chart = Chart(
        kind="hbar",
        categories=tuple(names[i] for i in order),
        series=(Series(achieved.name, tuple(achieved.values[i] for i in order), theme.color("primario"),
                       labels=tuple(achieved.labels[i] for i in order)),),
        value_axis="%",
        alt=f"Gráfico de barras horizontales, de menor a mayor avance. {figure.description}",
        ticks=axis_ticks(list(achieved.values)),
    )
    return [ChartSlide(figure.title, f"{figure.subtitle}; de menor a mayor avance", chart)]


def _table_section(title: str, heading: str, text: str, attainment: str, label: str, columns, rows) -> SimpleNamespace:
    """What `layout._details` reads of an objective, for a table of the sector's."""
    return SimpleNamespace(
        table=DataTable(title, tuple(columns), tuple(rows)), detail_text=(Run(text),), heading=heading,
        review_note=None, attainment=attainment, light=light_of(UNDEFINED_ID), light_word=label,
    )


def _entities_table(document: SectorDocument) -> list[Slide]:
    year = document.period[:4]
    columns = (
        TableColumn(document.member, "left", key="name"), TableColumn("Estado", "left", key="year_target"),
        TableColumn("Indicadores por nivel", "left", key="year_executed"),
        TableColumn(f"Avance {year}", "right", True, key="year_attainment"),
        TableColumn("Avance del plan", "right", True, key="plan_attainment"), TableColumn("Semáforo", "center", key="light"),
    )
    rows = []
    for e in document.entities:
        name = [Run(e.name, bold=True)]
        if e.head:
            name.append(Run(" (cabeza del sector)"))
        name.append(Run(f" · peso {e.weight}"))
        if e.reason:
            name.append(Run(f" — {e.reason}"))
        light = light_of(e.light, e.light_word) if e.light else light_of(None)
        rows.append(TableRow(
            (tuple(name), (Run(e.state),), (Run(e.tally or "—"),), (Run(e.year),), (Run(e.plan),), (Run(e.light_word or "—"),)),
            light,
        ))
    section = _table_section(
        f"Avance por {document.member.lower()}", f"Avance por {document.member.lower()}",
        (f"Cifra del sector: promedio ponderado del avance del plan de cada entidad (sectores.yaml, «pesos»). "
         if document.members == "entidades" else "Cifra del distrito: promedio de las cifras de sus sectores. ")
        + f"Vigencia: {document.year_coverage}; plan: {document.plan_coverage}.",
        document.year_figure, "Distrito" if document.members == "sectores" else "Sector", columns, rows,
    )
    return list(_details(section, int(year), document.sector + ":"))


def _shared_table(document: SectorDocument) -> list[Slide]:
    if not document.shared and not document.not_consolidated:
        return []
    year = document.period[:4]
    columns = (
        TableColumn("Indicador y parte de cada entidad (vigencia / plan)", "left", key="name"),
        TableColumn("Regla · cubre (vigencia)", "left", key="year_target"),
        TableColumn(f"Avance {year}", "right", True, key="year_attainment"),
        TableColumn("Avance del plan", "right", True, key="plan_attainment"), TableColumn("Consolidado", "center", key="light"),
    )
    rows = []
    for s in document.shared:
        parts = "; ".join(f"{entity}: {y} / {p}" for entity, y, p in s.parts)
        covered = s.coverage.split(";")[0].removeprefix("vigencia: ")
        rows.append(TableRow(((Run(s.id, bold=True), Run(f" {shortened_name(s.name)} — {parts}")), (Run(f"{s.rule} · {covered}"),),
                              (Run(s.year),), (Run(s.plan),), (Run("Sí"),)), light_of(UNDEFINED_ID)))
    for ind, name, reason in document.not_consolidated:
        rows.append(TableRow(((Run(ind, bold=True), Run(f" {shortened_name(name)} — {reason}")), (Run("—"),), (Run("—"),),
                              (Run("—"),), (Run("No"),)), light_of(None)))
    section = _table_section(
        "Indicadores compartidos", "Indicadores compartidos",
        "Indicadores que reportan dos o más entidades del sector: suma, niveles sumados o media ponderada por la meta "
        "(docs/rules.md); los que no se pueden consolidar, con el motivo.",
        document.year_figure, "Sector", columns, rows,
    )
    return list(_details(section, int(year), document.sector + ":"))


ENTITY_OBJECTIVES_SHARE = 0.5  # at least this share of an entity slide's list room goes to its objectives
ENTITY_ATTENTION = 6  # an entity's slide lists at most this many attention items; the annex has all


def _entity_slide(section, year: str) -> tuple[Summary, list]:
    """An entity's slide (its figures, tally, objectives, most severe attention items) and its
    attention items for the annex."""
    light = light_of(section.light, section.light_word) if section.light else None
    figures = [
        SimpleNamespace(label=f"Avance de la vigencia {year}", value=section.year, light=light, light_word=section.light_word or None),
        SimpleNamespace(label="Avance del plan", value=section.plan, light=None, light_word=None),
    ]
    lights = _light_counts(SimpleNamespace(lights=[
        SimpleNamespace(light=light_of(level, word), label=word, count=count) for level, word, count in section.tally
    ]))
    objectives = [(light_of(level, text.rsplit(" · ", 1)[-1]) if level else light_of(None), (Run(text),))
                  for level, text in section.objectives]
    heights = _items_height(objectives)
    items = [(light_of(level, text.rsplit(" · ", 1)[-1]), (Run(text),)) for level, text in section.attention]
    # The objectives take the room the attention list leaves (at least ENTITY_OBJECTIVES_SHARE of it is theirs).
    wanted = sum(_items_height(items[:ENTITY_ATTENTION])) if items else 20.0
    room = max(SUMMARY_FIRST_ROOM * ENTITY_OBJECTIVES_SHARE, SUMMARY_FIRST_ROOM - wanted - LIST_TITLE_H - 40.0)
    shown = _fitting(heights, room - (LIST_TITLE_H + 24.0))
    if shown < len(objectives):
        rest = len(objectives) - shown
        objectives = objectives[:shown] + [(light_of(UNDEFINED_ID), (Run(f"y {rest} más en el objetivos.csv de la entidad."),))]
    axes_h = LIST_TITLE_H + sum(_items_height(objectives)) + 8.0 if objectives else 0.0
    fit = min(ENTITY_ATTENTION, _fitting(_items_height(items), SUMMARY_FIRST_ROOM - axes_h - 40.0))
    rest = len(items) - fit
    summary = Summary(
        title=section.name,
        kpis=_kpis(figures),
        lights=lights,
        lights_title="Indicadores por nivel del semáforo",
        attention_title="Alertas más graves",
        attention=tuple(items[:fit]),
        attention_size=ATTENTION_SIZE,
        empty_note=None if items else "Ningún indicador en rojo, sin reporte ni en sobreejecución.",
        attention_top=SUMMARY_FIRST_TOP + axes_h,
        more_note=f"y {rest} más: la lista completa está en el anexo «Alertas de cada entidad» al final." if rest else None,
        axes_title="Objetivos" if objectives else None,
        axes=tuple(objectives),
    )
    annexed = [(light, (Run(f"{section.name}: ", bold=True), *parts)) for light, parts in items]
    return summary, annexed


def lay_out_sector(document: SectorDocument, theme: Theme, created: date) -> Report:
    """The sector's report as slides for the deck and the PDF."""
    logo = theme.logo or entity_logo(document.head or document.sector)
    generated = not theme.logo
    cover_text = SimpleNamespace(
        title=document.title, entity=document.head_line,
        subtitle=f"Seguimiento consolidado {document.period}", date_line=f"Corte al {document.cut_date}",
    )
    entity_slides, annexed = [], []
    for section in document.sections:
        slide, items = _entity_slide(section, document.period[:4])
        entity_slides.append(slide)
        annexed += items
    cut_short = any(s.more_note for s in entity_slides)  # the annex only when an entity's slide could not list them all
    annex = [replace(s, title=s.title.replace("Anexo: indicadores que requieren atención", "Anexo: alertas de cada entidad"))
             for s in _annex(annexed)] if cut_short else []
    changes = [(light_of(level, "") if level else light_of(None), (Run(text),)) for level, text in document.changes]
    change_slides = [replace(s, title=s.title.replace("Anexo: indicadores que requieren atención", "Cambios desde el corte anterior"))
                     for s in _annex(changes)] if changes else []
    slides: list[Slide] = [
        _cover(cover_text, logo, theme.logo_image, generated),
        _summary(document),
        *change_slides,
        *_chart(document, theme),
        *_entities_table(document),
        *_shared_table(document),
        *entity_slides,
        *annex,
        _closing(SimpleNamespace(entity=document.sector, status=ReportStatus()), logo, theme.logo_image, generated),
    ]
    footer = f"{document.sector} · Seguimiento consolidado {document.period}"
    return Report(
        title=document.title,
        entity=document.sector,
        period=document.period,
        language="es-CO",
        footer=plain(shorten((Run(footer),), FOOTER_SIZE, FOOTER_W, FOOTER_SIZE * LINE_HEIGHT)),
        created=created,
        theme=theme,
        slides=tuple(_fit_title(s) for s in slides),
    )
