"""How a chart of the report is laid out: its form by size, its split over slides, its labels.

The chart slides (`pipeline.report.chart_slides`) ask here which form a chart takes and how it is split;
the SVG writer (`pipeline.outputs.charts`) and the deck (`pipeline.outputs.deck`) take the same limits,
so both outputs show the same charts. Everything is measured with the report's font
(`pipeline.core.text`), in points.

The rules, and why:

- Quarterly lines only for a few series over at least two quarters: up to
  `LINE_MAX_INDICATORS` indicators (and the objective's expected line), and only while the
  legend takes at most `LEGEND_MAX_ROWS` rows. More lines than that tangle and their legend
  crowds out the plot; a single quarter would draw one-point "lines".
- Otherwise horizontal bars: each indicator's attainment of the year at the cut, with what was
  expected by then drawn as an outline over its bar (the bar should fill it). The legend has two
  entries whatever the number of indicators.
- Bars are sorted lowest attainment first, so the indicators lagging most are on top of the
  first slide; those with nothing to show (sin reporte, N/A) come last, in plan order. The
  detail table just before gives every indicator in plan order, with its full name.
- At most `BARS_PER_SLIDE` bars per slide, spread evenly over as few slides as that allows: at
  15 a row is about 21 pt high on the 380 pt chart, room for 10 pt labels.
- Objectives: clustered columns up to `COLUMN_MAX_OBJECTIVES` (the seed's chart), then sorted
  bars, continued, like the indicators.
- Labels are shortened at a word with "…" to the room they have; tables keep the full names.
- The value axis stops at `SCALE_CAP` (200 %): one value typed in the wrong unit (3.000 %) would
  otherwise flatten every other bar against 0. A bar or point past it is drawn to the edge and
  marked (`past_cap`): a break across the bar's end, and its value written beside it.
- One naming rule per chart (`series_names`): every indicator by its label (`etiqueta`) when
  each has one and the labels, as the legend shows them, tell them apart; else every one by its
  name. Never some by code and others by name: a reader compares like with like.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.text import width

__all__ = [
    "Box", "ASCENT", "DESCENT", "CHART_W", "CHART_H", "LINE_MAX_INDICATORS", "LINE_MIN_QUARTERS", "LEGEND_MAX_ROWS",
    "COLUMN_MAX_OBJECTIVES", "BARS_PER_SLIDE", "BAR_LABEL_SIZE", "BAR_LABEL_W", "LEGEND_SIZE", "LEGEND_NAME_W",
    "LEGEND_ROW", "LEGEND_PAD", "shorten", "legend_rows", "legend_entry_width", "legend_name", "quarterly_form", "objectives_form", "pages",
    "bar_order", "axis_ticks", "bar_gap", "series_names", "SCALE_CAP", "past_cap", "PATH_MAX_MEMBERS", "path_pages",
]

ASCENT, DESCENT = 1.069, 0.293  # Open Sans' ascender and descender per point of size (hhea)
CHART_W, CHART_H = 880.0, 380.0  # the chart's frame on a slide, in the deck and the PDF
LINE_MAX_INDICATORS = 6
LINE_MIN_QUARTERS = 2
LEGEND_MAX_ROWS = 2  # a line chart's legend; more and bars are chosen
COLUMN_MAX_OBJECTIVES = 10
PATH_MAX_MEMBERS = 5  # ejes or objectives on one slide of the plan's path, beside the plan's own line
BARS_PER_SLIDE = 15
BAR_LABEL_SIZE = 10.0
BAR_LABEL_W = 260.0  # a bar's category label, left of the bars
BAR_BAND_MAX = 22.0  # the thickest a bar gets, with few categories
HBAR_PLOT_H = 300.0  # the bars' plot height a native chart gets, about (for its gap width)
LEGEND_SIZE = 10.0
LEGEND_KEY, LEGEND_GAP, LEGEND_ROW = 14.0, 18.0, 16.0  # key and its space; space between entries; a row
LEGEND_NAME_W = 250.0  # one legend entry's name
LEGEND_PAD = 8.0  # between the legend and the chart's sides
SCALE_CAP = 200.0  # the highest a value axis goes, in percent
ELLIPSIS = "…"


@dataclass(frozen=True)
class Box:
    """A rectangle in points, y downwards (SVG's and the slide's orientation)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def intersects(self, other: Box) -> bool:
        """Whether the two overlap by more than a hair (touching edges do not count)."""
        eps = 0.01
        return (
            self.x < other.right - eps and other.x < self.right - eps
            and self.y < other.bottom - eps and other.y < self.bottom - eps
        )

    def inside(self, other: Box) -> bool:
        eps = 0.01
        return (
            self.x >= other.x - eps and self.y >= other.y - eps
            and self.right <= other.right + eps and self.bottom <= other.bottom + eps
        )


