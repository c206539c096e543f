"""The slide layout: the document model (`pipeline.document`) paginated into slides.

What the report says (wording, formatted numbers, order) comes from the document; here it is
placed: font sizes, the split of long tables and lists over several slides, what fits the
executive summary, the form of each chart. `render_pptx` and `render_pdf` only draw these
slides. Geometry is in points on a 16:9 slide of 960 x 540 pt (13,333 x 7,5 in).
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import pandas as pd

from pipeline.attainment import PlanResult
from pipeline.chart_layout import (
    BAR_LABEL_SIZE, BAR_LABEL_W, axis_ticks, bar_order, legend_name, objectives_form, pages, quarterly_form, shorten,
)
from pipeline.document import (
    ANNEX_TITLE, LIGHT_LABELS, TABLE_COLUMNS, AttentionItem, Document, Figure, ObjectiveSection, amount_text,
    attainment_text, axis_line, build_document, continued, count_text, light_label, objective_line, short,
)
from pipeline.model import Plan
from pipeline.settings import Theme, TrafficLight, TrafficLightBands
from pipeline.text import Run, fit_size, height, width

__all__ = [
    "SLIDE_W", "SLIDE_H", "MARGIN", "Report", "Cover", "Summary", "Prose", "Card", "Cards",
    "Column", "Cell", "Row", "Table", "Detail", "Series", "Chart", "ChartSlide", "Comment",
    "Comments", "Closing", "Kpi", "LightCount", "Section", "build_report", "lay_out", "LIGHT_LABELS", "TABLE_COLUMNS",
    "attainment_text", "amount_text", "light_label",
]

SLIDE_W, SLIDE_H, MARGIN = 960.0, 540.0, 40.0
NBSP = "\u00a0"
CONTENT_W = SLIDE_W - 2 * MARGIN
FOOTER_Y = 512.0
CELL_PAD_X, CELL_PAD_Y = 4.0, 3.0

T = TypeVar("T")

# --- slides -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    title: str
    entity: str
    subtitle: str
    date_line: str
    logo: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    light: TrafficLight | None = None


@dataclass(frozen=True)
class LightCount:
    light: TrafficLight
    label: str
    count: int


Item = tuple[TrafficLight, tuple[Run, ...]]  # a line with a traffic-light dot


@dataclass(frozen=True)
class Summary:
    title: str
    kpis: tuple[Kpi, ...]  # empty on continuation slides
    lights: tuple[LightCount, ...]
    attention_title: str
    attention: tuple[Item, ...]
    attention_size: float
    empty_note: str | None = None
    attention_top: float = 80.0  # where the attention list's title sits
    more_note: str | None = None  # after the list, when the rest is in the annex
    axes_title: str | None = None  # with ejes, on the first slide: one line per eje from SUMMARY_FIRST_TOP
    axes: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Section:
    """The slide that opens an eje's objectives: its figures and one line per objective."""

    kicker: str
    title: str
    kpis: tuple[Kpi, ...]
    items_title: str
    items: tuple[Item, ...]
    item_size: float


@dataclass(frozen=True)
class Prose:
    kicker: str
    title: str
    body: tuple[Run, ...]
    body_size: float
    source: str | None = None


@dataclass(frozen=True)
class Card:
    heading: str
    text: tuple[Run, ...]
    text_size: float
    count_label: str
    attainment: str
    light: TrafficLight


@dataclass(frozen=True)
class Cards:
    title: str
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    align: str  # "left" | "right" | "center"


@dataclass(frozen=True)
class Cell:
    parts: tuple[Run, ...]


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    light: TrafficLight
    height: float
    size: float  # smaller than the table's only when a very long name needs it


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    font_size: float
    header_height: float


