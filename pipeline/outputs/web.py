"""Draw the document model as an accessible web page (WCAG 2.1 AA), the report's third output.

`render_web(document, theme, links)` returns the page and its stylesheet as bytes, under `web/`
of the cut's folder: `web/index.html` and `web/estilo.css`. The page needs no script and fetches
nothing from outside its folder (a Content-Security-Policy says so to the browser), so it opens
the same from disk (file://) and from any web server. It has no pagination: every attention item,
every eje, every objective with its whole table, and each figure drawn as inline SVG (with its
title, its description that says every value, and its data as a table beside it).

Every Spanish word and figure comes from the document (`pipeline.report.document`); this module adds
only the page's own navigation words (section headings, the skip link, the download links).
Plan texts arrive as runs and are escaped by Jinja2's autoescape: HTML in plan.yaml shows as text.

Colour is never the only signal: a traffic light is always written in words, with its colour as a
swatch beside the word. Text colours are the theme's where they reach 4.5:1 against their
background, and the theme's text colour where they do not (`text_pairs` lists every pair used;
the tests check them). The same document gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from pipeline.outputs.paths import TEMPLATES
from pipeline.report.document import (
    ANNEX_TITLE, TABLE_COLUMNS, Document, Figure, FigureSeries, axis_line, count_text, objective_line,
)
from pipeline.core.formatting import number, percent
from pipeline.core.settings import LIGHT_COLORS, Theme, TrafficLight
from pipeline.report.chart_layout import SCALE_CAP
from pipeline.report.chart_layout import shorten as shorten_label
from pipeline.core.text import plain
from pipeline.core.text import width as text_width

__all__ = [
    "render_web", "web_html", "web_css", "LINKS", "INDEX", "STYLESHEET", "contrast", "text_pairs",
    "graphic_pairs", "palette", "file_size", "TEMPLATES", "web_environment",
]

INDEX = "web/index.html"
STYLESHEET = "web/estilo.css"
LOGO_EXTENSIONS = {"image/png": "png", "image/svg+xml": "svg"}

# What each download is, and its format, for the link text («Reporte en PDF (PDF, 141 kB)»); in
# this order on the page. `links` names the file of each (the cut's folder, one level above web/).
LINKS: dict[str, tuple[str, str]] = {
    "pdf": ("Reporte en PDF", "PDF"),
    "deck": ("Presentación institucional", "PowerPoint, PPTX"),
    "avance": ("Avance por indicador, una fila por meta", "CSV"),
    "objetivos": ("Avance por objetivo, eje y plan", "CSV"),
    "cambios": ("Cambios desde el corte anterior, una fila por indicador", "CSV"),
    "serie": ("Serie del avance en cada trimestre del plan, por indicador, objetivo, eje y plan", "CSV"),
    "tablas": ("Las dos tablas en un libro de Excel", "Excel, XLSX"),
    "datapackage": ("Descripción de los datos (Frictionless Data Package)", "JSON"),
}


WHITE = "#FFFFFF"
TEXT_CONTRAST, GRAPHIC_CONTRAST = 4.5, 3.0  # WCAG 2.1 1.4.3 (text) and 1.4.11 (graphics)


# --- colours ------------------------------------------------------------------------------------


def _luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two `#RRGGBB` colours, from 1 to 21."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _readable(color: str, backgrounds: Sequence[str], fallback: str, minimum: float = TEXT_CONTRAST) -> str:
    """`color` if it reaches `minimum` against every background, else `fallback`."""
    return color if all(contrast(color, b) >= minimum for b in backgrounds) else fallback


@lru_cache(maxsize=16)
def _palette(colors: tuple[tuple[str, str], ...]) -> dict[str, str]:
    theme = dict(colors)
    ink = _readable(theme["texto"], (WHITE,), "#1A1A1A")
    soft_bg = theme["fondo_suave"] if contrast(ink, theme["fondo_suave"]) >= TEXT_CONTRAST else WHITE
    strong = _readable(theme["primario"], (WHITE, soft_bg), ink)
    banner_on_primary = contrast(WHITE, theme["primario"]) >= TEXT_CONTRAST
    series = [_readable(theme[k], (WHITE,), ink, GRAPHIC_CONTRAST) for k in ("primario", "secundario", "texto_suave")]
    out = {
        "fondo": WHITE,
        "texto": ink,
        "suave": _readable(theme["texto_suave"], (WHITE, soft_bg), ink),
        "titulos": strong,
        "enlace": strong,
        "fondo_suave": soft_bg,
        "borde": theme["borde"],
        "banda": theme["primario"] if banner_on_primary else soft_bg,
        "banda_texto": WHITE if banner_on_primary else ink,
        "foco": ink,
        "barra": series[0],
        "serie_1": series[0],
        "serie_2": series[1],
        "serie_3": series[2],
        "esperado": ink,
    }
    for light in LIGHT_COLORS:
        out[light] = theme[light]
    return out


def palette(theme: Theme) -> dict[str, str]:
    """The page's colours by role, from the theme: text colours that fail 4.5:1 against their
    background become the theme's text colour; chart colours that fail 3:1 against white too."""
    return dict(_palette(tuple(sorted(theme.colors.items()))))


