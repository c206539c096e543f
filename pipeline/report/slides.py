"""The slides the deck and the PDF draw: each kind of slide as data, and the page's fixed places.

A laid-out report (`Report`) is its metadata, its theme and its slides in order; each slide
(`Cover`, `Summary`, `Changes`, `Prose`, `Cards`, `Section`, `Detail`, `ChartSlide`, `Comments`,
`Closing`) holds its texts already worded and sized, and where they go. Geometry is in points on a
16:9 slide of 960 x 540 pt (13,333 x 7,5 in): the margins, the title's, the cover's and the
closing's places, the key figures' and the tallies' boxes that both renderers draw at the same
coordinates. `pipeline.report.layout` decides the slides; `pipeline.outputs` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipeline.core.settings import LogoImage, Theme, TrafficLight
from pipeline.core.text import Run, plain

__all__ = [
    "SLIDE_W",
    "SLIDE_H",
    "MARGIN",
    "CONTENT_W",
    "FOOTER_Y",
    "CELL_PAD_X",
    "CELL_PAD_Y",
    "Box",
    "TITLE_SIZE",
    "TITLE_SIZES",
    "TITLE_MIN",
    "TITLE_TOP",
    "TITLE_KICKER_TOP",
    "KICKER_SIZE",
    "DETAIL_TITLE_W",
    "COVER_X",
    "COVER_W",
    "COVER_TOP",
    "COVER_BOTTOM",
    "COVER_TITLE_SIZES",
    "COVER_ENTITY_SIZES",
    "COVER_LOGO_BOX",
    "CLOSING_ENTITY_TOP",
    "CLOSING_ENTITY_SIZES",
    "CLOSING_ENTITY_BOTTOM",
    "CLOSING_LOGO_BOX",
    "LOGO_SIZES",
    "KPI_GAP",
    "KPI_H",
    "SUMMARY_KPI_TOP",
    "LIGHTS_TOP",
    "LIGHT_GAP",
    "LIGHT_SIZES",
    "LIGHT_DOT_X",
    "LIGHT_TEXT_X",
    "KPI_W",
    "KPI_VALUE_SIZES",
    "KPI_WORD_SIZE",
    "KPI_WORD_H",
    "KPI_WORD_PAD",
    "Cover",
    "Kpi",
    "LightCount",
    "Item",
    "Summary",
    "Changes",
    "Section",
    "Prose",
    "Card",
    "Cards",
    "Column",
    "Cell",
    "Row",
    "Table",
    "Detail",
    "Series",
    "Chart",
    "ChartSlide",
    "CommentItem",
    "Comments",
    "Closing",
    "Slide",
    "Report",
]

SLIDE_W, SLIDE_H, MARGIN = 960.0, 540.0, 40.0
CONTENT_W = SLIDE_W - 2 * MARGIN
FOOTER_Y = 512.0
CELL_PAD_X, CELL_PAD_Y = 4.0, 3.0

Box = tuple[float, float, float, float]  # x, y, width, height in points

# Titles: 24 pt on one line; a longer one is made smaller down to TITLE_MIN, on up to two lines.
TITLE_SIZE, TITLE_SIZES, TITLE_MIN = 24.0, (24.0, 22.0, 20.0, 18.0), 16.0
TITLE_TOP, TITLE_KICKER_TOP, KICKER_SIZE = 24.0, 34.0, 10.0
DETAIL_TITLE_W = CONTENT_W - 180.0  # beside the attainment badge
# The cover: title, entity, cut line and date flow down from COVER_TOP and end above the logo.
COVER_X, COVER_W, COVER_TOP, COVER_BOTTOM = 80.0, 800.0, 150.0, 405.0
COVER_TITLE_SIZES = (40.0, 36.0, 32.0, 28.0, 26.0, 24.0)
COVER_ENTITY_SIZES = (22.0, 20.0, 18.0, 16.0, 15.0, 14.0)
COVER_LOGO_BOX: Box = (SLIDE_W - MARGIN - 260.0, 418.0, 260.0, 100.0)
CLOSING_ENTITY_TOP, CLOSING_ENTITY_SIZES, CLOSING_ENTITY_BOTTOM = 270.0, (18.0, 16.0, 14.0, 12.0, 11.0, 10.0), 362.0
CLOSING_LOGO_BOX: Box = (SLIDE_W / 2 - 150.0, 372.0, 300.0, 130.0)
LOGO_SIZES = (12.0, 11.0, 10.0, 9.0, 8.0, 7.5, 7.0)
# Key figures: four boxes in a row; the semáforo's word in a chip of its colour beside the value.
KPI_GAP, KPI_H = 14.0, 78.0
# The summary's first slide: the key figures, then the count of indicators per light in a row.
SUMMARY_KPI_TOP, LIGHTS_TOP, LIGHT_GAP = 80.0, 176.0, 10.0
LIGHT_SIZES = (13.0, 12.0, 11.0, 10.0, 9.0, 8.0, 7.0)  # one size for every chip of the row
LIGHT_DOT_X, LIGHT_TEXT_X = 8.0, 30.0  # in each chip: the level's dot, then «12 Sin reporte»
KPI_W = (CONTENT_W - 3 * KPI_GAP) / 4
KPI_VALUE_SIZES = (26.0, 24.0, 22.0, 20.0, 18.0, 16.0, 14.0)
KPI_WORD_SIZE, KPI_WORD_H, KPI_WORD_PAD = 9.5, 18.0, 7.0


@dataclass(frozen=True)
class Cover:
    """The first slide. `tops` are where the title, the entity, the cut line and the date start;
    the logo is `logo_image` fitted in `logo_box` when the theme has one, else the `logo` text."""

    title: str
    entity: str
    subtitle: str
    date_line: str
    logo: tuple[tuple[str, ...], ...]
    title_size: float = 40.0
    entity_size: float = 22.0
    tops: tuple[float, float, float, float] = (150.0, 260.0, 312.0, 346.0)
    logo_size: float = 12.0
    logo_image: LogoImage | None = None
    logo_box: Box = COVER_LOGO_BOX


@dataclass(frozen=True)
class Kpi:
    """A key figure's box; with a light, its word (`Verde`) is drawn in a chip of that colour."""

    label: str
    value: str
    light: TrafficLight | None = None
    light_word: str | None = None
    value_size: float = 26.0