@dataclass(frozen=True)
class Detail:
    title: str
    attainment: str
    attainment_label: str
    light: TrafficLight
    text: tuple[Run, ...]
    text_size: float
    table: Table
    table_top: float


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str
    line: str = "solid"  # "solid" | "dash" | "dot": with the marker, tells apart series that share a colour
    marker: str = "circle"  # "circle" | "square" | "diamond"
    fill: str = "solid"  # bars: "solid", or "outline" (drawn unfilled over the solid bars: what was expected)
    labels: tuple[str, ...] = ()  # bars: each value's label as shown ("87,5 %", "sin reporte"); none if empty


@dataclass(frozen=True)
class Chart:
    """A chart's data, its labels as shown (already shortened: tables give names in full) and
    its alt text; `pipeline.chart_layout` chooses the kind and splits long ones over slides."""

    kind: str  # "bar" (clustered columns) | "line" | "hbar" (horizontal bars, the first category on top)
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_axis: str
    alt: str
    ticks: tuple[float, ...] = ()  # the value axis, shared by the slides of a continued chart; empty: from the values


@dataclass(frozen=True)
class ChartSlide:
    title: str
    subtitle: str
    chart: Chart
    note: str | None = None


@dataclass(frozen=True)
class Comment:
    heading: str
    text: str


@dataclass(frozen=True)
class Comments:
    title: str
    items: tuple[Comment, ...]
    size: float
    empty_note: str | None = None


@dataclass(frozen=True)
class Closing:
    text: str
    entity: str
    logo: tuple[tuple[str, ...], ...]


Slide = Cover | Summary | Prose | Cards | Section | Detail | ChartSlide | Comments | Closing


@dataclass(frozen=True)
class Report:
    """Everything both renderers draw: metadata, theme and the slides in order."""

    title: str
    entity: str
    period: str
    language: str
    footer: str
    created: date
    theme: Theme
    slides: tuple[Slide, ...] = field(default=())

    @property
    def description(self) -> str:
        return f"{self.title}. {self.entity}. Seguimiento {self.period}."


# --- the detail table -----------------------------------------------------------------------

TABLE_SIZES = (12.0, 11.5, 11.0, 10.5, 10.0, 9.5)  # tried in order while the table fits one slide
TABLE_FONT, TABLE_MIN_FONT = 9.5, 8.0
HEADER_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)
TABLE_WIDTHS = (286.0, 92.0, 76.0, 72.0, 74.0, 66.0, 82.0, 70.0, 62.0)
DETAIL_TEXT_TOP, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H = 80.0, 700.0, 66.0
TABLE_BOTTOM = FOOTER_Y - 14.0


def _cell_height(cells: tuple[Cell, ...], size: float) -> float:
    tallest = max(
        height(c.parts, size, w - 2 * CELL_PAD_X) for c, w in zip(cells, TABLE_WIDTHS)
    )
    return tallest + 2 * CELL_PAD_Y + 4.0  # 4 pt of slack for renderer rounding


def _paginate(
    items: Sequence[T], heights: Sequence[float], first_room: float, room: float, may_leave_first_empty: bool = False
) -> list[list[T]]:
    """Fill slides in order: the first has `first_room` points, the next ones `room`; an item
    taller than the room still gets a slide of its own. With `may_leave_first_empty`, an item
    that does not fit the first slide's room starts the next one (the first has other content)."""
    pages: list[list[T]] = [[]]
    left = first_room
    for item, h in zip(items, heights):
        if h > left and (pages[-1] or (may_leave_first_empty and len(pages) == 1)):
            pages.append([])
            left = room
        pages[-1].append(item)
        left -= h
    return pages


_continued = continued


def _fitted_row(cells: tuple[Cell, ...], light: TrafficLight, font: float, room: float) -> Row:
    """A table row at `font`, made smaller (down to TABLE_MIN_FONT) if it is taller than a slide's room."""
    size = font
    h = _cell_height(cells, size)
    while h > room and size > TABLE_MIN_FONT:
        size -= 0.5
        h = _cell_height(cells, size)
    return Row(cells, light, h, size)


