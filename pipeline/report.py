"""The report's content model: every slide as plain data, built once for both renderers.

Wording, formatted numbers (Colombian Spanish, via Babel), order, emphasis, font sizes and the
split of long tables over several slides are all decided here; `render_pptx` and `render_pdf`
only draw what they are given. Geometry is in points on a 16:9 slide of 960 x 540 pt
(13,333 x 7,5 in).
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import pandas as pd

from pipeline.attainment import Attainment, IndicatorResult, PlanResult, Status, plan_attainment
from pipeline.chart_layout import (
    BAR_LABEL_SIZE, BAR_LABEL_W, axis_ticks, bar_order, legend_name, objectives_form, pages, quarterly_form, shorten,
)
from pipeline.formatting import long_date, number, percent
from pipeline.model import Annualization, Axis, Indicator, Objective, Plan, Unit
from pipeline.periods import Cut
from pipeline.settings import Theme, TrafficLight, TrafficLightBands
from pipeline.text import Run, fit_size, height, plain, runs, width

__all__ = [
    "SLIDE_W", "SLIDE_H", "MARGIN", "Report", "Cover", "Summary", "Prose", "Card", "Cards",
    "Column", "Cell", "Row", "Table", "Detail", "Series", "Chart", "ChartSlide", "Comment",
    "Comments", "Closing", "Kpi", "LightCount", "Section", "build_report", "LIGHT_LABELS", "TABLE_COLUMNS",
    "attainment_text", "amount_text", "light_label",
]

SLIDE_W, SLIDE_H, MARGIN = 960.0, 540.0, 40.0
NBSP = "\u00a0"
CONTENT_W = SLIDE_W - 2 * MARGIN
FOOTER_Y = 512.0
CELL_PAD_X, CELL_PAD_Y = 4.0, 3.0

T = TypeVar("T")

LIGHT_LABELS = {
    TrafficLight.ROJO: "Rojo",
    TrafficLight.AMARILLO: "Amarillo",
    TrafficLight.VERDE: "Verde",
    TrafficLight.NARANJA: "Naranja",
    TrafficLight.GRIS: "Sin reporte",
}
LIGHT_MEANINGS = {
    TrafficLight.ROJO: "retraso crítico",
    TrafficLight.AMARILLO: "retraso",
    TrafficLight.VERDE: "en lo esperado",
    TrafficLight.NARANJA: "sobreejecución",
    TrafficLight.GRIS: "sin reporte o N/A",
}
_ANNUALIZATION = {
    Annualization.SUMA: "Suma",
    Annualization.CRECIENTE: "Creciente",
    Annualization.DECRECIENTE: "Decreciente",
    Annualization.CONSTANTE: "Constante",
}


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


# --- formatting helpers -----------------------------------------------------------------------


def attainment_text(a: Attainment) -> str:
    if a.ok:
        assert a.percent is not None
        return percent(a.percent)
    return "Sin reporte" if a.status is Status.NOT_REPORTED else "N/A"


def amount_text(value: float | None, missing: str = "Sin reporte", unit: Unit | None = None) -> str:
    """A figure as Colombian Spanish writes it, with its unit beside it (`45 %`, `5,3 km`;
    none for numero); `missing` when there is none. `%` is kept on the figure's line (a
    no-break space, as `percent` does); a unit word may wrap below a long figure in a narrow
    table column instead of being split."""
    if value is None:
        return missing
    suffix = unit.suffix if unit is not None else ""
    if not suffix:
        return number(value)
    return f"{number(value)}{NBSP if suffix == '%' else ' '}{suffix}"


def _annualization(ind: Indicator) -> str:
    label = _ANNUALIZATION[ind.annualization]
    if ind.annualization in (Annualization.CRECIENTE, Annualization.DECRECIENTE):
        label += " sin línea base" if ind.baseline is None else f" (línea base {amount_text(ind.baseline, unit=ind.unit)})"
    return label


def light_label(r: IndicatorResult) -> str:
    if r.traffic_light is TrafficLight.GRIS and r.year.status is Status.UNDEFINED:
        return "N/A"
    return LIGHT_LABELS[r.traffic_light]


def _indicators_label(n: int) -> str:
    return "1 indicador" if n == 1 else f"{n} indicadores"


# --- the detail table -----------------------------------------------------------------------

TABLE_SIZES = (12.0, 11.5, 11.0, 10.5, 10.0, 9.5)  # tried in order while the table fits one slide
TABLE_FONT, TABLE_MIN_FONT = 9.5, 8.0
HEADER_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)
TABLE_WIDTHS = (286.0, 92.0, 76.0, 72.0, 74.0, 66.0, 82.0, 70.0, 62.0)
TABLE_COLUMNS = (
    "{heading}", "Anualización", "Programación {first}-{last}", "Programación {year}",
    "Ejecutado {year}", "Avance {year}", "Ejecutado {first}-{last}", "Avance {first}-{last}", "Semáforo",
)
TABLE_ALIGN = ("left", "left", "right", "right", "right", "right", "right", "right", "center")
DETAIL_TEXT_TOP, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H = 80.0, 700.0, 66.0
TABLE_BOTTOM = FOOTER_Y - 14.0


def _cell_height(cells: tuple[Cell, ...], size: float) -> float:
    tallest = max(
        height(c.parts, size, w - 2 * CELL_PAD_X) for c, w in zip(cells, TABLE_WIDTHS)
    )
    return tallest + 2 * CELL_PAD_Y + 4.0  # 4 pt of slack for renderer rounding


def _row(ind: Indicator, r: IndicatorResult) -> tuple[Cell, ...]:
    name = (Run(ind.label + " ", bold=True), Run(ind.name)) if ind.label else (Run(ind.name),)
    values = (
        _annualization(ind),
        amount_text(r.plan_target, unit=ind.unit),
        amount_text(r.year_target, "N/A", ind.unit),
        amount_text(r.executed_year, unit=ind.unit),
        attainment_text(r.year),
        amount_text(r.executed_plan, unit=ind.unit),
        attainment_text(r.plan),
        light_label(r),
    )
    return (Cell(name), *(Cell((Run(v),)) for v in values))


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


def _continued(title: str, n: int, total: int) -> str:
    """The title of the n-th (0-based) of `total` slides that share it."""
    return title + (f" (continuación {n + 1} de {total})" if n else "")


def _fitted_row(cells: tuple[Cell, ...], light: TrafficLight, font: float, room: float) -> Row:
    """A table row at `font`, made smaller (down to TABLE_MIN_FONT) if it is taller than a slide's room."""
    size = font
    h = _cell_height(cells, size)
    while h > room and size > TABLE_MIN_FONT:
        size -= 0.5
        h = _cell_height(cells, size)
    return Row(cells, light, h, size)