def text_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """Every (what, text colour, background) the page writes text in: each must reach 4.5:1."""
    p = palette(theme)
    pairs = [
        ("texto", p["texto"], p["fondo"]),
        ("texto en recuadros", p["texto"], p["fondo_suave"]),
        ("texto suave", p["suave"], p["fondo"]),
        ("texto suave en recuadros", p["suave"], p["fondo_suave"]),
        ("títulos y enlaces", p["titulos"], p["fondo"]),
        ("títulos y enlaces en recuadros", p["titulos"], p["fondo_suave"]),
        ("encabezado", p["banda_texto"], p["banda"]),
        ("rótulos de los gráficos", p["texto"], p["fondo"]),
    ]
    return pairs


def graphic_pairs(theme: Theme) -> list[tuple[str, str, str]]:
    """Every (what, colour, background) that carries meaning in a chart or shows focus: 3:1."""
    p = palette(theme)
    return [
        ("barras", p["barra"], p["fondo"]),
        ("serie 1", p["serie_1"], p["fondo"]),
        ("serie 2", p["serie_2"], p["fondo"]),
        ("serie 3", p["serie_3"], p["fondo"]),
        ("esperado", p["esperado"], p["fondo"]),
        ("foco", p["foco"], p["fondo"]),
        ("foco en recuadros", p["foco"], p["fondo_suave"]),
    ]


# --- charts as inline SVG -----------------------------------------------------------------------

# viewBox width: about a phone's column, so the text keeps its size there; wider screens scale it
# up a little (estilo.css bounds the figure's width).
SVG_W = 360.0
FONT, SMALL, LEGEND = 14.0, 12.0, 13.0
PAD = 8.0
VALUE_ROOM = 72.0  # right of the bars: the column of values
ROOM_MARGIN = 1.12  # the browser's font may be wider than Open Sans, which measures the labels
ROW_H, BAR_H = 44.0, 14.0
AXIS_H = 26.0
LEGEND_ROW = 22.0
MAX_LINES = 3  # more series than this, or a single quarter: bars