def _details(objective: ObjectiveSection, year: int) -> list[Detail]:
    table = objective.table
    headings = tuple(c.heading for c in table.columns)
    header_cells = tuple(Cell((Run(h, bold=True),)) for h in headings)
    # The largest header size at which no word has to break inside its column.
    header_font = next(
        (
            size for size in HEADER_SIZES
            if all(width(word, size, bold=True) <= w - 2 * CELL_PAD_X for h, w in zip(headings, TABLE_WIDTHS) for word in h.split())
        ),
        HEADER_SIZES[-1],
    )
    header_height = _cell_height(header_cells, header_font)
    columns = tuple(Column(c.heading, w, c.align) for c, w in zip(table.columns, TABLE_WIDTHS))
    text = objective.detail_text
    text_size = fit_size(text, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H, (15, 14, 13, 12, 11, 10, 9))
    text_h = min(height(text, text_size, DETAIL_TEXT_W), DETAIL_TEXT_MAX_H)
    table_top = DETAIL_TEXT_TOP + text_h + 14.0
    rows = [(tuple(Cell(parts) for parts in row.cells), row.light) for row in table.rows]
    first_room = TABLE_BOTTOM - table_top - header_height
    later_top = DETAIL_TEXT_TOP
    font = next(
        (size for size in TABLE_SIZES if sum(_cell_height(cells, size) for cells, _ in rows) <= first_room),
        TABLE_FONT,
    )
    room = TABLE_BOTTOM - later_top - header_height
    fitted = [_fitted_row(cells, light, font, room) for cells, light in rows]
    pages = _paginate(fitted, [r.height for r in fitted], first_room, room)
    return [
        Detail(
            title=_continued(f"Metas e indicadores {objective.heading}", n, len(pages)),
            attainment=objective.attainment,
            attainment_label=f"Avance {year} · {objective.light_word}",
            light=objective.light,
            text=text if n == 0 else (),
            text_size=text_size,
            table=Table(columns, tuple(page), header_font, header_height),
            table_top=table_top if n == 0 else later_top,
        )
        for n, page in enumerate(pages)
    ]


# --- the other slides ---------------------------------------------------------------------------

CARD_GAP, CARD_TOP, CARD_H = 16.0, 92.0, 392.0
CARD_W = (CONTENT_W - 3 * CARD_GAP) / 4
CARD_TEXT_W, CARD_TEXT_H = CARD_W - 28.0, 236.0


def _cards(document: Document) -> list[Cards]:
    cards = [
        Card(
            heading=o.heading,
            text=o.text,
            text_size=fit_size(o.text, CARD_TEXT_W, CARD_TEXT_H, (13, 12.5, 12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8)),
            count_label=o.count_label,
            attainment=o.attainment,
            light=o.light,
        )
        for o in document.objectives
    ]
    return [Cards("Objetivos estratégicos", tuple(cards[start : start + 4])) for start in range(0, len(cards), 4)]


def _prose(kicker: str, title: str, body: tuple[Run, ...], source: str | None = None) -> Prose:
    return Prose(kicker, title, body, fit_size(body, CONTENT_W, 300.0, (22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12)), source)


ATTENTION_W, ATTENTION_SIZE = CONTENT_W - 30.0, 11.5
SUMMARY_FIRST_TOP, SUMMARY_TOP = 246.0, 80.0  # the attention list's title, below the KPIs or not
SUMMARY_FIRST_ROOM, SUMMARY_ROOM = TABLE_BOTTOM - SUMMARY_FIRST_TOP - 16.0, TABLE_BOTTOM - 92.0
LIST_TITLE_H, ITEM_GAP = 24.0, 6.0


def _items_height(items: Sequence[Item], size: float = ATTENTION_SIZE, w: float = ATTENTION_W) -> list[float]:
    return [height(parts, size, w) + ITEM_GAP for _, parts in items]


