"""Draw the report's content model as a 16:9 PowerPoint deck (python-pptx).

Nothing here computes a figure or chooses wording: positions come from the content model's
geometry (points on a 960 x 540 slide), texts and numbers arrive formatted. Charts are native
PowerPoint charts (editable), each with alt text. The saved file is made deterministic: fixed
zip entry times and document dates, including those of the workbooks embedded in charts.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import deepcopy
from datetime import datetime

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.text.text import Font
from pptx.util import Pt

from pipeline.report.chart_layout import BAR_LABEL_SIZE, CHART_H, CHART_W, bar_gap, past_cap
from pipeline.report.layout import (
    LIST_TITLE_H, ITEM_GAP, SECTION_KPI_TOP, SECTION_ITEMS_TOP, CARD_GAP, CARD_H, CARD_TOP, CARD_W, CARD_TEXT_H,
    CARD_TEXT_W, ATTENTION_W, COMMENT_W, DETAIL_TEXT_TOP, DETAIL_TEXT_W, PROSE_TOP, PROSE_MAX_ROOM, SOURCE_SIZE,
    COMMENT_TOP, COMMENT_GAP, COMMENT_GROUP_GAP, FOOTER_SIZE, FOOTER_W, logo_text_height,
)
from pipeline.report.slides import (
    LIGHT_DOT_X, LIGHT_TEXT_X, LIGHTS_TOP, SUMMARY_KPI_TOP, FOOTER_Y, MARGIN, SLIDE_H, SLIDE_W, Cards, Changes,
    ChartSlide, Closing, Comments, Cover, Detail, Prose, Report, Section, Summary, CONTENT_W, CELL_PAD_X,
    CELL_PAD_Y, DETAIL_TITLE_W, TITLE_TOP, TITLE_KICKER_TOP, KICKER_SIZE, COVER_X, COVER_W, CLOSING_ENTITY_TOP,
    CLOSING_ENTITY_BOTTOM, KPI_GAP, KPI_H, KPI_W, KPI_WORD_SIZE, KPI_WORD_H, KPI_WORD_PAD,
)
from pipeline.core.settings import Theme
from pipeline.core.text import Run, breakable, height, width

__all__ = ["render_deck", "metadata_text", "CORE_PROPERTY_LIMIT"]

_ALIGN = {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


class _Canvas:
    """One slide and the theme: small drawing helpers in points."""

    def __init__(self, slide, theme: Theme, run_styles: dict | None = None):
        self.slide = slide
        self.theme = theme
        self._run_styles = {} if run_styles is None else run_styles

    def rect(self, x, y, w, h, fill: str | None, line: str | None = None, shape=MSO_SHAPE.RECTANGLE):
        s = self.slide.shapes.add_shape(shape, Pt(x), Pt(y), Pt(w), Pt(h))
        if fill:
            s.fill.solid()
            s.fill.fore_color.rgb = _rgb(fill)
        else:
            s.fill.background()
        if line:
            s.line.color.rgb = _rgb(line)
            s.line.width = Pt(0.75)
        else:
            s.line.fill.background()
        s.shadow.inherit = False
        return s

    def _run_style(self, size, color, bold, italic):
        """The `a:rPr` of a run style, made once with python-pptx's own API and then copied:
        a deck has hundreds of runs and a few styles."""
        key = (size, color, bold, italic)
        if key not in self._run_styles:
            run = parse_xml(f"<a:r {nsdecls('a')}><a:t/></a:r>")
            font = Font(run.get_or_add_rPr())
            font.name = self.theme.font
            font.size = Pt(size)
            font.bold = bold
            font.italic = italic
            font.color.rgb = _rgb(color)
            self._run_styles[key] = run.rPr
        return self._run_styles[key]

    def _fill_runs(self, paragraph, parts, size, color, bold=False, italic=False):
        for part in parts:
            run = paragraph._p.add_r()
            run.text = part.text
            run.insert(0, deepcopy(self._run_style(size, color, bold or part.bold, italic)))

    def text(self, x, y, w, h, parts, size, color, *, bold=False, italic=False, align="left",
             anchor=MSO_ANCHOR.TOP, paragraphs=None, autofit=False):
        """A text box. The layout measured the text to fit `w` x `h`; words longer than `w` get
        break points where it measured them (`breakable`). With `autofit`, PowerPoint shrinks the
        text if someone makes it longer (normAutofit), as its own placeholders do."""
        box = self.slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE if autofit else None
        frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
        frame.vertical_anchor = anchor
        blocks = paragraphs if paragraphs is not None else [parts]
        for n, block in enumerate(blocks):
            p = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            p.alignment = _ALIGN[align]
            if isinstance(block, str):
                block = (Run(block),)
            self._fill_runs(p, breakable(tuple(Run(r.text, r.bold or bold) for r in block), size, w), size, color, bold, italic)
        return box


def _footer(c: _Canvas, report: Report, number: int, total: int) -> None:
    t = c.theme
    c.rect(MARGIN, FOOTER_Y - 6, CONTENT_W, 0.75, t.color("borde"))
    c.text(MARGIN, FOOTER_Y, FOOTER_W, 14, report.footer, FOOTER_SIZE, t.color("texto_suave"))
    c.text(SLIDE_W - MARGIN - 80, FOOTER_Y, 80, 14, f"{number} / {total}", 8, t.color("texto_suave"), align="right")


def _title(c: _Canvas, s, kicker: str | None = None, width: float = CONTENT_W) -> None:
    t = c.theme
    c.rect(0, 0, SLIDE_W, 6, t.color("primario"))
    if kicker:
        c.text(MARGIN, 20, width, 16, kicker.upper(), KICKER_SIZE, t.color("secundario"), bold=True)
    title, size = (s, 24.0) if isinstance(s, str) else (s.title, s.title_size)  # a slide, or a title at 24 pt
    h = max(36.0, height((Run(title, bold=True),), size, width))
    c.text(MARGIN, TITLE_KICKER_TOP if kicker else TITLE_TOP, width, h, title, size, t.color("primario"), bold=True)


def _logo(c: _Canvas, s, color, align, panel: str | None = None) -> None:
    """The logo in its box: the theme's picture fitted there (on a `panel` of that colour, for a
    dark background), or the logo's text."""
    x, y, w, h = s.logo_box
    if s.logo_image is not None:
        if panel:
            c.rect(x - 8, y - 8, w + 16, h + 16, panel)
        picture = c.slide.shapes.add_picture(io.BytesIO(s.logo_image.png), Pt(x), Pt(y), Pt(w), Pt(h))
        picture._element.nvPicPr.cNvPr.set("descr", f"Logo: {s.logo_image.name}")
        return
    lines = []
    for block in s.logo:
        lines.extend(block)
        lines.append("")
    c.text(x, y, w, logo_text_height(s.logo, s.logo_size, w), None, s.logo_size, color, bold=True, align=align,
           paragraphs=lines[:-1])


