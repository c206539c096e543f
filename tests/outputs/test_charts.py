"""pipeline/outputs/charts.py: the PDF's charts as SVG, written from the content model."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.report.chart_layout import ASCENT, DESCENT, Box
from pipeline.outputs.charts import chart_geometry, chart_svg, nice_ticks
from pipeline.report.layout import Chart, Series
from pipeline.core.text import width

NS = {"s": "http://www.w3.org/2000/svg"}
BARS = Chart(
    "bar",
    ("Objetivo 1", "Objetivo 2", "Objetivo <3>"),
    (Series("Avance 2024", (95.0, None, 131.25), "#7A1E3A"), Series("Esperado al corte", (100.0, 100.0, 100.0), "#B8862B")),
    "%",
    "Gráfico de barras & alt",
)
LINES = Chart(
    "line",
    ("T1 2024", "T2 2024", "T3 2024", "T4 2024"),
    tuple(Series(f"Indicador {n}", (10.0 * n, None, 30.0, 40.0), "#2E7D32") for n in range(1, 10)),
    "%",
    "Gráfico de líneas",
)


def _parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart_svg(chart, 880, 380, "#2B2B2B", "#D9D2CC"))


@pytest.mark.parametrize(("top", "ticks"), [(100, [0, 20, 40, 60, 80, 100]), (108, [0, 25, 50, 75, 100, 125]),
                                            (3.2, [0, 1, 2, 3, 4]), (0, [0])])
def test_ticks_are_round_and_reach_the_top(top, ticks):
    assert nice_ticks(top) == ticks


def test_bars_labels_and_alt_text():
    root = _parse(BARS)
    assert root.find("s:title", NS).text == "Gráfico de barras & alt"
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("height") != "8"]
    assert len(rects) == 5  # one per reported value; the missing one is not drawn as zero
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "131,25\u00a0%" not in texts and "131,2\u00a0%" in texts  # one decimal, Colombian Spanish
    assert "Objetivo <3>" in texts and "150\u00a0%" in texts  # escaped markup; the axis covers the top bar
    assert root.get("font-family") == "Open Sans"


def test_lines_skip_missing_quarters_and_legend_wraps():
    root = _parse(LINES)
    polylines = list(root.iter("{http://www.w3.org/2000/svg}polyline"))
    assert len(polylines) == 9 and all(len(p.get("points").split()) == 3 for p in polylines)
    legend_rows = {t.get("y") for t in root.iter("{http://www.w3.org/2000/svg}text") if (t.text or "").startswith("Indicador ")}
    assert len(legend_rows) == 1  # nine short names share a row
    longer = Chart("line", LINES.categories, tuple(
        Series(f"Indicador {n} de la estrategia distrital", s.values, s.color) for n, s in enumerate(LINES.series)), "%", "alt")
    texts = [t for t in _parse(longer).iter("{http://www.w3.org/2000/svg}text") if (t.text or "").startswith("Indicador ")]
    rows = sorted({float(t.get("y")) for t in texts})
    assert len(texts) == 9 and len(rows) == 3  # as many to a row as fit its measured width


def test_same_chart_same_bytes():
    assert chart_svg(BARS, 880, 380, "#000000", "#CCCCCC") == chart_svg(BARS, 880, 380, "#000000", "#CCCCCC")


def test_category_labels_that_do_not_fit_go_on_two_lines():
    many = Chart("bar", tuple(f"Objetivo {n}" for n in range(1, 16)), (Series("Avance", tuple(50.0 for _ in range(15)), "#7A1E3A"),), "%", "alt")
    root = _parse(many)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts.count("Objetivo") == 15 and "15" in texts
    few = [t.text for t in _parse(BARS).iter("{http://www.w3.org/2000/svg}text")]
    assert "Objetivo 1" in few  # one line when it fits


def test_dashed_and_dotted_series_keep_their_look_in_the_legend():
    looks = (Series("Sólida", (10.0, 20.0), "#2E7D32"), Series("Rayada", (30.0, 40.0), "#2E7D32", "dash", "square"),
             Series("Punteada", (50.0, 60.0), "#2E7D32", "dot", "diamond"))
    root = _parse(Chart("line", ("T1 2024", "T2 2024"), looks, "%", "alt"))
    svg = "{http://www.w3.org/2000/svg}"
    dashes = [p.get("stroke-dasharray") for p in root.iter(svg + "polyline")]
    assert dashes == [None, "6 3", "0.1 4"]
    legend = [line.get("stroke-dasharray") for line in root.iter(svg + "line") if line.get("stroke-width") == "2.2"]
    assert legend == [None, "6 3", "0.1 4"]
    assert len(list(root.iter(svg + "circle"))) == 3  # two points and a legend marker each
    assert len([r for r in root.iter(svg + "rect")]) == 3 and len(list(root.iter(svg + "polygon"))) == 3


# --- geometry: no legend over the plot, no text outside the chart ---------------------------------

SVG = "{http://www.w3.org/2000/svg}"
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñ ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.()-", min_size=1, max_size=200)
UNBROKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzWM", min_size=80, max_size=80)
LABELS = st.one_of(WORDS, UNBROKEN, st.sampled_from(["T1 2024", "Objetivo 12", "Esperado al corte"]))
VALUES = st.one_of(st.none(), st.floats(min_value=-60, max_value=400, allow_nan=False))


@st.composite
def charts(draw) -> Chart:
    kind = draw(st.sampled_from(["line", "bar", "hbar"]))
    if kind == "line":
        categories = tuple(f"T{k} 2025" for k in range(1, draw(st.integers(1, 4)) + 1))
        count = draw(st.integers(1, 150))
    elif kind == "bar":
        categories = tuple(draw(st.lists(LABELS, min_size=1, max_size=12)))
        count = draw(st.integers(1, 150))
    else:
        categories = tuple(draw(st.lists(LABELS, min_size=1, max_size=30)))
        count = draw(st.integers(1, 3))
    names = draw(st.lists(LABELS, min_size=count, max_size=count))
    series = []
    for n, name in enumerate(names):
        values = tuple(draw(VALUES) for _ in categories)
        fill = "outline" if kind == "hbar" and n == count - 1 and count > 1 else "solid"
        labels = tuple(draw(st.sampled_from(["87,5\u00a0%", "sin reporte", "1.234,5\u00a0%"])) for _ in categories) if n == 0 else ()
        series.append(Series(name, values, "#7A1E3A", fill=fill, labels=labels))
    return Chart(kind, categories, tuple(series), "%", "alt")


def _text_boxes(svg: bytes) -> list[tuple[str, Box]]:
    """Every <text> of the SVG with the box its glyphs can take, measured with the report's font."""
    boxes = []
    for t in ET.fromstring(svg).iter(SVG + "text"):
        size, x, y = float(t.get("font-size")), float(t.get("x")), float(t.get("y"))
        w = width(t.text or "", size, bold=t.get("font-weight") == "bold")
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        boxes.append((t.text or "", Box(left, y - ASCENT * size, w, (ASCENT + DESCENT) * size)))
    return boxes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(charts(), st.sampled_from([(880.0, 380.0), (600.0, 300.0)]))