def _kpis(figures) -> tuple[Kpi, ...]:
    return tuple(Kpi(f.label, f.value, f.light) for f in figures)


def _summaries(document: Document) -> tuple[list[Summary], list[Summary]]:
    """The executive summary (one slide: the most severe attention items that fit, then "y N
    más") and, when not every item fits, the annex with all of them."""
    lights = tuple(LightCount(t.light, t.label, t.count) for t in document.lights)
    axes = tuple((a.light, axis_line(a, document.year, document.plan_period)) for a in document.axes)
    axes_h = (LIST_TITLE_H + sum(_items_height(axes)) + 8.0) if axes else 0.0
    first_top = SUMMARY_FIRST_TOP + axes_h
    items: list[Item] = [(i.light, i.parts) for i in document.attention]
    heights = _items_height(items)
    room = SUMMARY_FIRST_ROOM - axes_h
    shown = _fitting(heights, room)
    if shown < len(items):  # keep room for the line that sends the reader to the annex
        shown = _fitting(heights, room - MORE_NOTE_H)
    rest = len(items) - shown
    summary = Summary(
        title="Resumen ejecutivo",
        kpis=_kpis(document.key_figures),
        lights=lights,
        attention_title="Requieren atención",
        attention=tuple(items[:shown]),
        attention_size=ATTENTION_SIZE,
        empty_note=None if items else document.no_attention,
        attention_top=first_top,
        more_note=(
            f"y {count_text(rest, 'indicador', 'indicadores')} más: la lista completa, de los más graves a los "
            f"demás, está en el anexo «{ANNEX_TITLE}» al final."
        ) if rest else None,
        axes_title="Avance por eje" if axes else None,
        axes=axes,
    )
    return [summary], (_annex(items, heights) if rest else [])


MORE_NOTE_H = 40.0


def _fitting(heights: Sequence[float], room: float) -> int:
    """How many of the first items fit in `room` points."""
    used, n = 0.0, 0
    for h in heights:
        if used + h > room:
            break
        used, n = used + h, n + 1
    return n


def _annex(items: list[Item], heights: list[float]) -> list[Summary]:
    """Every attention item, most severe first, over as many slides as they need."""
    pages = _paginate(items, heights, SUMMARY_ROOM, SUMMARY_ROOM)
    return [
        Summary(
            title=_continued(f"Anexo: {ANNEX_TITLE.lower()}", n, len(pages)),
            kpis=(),
            lights=(),
            attention_title="",
            attention=tuple(page),
            attention_size=ATTENTION_SIZE,
            attention_top=SUMMARY_TOP - LIST_TITLE_H + 12.0,
        )
        for n, page in enumerate(pages)
    ]


SECTION_KPI_TOP, SECTION_ITEMS_TOP = 92.0, 196.0
SECTION_ROOM = TABLE_BOTTOM - SECTION_ITEMS_TOP - LIST_TITLE_H


def _sections(document: Document, axis) -> list[Section]:
    """The eje's opening slide(s): its figures, then one line per objective (continued if many)."""
    items: list[Item] = [
        (o.light, objective_line(o, document.year)) for o in (document.objective(i) for i in axis.objective_ids)
    ]
    pages = _paginate(items, _items_height(items), SECTION_ROOM, SECTION_ROOM)
    return [
        Section(
            kicker="Eje estratégico",
            title=_continued(axis.name, n, len(pages)),
            kpis=_kpis(axis.key_figures),
            items_title=f"Objetivos del eje ({len(items)})",
            items=tuple(page),
            item_size=ATTENTION_SIZE,
        )
        for n, page in enumerate(pages)
    ]


