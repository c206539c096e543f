"""Charts of the content model as SVG, for the PDF; the deck draws native charts.

The SVG is written here, element by element, from the chart's data: the axis, the grid, the bars
or lines, the value labels and the legend. The text stays text in the report's font (WeasyPrint
sets it with the same embedded Open Sans as the rest of the page, so it is selectable and
searchable), and the geometry is measured with that font (`pipeline.text`). The benchmark showed
why it is not matplotlib: its nine charts of the sample took 0,3 to 0,7 s to write and WeasyPrint
another 0,4 to 1 s to draw their 1 500 nodes; these take milliseconds and about 150 nodes.
The output depends only on its arguments (byte-identical runs).
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from pipeline.formatting import number
from pipeline.report import Chart, Series
from pipeline.text import width as text_width

__all__ = ["chart_svg", "LEGEND_COLUMNS", "nice_ticks"]

LEGEND_COLUMNS = 4
FONT = "Open Sans"
TICK_SIZE, LABEL_SIZE, VALUE_SIZE, LEGEND_SIZE = 10.0, 10.0, 7.5, 10.0
LEFT, RIGHT, TOP = 48.0, 8.0, 14.0
ROW = 16.0  # a legend row


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


def _text(x: float, y: float, text: str, size: float, color: str, anchor: str = "middle", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" fill="{color}" text-anchor="{anchor}"{weight}>'
        f"{escape(text)}</text>"
    )


_DASHES = {"solid": "", "dash": ' stroke-dasharray="6 3"', "dot": ' stroke-dasharray="0.1 4" stroke-linecap="round"'}


def _marker(series: Series, x: float, y: float, r: float) -> str:
    if series.marker == "square":
        return f'<rect x="{_f(x - r)}" y="{_f(y - r)}" width="{_f(2 * r)}" height="{_f(2 * r)}" fill="{series.color}"/>'
    if series.marker == "diamond":
        d = r * 1.3
        return f'<polygon points="{_f(x)},{_f(y - d)} {_f(x + d)},{_f(y)} {_f(x)},{_f(y + d)} {_f(x - d)},{_f(y)}" fill="{series.color}"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{series.color}"/>'


def _legend(chart: Chart, width: float, top: float, text_color: str) -> list[str]:
    items = [(s, 14 + text_width(s.name, LEGEND_SIZE) + 18) for s in chart.series]
    out = []
    for row in range(0, len(items), LEGEND_COLUMNS):
        entries = items[row : row + LEGEND_COLUMNS]
        x = (width - sum(w for _, w in entries)) / 2
        y = top + (row // LEGEND_COLUMNS) * ROW
        for series, entry_width in entries:
            if chart.kind == "bar":
                out.append(f'<rect x="{_f(x)}" y="{_f(y - 8)}" width="10" height="8" fill="{series.color}"/>')
            else:
                out.append(
                    f'<line x1="{_f(x - 1)}" y1="{_f(y - 4)}" x2="{_f(x + 11)}" y2="{_f(y - 4)}" stroke="{series.color}" '
                    f'stroke-width="2.2"{_DASHES[series.line]}/>'
                )
                out.append(_marker(series, x + 5, y - 4, 3))
            out.append(_text(x + 14, y, series.name, LEGEND_SIZE, text_color, anchor="start"))
            x += entry_width
    return out


def _category_labels(categories: tuple[str, ...], slot: float) -> tuple[list[list[str]], float]:
    """Each category's label as one line, or two when one does not fit its slot, and a size
    at which every line fits (down to 7 pt)."""
    room = slot - 4
    if all(text_width(c, LABEL_SIZE) <= room for c in categories):
        return [[c] for c in categories], LABEL_SIZE
    split = [c.rsplit(" ", 1) if " " in c else [c] for c in categories]
    size = LABEL_SIZE
    while size > 7 and any(text_width(line, size) > room for lines in split for line in lines):
        size -= 0.5
    return split, size


def chart_svg(chart: Chart, width_pt: float, height_pt: float, text_color: str, grid_color: str) -> bytes:
    """The chart as a standalone SVG of the given size (in points)."""
    rows = -(-len(chart.series) // LEGEND_COLUMNS)
    labels, label_size = _category_labels(chart.categories, (width_pt - LEFT - RIGHT) / max(1, len(chart.categories)))
    label_lines = max(len(lines) for lines in labels) if labels else 1
    bottom = 30 + ROW * rows + (label_lines - 1) * (label_size + 2)
    x0, x1, y0, y1 = LEFT, width_pt - RIGHT, TOP, height_pt - bottom
    values = [v for s in chart.series for v in s.values if v is not None]
    ticks = nice_ticks(max(values, default=100.0) * (1.08 if chart.kind == "bar" else 1.04))
    top_value = ticks[-1]

    def y(value: float) -> float:
        return y1 - (y1 - y0) * value / top_value

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width_pt)}pt" height="{_f(height_pt)}pt" '
        f'viewBox="0 0 {_f(width_pt)} {_f(height_pt)}" font-family={quoteattr(FONT)}>',
        f"<title>{escape(chart.alt)}</title>",
    ]
    for tick in ticks:  # grid and value axis
        out.append(f'<line x1="{_f(x0)}" y1="{_f(y(tick))}" x2="{_f(x1)}" y2="{_f(y(tick))}" stroke="{grid_color}" stroke-width="0.8"/>')
        out.append(_text(x0 - 6, y(tick) + 3.5, _percent(tick, 0 if tick == int(tick) else 1), TICK_SIZE, text_color, anchor="end"))
    slot = (x1 - x0) / max(1, len(chart.categories))
    for k, lines in enumerate(labels):  # category axis
        for n, line in enumerate(lines):
            out.append(_text(x0 + slot * (k + 0.5), y1 + 15 + n * (label_size + 2), line, label_size, text_color))
    n = max(1, len(chart.series))
    if chart.kind == "bar":
        bar = slot * 0.8 / n
        for j, series in enumerate(chart.series):
            for k, value in enumerate(series.values):
                if value is None:
                    continue
                left = x0 + slot * (k + 0.1) + bar * j + bar * 0.04
                out.append(f'<rect x="{_f(left)}" y="{_f(y(value))}" width="{_f(bar * 0.92)}" height="{_f(y1 - y(value))}" fill="{series.color}"/>')
                out.append(_text(left + bar * 0.46, y(value) - 3, _percent(value, 1), VALUE_SIZE, text_color))
    else:
        for series in chart.series:
            points = [(x0 + slot * (k + 0.5), y(v)) for k, v in enumerate(series.values) if v is not None]
            if len(points) > 1:
                path = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
                out.append(
                    f'<polyline points="{path}" fill="none" stroke="{series.color}" stroke-width="2.2" '
                    f'stroke-linejoin="round"{_DASHES[series.line]}/>'
                )
            out += [_marker(series, px, py, 3.5) for px, py in points]
    out.append(f'<line x1="{_f(x0)}" y1="{_f(y1)}" x2="{_f(x1)}" y2="{_f(y1)}" stroke="{text_color}" stroke-width="0.8"/>')
    out += _legend(chart, width_pt, y1 + 15 + (label_lines - 1) * (label_size + 2) + 24, text_color)
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")