def _cover(c: _Canvas, s: Cover, report: Report) -> None:
    t = c.theme
    c.rect(0, 0, 22, SLIDE_H, t.color("primario"))
    c.rect(22, 0, 6, SLIDE_H, t.color("secundario"))
    title_top, entity_top, subtitle_top, date_top = s.tops
    c.text(COVER_X, title_top, COVER_W, entity_top - title_top, s.title, s.title_size, t.color("primario"), bold=True)
    c.text(COVER_X, entity_top, COVER_W, subtitle_top - entity_top, s.entity, s.entity_size, t.color("texto"))
    c.text(COVER_X, subtitle_top, COVER_W, 30, s.subtitle, 20, t.color("secundario"), bold=True)
    c.text(COVER_X, date_top, COVER_W, 24, s.date_line, 14, t.color("texto_suave"))
    _logo(c, s, t.color("primario"), "right")


def _closing(c: _Canvas, s: Closing, report: Report) -> None:
    t = c.theme
    c.rect(0, 0, SLIDE_W, SLIDE_H, t.color("primario"))
    c.text(0, 170, SLIDE_W, 90, s.text, 66, "#FFFFFF", bold=True, align="center")
    c.text(COVER_X, CLOSING_ENTITY_TOP, COVER_W, CLOSING_ENTITY_BOTTOM - CLOSING_ENTITY_TOP, s.entity, s.entity_size,
           "#FFFFFF", align="center")
    _logo(c, s, "#FFFFFF", "center", panel="#FFFFFF")