def test_no_legend_over_the_plot_and_no_text_outside_the_chart(chart, size):
    w, h = size
    geometry = chart_geometry(chart, w, h)
    viewport = Box(0, 0, w, h)
    assert geometry.plot.inside(viewport) and geometry.plot.w > 0 and geometry.plot.h > 0
    for box in geometry.legend:
        assert not box.intersects(geometry.plot), (box, geometry.plot)
        assert box.inside(viewport), box
        for label in geometry.labels:  # nor over the axes' labels
            assert not box.intersects(label), (box, label)
    for text, box in _text_boxes(chart_svg(chart, w, h, "#2B2B2B", "#D9D2CC")):
        assert box.inside(viewport), (text, box)


def test_the_geometry_is_what_the_svg_draws():
    geometry = chart_geometry(LINES, 880, 380)
    drawn = _text_boxes(chart_svg(LINES, 880, 380, "#2B2B2B", "#D9D2CC"))
    legend_texts = [box for text, box in drawn if text.startswith("Indicador ")]
    assert legend_texts and all(any(t.inside(b) for b in geometry.legend) for t in legend_texts)


def test_eight_long_names_stay_inside_the_chart_and_each_keeps_a_visible_name():
    """The issue's case: eight long labels ran off both edges of the PDF and half had no name."""
    long = "Porcentaje de avance en la implementación de la estrategia distrital de gestión pública número "
    chart = Chart("line", ("T1 2024", "T2 2024", "T3 2024"),
                  tuple(Series(long + str(n), (10.0, 20.0, 30.0), "#2E7D32") for n in range(8)), "%", "alt")
    drawn = _text_boxes(chart_svg(chart, 880, 380, "#2B2B2B", "#D9D2CC"))
    named = [text for text, _ in drawn if text.startswith("Porcentaje")]
    assert len(named) == 8 and all(text.endswith("…") for text in named)
    assert all(box.inside(Box(0, 0, 880, 380)) for _, box in drawn)


