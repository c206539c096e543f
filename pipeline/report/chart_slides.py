"""The document's charts as chart slides: the objectives' chart, the plan's path and each
objective's quarters.

Each figure of the document (`pipeline.report.document.Figure`) becomes one or more `ChartSlide`s
with native chart data, their labels shortened to fit, a shared scale over continued slides, a
theme colour, line and marker per series (no two lines told apart by colour alone) and alt text
that says every value drawn. Which form a chart takes and how it is split is asked of
`pipeline.report.chart_layout`; `pipeline.report.layout` puts these slides in the report's order.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.formatting import percent
from pipeline.core.settings import Theme
from pipeline.core.text import LINE_HEIGHT, plain, shorten
from pipeline.report.chart_layout import (
    BAR_LABEL_SIZE, BAR_LABEL_W, axis_ticks, bar_order, legend_name, objectives_form, pages, past_cap, path_pages,
    quarterly_form,
)
from pipeline.report.chart_layout import shorten as shorten_label
from pipeline.report.document import Figure, continued
from pipeline.report.slides import CONTENT_W, Chart, ChartSlide, Series

__all__ = ["BARS_NOTE", "BARS_ORDER", "NOTE_SIZE"]

def _objectives_chart(figure: Figure, theme: Theme) -> list[ChartSlide]:
    """Columns for a few objectives, sorted horizontal bars (continued) for many
    (`pipeline.report.chart_layout`)."""
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
    categories = [shorten_label(n, BAR_LABEL_SIZE, BAR_LABEL_W) for n in names]
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
        slides.append(ChartSlide(continued(figure.title, n, len(split)), f"{figure.subtitle}; {BARS_ORDER}", chart, note=notes))
    return slides


_SERIES_COLORS = ("primario", "secundario", "verde", "naranja", "texto_suave", "rojo", "amarillo")
_SERIES_STROKES = (("solid", "circle"), ("dash", "square"), ("dot", "diamond"))


def _series_style(n: int) -> tuple[str, str, str]:
    """The n-th indicator's theme colour, line and marker: the theme's colours first with solid
    lines and circles, then again dashed with squares, then dotted with diamonds (21 distinct)."""
    line, marker = _SERIES_STROKES[(n // len(_SERIES_COLORS)) % len(_SERIES_STROKES)]
    return _SERIES_COLORS[n % len(_SERIES_COLORS)], line, marker


def _quarter_chart(figure: Figure, theme: Theme) -> list[ChartSlide]:
    """Per objective: its indicators' lines by quarter when they read (a few indicators, two
    quarters or more), else bars of each at the cut against its expected (`pipeline.report.chart_layout`)."""
    indicators = [s for s in figure.series if s.role != "expected"]
    if figure.at_cut is not None and quarterly_form([legend_name(s.name) for s in indicators], len(figure.categories)) == "hbar":
        return _bar_slides(figure.at_cut, theme, figure.at_cut.categories, "La tabla anterior da los nombres completos.")
    series = []
    for n, s in enumerate(figure.series):
        if s.role == "expected":
            series.append(Series(s.name, s.values, theme.color("gris"), line="dash", marker="square"))  # dashed: an indicator on schedule shows through
        else:
            color, line, marker = _series_style(n)
            series.append(Series(legend_name(s.name), s.values, theme.color(color), line, marker))
    alt = f"Gráfico de líneas del {figure.description[0].lower()}{figure.description[1:]}"
    ticks = axis_ticks([v for s in series for v in s.values], 1.04)
    chart = Chart("line", figure.categories, tuple(series), "%", alt, ticks)
    return [ChartSlide(figure.title, figure.subtitle, chart, note=_past_scale_note(chart))]


NOTE_SIZE = 10.0  # a chart slide's note, on one line under the chart


def _past_scale_note(chart: Chart) -> str | None:
    """The points of a line chart past its scale, said under it (a native chart labels no point
    off its plot): `Fuera de la escala de 200 %: Corredores…, T2 2025: 30.037,5 %.` On one line;
    the alt text and the data table give every value."""
    past = [
        f"{s.name}, {chart.categories[k]}: {percent(v)}"
        for s in chart.series for k, (v, off) in enumerate(zip(s.values, past_cap(s.values, chart.ticks))) if off and v is not None
    ]
    if not past:
        return None
    note = f"Fuera de la escala de {percent(chart.ticks[-1], 0)}: {'; '.join(past)}."
    return plain(shorten(note, NOTE_SIZE, CONTENT_W, NOTE_SIZE * LINE_HEIGHT))


# The plan's path: the plan solid with circles, then each eje or objective with its own colour,
# stroke and marker, so no two lines of a slide differ by colour alone.
_PATH_STYLES = (
    ("primario", "solid", "circle"), ("secundario", "dash", "square"), ("verde", "solid", "diamond"),
    ("naranja", "dot", "square"), ("texto_suave", "dash", "diamond"), ("texto", "dot", "circle"),
)


def _path_slides(figure: Figure | None, theme: Theme) -> list[ChartSlide]:
    """The plan's path over the cuts: the plan's line and its ejes' (or objectives') as native
    lines, at most a few a slide (`pipeline.report.chart_layout.path_pages`), the plan's on every slide,
    every slide on one scale; each slide's alt text says every value it draws."""
    if figure is None:
        return []
    plan, *members = figure.series
    names = [legend_name(s.name) for s in members]
    parts = path_pages(names)
    ticks = axis_ticks([v for s in figure.series for v in s.values], 1.04)
    head = figure.description.split(". ")[0]
    slides = []
    for n, part in enumerate(parts):
        shown = [plan, *(members[i] for i in part)]
        series = []
        for k, s in enumerate(shown):
            color, line, marker = _PATH_STYLES[k]
            series.append(Series(legend_name(s.name), s.values, theme.color(color), line, marker))
        where = f", parte {n + 1} de {len(parts)}" if len(parts) > 1 else ""
        said = "; ".join(
            f"{s.name}: " + ", ".join(f"{c} {label}" for c, label in zip(figure.categories, s.labels))
            for s in shown
        )
        alt = f"Gráfico de líneas de la {head[0].lower()}{head[1:]}{where}. {said}."
        slides.append(ChartSlide(continued(figure.title, n, len(parts)), figure.subtitle,
                                 Chart("line", figure.categories, tuple(series), "%", alt, ticks), note=figure.note))
    return slides