def _details(plan: Plan, objective: Objective, result: PlanResult, year: int) -> list[Detail]:
    first, last = plan.period
    headings = tuple(
        h.format(heading=objective.table_heading, first=first, last=last, year=year) for h in TABLE_COLUMNS
    )
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
    columns = tuple(Column(h, w, a) for h, w, a in zip(headings, TABLE_WIDTHS, TABLE_ALIGN))
    text = runs(objective.detail_text or objective.text)
    text_size = fit_size(text, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H, (15, 14, 13, 12, 11, 10, 9))
    text_h = min(height(text, text_size, DETAIL_TEXT_W), DETAIL_TEXT_MAX_H)
    table_top = DETAIL_TEXT_TOP + text_h + 14.0
    rows = [(_row(plan.indicators[i], result.indicators[i]), result.indicators[i].traffic_light) for i in objective.indicator_ids]
    first_room = TABLE_BOTTOM - table_top - header_height
    later_top = DETAIL_TEXT_TOP
    font = next(
        (size for size in TABLE_SIZES if sum(_cell_height(cells, size) for cells, _ in rows) <= first_room),
        TABLE_FONT,
    )
    room = TABLE_BOTTOM - later_top - header_height
    fitted = [_fitted_row(cells, light, font, room) for cells, light in rows]
    pages = _paginate(fitted, [r.height for r in fitted], first_room, room)
    orow = next(o for o in result.objectives if o.objective_id == objective.id)
    details = []
    for n, page in enumerate(pages):
        details.append(
            Detail(
                title=_continued(f"Metas e indicadores Objetivo {objective.id}", n, len(pages)),
                attainment=attainment_text(orow.year),
                attainment_label=f"Avance {year} · {LIGHT_LABELS[orow.traffic_light]}",
                light=orow.traffic_light,
                text=text if n == 0 else (),
                text_size=text_size,
                table=Table(columns, tuple(page), header_font, header_height),
                table_top=table_top if n == 0 else later_top,
            )
        )
    return details