def _f(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros (stable text for stable bytes)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fit(text: str, size: float, room: float) -> str:
    """`text`, shortened at a word (with «…») to fit `room` at `size`, with room to spare for a
    browser font wider than the Open Sans that measures it."""
    return shorten_label(text, size, room / ROOM_MARGIN)


def _pct(value: float | None, missing: str) -> str:
    return percent(value) if value is not None else missing


def _domain(values: Sequence[float | None]) -> float:
    """The value axis' top: 100 %, or 125 %, or more in steps of 50 up to 200 % when a value exceeds
    it. Values beyond 200 % are drawn to the edge; their figures are written beside them."""
    top = max([100.0, *(v for v in values if v is not None)])
    if top <= 125:
        return 100.0 if top <= 100 else 125.0
    return min(SCALE_CAP, math.ceil(top / 50.0) * 50.0)


def _ticks(domain: float) -> list[float]:
    step = 25.0 if domain <= 125 else 50.0
    return [n * step for n in range(int(domain // step) + 1)]


def _svg_open(figure: Figure, height: float) -> list[str]:
    key = escape(figure.key)
    return [
        f'<svg class="grafico" role="img" aria-labelledby="svg-{key}-titulo svg-{key}-desc" '
        f'viewBox="0 0 {_f(SVG_W)} {_f(height)}" width="{_f(SVG_W)}" height="{_f(height)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="svg-{key}-titulo">{escape(figure.title)}</title>',
        f'<desc id="svg-{key}-desc">{escape(figure.description)}</desc>',
    ]


def _bars(
    figure: Figure,
    rows: Sequence[tuple[str, float | None, float | None]],
    missing: str,
    legend: Sequence[tuple[str, str]],
) -> str:
    """Horizontal bars, one row per (label, value, marker): the label above its bar, a marker (a
    short upright line across the bar) where it has one, and the values in a column at the right,
    clear of bars and markers. Reads the same at 3 rows or 300."""
    plot_w = SVG_W - 2 * PAD - VALUE_ROOM
    domain = _domain([v for _, v, _ in rows] + [m for _, _, m in rows])
    x = lambda v: PAD + plot_w * max(0.0, min(v, domain)) / domain  # noqa: E731
    top = AXIS_H
    bottom = top + ROW_H * len(rows)
    height = bottom + 10 + LEGEND_ROW * len(legend) + 4
    out = _svg_open(figure, height)
    out.append('<g class="eje">')
    for tick in _ticks(domain):
        out.append(f'<line x1="{_f(x(tick))}" y1="{_f(top - 4)}" x2="{_f(x(tick))}" y2="{_f(bottom)}"/>')
        anchor = "start" if tick == 0 else "middle"
        out.append(
            f'<text x="{_f(x(tick))}" y="{_f(top - 9)}" text-anchor="{anchor}" font-size="{_f(SMALL)}">'
            f'{escape(percent(tick, 0))}</text>'
        )
    out.append("</g>")
    for n, (label, value, marker) in enumerate(rows):
        y = top + n * ROW_H
        label = _fit(label, FONT, SVG_W - 2 * PAD)
        out.append(f'<text class="rotulo" x="{_f(PAD)}" y="{_f(y + 17)}" font-size="{_f(FONT)}">{escape(label)}</text>')
        bar_y = y + 23
        if value is not None and value > 0:
            out.append(f'<rect class="barra" x="{_f(x(0))}" y="{_f(bar_y)}" width="{_f(x(value) - x(0))}" height="{_f(BAR_H)}"/>')
        if marker is not None:
            out.append(f'<line class="marca" x1="{_f(x(marker))}" y1="{_f(bar_y - 4)}" x2="{_f(x(marker))}" y2="{_f(bar_y + BAR_H + 4)}"/>')
        out.append(
            f'<text class="valor" x="{_f(SVG_W - PAD)}" y="{_f(bar_y + BAR_H - 2)}" text-anchor="end" font-size="{_f(SMALL)}">'
            f'{escape(_pct(value, missing))}</text>'
        )
    out.extend(_legend(legend, bottom + 10))
    out.append("</svg>")
    return "\n".join(out)


def _legend(items: Sequence[tuple[str, str]], top: float, markers: Sequence[str] = ()) -> list[str]:
    """One row per (kind, text): a sample of the mark beside its words."""
    out = ['<g class="leyenda">']
    for n, (kind, text) in enumerate(items):
        y = top + n * LEGEND_ROW
        mid = y + LEGEND_ROW / 2
        if kind == "barra":
            out.append(f'<rect class="barra" x="{_f(PAD)}" y="{_f(mid - 6)}" width="28" height="12"/>')
        elif kind == "marca":
            out.append(f'<line class="marca" x1="{_f(PAD + 14)}" y1="{_f(mid - 9)}" x2="{_f(PAD + 14)}" y2="{_f(mid + 9)}"/>')
        elif kind == "linea-esperado":
            out.append(f'<line class="linea-esperado" x1="{_f(PAD)}" y1="{_f(mid)}" x2="{_f(PAD + 28)}" y2="{_f(mid)}"/>')
        else:  # a line series: "serie-N"
            n_series = int(kind.rsplit("-", 1)[1])
            out.append(f'<line class="trazo {kind}" x1="{_f(PAD)}" y1="{_f(mid)}" x2="{_f(PAD + 28)}" y2="{_f(mid)}"/>')
            out.append(_marker(n_series, PAD + 14, mid))
        text = _fit(text, LEGEND, SVG_W - PAD - 38)
        out.append(f'<text class="rotulo" x="{_f(PAD + 38)}" y="{_f(mid + 5)}" font-size="{_f(LEGEND)}">{escape(text)}</text>')
    out.append("</g>")
    return out


def _marker(n: int, cx: float, cy: float) -> str:
    """The n-th series' point: circle, square, triangle (shape as well as colour)."""
    cls = f'class="punto serie-{n}"'
    if n == 1:
        return f'<circle {cls} cx="{_f(cx)}" cy="{_f(cy)}" r="4.5"/>'
    if n == 2:
        return f'<rect {cls} x="{_f(cx - 4.5)}" y="{_f(cy - 4.5)}" width="9" height="9"/>'
    return f'<path {cls} d="M{_f(cx)} {_f(cy - 5.5)}L{_f(cx + 5.5)} {_f(cy + 4.5)}L{_f(cx - 5.5)} {_f(cy + 4.5)}Z"/>'


def _lines(figure: Figure, indicators: Sequence[FigureSeries], expected: FigureSeries | None) -> str:
    """A few series over two or more quarters: one line each, its points marked with its own shape
    and colour, the expected as a dashed line, and a legend below."""
    left, right, top, plot_h = 44.0, 12.0, 14.0, 180.0
    plot_w = SVG_W - left - right
    values = [v for s in (*indicators, *([expected] if expected else [])) for v in s.values]
    domain = _domain(values)
    n = len(figure.categories)
    step = plot_w / n
    x = lambda i: left + step * (i + 0.5)  # noqa: E731
    y = lambda v: top + plot_h * (1 - max(0.0, min(v, domain)) / domain)  # noqa: E731
    legend = [(f"serie-{k + 1}", s.name) for k, s in enumerate(indicators)]
    if expected is not None:
        legend.append(("linea-esperado", expected.name))
    axis_bottom = top + plot_h
    legend_top = axis_bottom + 30
    height = legend_top + LEGEND_ROW * len(legend) + 4
    out = _svg_open(figure, height)
    out.append('<g class="eje">')
    for tick in _ticks(domain):
        out.append(f'<line x1="{_f(left)}" y1="{_f(y(tick))}" x2="{_f(left + plot_w)}" y2="{_f(y(tick))}"/>')
        out.append(
            f'<text x="{_f(left - 6)}" y="{_f(y(tick) + 4)}" text-anchor="end" font-size="{_f(SMALL)}">'
            f'{escape(percent(tick, 0))}</text>'
        )
    every = _label_stride(figure.categories, step)
    for i, category in enumerate(figure.categories):
        if every > 1:  # a long series (every quarter of the plan): a tick at each, a name where it fits
            out.append(f'<line x1="{_f(x(i))}" y1="{_f(axis_bottom)}" x2="{_f(x(i))}" y2="{_f(axis_bottom + 4)}"/>')
        if i % every:
            continue
        out.append(
            f'<text x="{_f(x(i))}" y="{_f(axis_bottom + 20)}" text-anchor="middle" font-size="{_f(SMALL)}">'
            f'{escape(category)}</text>'
        )
    out.append("</g>")

    def path(series: FigureSeries) -> str:
        d, pen = [], "M"
        for i, v in enumerate(series.values):
            if v is None:
                pen = "M"  # a quarter not reported breaks the line
                continue
            d.append(f"{pen}{_f(x(i))} {_f(y(v))}")
            pen = "L"
        return "".join(d)

    if expected is not None:
        out.append(f'<path class="linea-esperado" d="{path(expected)}"/>')
    for k, series in enumerate(indicators, start=1):
        out.append(f'<path class="trazo serie-{k}" d="{path(series)}"/>')
        out.extend(_marker(k, x(i), y(v)) for i, v in enumerate(series.values) if v is not None)
        for i, v in enumerate(series.values):  # past the scale: at its top edge, with its value beside it
            if v is not None and v > domain:
                said = series.labels[i] if i < len(series.labels) else percent(v)
                anchor = "end" if x(i) > SVG_W / 2 else "start"
                dx = -8 if anchor == "end" else 8
                out.append(
                    f'<text class="valor fuera-de-escala" x="{_f(x(i) + dx)}" y="{_f(top + 4)}" text-anchor="{anchor}" '
                    f'font-size="{_f(SMALL)}">{escape(said)} ▸</text>'
                )
    out.extend(_legend(legend, legend_top))
    out.append("</svg>")
    return "\n".join(out)


def _label_stride(categories: Sequence[str], step: float) -> int:
    """Name every n-th category on the axis, n the smallest of 1, 2, 4, 8 ... at which the names
    do not run into each other: a series over every quarter of the plan then names each year's
    first quarter (`T1 2024`), and its table names every cut."""
    widest = max((text_width(c, SMALL) for c in categories), default=0.0) * ROOM_MARGIN + 4
    every = 1
    while every * step < widest and every < len(categories):
        every *= 2
    return every


def web_figure(figure: Figure) -> Figure:
    """The figure the page shows for an objective's quarters: the lines themselves when they
    read (a few indicators over two quarters or more), else each indicator at the cut against
    what was expected of it by then (`Figure.at_cut`, as the deck and the PDF draw it), with
    its own data table."""
    indicators = [s for s in figure.series if s.role == "indicator"]
    if figure.at_cut is None or (1 < len(figure.categories) and len(indicators) <= MAX_LINES):
        return figure
    return figure.at_cut


def figure_svg(figure: Figure) -> str:
    """The figure as inline SVG, in the form that reads at its size.

    A figure with achieved and expected series per category (objectives) is bars with the
    expected marked on each; a quarterly figure with a few indicators over two or more quarters
    is lines; with more indicators (an objective can have 150), one bar per indicator at the last
    quarter with the objective's expected at that quarter marked on each."""
    achieved = [s for s in figure.series if s.role == "achieved"]
    expected = next((s for s in figure.series if s.role == "expected"), None)
    indicators = [s for s in figure.series if s.role == "indicator"]
    if achieved:
        rows = [
            (c, achieved[0].values[i], expected.values[i] if expected else None)
            for i, c in enumerate(figure.categories)
        ]
        legend = [("barra", achieved[0].name)] + ([("marca", expected.name)] if expected else [])
        return _bars(figure, rows, figure.missing, legend)
    if 1 < len(figure.categories) and len(indicators) <= MAX_LINES:
        return _lines(figure, indicators, expected)
    last = len(figure.categories) - 1
    mark = expected.values[last] if expected is not None else None
    rows = [(s.name, s.values[last], mark) for s in indicators]
    legend = [("barra", figure.categories[last])]
    if expected is not None and mark is not None:
        legend.append(("marca", f"{expected.name} ({figure.categories[last]}): {percent(mark)}"))
    return _bars(figure, rows, figure.missing, legend)


# --- downloads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    href: str
    text: str


def file_size(size: int) -> str:
    """`1,2 MB`, `141 kB`, `820 bytes` (decimal units, as Colombian Spanish writes numbers)."""
    if size >= 1_000_000:
        return f"{number(size / 1_000_000, 1)}\u00a0MB"
    if size >= 1_000:
        return f"{number(round(size / 1_000))}\u00a0kB"
    return f"{number(size)}\u00a0bytes"


def _links(links: Mapping[str, str], sizes: Mapping[str, int]) -> list[_Link]:
    unknown = sorted(set(links) - set(LINKS)) + sorted(set(sizes) - set(LINKS))
    if unknown:
        raise ValueError(f"unknown download(s) {unknown}: expected some of {list(LINKS)}")
    out = []
    for kind, (what, form) in LINKS.items():
        name = links.get(kind)
        if not name:
            continue
        if "/" in name or "\\" in name or name in (".", ".."):
            raise ValueError(f"download {kind!r} must be a file name in the cut's folder, not {name!r}")
        detail = form if kind not in sizes else f"{form}, {file_size(sizes[kind])}"
        out.append(_Link("../" + quote(name), f"{what} ({detail})"))
    return out


# --- the page -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def web_environment() -> Environment:
    """The Jinja2 environment of the web templates (templates/web/): autoescaped, strict."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES / "web"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _light_class(light: TrafficLight | None) -> str:
    return f"luz-{light.value}" if light is not None else ""


def web_css(theme: Theme, levels: Sequence[TrafficLight] = ()) -> str:
    """The page's stylesheet, with the theme's colours (as `palette` adjusts them) and each level
    of the scale's own (`levels`; none: the default scale's, the theme's)."""
    colors = palette(theme)
    lights = {light: colors[light] for light in LIGHT_COLORS} | {t.value: t.color for t in levels}
    return web_environment().get_template("estilo.css.j2").render(colors=colors, lights=lights)


def logo_file(theme: Theme) -> str | None:
    """`web/logo.svg` or `web/logo.png`: where the page's copy of `tema.logo_imagen` goes, if any."""
    image = theme.logo_image
    return f"web/logo.{LOGO_EXTENSIONS[image.media_type]}" if image else None


def web_html(document: Document, theme: Theme, links: Mapping[str, str], sizes: Mapping[str, int] | None = None) -> str:
    """The page as text (see `render_web`)."""
    logo = logo_file(theme)
    first, last = document.plan_period
    shown = {o.id: web_figure(o.quarterly) for o in document.objectives}
    figures = {i: Markup(figure_svg(f)) for i, f in shown.items()}
    paths = {o.id: Markup(figure_svg(o.path)) for o in document.objectives if o.path is not None}
    return web_environment().get_template("index.html.j2").render(
        d=document,
        h=document.headings,
        groups=document.groups(),
        has_axes=bool(document.axes),
        stylesheet=Path(STYLESHEET).name,
        logo=Path(logo).name if logo else None,
        downloads=_links(links, sizes or {}),
        objectives_svg=Markup(figure_svg(document.objectives_figure)),
        quarterly_svg=figures,
        quarterly=shown,
        paths_svg=paths,
        year_label=document.key_figures[0].label,
        plan_label=document.key_figures[1].label,
        light_heading=TABLE_COLUMNS[-1],
        annex_title=ANNEX_TITLE,
        axis_line=lambda a: axis_line(a, document.year, (first, last)),
        objective_line=lambda o: objective_line(o, document.year, limit=len(plain(o.text))),  # the page has room: whole
        count_text=count_text,
        light_class=_light_class,
    )


def render_web(
    document: Document, theme: Theme, links: Mapping[str, str], sizes: Mapping[str, int] | None = None
) -> dict[str, bytes]:
    """The report of one cut as an accessible web page: {relative path: bytes}.

    Paths are relative to the cut's folder: `web/index.html`, `web/estilo.css` and, when the theme
    has a logo picture, `web/logo.svg` or `web/logo.png` (the file as read). `links` names,
    by kind, the files of the cut's folder the page links to (relative links, `../<file>`): any of
    `pdf`, `deck`, `avance`, `objetivos`, `serie`, `tablas`, `datapackage` (see `LINKS`); a kind not given has no
    link (with none, the page has no downloads section), an unknown kind is an error. `sizes` (bytes, by the same kinds) adds each file's size
    to its link text. The same arguments give the same bytes.
    """
    files = {
        INDEX: web_html(document, theme, links, sizes).encode("utf-8"),
        STYLESHEET: web_css(theme, tuple(t.light for t in document.lights)).encode("utf-8"),
    }
    logo = logo_file(theme)
    if logo:
        files[logo] = theme.logo_image.data  # as read: an SVG stays vectors; an <img> runs no script in it
    return files