def shorten(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text` on one line, at most `room` points wide at `size`: whole if it fits, else cut at a
    word and ended with "…" (inside a word only when the first word alone is too long)."""
    text = " ".join(text.split())
    if width(text, size, bold) <= room:
        return text
    words = text.split(" ")
    cut = ""
    for n in range(1, len(words) + 1):
        candidate = " ".join(words[:n]).rstrip(",.;:-–") + ELLIPSIS
        if width(candidate, size, bold) > room:
            break
        cut = candidate
    if cut:
        return cut
    # the first word alone is too long: as many of its characters as fit
    lo, hi = 0, len(words[0])
    while lo < hi:  # the longest prefix that fits, by bisection
        mid = (lo + hi + 1) // 2
        if width(words[0][:mid] + ELLIPSIS, size, bold) <= room:
            lo = mid
        else:
            hi = mid - 1
    return words[0][:lo] + ELLIPSIS


def legend_entry_width(name: str, size: float = LEGEND_SIZE) -> float:
    """A legend entry's width: its key, the name and the space before the next entry."""
    return LEGEND_KEY + width(name, size) + LEGEND_GAP


def legend_rows(names: Sequence[str], room: float, size: float = LEGEND_SIZE) -> list[list[int]]:
    """The entries (their indices) on each row of a legend `room` points wide, in order, as many
    to a row as fit (every entry's name is expected to fit a row alone: see `shorten`)."""
    rows: list[list[int]] = []
    used = 0.0
    for n, name in enumerate(names):
        w = legend_entry_width(name, size)
        if not rows or used + w - LEGEND_GAP > room:  # the last entry of a row needs no gap after it
            rows.append([])
            used = 0.0
        rows[-1].append(n)
        used += w
    return rows


def legend_name(name: str, chart_w: float = CHART_W, size: float = LEGEND_SIZE) -> str:
    """A series' name as its legend shows it: shortened to one entry's room."""
    room = min(LEGEND_NAME_W, chart_w - 2 * LEGEND_PAD - LEGEND_KEY - LEGEND_GAP)
    return shorten(name, size, max(room, 10.0))


def series_names(labels: Sequence[str], names: Sequence[str], limit: int = 48) -> list[str]:
    """The names of one chart's indicators, chosen once for the whole chart: their labels when
    every one has a label and no two read the same in the legend; else their names (cut at a word
    to `limit` characters), and, where two names still read the same, each with its label first."""
    labels = [" ".join(label.split()) for label in labels]
    shown = [legend_name(label) for label in labels]
    if all(labels) and len(set(shown)) == len(shown):
        return list(labels)
    by_name = [_short(name, limit) for name in names]
    if len(set(by_name)) == len(by_name):
        return by_name
    return [_short(f"{label}: {name}" if label else name, limit) if by_name.count(short) > 1 else short
            for label, name, short in zip(labels, names, by_name)]


def _short(text: str, limit: int) -> str:
    """A name cut at a word to `limit` characters, ended with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit - 1]
    return cut.rstrip(",.;:") + ELLIPSIS


def quarterly_form(names: Sequence[str], quarters: int) -> str:
    """"line" for a few indicators over at least two quarters, with a legend that fits; else
    "hbar". `names` are the indicators' series names (the expected line is added here)."""
    if quarters < LINE_MIN_QUARTERS or len(names) > LINE_MAX_INDICATORS:
        return "hbar"
    shown = [legend_name(n) for n in (*names, "Esperado del objetivo")]
    rows = legend_rows(shown, CHART_W - 2 * LEGEND_PAD)
    return "line" if len(rows) <= LEGEND_MAX_ROWS else "hbar"


def path_pages(names: Sequence[str], plan: str = "Plan") -> list[range]:
    """The plan's path over the cuts split over slides: each slide has the plan's line and at most
    PATH_MAX_MEMBERS of its ejes or objectives (`names`, as their legend shows them), as many as
    keep the legend within LEGEND_MAX_ROWS rows; spread evenly when the slides that takes allow it."""
    room = CHART_W - 2 * LEGEND_PAD

    def fits(part: Sequence[int]) -> bool:
        return len(part) <= PATH_MAX_MEMBERS and len(legend_rows([plan, *(names[i] for i in part)], room)) <= LEGEND_MAX_ROWS

    greedy: list[list[int]] = [[]]
    for i in range(len(names)):
        if greedy[-1] and not fits([*greedy[-1], i]):
            greedy.append([])
        greedy[-1].append(i)
    even = pages(len(names), math.ceil(len(names) / len(greedy))) if names else [range(0)]
    if len(even) == len(greedy) and all(fits(part) for part in even):
        return even
    return [range(part[0], part[-1] + 1) if part else range(0) for part in greedy]


def objectives_form(count: int) -> str:
    """"bar" (clustered columns) for up to COLUMN_MAX_OBJECTIVES objectives, else "hbar"."""
    return "bar" if count <= COLUMN_MAX_OBJECTIVES else "hbar"


def pages(count: int, per: int = BARS_PER_SLIDE) -> list[range]:
    """`count` bars over as few slides as hold `per` each, spread evenly (143: 3 of 15, 7 of 14)."""
    slides = max(1, math.ceil(count / per))
    base, extra = divmod(count, slides)
    out, start = [], 0
    for n in range(slides):
        size = base + (1 if n < extra else 0)
        out.append(range(start, start + size))
        start += size
    return out


def bar_order(values: Sequence[float | None]) -> list[int]:
    """Indices lowest value first; those without a value last; ties in their given order."""
    shown = sorted((i for i, v in enumerate(values) if v is not None), key=lambda i: values[i])  # type: ignore[arg-type,return-value]
    return shown + [i for i, v in enumerate(values) if v is None]


def axis_ticks(values: Sequence[float | None], headroom: float = 1.0, count: int = 5) -> tuple[float, ...]:
    """Round ticks (steps of 1, 2, 2,5 or 5 times a power of ten) from 0, or below it for a
    negative value, to at least the largest value times `headroom`, but no higher than SCALE_CAP
    (a larger value runs past the axis: `past_cap`); 0 to 100 with no values."""
    shown = [v for v in values if v is not None and math.isfinite(v)]
    lo = min([0.0, *shown])
    hi = min(max([0.0, *shown]) * headroom, SCALE_CAP)
    if hi - lo < 1e-9:
        hi = 100.0
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return tuple(round(k * step, 10) + 0.0 for k in range(first, last + 1))


def bar_gap(categories: int) -> int:
    """The gap between horizontal bars, in percent of a bar's thickness (PowerPoint's gap width):
    bars no thicker than BAR_BAND_MAX when there are few of them."""
    pitch = HBAR_PLOT_H / max(1, categories)
    return int(min(500, max(40, round((pitch / BAR_BAND_MAX - 1) * 100))))


def past_cap(values: Sequence[float | None], ticks: Sequence[float]) -> list[bool]:
    """For each value, whether it runs past the axis' last tick (drawn to the edge, marked)."""
    top = ticks[-1] if ticks else SCALE_CAP
    return [v is not None and v > top + 1e-9 for v in values]
