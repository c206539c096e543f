"""The slide layout: the document model (`pipeline.report.document`) paginated into slides.

What the report says (wording, formatted numbers, order) comes from the document; here it is
placed: font sizes, the split of long tables and lists over several slides, what fits the
executive summary, the form of each chart. `render_pptx` and `render_pdf` only draw these
slides. Geometry is in points on a 16:9 slide of 960 x 540 pt (13,333 x 7,5 in).

The slide kinds and the page's fixed places are in `pipeline.report.slides`, the chart slides in
`pipeline.report.chart_slides`; their names are importable from here too, as before the split.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import TypeVar

import pandas as pd

from pipeline.core.attainment import PlanResult
from pipeline.report.chart_slides import BARS_NOTE, BARS_ORDER, NOTE_SIZE, _objectives_chart, _path_slides, _quarter_chart
from pipeline.report.document import (
    ANNEX_TITLE, Comment, TABLE_COLUMNS, TABLE_KEYS, AttentionItem, Document, ObjectiveSection, amount_text,
    attainment_text, axis_line, build_document, continued, count_text, light_label, objective_line, short,
)
from pipeline.core.model import Plan
from pipeline.core.settings import LogoImage, Theme, TrafficLight, TrafficLightBands
from pipeline.core.text import LINE_HEIGHT, Run, fit_size, height, lines, plain, shorten, split, width
from pipeline.report.slides import (
    SLIDE_W, SLIDE_H, MARGIN, CONTENT_W, FOOTER_Y, CELL_PAD_X, CELL_PAD_Y, Box, TITLE_SIZE, TITLE_SIZES, TITLE_MIN,
    TITLE_TOP, TITLE_KICKER_TOP, KICKER_SIZE, DETAIL_TITLE_W, COVER_X, COVER_W, COVER_TOP, COVER_BOTTOM,
    COVER_TITLE_SIZES, COVER_ENTITY_SIZES, COVER_LOGO_BOX, CLOSING_ENTITY_TOP, CLOSING_ENTITY_SIZES,
    CLOSING_ENTITY_BOTTOM, CLOSING_LOGO_BOX, LOGO_SIZES, KPI_GAP, KPI_H, SUMMARY_KPI_TOP, LIGHTS_TOP, LIGHT_GAP,
    LIGHT_SIZES, LIGHT_DOT_X, LIGHT_TEXT_X, KPI_W, KPI_VALUE_SIZES, KPI_WORD_SIZE, KPI_WORD_H, KPI_WORD_PAD, Cover,
    Kpi, LightCount, Item, Summary, Changes, Section, Prose, Card, Cards, Column, Cell, Row, Table, Detail, Series,
    Chart, ChartSlide, CommentItem, Comments, Closing, Slide, Report,
)

__all__ = [
    "SLIDE_W", "SLIDE_H", "MARGIN", "Report", "Cover", "Summary", "Prose", "Card", "Cards",
    "Column", "Cell", "Row", "Table", "Detail", "Series", "Chart", "ChartSlide", "Comment", "CommentItem",
    "Comments", "Closing", "Kpi", "LightCount", "Section", "Changes", "build_report", "lay_out", "TABLE_COLUMNS",
    "attainment_text", "amount_text", "light_label", "Box",
    # The slide kinds, the page's places and the chart slides' constants, as before the split.
    "CONTENT_W", "FOOTER_Y", "CELL_PAD_X", "CELL_PAD_Y", "TITLE_SIZE", "TITLE_SIZES", "TITLE_MIN", "TITLE_TOP",
    "TITLE_KICKER_TOP", "KICKER_SIZE", "DETAIL_TITLE_W", "COVER_X", "COVER_W", "COVER_TOP", "COVER_BOTTOM",
    "COVER_TITLE_SIZES", "COVER_ENTITY_SIZES", "COVER_LOGO_BOX", "CLOSING_ENTITY_TOP", "CLOSING_ENTITY_SIZES",
    "CLOSING_ENTITY_BOTTOM", "CLOSING_LOGO_BOX", "LOGO_SIZES", "KPI_GAP", "KPI_H", "SUMMARY_KPI_TOP", "LIGHTS_TOP",
    "LIGHT_GAP", "LIGHT_SIZES", "LIGHT_DOT_X", "LIGHT_TEXT_X", "KPI_W", "KPI_VALUE_SIZES", "KPI_WORD_SIZE",
    "KPI_WORD_H", "KPI_WORD_PAD", "Item", "Slide", "BARS_NOTE", "BARS_ORDER", "NOTE_SIZE",
]

T = TypeVar("T")


# --- the detail table -----------------------------------------------------------------------

TABLE_SIZES = (12.0, 11.5, 11.0, 10.5, 10.0, 9.5)  # tried in order while the table fits one slide
TABLE_FONT, TABLE_MIN_FONT = 9.5, 8.0
HEADER_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)
TABLE_WIDTHS = (286.0, 92.0, 76.0, 72.0, 74.0, 66.0, 82.0, 70.0, 62.0)
_WIDTH_OF = dict(zip(TABLE_KEYS, TABLE_WIDTHS))


def table_widths(keys: Sequence[str]) -> tuple[float, ...]:
    """The columns' widths: TABLE_WIDTHS, and when the plan's columns are left out (a one-year
    plan) their room goes to the name and the year's figures, so the table keeps its width."""
    if len(keys) == len(TABLE_KEYS) or not all(k in _WIDTH_OF for k in keys):
        return TABLE_WIDTHS[: len(keys)]
    widths = {k: _WIDTH_OF[k] for k in keys}
    spare = sum(TABLE_WIDTHS) - sum(widths.values())
    figures = [k for k in ("year_target", "year_executed") if k in widths]
    for k in figures:  # room for a change of level with its levels (`+2 p. p. (de 90 a 92 %)`)
        widths[k] += spare / 4
    widths["name"] = widths.get("name", 0.0) + spare - len(figures) * spare / 4
    return tuple(widths[k] for k in keys)


