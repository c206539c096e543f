"""pipeline/charts.py: the PDF's charts as SVG, written from the content model."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipeline.charts import chart_svg, nice_ticks
from pipeline.report import Chart, Series

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
    assert len(legend_rows) == 3  # nine series, four to a row


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