def _objectives_chart(figure: Figure, theme: Theme) -> list[ChartSlide]:
    """Columns for a few objectives, sorted horizontal bars (continued) for many
    (`pipeline.chart_layout`)."""
    achieved, expected = figure.series
    if objectives_form(len(figure.categories)) == "hbar":
        return _bar_slides(figure, theme, figure.long_categories or figure.categories)
    chart = Chart(
        kind="bar",
        categories=figure.categories,
        series=(
            Series(achieved.name, achieved.values, theme.color("primario"), labels=achieved.labels),
            Series(expected.name, expected.values, theme.color("secundario"), labels=expected.labels),
        ),
        value_axis="%",
        alt=f"Gráfico de columnas del {figure.description[0].lower()}{figure.description[1:]}",
        ticks=axis_ticks([*achieved.values, *expected.values], 1.08),
    )
    return [ChartSlide(figure.title, figure.subtitle, chart, note=figure.note)]


BARS_ORDER = "de menor a mayor avance"
BARS_NOTE = "El recuadro marca lo esperado al corte."


def _bar_slides(figure: Figure, theme: Theme, names: Sequence[str], note: str | None = None) -> list[ChartSlide]:
    """A figure of achieved against expected per category as horizontal bars: lowest first, those
    without a value last, at most BARS_PER_SLIDE to a slide, every slide on the same scale."""
    achieved, expected = figure.series
    categories = [shorten(n, BAR_LABEL_SIZE, BAR_LABEL_W) for n in names]
    order = bar_order(achieved.values)
    ticks = axis_ticks([*achieved.values, *expected.values])
    split = [[order[i] for i in part] for part in pages(len(order))]
    head = figure.description.split(". ")[0]  # what the figure shows, without its values
    intro = f"Gráfico de barras horizontales del {head[0].lower()}{head[1:]}"
    notes = " ".join(n for n in (figure.note, BARS_NOTE, note) if n)
    slides = []
    for n, part in enumerate(split):
        where = f", parte {n + 1} de {len(split)}" if len(split) > 1 else ""
        described = "; ".join(
            f"{categories[i]}: {achieved.labels[i]} ({expected.name.lower()} {expected.labels[i]})" for i in part
        )
        chart = Chart(
            kind="hbar",
            categories=tuple(categories[i] for i in part),
            series=(
                Series(achieved.name, tuple(achieved.values[i] for i in part), theme.color("primario"),
                       labels=tuple(achieved.labels[i] for i in part)),
                Series(expected.name, tuple(expected.values[i] for i in part), theme.color("secundario"), fill="outline"),
            ),
            value_axis="%",
            alt=f"{intro}, {BARS_ORDER}{where}. {described}.",
            ticks=ticks,
        )
        slides.append(ChartSlide(_continued(figure.title, n, len(split)), f"{figure.subtitle}; {BARS_ORDER}", chart, note=notes))
    return slides


_SERIES_COLORS = ("primario", "secundario", "verde", "naranja", "texto_suave", "rojo", "amarillo")
_SERIES_STROKES = (("solid", "circle"), ("dash", "square"), ("dot", "diamond"))