DETAIL_TEXT_TOP, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H = 80.0, 700.0, 66.0
TABLE_BOTTOM = FOOTER_Y - 14.0


def _cell_height(cells: tuple[Cell, ...], size: float, widths: Sequence[float] = TABLE_WIDTHS) -> float:
    tallest = max(
        height(c.parts, size, w - 2 * CELL_PAD_X) for c, w in zip(cells, widths)
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


def _fitted_row(
    cells: tuple[Cell, ...], light: TrafficLight, font: float, room: float, widths: Sequence[float] = TABLE_WIDTHS
) -> list[Row]:
    """A table row at `font`, made smaller (down to TABLE_MIN_FONT) if it is taller than a slide's
    room; still taller at that size (a name of thousands of characters), its longest cell
    continues in rows below, which repeat the semáforo's word beside its colour."""
    size = font
    h = _cell_height(cells, size, widths)
    while h > room and size > TABLE_MIN_FONT:
        size -= 0.5
        h = _cell_height(cells, size, widths)
    if h <= room:
        return [Row(cells, light, h, size)]
    tallest = max(range(len(cells)), key=lambda n: height(cells[n].parts, size, widths[n] - 2 * CELL_PAD_X))
    last = len(cells) - 1
    pieces = split(cells[tallest].parts, size, widths[tallest] - 2 * CELL_PAD_X, room - 2 * CELL_PAD_Y - 4.0)
    rows = []
    for n, piece in enumerate(pieces):
        row_cells = tuple(
            Cell(piece) if k == tallest else c if n == 0 or k == last else Cell(()) for k, c in enumerate(cells)
        )
        rows.append(Row(row_cells, light, _cell_height(row_cells, size, widths), size))
    return rows


DETAIL_TEXT_SIZES = (15.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0)  # the objective above its table
DETAIL_PREVIEW_SIZE = 12.0
DETAIL_NOTE = " (texto completo en la diapositiva anterior)"
DETAIL_NOTE_MANY = " (texto completo en las diapositivas anteriores)"


def _details(objective: ObjectiveSection, year: int, kicker: str) -> list[Detail | Prose]:
    """The objective's table slides (titled `kicker` and the objective); an objective text too long to sit above its table even at
    the smallest size comes first on slides of its own, and the table slide shows its beginning
    and says so."""
    table = objective.table
    widths = table_widths([c.key for c in table.columns])
    headings = tuple(c.heading for c in table.columns)
    header_cells = tuple(Cell((Run(h, bold=True),)) for h in headings)
    # The largest header size at which no word has to break inside its column.
    header_font = next(
        (
            size for size in HEADER_SIZES
            if all(width(word, size, bold=True) <= w - 2 * CELL_PAD_X for h, w in zip(headings, widths) for word in h.split())
        ),
        HEADER_SIZES[-1],
    )
    header_height = _cell_height(header_cells, header_font, widths)
    columns = tuple(Column(c.heading, w, c.align) for c, w in zip(table.columns, widths))
    # what a «dato por revisar» does to the attainment in the badge beside it: after the text, always shown
    review = (Run(" "), Run(objective.review_note, bold=True)) if objective.review_note else ()
    text = (*objective.detail_text, *review)
    text_size = fit_size(text, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H, DETAIL_TEXT_SIZES)
    before: list[Prose] = []
    if height(text, text_size, DETAIL_TEXT_W) > DETAIL_TEXT_MAX_H:
        before = _prose_slides(kicker, objective.heading, objective.detail_text)
        note = DETAIL_NOTE if len(before) == 1 else DETAIL_NOTE_MANY
        text_size = DETAIL_PREVIEW_SIZE  # its beginning, readable; the whole is on the slides before
        text = shorten(objective.detail_text, text_size, DETAIL_TEXT_W, DETAIL_TEXT_MAX_H, (Run(note), *review))
    text_h = height(text, text_size, DETAIL_TEXT_W)
    table_top = DETAIL_TEXT_TOP + text_h + 14.0
    rows = [(tuple(Cell(parts) for parts in row.cells), row.light) for row in table.rows]
    first_room = TABLE_BOTTOM - table_top - header_height
    later_top = DETAIL_TEXT_TOP
    font = next(
        (size for size in TABLE_SIZES if sum(_cell_height(cells, size, widths) for cells, _ in rows) <= first_room),
        TABLE_FONT,
    )
    room = TABLE_BOTTOM - later_top - header_height
    # The first row fits (or starts) the first slide, under the text: no slide shows a table's
    # header alone.
    fitted = [
        row for n, (cells, light) in enumerate(rows)
        for row in _fitted_row(cells, light, font, first_room if n == 0 and first_room > 4 * font else room, widths)
    ]
    pages = _paginate(fitted, [r.height for r in fitted], first_room, room, may_leave_first_empty=True)
    label = f"Avance {year} · {objective.light_word}"
    badge_w = 140.0
    return [
        *before,
        *(
            Detail(
                title=continued(f"{kicker} {objective.heading}", n, len(pages)),
                attainment=objective.attainment,
                attainment_label=label,
                light=objective.light,
                text=text if n == 0 else (),
                text_size=text_size,
                table=Table(columns, tuple(page), header_font, header_height),
                table_top=table_top if n == 0 else later_top,
                text_h=text_h,
                attainment_size=_one_line_size(objective.attainment, badge_w, (24.0, 22.0, 20.0, 18.0, 16.0, 14.0), bold=True),
                label_size=_one_line_size(label, badge_w, (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)),
            )
            for n, page in enumerate(pages)
        ),
    ]


def _one_line_size(text: str, w: float, sizes: Sequence[float], bold: bool = False) -> float:
    """The largest of `sizes` at which `text` fits `w` points on one line (else the last)."""
    return next((size for size in sizes if width(text, size, bold) <= w), sizes[-1])


# --- the other slides ---------------------------------------------------------------------------

CARD_GAP, CARD_TOP, CARD_H = 16.0, 92.0, 392.0
CARD_W = (CONTENT_W - 3 * CARD_GAP) / 4
CARD_TEXT_W, CARD_TEXT_H = CARD_W - 28.0, 236.0


CARD_SIZES = (13.0, 12.5, 12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
CARD_VALUE_W = CARD_TEXT_W - 28.0  # beside the semáforo's dot


def _cards(document: Document) -> list[Cards]:
    """Four objectives a slide. A text too long for its card even at 8 pt ends in "…" and says
    where it is whole: the objective's own section (its detail slide, or the slides before it)."""
    cards = []
    for o in document.objectives:
        size = fit_size(o.text, CARD_TEXT_W, CARD_TEXT_H, CARD_SIZES)
        note = (Run(f" (texto completo en la sección del {o.heading})"),)
        cards.append(
            Card(
                heading=o.heading,
                text=shorten(o.text, size, CARD_TEXT_W, CARD_TEXT_H, note),
                text_size=size,
                count_label=o.count_label,
                attainment=o.attainment,
                light=o.light,
                attainment_size=_one_line_size(o.attainment, CARD_VALUE_W, (22.0, 20.0, 18.0, 16.0, 14.0), bold=True),
            )
        )
    title = document.headings.objectives
    return [Cards(title, tuple(cards[start : start + 4])) for start in range(0, len(cards), 4)]


PROSE_TOP, PROSE_MAX_ROOM = 110.0, 320.0
PROSE_SIZES = (22.0, 21.0, 20.0, 19.0, 18.0, 17.0, 16.0, 15.0, 14.0, 13.0, 12.0)
SOURCE_SIZE, SOURCE_GAP = 11.0, 12.0


def _prose_slides(kicker: str, title: str, body: tuple[Run, ...], source: str | None = None) -> list[Prose]:
    """A text on one slide at the largest size that fits; too long even at the smallest, it
    continues on slides titled «Misión (continuación 2 de 3)», cut at the end of a sentence where
    one is near. The source, if any, closes the last slide above the footer."""
    source_h = height((Run(source),), SOURCE_SIZE, CONTENT_W) if source else 0.0
    source_top = TABLE_BOTTOM - source_h
    last_room = min(PROSE_MAX_ROOM, source_top - SOURCE_GAP - PROSE_TOP) if source else PROSE_MAX_ROOM
    size = fit_size(body, CONTENT_W, last_room, PROSE_SIZES)
    if height(body, size, CONTENT_W) <= last_room:
        pieces = [body]
    else:
        pieces = split(body, size, CONTENT_W, PROSE_MAX_ROOM)
        # As many slides, evenly filled: no last slide with a line or two on it.
        line = size * LINE_HEIGHT
        even = (int(height(body, size, CONTENT_W) / line / len(pieces)) + 2) * line
        balanced = split(body, size, CONTENT_W, min(even, PROSE_MAX_ROOM))
        if len(balanced) == len(pieces):
            pieces = balanced
        if source and height(pieces[-1], size, CONTENT_W) > last_room:
            pieces[-1:] = split(pieces[-1], size, CONTENT_W, last_room)
    return [
        Prose(kicker, continued(title, n, len(pieces)), piece, size,
              source if n == len(pieces) - 1 else None, source_top if source else 450.0)
        for n, piece in enumerate(pieces)
    ]


ATTENTION_W, ATTENTION_SIZE = CONTENT_W - 30.0, 11.5
SUMMARY_FIRST_TOP, SUMMARY_TOP = 246.0, 80.0  # the attention list's title, below the KPIs or not
SUMMARY_FIRST_ROOM, SUMMARY_ROOM = TABLE_BOTTOM - SUMMARY_FIRST_TOP - 16.0, TABLE_BOTTOM - 92.0
LIST_TITLE_H, ITEM_GAP = 24.0, 6.0
LIST_TOP = SUMMARY_TOP - LIST_TITLE_H + 12.0  # a list with no title of its own, on a slide of its own


def _items_height(items: Sequence[Item], size: float = ATTENTION_SIZE, w: float = ATTENTION_W) -> list[float]:
    return [height(parts, size, w) + ITEM_GAP for _, parts in items]


def _split_items(items: Sequence[Item], room: float, size: float = ATTENTION_SIZE) -> list[Item]:
    """Items, an item taller than `room` cut in pieces that each fit it (same light, same dot)."""
    out: list[Item] = []
    for light, parts in items:
        if height(parts, size, ATTENTION_W) + ITEM_GAP <= room:
            out.append((light, parts))
        else:
            out.extend((light, piece) for piece in split(parts, size, ATTENTION_W, room - ITEM_GAP))
    return out


def _kpis(figures) -> tuple[Kpi, ...]:
    """The key figures' boxes; the value shrinks to leave room for the semáforo's word."""
    out = []
    for f in figures:
        word = f.light_word
        room = KPI_W - 24.0 - (width(word, KPI_WORD_SIZE, bold=True) + 2 * KPI_WORD_PAD + 6.0 if word else 0.0)
        out.append(Kpi(f.label, f.value, f.light, word, _one_line_size(f.value, room, KPI_VALUE_SIZES, bold=True)))
    return tuple(out)


def _light_counts(document: Document) -> tuple[LightCount, ...]:
    """The tallies in one row across the content, sharing the largest size at which each fits."""
    n = len(document.lights)
    w = (CONTENT_W - (n - 1) * LIGHT_GAP) / n if n else CONTENT_W
    room = w - LIGHT_TEXT_X - 6.0
    size = min((_one_line_size(f"{t.count} {t.label}", room, LIGHT_SIZES, bold=True) for t in document.lights),
               default=LIGHT_SIZES[0])
    return tuple(
        LightCount(t.light, t.label, t.count, MARGIN + k * (w + LIGHT_GAP), w, size) for k, t in enumerate(document.lights)
    )


def _summaries(document: Document) -> tuple[list[Summary], list[Summary]]:
    """The executive summary (one slide: the most severe attention items that fit, then "y N
    más") and, when not every item fits, the annex with all of them. Ejes too many or too long
    for the summary's slide get slides of their own after it."""
    lights = _light_counts(document)
    axes: tuple[Item, ...] = tuple((a.light, axis_line(a, document.year, document.plan_period)) for a in document.axes)
    axes_h = (LIST_TITLE_H + sum(_items_height(axes)) + 8.0) if axes else 0.0
    axes_slides: list[Summary] = []
    if axes_h > SUMMARY_FIRST_ROOM - MORE_NOTE_H:  # not even room left to send the reader to the annex
        listed = _split_items(axes, SUMMARY_ROOM)
        pages = _paginate(listed, _items_height(listed), SUMMARY_ROOM, SUMMARY_ROOM)
        axes_slides = [
            Summary(title=continued(document.headings.axes, n, len(pages)), kpis=(), lights=(), attention_title="",
                    attention=(), attention_size=ATTENTION_SIZE, axes_title="", axes=tuple(page), axes_top=LIST_TOP)
            for n, page in enumerate(pages)
        ]
        axes, axes_h = (), 0.0
    first_top = SUMMARY_FIRST_TOP + axes_h
    items: list[Item] = [(i.light, i.parts) for i in document.attention]
    heights = _items_height(items)
    room = SUMMARY_FIRST_ROOM - axes_h
    shown = _fitting(heights, room)
    if shown < len(items):  # keep room for the line that sends the reader to the annex
        shown = _fitting(heights, room - MORE_NOTE_H)
    rest = len(items) - shown
    summary = Summary(
        title=document.headings.summary,
        kpis=_kpis(document.key_figures),
        lights=lights,
        attention_title=document.headings.attention,
        lights_title=document.headings.lights,
        attention=tuple(items[:shown]),
        attention_size=ATTENTION_SIZE,
        empty_note=None if items else document.no_attention,
        attention_top=first_top,
        more_note=(
            f"y {count_text(rest, 'indicador', 'indicadores')} más: la lista completa, de los más graves a los "
            f"demás, está en el anexo «{ANNEX_TITLE}» al final."
        ) if rest else None,
        axes_title=document.headings.axes if axes else None,
        axes=axes,
    )
    return [summary, *axes_slides], (_annex(items) if rest else [])


MORE_NOTE_H = 40.0


def _fitting(heights: Sequence[float], room: float) -> int:
    """How many of the first items fit in `room` points."""
    used, n = 0.0, 0
    for h in heights:
        if used + h > room:
            break
        used, n = used + h, n + 1
    return n


def _annex(items: list[Item]) -> list[Summary]:
    """Every attention item, most severe first, over as many slides as they need."""
    listed = _split_items(items, SUMMARY_ROOM)
    pages = _paginate(listed, _items_height(listed), SUMMARY_ROOM, SUMMARY_ROOM)
    return [
        Summary(
            title=continued(f"Anexo: {ANNEX_TITLE.lower()}", n, len(pages)),
            kpis=(),
            lights=(),
            attention_title="",
            attention=tuple(page),
            attention_size=ATTENTION_SIZE,
            attention_top=LIST_TOP,
        )
        for n, page in enumerate(pages)
    ]


CHANGES_MAX_SLIDES = 3  # more than this many slides of changes: the improvements are counted instead of listed


def _changes(document: Document) -> list[Changes]:
    """The changes since the previous cut, right after the executive summary: every indicator with
    a change, most severe first, as many a slide as fit (the same list on each, «continuación»),
    and the count of those without changes at the end; a line saying why when there is no
    comparison."""
    section = document.changes
    if section is None:
        return []
    if not section.items:
        note = " ".join(n for n in (section.note, *section.remarks) if n)
        return [Changes(section.title, section.intro or "", (), ATTENTION_SIZE, empty_note=note, attention_top=SUMMARY_TOP)]
    room = TABLE_BOTTOM - SUMMARY_TOP - LIST_TITLE_H
    shown = section.items
    elsewhere = None
    if sum(_items_height([(i.light, i.parts) for i in shown])) > CHANGES_MAX_SLIDES * room:
        # a large plan: the deck lists what needs attention; the improvements are counted, each in
        # cambios.csv and on the web page
        shown = tuple(i for i in shown if i.rank < 7)
        elsewhere = section.improvements_elsewhere
    notes = " ".join(n for n in (elsewhere, section.unchanged, *section.remarks) if n) or None
    items: list[Item] = [(i.light, i.parts) for i in shown]
    if not items:
        return [Changes(section.title, section.intro or "", (), ATTENTION_SIZE, empty_note=notes, attention_top=SUMMARY_TOP)]
    last_room = room - (height((Run(notes, bold=True),), ATTENTION_SIZE, ATTENTION_W) + 2 if notes else 0.0)
    listed = _split_items(items, last_room)
    pages = _paginate(listed, _items_height(listed), room, room)
    if notes and sum(_items_height(pages[-1])) > last_room:  # the note needs the last slide's room
        pages[-1:] = _paginate(pages[-1], _items_height(pages[-1]), last_room, last_room)
        if sum(_items_height(pages[-1])) > last_room:
            pages.append([])
    return [
        Changes(
            continued(section.title, n, len(pages)), section.intro or "", tuple(page), ATTENTION_SIZE,
            attention_top=SUMMARY_TOP, more_note=notes if n == len(pages) - 1 else None,
        )
        for n, page in enumerate(pages)
    ]


SECTION_KPI_TOP, SECTION_ITEMS_TOP = 92.0, 196.0
SECTION_ROOM = TABLE_BOTTOM - SECTION_ITEMS_TOP - LIST_TITLE_H


def _sections(document: Document, axis) -> list[Section]:
    """The eje's opening slide(s): its figures, then one line per objective (continued if many)."""
    items: list[Item] = _split_items(
        [(o.light, objective_line(o, document.year)) for o in (document.objective(i) for i in axis.objective_ids)],
        SECTION_ROOM,
    )
    pages = _paginate(items, _items_height(items), SECTION_ROOM, SECTION_ROOM)
    return [
        Section(
            kicker=document.headings.axis_kicker,
            title=continued(axis.name, n, len(pages)),
            kpis=_kpis(axis.key_figures),
            items_title=f"Objetivos del eje ({len(axis.objective_ids)})",
            items=tuple(page),
            item_size=ATTENTION_SIZE,
        )
        for n, page in enumerate(pages)
    ]


COMMENT_SIZE, COMMENT_W = 11.5, CONTENT_W - 20.0
COMMENT_TOP, COMMENT_GAP = 84.0, 10.0
COMMENT_ROOM = TABLE_BOTTOM - COMMENT_TOP


COMMENT_NAME_LINES, COMMENT_GROUP_GAP = 2, 4.0
CONTINUED = " (continuación)"


def _comment_height(c: CommentItem) -> float:
    head = height(c.heading, COMMENT_SIZE, COMMENT_W)
    if c.group:
        return head + COMMENT_GROUP_GAP
    return head + height(c.text, COMMENT_SIZE, COMMENT_W) + COMMENT_GAP


def _comment_blocks(group) -> tuple[CommentItem, list[CommentItem]]:
    """An objective's heading and its comments as blocks; a comment longer than a slide is cut in
    pieces that continue under its indicator and «(continuación)»."""
    head = CommentItem((Run(group.heading, bold=True),), group=True)
    room = COMMENT_ROOM - _comment_height(replace(head, heading=(Run(group.heading + CONTINUED, bold=True),)))
    blocks = []
    for c in group.comments:
        name = shorten(c.indicator, COMMENT_SIZE, COMMENT_W, COMMENT_NAME_LINES * COMMENT_SIZE * LINE_HEIGHT)
        item = CommentItem(name, c.text)
        if _comment_height(item) <= room:
            blocks.append(item)
            continue
        continued_name = shorten(c.indicator, COMMENT_SIZE, COMMENT_W, COMMENT_NAME_LINES * COMMENT_SIZE * LINE_HEIGHT,
                                 (Run(CONTINUED),))
        text_room = room - height(continued_name, COMMENT_SIZE, COMMENT_W) - COMMENT_GAP
        pieces = split(c.text, COMMENT_SIZE, COMMENT_W, text_room)
        blocks.extend(CommentItem(name if n == 0 else continued_name, plain(piece)) for n, piece in enumerate(pieces))
    return head, blocks


def _comments(document: Document) -> list[Comments]:
    """The comments of the cut under their objective's heading (and eje), as many a slide as fit.
    A slide never ends with a heading alone; a group that goes on to the next slide repeats its
    heading there with «(continuación)», and one comment longer than a slide continues under its
    indicator and «(continuación)»."""
    title = document.comments_title
    if not document.comment_groups:
        return [Comments(title, (), COMMENT_SIZE, document.no_comments)]
    pages: list[list[CommentItem]] = [[]]
    left = COMMENT_ROOM
    for group in document.comment_groups:
        head, blocks = _comment_blocks(group)
        for k, block in enumerate(blocks):
            need = _comment_height(block) + (_comment_height(head) if k == 0 else 0.0)
            if need > left + 1e-9 and pages[-1]:
                pages.append([])
                left = COMMENT_ROOM
                if k > 0:
                    again = replace(head, heading=(Run(group.heading + CONTINUED, bold=True),))
                    pages[-1].append(again)
                    left -= _comment_height(again)
            if k == 0:
                pages[-1].append(head)
                left -= _comment_height(head)
            pages[-1].append(block)
            left -= _comment_height(block)
    return [Comments(continued(title, n, len(pages)), tuple(page), COMMENT_SIZE) for n, page in enumerate(pages)]


LOGO_LINE, LOGO_LINES, LOGO_LINE_MAX = 18, 4, 48


def entity_logo(entity: str) -> tuple[tuple[str, ...], ...]:
    """The logo's text when the configuration gives none: the entity's name in capitals, whole,
    on up to four short lines; a longer name gets longer lines (up to LOGO_LINE_MAX characters)
    and then more of them, and the layout makes the text smaller to fit its box (`_logo`). Never
    another entity's name, never cut."""
    text = " ".join(entity.upper().split())
    width = LOGO_LINE
    lines = textwrap.wrap(text, width, break_long_words=False) or [text]
    while len(lines) > LOGO_LINES and width < LOGO_LINE_MAX:
        width += 2
        lines = textwrap.wrap(text, width, break_long_words=False)
    return (tuple(lines),)


def logo_text_height(logo: tuple[tuple[str, ...], ...], size: float, w: float) -> float:
    """The logo text's height: its lines (a long one wraps), with a blank line between blocks."""
    count = sum(lines((Run(line, bold=True),), size, w) for block in logo for line in block)
    return (count + max(len(logo) - 1, 0)) * size * LINE_HEIGHT


def _logo_size(logo: tuple[tuple[str, ...], ...], box: Box) -> float:
    return next((size for size in LOGO_SIZES if logo_text_height(logo, size, box[2]) <= box[3]), LOGO_SIZES[-1])


def _logo(logo: tuple[tuple[str, ...], ...], box: Box, generated: bool) -> tuple[tuple[tuple[str, ...], ...], float]:
    """The logo text and its size in `box`: the largest of LOGO_SIZES at which it fits. Only a
    name longer than any entity has (it fits no size: hundreds of characters) is shortened, as
    the cover shortens such a title; the file's metadata keeps it whole."""
    size = _logo_size(logo, box)
    if not generated or logo_text_height(logo, size, box[2]) <= box[3]:
        return logo, size
    text = " ".join(line for block in logo for line in block)
    fitted = plain(shorten((Run(text, bold=True),), size, box[2], box[3]))
    return ((fitted,),), size


def fit_image(image: LogoImage, box: Box, align: str) -> Box:
    """The largest box of the image's proportions inside `box`, vertically centred, against its
    right side ("right") or in its middle ("center")."""
    x, y, w, h = box
    scale = min(w / image.width, h / image.height)
    iw, ih = image.width * scale, image.height * scale
    return (x + w - iw if align == "right" else x + (w - iw) / 2, y + (h - ih) / 2, iw, ih)


def _cover(document: Document, logo, image: LogoImage | None, generated: bool = False) -> Cover:
    """The title and the entity at the largest sizes (title first) at which the title, the entity,
    the cut line and the date fit above the logo; on as many lines as they need."""
    gaps = (56.0, 22.0, 34.0)  # title to entity, entity to cut line, cut line to date (as the seed)
    tight = (18.0, 12.0, 30.0)
    date_h = 14.0 * LINE_HEIGHT
    best = None
    for title_size in COVER_TITLE_SIZES:
        title_h = height((Run(document.title, bold=True),), title_size, COVER_W)
        # a title on more than one line sits closer to the entity, as a block
        for spacing in ((gaps, tight) if title_h <= title_size * LINE_HEIGHT else (tight,)):
            for entity_size in COVER_ENTITY_SIZES:
                entity_h = height(document.entity, entity_size, COVER_W)
                total = title_h + spacing[0] + entity_h + spacing[1] + spacing[2] + date_h
                top = min(COVER_TOP, COVER_BOTTOM - total)
                if top >= 2 * MARGIN:
                    best = (title_size, entity_size, top, title_h, entity_h, spacing)
                    break
            if best:
                break
        if best:
            break
    title, entity = document.title, document.entity
    if best is None:  # longer than any plan writes: both shortened, whole in the file's metadata
        title_size, entity_size, spacing = COVER_TITLE_SIZES[-1], COVER_ENTITY_SIZES[-1], tight
        title = plain(shorten((Run(title, bold=True),), title_size, COVER_W, 4 * title_size * LINE_HEIGHT))
        entity = plain(shorten(entity, entity_size, COVER_W, 3 * entity_size * LINE_HEIGHT))
        title_h = height((Run(title, bold=True),), title_size, COVER_W)
        entity_h = height(entity, entity_size, COVER_W)
        top = COVER_BOTTOM - (title_h + spacing[0] + entity_h + spacing[1] + spacing[2] + date_h)
    else:
        title_size, entity_size, top, title_h, entity_h, spacing = best
    entity_top = top + title_h + spacing[0]
    subtitle_top = entity_top + entity_h + spacing[1]
    box = COVER_LOGO_BOX
    logo, logo_size = _logo(logo, box, generated)
    return Cover(
        title, entity, document.subtitle, document.date_line, logo,
        title_size=title_size, entity_size=entity_size,
        tops=(top, entity_top, subtitle_top, subtitle_top + spacing[2]),
        logo_size=logo_size, logo_image=image,
        logo_box=fit_image(image, box, "right") if image else box,
    )


def _closing(document: Document, logo, image: LogoImage | None, generated: bool = False) -> Closing:
    room = CLOSING_ENTITY_BOTTOM - CLOSING_ENTITY_TOP
    size = fit_size(document.entity, COVER_W, room, CLOSING_ENTITY_SIZES)
    entity = plain(shorten(document.entity, size, COVER_W, room))
    box = CLOSING_LOGO_BOX
    logo, logo_size = _logo(logo, box, generated)
    return Closing("GRACIAS", entity, logo, size, logo_size, image,
                   fit_image(image, box, "center") if image else box)


def title_lines(title: str, size: float, w: float) -> int:
    return lines((Run(title, bold=True),), size, w)


def _fit_title(slide: Slide) -> Slide:
    """The slide with its title at the largest size that keeps it on one line (down to 18 pt),
    else on two lines at 18 or 16 pt, else shortened to two lines (the whole text is elsewhere: an
    eje's name in the summary, the plan's title on the cover); a kicker on one line."""
    if isinstance(slide, Cover) or not hasattr(slide, "title_size"):  # the cover has its own
        return slide
    w = DETAIL_TITLE_W if isinstance(slide, Detail) else CONTENT_W
    changes: dict = {}
    kicker = getattr(slide, "kicker", None)
    if kicker:
        fitted = plain(shorten((Run(kicker.upper(), bold=True),), KICKER_SIZE, w, KICKER_SIZE * LINE_HEIGHT))
        if fitted != kicker.upper():
            changes["kicker"] = fitted
    title = slide.title
    size = next((size for size in TITLE_SIZES if title_lines(title, size, w) == 1), None)
    if size is None:
        size = next((size for size in (TITLE_SIZES[-1], TITLE_MIN) if title_lines(title, size, w) <= 2), TITLE_MIN)
        if title_lines(title, size, w) > 2:
            changes["title"] = plain(shorten((Run(title, bold=True),), size, w, 2 * size * LINE_HEIGHT))
    if size != slide.title_size:
        changes["title_size"] = size
    return replace(slide, **changes) if changes else slide


FOOTER_SIZE, FOOTER_W = 8.0, CONTENT_W - 80.0


def lay_out(document: Document, theme: Theme) -> Report:
    """The document as slides, in the seed's order with the quarterly additions."""
    summary, annex = _summaries(document)
    logo = theme.logo or entity_logo(document.entity)
    generated = not theme.logo
    image = theme.logo_image
    slides: list[Slide] = [
        _cover(document, logo, image, generated),
        *summary,
        *_changes(document),
        *_prose_slides(document.plan_title, document.headings.normative, document.normative,
                       document.normative_source),
        *_prose_slides(document.plan_title, document.headings.mission, document.mission),
        *_prose_slides(document.plan_title, document.headings.vision, document.vision),
        *_cards(document),
        *_objectives_chart(document.objectives_figure, theme),
        *_path_slides(document.plan_path, theme),
    ]
    for axis, objectives in document.groups():
        if axis is not None:
            slides.extend(_sections(document, axis))
        for objective in objectives:
            slides.extend(_details(objective, document.year, document.headings.details))
            slides.extend(_quarter_chart(objective.quarterly, theme))
    slides.extend(_comments(document))
    slides.extend(annex)
    slides.append(_closing(document, logo, image, generated))
    return Report(
        title=document.title,
        entity=document.entity,
        period=document.period,
        language=document.language,
        footer=plain(shorten(document.footer, FOOTER_SIZE, FOOTER_W, FOOTER_SIZE * LINE_HEIGHT)),
        created=document.created,
        theme=theme,
        slides=tuple(_fit_title(s) for s in slides),
    )


def build_report(
    plan: Plan,
    execution: pd.DataFrame,
    result: PlanResult,
    bands: TrafficLightBands,
    theme: Theme,
    suspect_fractions: Collection[str] = (),
) -> Report:
    """The slides of `result.cut`: the document (`pipeline.report.document.build_document`), laid out."""
    return lay_out(build_document(plan, execution, result, bands, suspect_fractions), theme)


def slide_titles(report: Report) -> list[str]:
    """Each slide's title, as a reader sees it (for tests and the PDF's outline)."""
    out = []
    for s in report.slides:
        out.append(getattr(s, "title", None) or getattr(s, "text", ""))
    return out