# --- the other slides ---------------------------------------------------------------------------

CARD_GAP, CARD_TOP, CARD_H = 16.0, 92.0, 392.0
CARD_W = (CONTENT_W - 3 * CARD_GAP) / 4
CARD_TEXT_W, CARD_TEXT_H = CARD_W - 28.0, 236.0


def _cards(plan: Plan, result: PlanResult) -> list[Cards]:
    slides = []
    cards = []
    by_id = {o.objective_id: o for o in result.objectives}
    for objective in plan.objectives:
        text = runs(objective.text)
        o = by_id[objective.id]
        cards.append(
            Card(
                heading=f"Objetivo {objective.id}",
                text=text,
                text_size=fit_size(text, CARD_TEXT_W, CARD_TEXT_H, (13, 12.5, 12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8)),
                count_label=f"{_indicators_label(len(objective.indicator_ids))} · {LIGHT_LABELS[o.traffic_light]}",
                attainment=attainment_text(o.year),
                light=o.traffic_light,
            )
        )
    for start in range(0, len(cards), 4):
        slides.append(Cards("Objetivos estratégicos", tuple(cards[start : start + 4])))
    return slides


def _prose(kicker: str, title: str, text: str, source: str | None = None) -> Prose:
    body = runs(text)
    return Prose(kicker, title, body, fit_size(body, CONTENT_W, 300.0, (22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12)), source)


ATTENTION_W, ATTENTION_SIZE = CONTENT_W - 30.0, 11.5
SUMMARY_FIRST_TOP, SUMMARY_TOP = 246.0, 80.0  # the attention list's title, below the KPIs or not
SUMMARY_FIRST_ROOM, SUMMARY_ROOM = TABLE_BOTTOM - SUMMARY_FIRST_TOP - 16.0, TABLE_BOTTOM - 92.0
LIST_TITLE_H, ITEM_GAP = 24.0, 6.0


def _items_height(items: Sequence[Item], size: float = ATTENTION_SIZE, w: float = ATTENTION_W) -> list[float]:
    return [height(parts, size, w) + ITEM_GAP for _, parts in items]


def _attention(plan: Plan, result: PlanResult, cut: Cut, suspect: Collection[str] = ()) -> list[Item]:
    """Indicators the planning office must look at, with every reason, the most severe first
    (see `_severity`), in the plan's order within the same severity.

    `suspect` names porcentaje indicators whose reported values look like fractions (0,97 for
    97 %): their figures are shown, and flagged here. An indicator with nothing programmed for
    the year (target 0: N/A) is not an attention item for that alone.
    """
    items: list[tuple[int, Item]] = []
    objectives_of: dict[str, list[int]] = {}
    for o in plan.objectives:
        for i in o.indicator_ids:
            objectives_of.setdefault(i, []).append(o.id)
    for ind_id, r in result.indicators.items():
        ind = plan.indicators[ind_id]
        head = Run(f"{ind.label or ind.id} ", bold=True)
        # the semáforo in words beside its colour dot
        where = f"{light_label(r).lower()} · objetivo {', '.join(map(str, objectives_of.get(ind_id, [])))}"
        if ind.responsible:
            where += f" · responsable: {ind.responsible}"
        reasons = []
        if r.negative:
            assert r.start_level is not None and r.executed_plan is not None
            verb = "bajó" if ind.annualization is Annualization.CRECIENTE else "subió"
            reasons.append(
                f"avance negativo en {cut.year}: el nivel {verb} a {amount_text(r.executed_plan, unit=ind.unit)} "
                f"desde {amount_text(r.start_level, unit=ind.unit)} al inicio del año ({attainment_text(r.year)}); "
                "revise el dato con la dependencia"
            )
        elif r.traffic_light is TrafficLight.ROJO or r.traffic_light is TrafficLight.NARANJA:
            meaning = LIGHT_MEANINGS[r.traffic_light]
            reasons.append(f"{meaning}, avance {cut.year} de {attainment_text(r.year)} frente a {percent(r.expected)} esperado")
        elif not r.reported and not _not_programmed(r):
            reasons.append(f"sin reporte en {cut.year} al corte {cut}")
        if ind_id in suspect:
            reasons.append(
                "sus valores reportados parecen fracciones (0,97 por 97 %): revíselos en el seguimiento antes de publicar"
            )
        if r.year_target is None:
            reasons.append(f"sin meta para {cut.year}: agréguela en metas_anuales")
        if r.reported and r.missing_quarters:
            quarters = ", ".join(f"T{k}" for k in r.missing_quarters)
            reasons.append(f"no reportó {quarters} de {cut.year}")
        for inc in r.inconsistencies:
            verb = "bajó" if ind.annualization is Annualization.CRECIENTE else "subió"
            reasons.append(
                f"inconsistencia: el nivel {verb} de {amount_text(inc.previous_value, unit=ind.unit)} "
                f"({inc.previous[0]}-T{inc.previous[1]}) a {amount_text(inc.current_value, unit=ind.unit)} "
                f"({inc.current[0]}-T{inc.current[1]})"
            )
        if reasons:
            text = "; ".join(reasons)
            item = (r.traffic_light, (head, Run(f"({where}): "), Run(text[0].upper() + text[1:] + ".")))
            items.append((_severity(r, ind_id in suspect), item))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]  # stable: plan order within a rank