def _kpis(c: _Canvas, kpis, y: float) -> None:
    """A row of four KPI boxes at `y`; a light's word in a chip of its colour, bottom right."""
    t = c.theme
    w = KPI_W
    for n, kpi in enumerate(kpis):
        x = MARGIN + n * (w + KPI_GAP)
        c.rect(x, y, w, KPI_H, t.color("fondo_suave"))
        c.rect(x, y, 5, KPI_H, t.accent(kpi.light))
        c.text(x + 16, y + 10, w - 24, 16, kpi.label, 10.5, t.color("texto_suave"))
        color = t.value_color(kpi.light) if kpi.light else t.color("primario")
        c.text(x + 16, y + 30, w - 24, 40, kpi.value, kpi.value_size, color, bold=True)
        if kpi.light_word:
            chip = width(kpi.light_word, KPI_WORD_SIZE, bold=True) + 2 * KPI_WORD_PAD
            cx, cy = x + w - 8 - chip, y + KPI_H - 8 - KPI_WORD_H
            c.rect(cx, cy, chip, KPI_WORD_H, t.light_color(kpi.light), shape=MSO_SHAPE.ROUNDED_RECTANGLE)
            c.text(cx, cy, chip, KPI_WORD_H, kpi.light_word, KPI_WORD_SIZE, t.text_on(kpi.light), bold=True,
                   align="center", anchor=MSO_ANCHOR.MIDDLE)


def _items(c: _Canvas, title: str, items, size: float, y: float) -> float:
    """A titled list of lines, each with its traffic-light dot; returns where it ends."""
    t = c.theme
    if title:
        c.text(MARGIN, y, CONTENT_W, 18, title, 13, t.color("primario"), bold=True)
    y += LIST_TITLE_H
    for light, parts in items:
        h = height(parts, size, ATTENTION_W)
        c.rect(MARGIN + 4, y + 4, 10, 10, t.light_color(light), shape=MSO_SHAPE.OVAL)
        c.text(MARGIN + 30, y, ATTENTION_W, h, parts, size, t.color("texto"), autofit=True)
        y += h + ITEM_GAP
    return y


def _summary(c: _Canvas, s: Summary | Changes, report: Report) -> None:
    t = c.theme
    _title(c, s)
    if s.kpis:
        _kpis(c, s.kpis, SUMMARY_KPI_TOP)
        y = LIGHTS_TOP
        c.text(MARGIN, y, 300, 16, s.lights_title, 11, t.color("texto_suave"), bold=True)
        for lc in s.lights:
            c.rect(lc.x, y + 20, lc.w, 34, t.color("fondo_suave"))
            c.rect(lc.x + LIGHT_DOT_X, y + 29, 16, 16, t.light_color(lc.light), shape=MSO_SHAPE.OVAL)
            c.text(lc.x + LIGHT_TEXT_X, y + 27, lc.w - LIGHT_TEXT_X - 4, 20, (Run(f"{lc.count} ", bold=True), Run(lc.label)),
                   lc.size, t.color("texto"))
    if s.axes_title:
        _items(c, s.axes_title, s.axes, s.attention_size, s.axes_top)
    elif s.axes:
        _items(c, "", s.axes, s.attention_size, s.axes_top)
    if s.empty_note:
        _items(c, s.attention_title, (), s.attention_size, s.attention_top)
        note_h = max(20.0, height((Run(s.empty_note),), s.attention_size, CONTENT_W))
        c.text(MARGIN, s.attention_top + LIST_TITLE_H, CONTENT_W, note_h, s.empty_note, s.attention_size, t.color("texto"))
    elif s.attention or s.attention_title:
        end = _items(c, s.attention_title, s.attention, s.attention_size, s.attention_top)
        if s.more_note:
            more_h = height((Run(s.more_note, bold=True),), s.attention_size, ATTENTION_W)
            c.text(MARGIN + 30, end + 2, ATTENTION_W, more_h, s.more_note, s.attention_size, t.color("texto"), bold=True)


def _section(c: _Canvas, s: Section, report: Report) -> None:
    _title(c, s, s.kicker)
    _kpis(c, s.kpis, SECTION_KPI_TOP)
    _items(c, s.items_title, s.items, s.item_size, SECTION_ITEMS_TOP)


def _prose(c: _Canvas, s: Prose, report: Report) -> None:
    t = c.theme
    _title(c, s, s.kicker)
    c.rect(MARGIN, 84, 60, 4, t.color("secundario"))
    c.text(MARGIN, PROSE_TOP, CONTENT_W, PROSE_MAX_ROOM, s.body, s.body_size, t.color("texto"), autofit=True)
    if s.source:
        source_h = height((Run(s.source),), SOURCE_SIZE, CONTENT_W)
        c.text(MARGIN, s.source_top, CONTENT_W, source_h, s.source, SOURCE_SIZE, t.color("texto_suave"), italic=True)