@dataclass(frozen=True)
class LightCount:
    """A chip of the row of tallies on the summary: one per level of the scale (as many as it
    has, sin reporte and N/A included), `x` and `w` its place, `size` its text's."""

    light: TrafficLight
    label: str
    count: int
    x: float = MARGIN
    w: float = CONTENT_W
    size: float = LIGHT_SIZES[0]


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
    lights_title: str = ""  # over the count of indicators per light, with the key figures
    axes_title: str | None = None  # with ejes, on the first slide: one line per eje from SUMMARY_FIRST_TOP
    axes: tuple[Item, ...] = ()
    axes_top: float = 246.0  # SUMMARY_FIRST_TOP, or higher on a slide of its own
    title_size: float = TITLE_SIZE


@dataclass(frozen=True)
class Changes:
    """«Cambios desde el corte anterior»: a titled list of indicators, each line with the dot of its
    current semáforo and its change in words (drawn as the summary's lists are), continued over
    slides; `empty_note` instead of the list when there is no comparison, and why; `more_note`
    after the last page's list (the indicators without changes, remarks)."""

    title: str
    attention_title: str
    attention: tuple[Item, ...]
    attention_size: float
    empty_note: str | None = None
    attention_top: float = 80.0
    more_note: str | None = None
    title_size: float = TITLE_SIZE
    kpis: tuple[Kpi, ...] = ()
    lights: tuple[LightCount, ...] = ()
    lights_title: str = ""
    axes_title: str | None = None
    axes: tuple[Item, ...] = ()
    axes_top: float = 80.0


@dataclass(frozen=True)
class Section:
    """The slide that opens an eje's objectives: its figures and one line per objective."""

    kicker: str
    title: str
    kpis: tuple[Kpi, ...]
    items_title: str
    items: tuple[Item, ...]
    item_size: float
    title_size: float = TITLE_SIZE


@dataclass(frozen=True)
class Prose:
    kicker: str
    title: str
    body: tuple[Run, ...]
    body_size: float
    source: str | None = None
    source_top: float = 450.0
    title_size: float = TITLE_SIZE


@dataclass(frozen=True)
class Card:
    heading: str
    text: tuple[Run, ...]
    text_size: float
    count_label: str
    attainment: str
    light: TrafficLight
    attainment_size: float = 22.0


@dataclass(frozen=True)
class Cards:
    title: str
    cards: tuple[Card, ...]
    title_size: float = TITLE_SIZE


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
    title_size: float = TITLE_SIZE
    text_h: float = 70.0
    attainment_size: float = 24.0
    label_size: float = 10.0


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
    its alt text; `pipeline.report.chart_layout` chooses the kind and splits long ones over slides."""

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
class CommentItem:
    """A block of the comments slide: an objective's heading (`group`), or a comment: its
    indicator (label in bold, then name; at most COMMENT_NAME_LINES lines) and its text."""

    heading: tuple[Run, ...]
    text: str = ""
    group: bool = False

    @property
    def title(self) -> str:
        return plain(self.heading)


@dataclass(frozen=True)
class Comments:
    title: str
    items: tuple[CommentItem, ...]
    size: float
    empty_note: str | None = None
    title_size: float = TITLE_SIZE


@dataclass(frozen=True)
class Closing:
    text: str
    entity: str
    logo: tuple[tuple[str, ...], ...]
    entity_size: float = 18.0
    logo_size: float = 12.0
    logo_image: LogoImage | None = None
    logo_box: Box = CLOSING_LOGO_BOX


Slide = Cover | Summary | Changes | Prose | Cards | Section | Detail | ChartSlide | Comments | Closing


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