def _not_programmed(r: IndicatorResult) -> bool:
    """Nothing programmed for the year (target 0): N/A, not a delay."""
    return r.year_target is not None and abs(r.year_target) < 1e-12


def _severity(r: IndicatorResult, suspect: bool) -> int:
    """0 critical delay or a level going backwards, 1 data to fix (fractions, no target for the
    year), 2 over-execution, 3 no report, 4 the rest (quarters missing, inconsistencies)."""
    if r.traffic_light is TrafficLight.ROJO or r.negative:
        return 0
    if suspect or r.year_target is None:
        return 1
    if r.traffic_light is TrafficLight.NARANJA:
        return 2
    if not r.reported:
        return 3
    return 4


def _axes_lines(plan: Plan, result: PlanResult, year: int) -> tuple[Item, ...]:
    """One line per eje: `Eje 1. Nombre: avance 2024 80,0 % · plan 2024-2027 45,0 % · verde`."""
    first, last = plan.period
    return tuple(
        (r.traffic_light, (
            Run(f"{a.name}: ", bold=True),
            Run(f"avance {year} {attainment_text(r.year)} · plan {first}-{last} {attainment_text(r.plan)}"
                f" · {LIGHT_LABELS[r.traffic_light].lower()}"),
        ))
        for a, r in zip(plan.axes, result.axes)
    )


def _summaries(
    plan: Plan, result: PlanResult, cut: Cut, suspect: Collection[str] = ()
) -> tuple[list[Summary], list[Summary]]:
    """The executive summary (one slide: the most severe attention items that fit, then "y N
    más") and, when not every item fits, the annex with all of them."""
    overall = result.overall
    first, last = plan.period
    kpis = (
        Kpi(f"Avance de la vigencia {cut.year}", attainment_text(overall.year), overall.traffic_light),
        Kpi(f"Avance del plan {first}-{last}", attainment_text(overall.plan)),
        Kpi("Esperado al corte", percent(overall.expected) if overall.expected is not None else "N/A"),
        Kpi("Indicadores con reporte", f"{overall.reported} de {overall.indicators}"),
    )
    counts = result.light_counts()
    lights = tuple(LightCount(light, LIGHT_LABELS[light], counts.get(light, 0)) for light in TrafficLight)
    axes = _axes_lines(plan, result, cut.year)
    axes_h = (LIST_TITLE_H + sum(_items_height(axes)) + 8.0) if axes else 0.0
    first_top = SUMMARY_FIRST_TOP + axes_h
    items = _attention(plan, result, cut, suspect)
    heights = _items_height(items)
    room = SUMMARY_FIRST_ROOM - axes_h
    shown = _fitting(heights, room)
    if shown < len(items):  # keep room for the line that sends the reader to the annex
        shown = _fitting(heights, room - MORE_NOTE_H)
    rest = len(items) - shown
    summary = Summary(
        title="Resumen ejecutivo",
        kpis=kpis,
        lights=lights,
        attention_title="Requieren atención",
        attention=tuple(items[:shown]),
        attention_size=ATTENTION_SIZE,
        empty_note=None if items else "Ningún indicador requiere atención en este corte.",
        attention_top=first_top,
        more_note=(
            f"y {_count_text(rest, 'indicador', 'indicadores')} más: la lista completa, de los más graves a los "
            f"demás, está en el anexo «{ANNEX_TITLE}» al final."
        ) if rest else None,
        axes_title="Avance por eje" if axes else None,
        axes=axes,
    )
    return [summary], (_annex(items, heights) if rest else [])