def _cards(c: _Canvas, s: Cards, report: Report) -> None:
    t = c.theme
    _title(c, s)
    for n, card in enumerate(s.cards):
        x = MARGIN + n * (CARD_W + CARD_GAP)
        c.rect(x, CARD_TOP, CARD_W, CARD_H, t.color("fondo_suave"))
        c.rect(x, CARD_TOP, CARD_W, 6, t.color("primario"))
        c.text(x + 14, CARD_TOP + 20, CARD_TEXT_W, 24, card.heading, 16, t.color("primario"), bold=True)
        c.text(x + 14, CARD_TOP + 54, CARD_TEXT_W, CARD_TEXT_H, card.text, card.text_size, t.color("texto"), autofit=True)
        base = CARD_TOP + CARD_H - 84
        c.rect(x + 14, base, CARD_TEXT_W, 0.75, t.color("borde"))
        c.text(x + 14, base + 10, CARD_TEXT_W, 18, card.count_label, 11, t.color("texto_suave"))
        c.rect(x + 14, base + 40, 20, 20, t.light_color(card.light), shape=MSO_SHAPE.OVAL)
        c.text(x + 42, base + 34, CARD_TEXT_W - 28, 32, card.attainment, card.attainment_size, t.value_color(card.light),
               bold=True, anchor=MSO_ANCHOR.MIDDLE)


def _detail(c: _Canvas, s: Detail, report: Report) -> None:
    t = c.theme
    _title(c, s, width=DETAIL_TITLE_W)
    bx = SLIDE_W - MARGIN - 160
    c.rect(bx, 18, 160, 56, t.light_color(s.light))
    c.text(bx + 10, 22, 140, 14, s.attainment_label, s.label_size, t.text_on(s.light), align="center")
    c.text(bx + 10, 36, 140, 34, s.attainment, s.attainment_size, t.text_on(s.light), bold=True, align="center",
           anchor=MSO_ANCHOR.MIDDLE)
    if s.text:
        c.text(MARGIN, DETAIL_TEXT_TOP, DETAIL_TEXT_W, s.text_h, s.text, s.text_size, t.color("texto"), autofit=True)
    table = s.table
    total_h = table.header_height + sum(r.height for r in table.rows)
    frame = c.slide.shapes.add_table(len(table.rows) + 1, len(table.columns), Pt(MARGIN), Pt(s.table_top), Pt(CONTENT_W), Pt(total_h))
    grid = frame.table
    grid.first_row = True
    grid.horz_banding = False
    for n, column in enumerate(table.columns):
        grid.columns[n].width = Pt(column.width)
    heights = [table.header_height, *(r.height for r in table.rows)]
    for n, h in enumerate(heights):
        grid.rows[n].height = Pt(h)

    def fill(cell, parts, size, color, background, align, cell_w, bold=False):
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(background)
        cell.margin_left = cell.margin_right = Pt(CELL_PAD_X)
        cell.margin_top = cell.margin_bottom = Pt(CELL_PAD_Y)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame_ = cell.text_frame
        frame_.word_wrap = True
        p = frame_.paragraphs[0]
        p.alignment = _ALIGN[align]
        c._fill_runs(p, breakable(tuple(Run(r.text, r.bold or bold) for r in parts), size, cell_w - 2 * CELL_PAD_X),
                     size, color, bold)

    for n, column in enumerate(table.columns):
        fill(grid.cell(0, n), (Run(column.heading),), table.font_size, "#FFFFFF", t.color("primario"), column.align,
             column.width, bold=True)
    for r, row in enumerate(table.rows, start=1):
        background = "#FFFFFF" if r % 2 else t.color("fondo_suave")
        for n, (column, cell) in enumerate(zip(table.columns, row.cells)):
            if n == len(table.columns) - 1:
                fill(grid.cell(r, n), cell.parts, row.size, t.text_on(row.light), t.light_color(row.light), column.align,
                     column.width, bold=True)
            else:
                fill(grid.cell(r, n), cell.parts, row.size, t.color("texto"), background, column.align, column.width)