def test_a_legend_with_more_entries_than_room_says_how_many_are_left_out():
    many = Chart("line", ("T1 2024", "T2 2024"),
                 tuple(Series(f"Indicador con un nombre largo {n}", (10.0, 20.0), "#2E7D32") for n in range(150)), "%", "alt")
    texts = [t.text for t in _parse(many).iter(SVG + "text")]
    more = [t for t in texts if t and t.startswith("y ") and t.endswith("más")]
    assert len(more) == 1 and sum(1 for t in texts if t.startswith("Indicador con")) + int(more[0].split()[1]) == 150


def test_horizontal_bars_say_sin_reporte_instead_of_a_zero_bar():
    chart = Chart(
        "hbar", ("Indicador 3", "Indicador 1", "Indicador 2"),
        (Series("Avance 2024", (12.5, 87.5, None), "#7A1E3A", labels=("12,5\u00a0%", "87,5\u00a0%", "sin reporte")),
         Series("Esperado al corte", (25.0, 25.0, 25.0), "#B8862B", fill="outline")),
        "%", "alt", ticks=(0.0, 25.0, 50.0, 75.0, 100.0),
    )
    root = _parse(chart)
    texts = [t.text for t in root.iter(SVG + "text")]
    assert {"12,5\u00a0%", "87,5\u00a0%", "sin reporte", "Avance 2024", "Esperado al corte"} <= set(texts)
    assert texts.index("Indicador 3") < texts.index("Indicador 1")
    filled = [r for r in root.iter(SVG + "rect") if r.get("fill") == "#7A1E3A"]
    outlined = [r for r in root.iter(SVG + "rect") if r.get("stroke") == "#B8862B" and r.get("fill") == "none"]
    assert len(filled) == 2 + 1 and len(outlined) == 3 + 1  # the bars with data, and one legend key each
    labels = {t.text: t for t in root.iter(SVG + "text")}
    rows = [float(labels[c].get("y")) for c in chart.categories]
    assert rows == sorted(rows)  # the first category on top
    assert labels["Indicador 1"].get("text-anchor") == "end"  # right-aligned left of the bars


@pytest.mark.parametrize("kind", ["hbar", "bar", "line"])
def test_a_value_past_the_scale_is_drawn_to_its_edge_marked_with_its_value(kind):
    """3.000 % beside 45 % and 60 %: the scale stops at 200 % (`axis_ticks`), the bar (or point)
    past it ends at the plot's edge with a break mark, and its value is written beside it."""
    from pipeline.report.chart_layout import axis_ticks

    values = (3000.0, 45.0, 60.0)
    labels = ("3.000,0\u00a0%", "45,0\u00a0%", "60,0\u00a0%")
    categories = ("T1 2025", "T2 2025", "T3 2025") if kind == "line" else ("Indicador 1", "Indicador 2", "Indicador 3")
    chart = Chart(kind, categories, (Series("Avance 2025", values, "#7A1E3A", labels=labels),), "%", "alt",
                  ticks=axis_ticks(values))
    root = _parse(chart)
    geometry = chart_geometry(chart, 880, 380)
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "3.000,0\u00a0%" in texts and "200\u00a0%" in texts and "4.000\u00a0%" not in texts
    marks = [e for e in root.iter() if e.get("class") == "fuera-de-escala"]
    assert len(marks) == 1
    for rect in root.iter(SVG + "rect"):
        if rect.get("fill") == "#7A1E3A" and rect.get("height") != "8":
            box = Box(float(rect.get("x")), float(rect.get("y")), float(rect.get("width")), float(rect.get("height")))
            assert box.inside(geometry.plot), box
    assert all(label.inside(geometry.viewport) for label in geometry.labels)