def _series_style(n: int) -> tuple[str, str, str]:
    """The n-th indicator's theme colour, line and marker: the theme's colours first with solid
    lines and circles, then again dashed with squares, then dotted with diamonds (21 distinct)."""
    line, marker = _SERIES_STROKES[(n // len(_SERIES_COLORS)) % len(_SERIES_STROKES)]
    return _SERIES_COLORS[n % len(_SERIES_COLORS)], line, marker


_short = short


def _quarter_chart(figure: Figure, theme: Theme) -> list[ChartSlide]:
    """Per objective: its indicators' lines by quarter when they read (a few indicators, two
    quarters or more), else bars of each at the cut against its expected (`pipeline.chart_layout`)."""
    indicators = [s for s in figure.series if s.role != "expected"]
    if figure.at_cut is not None and quarterly_form([legend_name(s.name) for s in indicators], len(figure.categories)) == "hbar":
        return _bar_slides(figure.at_cut, theme, figure.at_cut.categories, "La tabla anterior da los nombres completos.")
    series = []
    for n, s in enumerate(figure.series):
        if s.role == "expected":
            series.append(Series(s.name, s.values, theme.color("gris")))
        else:
            color, line, marker = _series_style(n)
            series.append(Series(legend_name(s.name), s.values, theme.color(color), line, marker))
    alt = f"Gráfico de líneas del {figure.description[0].lower()}{figure.description[1:]}"
    ticks = axis_ticks([v for s in series for v in s.values], 1.04)
    return [ChartSlide(figure.title, figure.subtitle, Chart("line", figure.categories, tuple(series), "%", alt, ticks))]


COMMENT_SIZE, COMMENT_W = 11.5, CONTENT_W - 20.0


def _comments(document: Document) -> list[Comments]:
    title = document.comments_title
    items = [Comment(c.heading, c.text) for c in document.comments]
    if not items:
        return [Comments(title, (), COMMENT_SIZE, document.no_comments)]
    heights = [
        height(i.heading, COMMENT_SIZE, COMMENT_W) + height(i.text, COMMENT_SIZE, COMMENT_W) + 10.0 for i in items
    ]
    room = TABLE_BOTTOM - 92.0
    pages = _paginate(items, heights, room, room)
    return [Comments(_continued(title, n, len(pages)), tuple(page), COMMENT_SIZE) for n, page in enumerate(pages)]


LOGO_LINE, LOGO_LINES = 18, 4


def entity_logo(entity: str) -> tuple[tuple[str, ...], ...]:
    """The logo's text when the configuration gives none: the entity's name in capitals, on up to
    four short lines (never another entity's name)."""
    lines = textwrap.wrap(entity.upper(), LOGO_LINE, break_long_words=False) or [entity.upper()]
    if len(lines) > LOGO_LINES:
        lines = [*lines[: LOGO_LINES - 1], _short(" ".join(lines[LOGO_LINES - 1 :]), LOGO_LINE)]
    return (tuple(lines),)


def lay_out(document: Document, theme: Theme) -> Report:
    """The document as slides, in the seed's order with the quarterly additions."""
    summary, annex = _summaries(document)
    logo = theme.logo or entity_logo(document.entity)
    slides: list[Slide] = [
        Cover(document.title, document.entity, document.subtitle, document.date_line, logo),
        *summary,
        _prose(document.plan_title, "Objetivo del Plan y normatividad asociada", document.normative, document.normative_source),
        _prose(document.plan_title, "Misión", document.mission),
        _prose(document.plan_title, "Visión", document.vision),
        *_cards(document),
        *_objectives_chart(document.objectives_figure, theme),
    ]
    for axis, objectives in document.groups():
        if axis is not None:
            slides.extend(_sections(document, axis))
        for objective in objectives:
            slides.extend(_details(objective, document.year))
            slides.extend(_quarter_chart(objective.quarterly, theme))
    slides.extend(_comments(document))
    slides.extend(annex)
    slides.append(Closing("GRACIAS", document.entity, logo))
    return Report(
        title=document.title,
        entity=document.entity,
        period=document.period,
        language=document.language,
        footer=document.footer,
        created=document.created,
        theme=theme,
        slides=tuple(slides),
    )


def build_report(
    plan: Plan,
    execution: pd.DataFrame,
    result: PlanResult,
    bands: TrafficLightBands,
    theme: Theme,
    suspect_fractions: Collection[str] = (),
) -> Report:
    """The slides of `result.cut`: the document (`pipeline.document.build_document`), laid out."""
    return lay_out(build_document(plan, execution, result, bands, suspect_fractions), theme)


def slide_titles(report: Report) -> list[str]:
    """Each slide's title, as a reader sees it (for tests and the PDF's outline)."""
    out = []
    for s in report.slides:
        out.append(getattr(s, "title", None) or getattr(s, "text", ""))
    return out