_KINDS = {"bar": XL_CHART_TYPE.COLUMN_CLUSTERED, "line": XL_CHART_TYPE.LINE_MARKERS, "hbar": XL_CHART_TYPE.BAR_CLUSTERED}
_DASH_STYLES = {"dash": MSO_LINE_DASH_STYLE.DASH, "dot": MSO_LINE_DASH_STYLE.ROUND_DOT}
_MARKER_STYLES = {"circle": XL_MARKER_STYLE.CIRCLE, "square": XL_MARKER_STYLE.SQUARE, "diamond": XL_MARKER_STYLE.DIAMOND}


def _chart(c: _Canvas, s: ChartSlide, report: Report) -> None:
    """A native chart: its kind, labels and value axis come from the content model (which chose
    the form so that PowerPoint's own legend and labels fit: few series, bars otherwise)."""
    t = c.theme
    _title(c, s.title)
    c.text(MARGIN, 64, CONTENT_W, 18, s.subtitle, 12, t.color("texto_suave"))
    model = s.chart
    data = CategoryChartData(number_format='0.0" %"')
    data.categories = model.categories
    for series in model.series:
        data.add_series(series.name, series.values, number_format='0.0" %"')
    frame = c.slide.shapes.add_chart(_KINDS[model.kind], Pt(MARGIN), Pt(92), Pt(CHART_W), Pt(CHART_H), data)
    frame._element.nvGraphicFramePr.cNvPr.set("descr", model.alt)  # alt text (no python-pptx API)
    frame._element.nvGraphicFramePr.cNvPr.set("title", s.title)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False  # c:overlay 0: the plot is shrunk to make room for it
    chart.legend.font.size = Pt(11)
    chart.legend.font.name = t.font
    chart.font.name = t.font
    chart.font.size = Pt(11)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(t.color("borde"))
    axis.tick_labels.number_format = '0" %"'
    axis.tick_labels.number_format_is_linked = False
    axis.minimum_scale = model.ticks[0] if model.ticks else 0
    if len(model.ticks) > 1:  # the same scale as the PDF, and on every slide of a continued chart
        axis.maximum_scale = model.ticks[-1]
        axis.major_unit = model.ticks[1] - model.ticks[0]
    plot = chart.plots[0]
    for plot_series, series in zip(plot.series, model.series):
        if model.kind == "line":
            plot_series.smooth = False
            plot_series.format.line.color.rgb = _rgb(series.color)
            plot_series.format.line.width = Pt(2.25)
            if series.line != "solid":
                plot_series.format.line.dash_style = _DASH_STYLES[series.line]
            plot_series.marker.style = _MARKER_STYLES[series.marker]
            plot_series.marker.size = 7
            plot_series.marker.format.fill.solid()
            plot_series.marker.format.fill.fore_color.rgb = _rgb(series.color)
            plot_series.marker.format.line.color.rgb = _rgb(series.color)
        elif series.fill == "outline":
            plot_series.format.fill.background()
            plot_series.format.line.color.rgb = _rgb(series.color)
            plot_series.format.line.width = Pt(1.5)
        else:
            plot_series.format.fill.solid()
            plot_series.format.fill.fore_color.rgb = _rgb(series.color)
    if model.kind == "bar":
        plot.has_data_labels = True
        plot.data_labels.number_format = '0.0" %"'
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(9)
        plot.gap_width = 60
    elif model.kind == "hbar":
        _hbar(chart, model)
    _past_scale(chart, model)
    if s.note:
        c.text(MARGIN, 478, CONTENT_W, 16, s.note, 10, t.color("texto_suave"), italic=True)