MORE_NOTE_H = 40.0
ANNEX_TITLE = "Indicadores que requieren atención"


def _fitting(heights: Sequence[float], room: float) -> int:
    """How many of the first items fit in `room` points."""
    used, n = 0.0, 0
    for h in heights:
        if used + h > room:
            break
        used, n = used + h, n + 1
    return n


def _count_text(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{number(n)} {many}"


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


def _sections(plan: Plan, axis: Axis, result: PlanResult, cut: Cut) -> list[Section]:
    """The eje's opening slide(s): its figures, then one line per objective (continued if many)."""
    r = next(x for x in result.axes if x.axis_id == axis.id)
    first, last = plan.period
    kpis = (
        Kpi(f"Avance de la vigencia {cut.year}", attainment_text(r.year), r.traffic_light),
        Kpi(f"Avance del plan {first}-{last}", attainment_text(r.plan)),
        Kpi("Esperado al corte", percent(r.expected) if r.expected is not None else "N/A"),
        Kpi("Indicadores con reporte", f"{r.reported} de {r.indicators}"),
    )
    by_id = {o.objective_id: o for o in result.objectives}
    items: list[Item] = []
    for objective in plan.objectives_of(axis):
        o = by_id[objective.id]
        text = _short(plain(runs(objective.text)), 150)
        items.append((o.traffic_light, (
            Run(f"Objetivo {objective.id}: ", bold=True),
            Run(f"{text} · avance {cut.year} {attainment_text(o.year)} · {_indicators_label(o.indicators)}"),
        )))
    pages = _paginate(items, _items_height(items), SECTION_ROOM, SECTION_ROOM)
    return [
        Section(
            kicker="Eje estratégico",
            title=_continued(axis.name, n, len(pages)),
            kpis=kpis,
            items_title=f"Objetivos del eje ({len(items)})",
            items=tuple(page),
            item_size=ATTENTION_SIZE,
        )
        for n, page in enumerate(pages)
    ]


def _objectives_chart(plan: Plan, result: PlanResult, theme: Theme, year: int) -> list[ChartSlide]:
    """Each objective's attainment of the year against what was expected: columns for a few
    objectives, sorted horizontal bars (continued) for many (see `pipeline.chart_layout`)."""
    title, subtitle = "Avance por objetivo", f"Avance de la vigencia {year} frente a lo esperado al corte"
    note = "Cada indicador cuenta hasta 100 % en el avance del objetivo."
    achieved = tuple(o.year.percent if o.year.ok else None for o in result.objectives)
    expected = tuple(o.expected for o in result.objectives)
    labels = tuple(_bar_label(o.year) for o in result.objectives)
    if objectives_form(len(result.objectives)) == "bar":
        categories = tuple(f"Objetivo {o.objective_id}" for o in result.objectives)
        described = "; ".join(
            f"{c}: {percent(a) if a is not None else 'sin dato'} (esperado {percent(e) if e is not None else 'sin dato'})"
            for c, a, e in zip(categories, achieved, expected)
        )
        chart = Chart(
            kind="bar",
            categories=categories,
            series=(
                Series(f"Avance {year}", achieved, theme.color("primario"), labels=labels),
                Series("Esperado al corte", expected, theme.color("secundario"),
                       labels=tuple(percent(e) if e is not None else "" for e in expected)),
            ),
            value_axis="%",
            alt=f"Gráfico de columnas del avance {year} de cada objetivo frente al avance esperado al corte. {described}.",
            ticks=axis_ticks([*achieved, *expected], 1.08),
        )
        return [ChartSlide(title, subtitle, chart, note=note)]
    texts = {o.id: plain(runs(o.text)) for o in plan.objectives}
    categories = tuple(
        shorten(f"Objetivo {o.objective_id}: {texts.get(o.objective_id, '')}", BAR_LABEL_SIZE, BAR_LABEL_W)
        for o in result.objectives
    )
    return _bar_slides(
        title, f"{subtitle}; de menor a mayor avance", note + " " + _OUTLINE_NOTE, categories, achieved, expected,
        labels, theme, year, f"Gráfico de barras horizontales del avance {year} de cada objetivo frente al avance esperado al corte",
    )


_OUTLINE_NOTE = "El recuadro marca lo esperado al corte."


def _bar_label(a: Attainment) -> str:
    """A bar's value as shown: `87,5 %`, or why there is none."""
    if a.ok:
        assert a.percent is not None
        return percent(a.percent)
    return "sin reporte" if a.status is Status.NOT_REPORTED else "N/A"


def _bar_slides(
    title: str, subtitle: str, note: str, categories: Sequence[str], achieved: Sequence[float | None],
    expected: Sequence[float | None], labels: Sequence[str], theme: Theme, year: int, alt: str,
) -> list[ChartSlide]:
    """Horizontal bars lowest first, those without a value last, continued over as many slides as
    needed, every slide on the same scale."""
    order = bar_order(achieved)
    ticks = axis_ticks([*achieved, *expected])
    split = [[order[i] for i in part] for part in pages(len(order))]
    slides = []
    for n, part in enumerate(split):
        described = "; ".join(
            f"{categories[i]}: {labels[i]} (esperado {percent(expected[i]) if expected[i] is not None else 'sin dato'})"
            for i in part
        )
        where = f", parte {n + 1} de {len(split)}" if len(split) > 1 else ""
        chart = Chart(
            kind="hbar",
            categories=tuple(categories[i] for i in part),
            series=(
                Series(f"Avance {year}", tuple(achieved[i] for i in part), theme.color("primario"),
                       labels=tuple(labels[i] for i in part)),
                Series("Esperado al corte", tuple(expected[i] for i in part), theme.color("secundario"), fill="outline"),
            ),
            value_axis="%",
            alt=f"{alt}, de menor a mayor avance{where}. {described}.",
            ticks=ticks,
        )
        slides.append(ChartSlide(_continued(title, n, len(split)), subtitle, chart, note=note))
    return slides


_SERIES_COLORS = ("primario", "secundario", "verde", "naranja", "texto_suave", "rojo", "amarillo")
_SERIES_STROKES = (("solid", "circle"), ("dash", "square"), ("dot", "diamond"))


def _series_style(n: int) -> tuple[str, str, str]:
    """The n-th indicator's theme colour, line and marker: the theme's colours first with solid
    lines and circles, then again dashed with squares, then dotted with diamonds (21 distinct)."""
    line, marker = _SERIES_STROKES[(n // len(_SERIES_COLORS)) % len(_SERIES_STROKES)]
    return _SERIES_COLORS[n % len(_SERIES_COLORS)], line, marker


def _short(text: str, limit: int = 48) -> str:
    """A name of at most `limit` characters, cut at a word (inside the word when ending at a word
    would lose more than half) and ended with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def _quarter_charts(
    plan: Plan, execution: pd.DataFrame, cut: Cut, bands: TrafficLightBands, theme: Theme
) -> dict[int, list[ChartSlide]]:
    """Per objective, its indicators' attainment of the year: lines by quarter up to the cut for
    a few indicators over two quarters or more, else sorted bars at the cut against what was
    expected, continued over slides (see `pipeline.chart_layout`)."""
    by_quarter = [plan_attainment(plan, execution, Cut(cut.year, k), bands) for k in range(1, cut.quarter + 1)]
    at_cut = by_quarter[-1]
    categories = tuple(f"T{k} {cut.year}" for k in range(1, cut.quarter + 1))
    labels = [i.label for i in plan.indicators.values()]
    slides = {}
    for objective in plan.objectives:
        names = []
        for ind_id in objective.indicator_ids:
            ind = plan.indicators[ind_id]
            names.append(ind.label if ind.label and labels.count(ind.label) == 1 else ind.name)
        title = f"Avance trimestral Objetivo {objective.id}"
        if quarterly_form([legend_name(n) for n in names], cut.quarter) == "hbar":
            results = [at_cut.indicators[i] for i in objective.indicator_ids]
            slides[objective.id] = _bar_slides(
                title, f"Avance de la vigencia {cut.year} de cada indicador al corte {cut} frente a lo esperado; "
                "de menor a mayor avance", _OUTLINE_NOTE + " La tabla anterior da los nombres completos.",
                tuple(shorten(n, BAR_LABEL_SIZE, BAR_LABEL_W) for n in names),
                tuple(r.year.percent if r.year.ok else None for r in results),
                tuple(r.expected for r in results),
                tuple(_bar_label(r.year) for r in results),
                theme, cut.year,
                f"Gráfico de barras horizontales del avance {cut.year} de cada indicador del objetivo {objective.id} "
                f"al corte {cut} frente al avance esperado",
            )
            continue
        series = []
        for n, (ind_id, name) in enumerate(zip(objective.indicator_ids, names)):
            values = tuple(
                r.indicators[ind_id].year.percent if r.indicators[ind_id].year.ok else None for r in by_quarter
            )
            color, line, marker = _series_style(n)
            series.append(Series(legend_name(name), values, theme.color(color), line, marker))
        expected = tuple(
            next(o.expected for o in r.objectives if o.objective_id == objective.id) for r in by_quarter
        )
        series.append(Series("Esperado del objetivo", expected, theme.color("gris")))
        described = "; ".join(
            f"{s.name}: " + ", ".join(f"{c} {percent(v) if v is not None else 'sin reporte'}" for c, v in zip(categories, s.values))
            for s in series
        )
        slides[objective.id] = [ChartSlide(
            title,
            f"Avance acumulado de la vigencia {cut.year} al cierre de cada trimestre",
            Chart("line", categories, tuple(series), "%", f"Gráfico de líneas del avance trimestral del objetivo {objective.id}. {described}.",
                  ticks=axis_ticks([v for s in series for v in s.values], 1.04)),
        )]
    return slides


COMMENT_SIZE, COMMENT_W = 11.5, CONTENT_W - 20.0


def _comments(plan: Plan, execution: pd.DataFrame, cut: Cut) -> list[Comments]:
    rows = execution[(execution["anio"] == cut.year) & (execution["trimestre"] == cut.quarter)]
    items = []
    order = {i: n for n, i in enumerate(plan.indicators)}
    for _, row in sorted(rows.iterrows(), key=lambda r: order.get(r[1]["indicador"], 0)):
        text = row["comentario"]
        if pd.isna(text):
            continue
        ind = plan.indicators[row["indicador"]]
        items.append(Comment(f"{ind.label or ind.id}", " ".join(str(text).split())))
    title = f"Comentarios del corte {cut}"
    if not items:
        return [Comments(title, (), COMMENT_SIZE, f"No se registraron comentarios cualitativos para el corte {cut}.")]
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


def build_report(
    plan: Plan,
    execution: pd.DataFrame,
    result: PlanResult,
    bands: TrafficLightBands,
    theme: Theme,
    suspect_fractions: Collection[str] = (),
) -> Report:
    """The whole report for `result.cut`: slides in the seed's order, with the quarterly additions."""
    cut = result.cut
    title = f"{plan.title} {cut.year}"
    summary, annex = _summaries(plan, result, cut, suspect_fractions)
    logo = theme.logo or entity_logo(plan.entity)
    slides: list[Slide] = [
        Cover(title, plan.entity, f"Seguimiento {cut}", f"Corte al {long_date(cut.end)}", logo),
        *summary,
        _prose(plan.title, "Objetivo del Plan y normatividad asociada", plan.normative_basis, f"Fuente: {plan.normative_source}"),
        _prose(plan.title, "Misión", plan.mission),
        _prose(plan.title, "Visión", plan.vision),
        *_cards(plan, result),
        *_objectives_chart(plan, result, theme, cut.year),
    ]
    quarter_charts = _quarter_charts(plan, execution, cut, bands, theme)
    groups = [(a, plan.objectives_of(a)) for a in plan.axes] or [(None, list(plan.objectives))]
    for axis, objectives in groups:
        if axis is not None:
            slides.extend(_sections(plan, axis, result, cut))
        for objective in objectives:
            slides.extend(_details(plan, objective, result, cut.year))
            slides.extend(quarter_charts[objective.id])
    slides.extend(_comments(plan, execution, cut))
    slides.extend(annex)
    slides.append(Closing("GRACIAS", plan.entity, logo))
    return Report(
        title=title,
        entity=plan.entity,
        period=str(cut),
        language="es-CO",
        footer=f"{plan.entity} · {plan.title} {cut.year} · Seguimiento {cut}",
        created=cut.end,
        theme=theme,
        slides=tuple(slides),
    )


def slide_titles(report: Report) -> list[str]:
    """Each slide's title, as a reader sees it (for tests and the PDF's outline)."""
    out = []
    for s in report.slides:
        out.append(getattr(s, "title", None) or getattr(s, "text", ""))
    return out

