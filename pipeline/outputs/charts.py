"""Charts of the content model as SVG, for the PDF; the deck draws native charts.

The SVG is written here, element by element, from the chart's data: the axis, the grid, the bars
or lines, the value labels and the legend. The text stays text in the report's font (WeasyPrint
sets it with the same embedded Open Sans as the rest of the page, so it is selectable and
searchable), and the geometry is measured with that font (`pipeline.core.text`). The benchmark showed
why it is not matplotlib: its nine charts of the sample took 0,3 to 0,7 s to write and WeasyPrint
another 0,4 to 1 s to draw their 1 500 nodes; these take milliseconds and about 150 nodes.
The output depends only on its arguments (byte-identical runs).

Layout, from the bottom up: the legend (measured, wrapped into rows that fit the width, at most
a third of the height: what does not fit is named as "y N más"), then the axis labels, then the
plot, which gets what is left. `chart_geometry` gives the boxes the SVG is drawn from, so tests
can check that no legend covers the plot and no text leaves the chart.

Kinds: "line" (a line per series over the categories), "bar" (clustered columns) and "hbar"
(horizontal bars, the first category on top: solid series as bars, "outline" series as an
outline over them, the first series' labels right of its bars).

A value past the axis' last tick (the scale stops at `chart_layout.SCALE_CAP`) is drawn to the
plot's edge with a break mark (class `fuera-de-escala`) and its value beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pipeline.report.chart_layout import (
    ASCENT, BAR_BAND_MAX, BAR_LABEL_SIZE, BAR_LABEL_W, DESCENT, LEGEND_GAP, LEGEND_KEY, LEGEND_PAD, LEGEND_ROW,
    LEGEND_SIZE, Box, axis_ticks, bar_gap, legend_name, legend_rows, shorten,
)
from pipeline.core.formatting import number
from pipeline.report.slides import Chart, Series
from pipeline.core.text import width as text_width

__all__ = ["chart_svg", "chart_geometry", "Geometry", "nice_ticks"]

FONT = "Open Sans"
TICK_SIZE, LABEL_SIZE, VALUE_SIZE, HBAR_VALUE_SIZE, MIN_SIZE = 10.0, 10.0, 7.5, 9.0, 6.0
LEFT, RIGHT, TOP, BOTTOM = 48.0, 8.0, 14.0, 4.0
MIN_PLOT_H = 60.0  # the legend gives up rows before the plot gets lower than this
LEGEND_MAX_SHARE = 1 / 3  # of the chart's height


def _f(value: float) -> str:
    """A coordinate: two decimals, no trailing zeros (stable text for stable bytes)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`."""
    top = max(top, 1e-9)
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _percent(value: float, decimals: int) -> str:
    return f"{number(value, decimals)}\u00a0%"


@dataclass(frozen=True)
class Geometry:
    """Where a chart's parts lie in its SVG (points, y downwards): the plot area, each legend
    entry (its key and name) and every other text (axis, category and value labels)."""

    viewport: Box
    plot: Box
    legend: tuple[Box, ...]
    labels: tuple[Box, ...]


class _Svg:
    """The SVG's elements in order, and the box of every text drawn."""

    def __init__(self, width: float, height: float, text_color: str):
        self.width, self.height, self.color = width, height, text_color
        self.parts: list[str] = []
        self.labels: list[Box] = []
        self.legend: list[Box] = []

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "middle", bold: bool = False,
             color: str | None = None) -> Box:
        """A line of text at baseline `y`, kept inside the chart sideways; returns its box."""
        w = text_width(text, size, bold)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        shift = max(0.0, -left) - max(0.0, left + w - self.width)  # a label near an edge is moved in
        x, left = x + shift, left + shift
        weight = ' font-weight="bold"' if bold else ""
        self.add(
            f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" fill="{color or self.color}" '
            f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
        )
        box = Box(left, y - ASCENT * size, w, (ASCENT + DESCENT) * size)
        return box

    def label(self, *args, **kwargs) -> None:
        self.labels.append(self.text(*args, **kwargs))


_DASHES = {"solid": "", "dash": ' stroke-dasharray="6 3"', "dot": ' stroke-dasharray="0.1 4" stroke-linecap="round"'}


def _marker(series: Series, x: float, y: float, r: float) -> str:
    if series.marker == "square":
        return f'<rect x="{_f(x - r)}" y="{_f(y - r)}" width="{_f(2 * r)}" height="{_f(2 * r)}" fill="{series.color}"/>'
    if series.marker == "diamond":
        d = r * 1.3
        return f'<polygon points="{_f(x)},{_f(y - d)} {_f(x + d)},{_f(y)} {_f(x)},{_f(y + d)} {_f(x - d)},{_f(y)}" fill="{series.color}"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{series.color}"/>'


def _break_mark(x: float, y: float, h: float, upright: bool = False) -> str:
    """Two white slashes across a bar's end at `x` (a horizontal bar `h` thick from `y`), or across
    a column's top (`upright`: `x` is its left side, `h` its width, `y` its top): it goes on past the
    axis."""
    if upright:
        d = " ".join(f"M{_f(x - 1)} {_f(y + off + 3)}L{_f(x + h + 1)} {_f(y + off)}" for off in (5.0, 9.0))
    else:
        d = " ".join(f"M{_f(x - off - 3)} {_f(y + h + 1)}L{_f(x - off)} {_f(y - 1)}" for off in (5.0, 9.0))
    return f'<path class="fuera-de-escala" d="{d}" stroke="#FFFFFF" stroke-width="1.6" fill="none"/>'


def _outline(x: float, y: float, w: float, h: float, color: str) -> str:
    return (
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(w, 0.0))}" height="{_f(h)}" fill="none" stroke="{color}" '
        f'stroke-width="1.5"/>'
    )


# --- the legend ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Legend:
    names: tuple[str, ...]  # as shown (shortened); the last may be "y N más"
    rows: tuple[tuple[int, ...], ...]
    more: int  # series left out

    @property
    def height(self) -> float:
        return len(self.rows) * LEGEND_ROW


def _fit_legend(chart: Chart, width: float, max_rows: int) -> _Legend:
    """The series' names in rows that fit `width`, at most `max_rows` of them: when they do not
    all fit, as many as do and then "y N más"."""
    names = [legend_name(s.name, width) for s in chart.series]
    room = width - 2 * LEGEND_PAD
    rows = legend_rows(names, room)
    if len(rows) <= max_rows:
        return _Legend(tuple(names), tuple(tuple(r) for r in rows), 0)
    shown = sum(len(r) for r in rows[:max_rows])
    while shown > 0:
        more = f"y {len(names) - shown} más"
        rows = legend_rows([*names[:shown], more], room)
        if len(rows) <= max_rows:
            return _Legend((*names[:shown], more), tuple(tuple(r) for r in rows), len(names) - shown)
        shown -= 1
    return _Legend((f"{len(names)} series",), ((0,),), len(names))


def _draw_legend(svg: _Svg, chart: Chart, legend: _Legend, top: float) -> None:
    for r, row in enumerate(legend.rows):
        entries = [(n, legend.names[n]) for n in row]
        total = sum(LEGEND_KEY + text_width(name, LEGEND_SIZE) for _, name in entries) + LEGEND_GAP * (len(entries) - 1)
        x = (svg.width - total) / 2
        y = top + r * LEGEND_ROW + ASCENT * LEGEND_SIZE  # the row's baseline
        for n, name in entries:
            is_more = legend.more and n == len(legend.names) - 1
            if not is_more:
                series = chart.series[n]
                if chart.kind in ("bar", "hbar"):
                    if series.fill == "outline":
                        svg.add(_outline(x + 0.75, y - 7.25, 8.5, 6.5, series.color))
                    else:
                        svg.add(f'<rect x="{_f(x)}" y="{_f(y - 8)}" width="10" height="8" fill="{series.color}"/>')
                else:
                    svg.add(
                        f'<line x1="{_f(x - 1)}" y1="{_f(y - 4)}" x2="{_f(x + 11)}" y2="{_f(y - 4)}" stroke="{series.color}" '
                        f'stroke-width="2.2"{_DASHES[series.line]}/>'
                    )
                    svg.add(_marker(series, x + 5, y - 4, 3))
            box = svg.text(x + LEGEND_KEY, y, name, LEGEND_SIZE, anchor="start")
            svg.legend.append(Box(x - 1, box.y, box.right - x + 1, box.h))
            x = box.right + LEGEND_GAP


def _legend_for(chart: Chart, width: float, height: float, room_below_plot: float) -> _Legend:
    """The legend that leaves the plot at least MIN_PLOT_H and takes at most a third of the height."""
    budget = min(height * LEGEND_MAX_SHARE, height - TOP - BOTTOM - room_below_plot - MIN_PLOT_H)
    return _fit_legend(chart, width, max(1, int(budget // LEGEND_ROW)))


# --- columns and lines ---------------------------------------------------------------------------


def _two_lines(text: str, size: float) -> list[str]:
    """`text` on two lines split at the word that makes the longer line shortest (one word: one line)."""
    words = text.split()
    if len(words) < 2:
        return [text]
    best = min(range(1, len(words)), key=lambda k: max(text_width(" ".join(words[:k]), size), text_width(" ".join(words[k:]), size)))
    return [" ".join(words[:best]), " ".join(words[best:])]


def _category_labels(categories: tuple[str, ...], slot: float) -> tuple[list[list[str]], float]:
    """Each category's label on one line, or every label on two when one does not fit its slot,
    at a size at which every line fits (down to 7 pt); past that, lines are shortened with "…"."""
    room = max(slot - 4, 4.0)
    if all(text_width(c, LABEL_SIZE) <= room for c in categories):
        return [[c] for c in categories], LABEL_SIZE
    size = LABEL_SIZE
    split = [_two_lines(c, size) for c in categories]
    while size > 7 and any(text_width(line, size) > room for lines in split for line in lines):
        size -= 0.5
        split = [_two_lines(c, size) for c in categories]
    return [[shorten(line, size, room) for line in lines] for lines in split], size


def _columns_or_lines(svg: _Svg, chart: Chart, text_color: str, grid_color: str) -> Box:
    width, height = svg.width, svg.height
    values = [v for s in chart.series for v in s.values if v is not None]
    ticks = chart.ticks or axis_ticks(values, 1.08 if chart.kind == "bar" else 1.04)
    lo, hi = ticks[0], ticks[-1]
    tick_texts = [_percent(t, 0 if t == int(t) else 1) for t in ticks]
    left = max(LEFT, max(text_width(t, TICK_SIZE) for t in tick_texts) + 12)
    x0, x1 = left, width - RIGHT
    slot = (x1 - x0) / max(1, len(chart.categories))
    labels, label_size = _category_labels(chart.categories, slot)
    label_lines = max(len(lines) for lines in labels) if labels else 1
    below = 15 + (label_lines - 1) * (label_size + 2) + DESCENT * label_size + 8  # the category labels
    legend = _legend_for(chart, width, height, below)
    legend_top = height - BOTTOM - legend.height
    y0, y1 = TOP, legend_top - below
    plot = Box(x0, y0, x1 - x0, y1 - y0)

    def y(value: float) -> float:
        value = min(max(value, lo), hi)  # past the scale: at its edge, marked
        return y1 - (y1 - y0) * (value - lo) / (hi - lo)

    for tick, label in zip(ticks, tick_texts):  # grid and value axis
        svg.add(f'<line x1="{_f(x0)}" y1="{_f(y(tick))}" x2="{_f(x1)}" y2="{_f(y(tick))}" stroke="{grid_color}" stroke-width="0.8"/>')
        svg.label(x0 - 6, y(tick) + 3.5, label, TICK_SIZE, anchor="end")
    for k, lines in enumerate(labels):  # category axis
        for n, line in enumerate(lines):
            svg.label(x0 + slot * (k + 0.5), y1 + 15 + n * (label_size + 2), line, label_size)
    count = max(1, len(chart.series))
    if chart.kind == "bar":
        bar = slot * 0.8 / count
        for j, series in enumerate(chart.series):
            for k, value in enumerate(series.values):
                if value is None:
                    continue
                x = x0 + slot * (k + 0.1) + bar * j + bar * 0.04
                top, bottom = sorted((y(value), y(0)))
                svg.add(f'<rect x="{_f(x)}" y="{_f(top)}" width="{_f(bar * 0.92)}" height="{_f(bottom - top)}" fill="{series.color}"/>')
                if value > hi + 1e-9:
                    svg.add(_break_mark(x, top, bar * 0.92, upright=True))
                text = series.labels[k] if k < len(series.labels) else _percent(value, 1)
                svg.label(x + bar * 0.46, min(y(value), y(0)) - 3, text, VALUE_SIZE)
    else:
        for series in chart.series:
            points = [(x0 + slot * (k + 0.5), y(v)) for k, v in enumerate(series.values) if v is not None]
            if len(points) > 1:
                path = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
                svg.add(
                    f'<polyline points="{path}" fill="none" stroke="{series.color}" stroke-width="2.2" '
                    f'stroke-linejoin="round"{_DASHES[series.line]}/>'
                )
            for px, py in points:
                svg.add(_marker(series, px, py, 3.5))
            for k, v in enumerate(series.values):  # a point past the scale: marked at the edge, with its value
                if v is not None and v > hi + 1e-9:
                    px = x0 + slot * (k + 0.5)
                    svg.add(f'<path class="fuera-de-escala" d="M{_f(px - 4)} {_f(y0 + 2)}L{_f(px)} {_f(y0 - 3)}L{_f(px + 4)} {_f(y0 + 2)}" '
                            f'fill="none" stroke="{series.color}" stroke-width="1.5"/>')
                    text = series.labels[k] if k < len(series.labels) else _percent(v, 1)
                    svg.label(px + 7, y0 + 4 + 0.36 * VALUE_SIZE, text, VALUE_SIZE, anchor="start")
    svg.add(f'<line x1="{_f(x0)}" y1="{_f(y(0))}" x2="{_f(x1)}" y2="{_f(y(0))}" stroke="{text_color}" stroke-width="0.8"/>')
    _draw_legend(svg, chart, legend, legend_top)
    return plot


# --- horizontal bars -----------------------------------------------------------------------------


def _hbars(svg: _Svg, chart: Chart, text_color: str, grid_color: str) -> Box:
    width, height = svg.width, svg.height
    n = max(1, len(chart.categories))
    values = [v for s in chart.series for v in s.values if v is not None]
    ticks = chart.ticks or axis_ticks(values)
    lo, hi = ticks[0], ticks[-1]
    tick_texts = [_percent(t, 0 if t == int(t) else 1) for t in ticks]
    below = 6 + (ASCENT + DESCENT) * TICK_SIZE + 8  # the value axis' labels
    legend = _legend_for(chart, width, height, below)
    legend_top = height - BOTTOM - legend.height
    y0, y1 = TOP, legend_top - below
    pitch = (y1 - y0) / n
    size = min(BAR_LABEL_SIZE, max(MIN_SIZE, pitch / 1.45))
    value_size = min(HBAR_VALUE_SIZE, size)
    first = chart.series[0] if chart.series else None
    value_texts = [
        first.labels[k] if first and k < len(first.labels) else (_percent(v, 1) if v is not None else "")
        for k, v in enumerate(first.values if first else ())
    ]
    value_room = max([text_width(t, value_size) for t in value_texts] + [text_width(tick_texts[-1], TICK_SIZE) / 2]) + 8
    column = min(BAR_LABEL_W, width * 0.35, max((text_width(c, size) for c in chart.categories), default=0.0))
    categories = [shorten(c, size, column) for c in chart.categories]
    x0 = 4 + column + 8
    x1 = width - RIGHT - value_room
    plot = Box(x0, y0, x1 - x0, y1 - y0)

    def x(value: float) -> float:
        value = min(max(value, lo), hi)  # past the scale: at its edge, marked
        return x0 + (x1 - x0) * (value - lo) / (hi - lo)

    for tick, label in zip(ticks, tick_texts):  # grid and value axis, below the plot
        svg.add(f'<line x1="{_f(x(tick))}" y1="{_f(y0)}" x2="{_f(x(tick))}" y2="{_f(y1)}" stroke="{grid_color}" stroke-width="0.8"/>')
        svg.label(x(tick), y1 + 6 + ASCENT * TICK_SIZE, label, TICK_SIZE)
    band = min(pitch / (1 + bar_gap(n) / 100), BAR_BAND_MAX)
    solid = [s for s in chart.series if s.fill != "outline"]
    outlines = [s for s in chart.series if s.fill == "outline"]
    for k, category in enumerate(categories):
        middle = y0 + pitch * (k + 0.5)
        svg.label(x0 - 8, middle + 0.36 * size, category, size, anchor="end")
        top = middle - band / 2
        thickness = band / max(1, len(solid))
        for j, series in enumerate(solid):
            value = series.values[k] if k < len(series.values) else None
            if value is not None:
                a, b = sorted((x(value), x(0)))
                svg.add(f'<rect x="{_f(a)}" y="{_f(top + thickness * j)}" width="{_f(b - a)}" height="{_f(thickness)}" fill="{series.color}"/>')
                if value > hi + 1e-9:
                    svg.add(_break_mark(b, top + thickness * j, thickness))
        ends = []
        for series in outlines:
            value = series.values[k] if k < len(series.values) else None
            if value is not None:
                a, b = sorted((x(value), x(0)))
                svg.add(_outline(a, top, b - a, band, series.color))
                ends.append(b)
        if first is not None and value_texts[k]:
            value = first.values[k] if k < len(first.values) else None
            end = max(x(value), x(0)) if value is not None else x(0)
            w = text_width(value_texts[k], value_size)
            past = [e for e in ends if e > end]
            if past and end + 4 + w + 3 > min(past):  # would cross the outline's edge: after it
                end = max(past)
            svg.label(end + 4, middle + 0.36 * value_size, value_texts[k], value_size, anchor="start")
    svg.add(f'<line x1="{_f(x(0))}" y1="{_f(y0)}" x2="{_f(x(0))}" y2="{_f(y1)}" stroke="{text_color}" stroke-width="0.8"/>')
    _draw_legend(svg, chart, legend, legend_top)
    return plot


def _draw(chart: Chart, width_pt: float, height_pt: float, text_color: str, grid_color: str) -> tuple[_Svg, Geometry]:
    svg = _Svg(width_pt, height_pt, text_color)
    svg.add(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width_pt)}pt" height="{_f(height_pt)}pt" '
        f'viewBox="0 0 {_f(width_pt)} {_f(height_pt)}" font-family={quoteattr(FONT)}>'
    )
    svg.add(f"<title>{escape(chart.alt)}</title>")
    draw = _hbars if chart.kind == "hbar" else _columns_or_lines
    plot = draw(svg, chart, text_color, grid_color)
    svg.add("</svg>")
    return svg, Geometry(Box(0, 0, width_pt, height_pt), plot, tuple(svg.legend), tuple(svg.labels))


def chart_geometry(chart: Chart, width_pt: float, height_pt: float) -> Geometry:
    """Where the plot, the legend entries and the labels of `chart_svg`'s drawing lie."""
    return _draw(chart, width_pt, height_pt, "#000000", "#CCCCCC")[1]


def chart_svg(chart: Chart, width_pt: float, height_pt: float, text_color: str, grid_color: str) -> bytes:
    """The chart as a standalone SVG of the given size (in points)."""
    svg, _ = _draw(chart, width_pt, height_pt, text_color, grid_color)
    return "\n".join(svg.parts).encode("utf-8")