def _hbar(chart, model) -> None:
    """Horizontal bars: the first category on top, the value axis below, the expected outline over
    each bar, and the first series' values (or why there is none) right of its bars."""
    category_axis = chart.category_axis
    category_axis.reverse_order = True
    category_axis.tick_labels.font.size = Pt(BAR_LABEL_SIZE)
    # With the categories reversed the value axis would sit on top: it crosses at the last one.
    value_axis = chart.value_axis._element
    crosses = value_axis.find(qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")
    plot = chart.plots[0]
    plot.gap_width = bar_gap(len(model.categories))
    plot.overlap = 100 if any(s.fill == "outline" for s in model.series) else 0
    first, series = model.series[0], plot.series[0]
    labels = series.data_labels
    labels.show_value = True
    labels.number_format = '0.0" %"'
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(9)
    # A missing value has no bar, and PowerPoint shows no label for an empty cell: the reason
    # ("sin reporte") is given as the label of the expected outline's point, at its base.
    outline = next((n for n, x in enumerate(model.series) if x.fill == "outline"), None)
    for k, (value, text) in enumerate(zip(first.values, first.labels)):
        if value is None and text and outline is not None and model.series[outline].values[k] is not None:
            label = plot.series[outline].points[k].data_label
            label.has_text_frame = True
            label.text_frame.text = text
            label.text_frame.paragraphs[0].runs[0].font.size = Pt(9)
            label.position = XL_LABEL_POSITION.INSIDE_BASE


PAST_SCALE = " ▸"  # after a value whose bar or point runs past the value axis


def _past_scale(chart, model) -> None:
    """A value past the shared, capped scale (`chart_layout.SCALE_CAP`) stays in the chart's data
    as it is, and PowerPoint draws its bar to the plot's edge: the point gets its value as a label,
    marked «▸», inside the bar's end (a line's point: below the edge), so it is never read as 200 %."""
    if len(model.ticks) < 2:
        return
    for plot_series, series in zip(chart.plots[0].series, model.series):
        for k, past in enumerate(past_cap(series.values, model.ticks)):
            if not past:
                continue
            value = series.values[k]
            text = (series.labels[k] if k < len(series.labels) and series.labels[k] else f"{value:.1f} %") + PAST_SCALE
            label = plot_series.points[k].data_label
            label.has_text_frame = True
            label.text_frame.text = text
            font = label.text_frame.paragraphs[0].runs[0].font
            font.size = Pt(9)
            font.bold = True
            if model.kind == "line":
                label.position = XL_LABEL_POSITION.BELOW
            else:
                label.position = XL_LABEL_POSITION.INSIDE_END
                font.color.rgb = _rgb("#FFFFFF")


def _comments(c: _Canvas, s: Comments, report: Report) -> None:
    t = c.theme
    _title(c, s)
    y = COMMENT_TOP
    if s.empty_note:
        c.text(MARGIN, y, CONTENT_W, 24, s.empty_note, s.size, t.color("texto"))
    for item in s.items:
        hh = height(item.heading, s.size, COMMENT_W)
        if item.group:  # the objective (and eje) the comments below are about
            c.text(MARGIN, y, COMMENT_W, hh, item.heading, s.size, t.color("primario"), bold=True)
            y += hh + COMMENT_GROUP_GAP
            continue
        ht = height(item.text, s.size, COMMENT_W)
        c.rect(MARGIN + 2, y + 2, 4, hh + ht, t.color("secundario"))
        c.text(MARGIN + 14, y, COMMENT_W, hh, item.heading, s.size, t.color("texto"))
        c.text(MARGIN + 14, y + hh, COMMENT_W, ht, item.text, s.size, t.color("texto"), autofit=True)
        y += hh + ht + COMMENT_GAP


_DRAW = {Cover: _cover, Summary: _summary, Changes: _summary, Prose: _prose, Cards: _cards, Section: _section, Detail: _detail,
         ChartSlide: _chart, Comments: _comments, Closing: _closing}


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """Same zip with fixed entry times and document dates (recursing into embedded workbooks)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".xlsx"):
                content = _fixed_zip(content, when)
            elif info.filename.endswith("core.xml"):
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + stamp.encode() + m.group(3),
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


# The package's core properties (title, subject, author, keywords) hold at most 255 characters
# (the OOXML schema's limit, which python-pptx enforces with a ValueError).
CORE_PROPERTY_LIMIT = 255


def metadata_text(text: str, limit: int = CORE_PROPERTY_LIMIT) -> str:
    """`text` on one line, shortened to `limit` characters at a word, ending in "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:  # end at a word unless that loses more than half
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def render_deck(report: Report) -> bytes:
    """The deck as bytes: one slide per content-model slide, in order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(SLIDE_W), Pt(SLIDE_H)
    blank = prs.slide_layouts[6]
    total = len(report.slides)
    run_styles: dict = {}
    for number, slide in enumerate(report.slides, start=1):
        canvas = _Canvas(prs.slides.add_slide(blank), report.theme, run_styles)
        _DRAW[type(slide)](canvas, slide, report)
        if not isinstance(slide, (Cover, Closing)):
            _footer(canvas, report, number, total)
    when = datetime.combine(report.created, datetime.min.time())
    props = prs.core_properties
    props.title = metadata_text(report.title)
    props.subject = metadata_text(report.description)
    props.author = props.last_modified_by = metadata_text(report.entity)
    props.language = report.language
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    return _fixed_zip(buffer.getvalue(), when)



