"""pipeline/outputs/deck.py: the deck as python-pptx (and LibreOffice) reads it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu

from pipeline.outputs.deck import CORE_PROPERTY_LIMIT, metadata_text, render_deck
from pipeline.report.layout import Detail, slide_titles
from tests.report.test_chart_layout import large, three_by_one, three_by_three  # noqa: F401  (fixtures)
from tests.report.test_layout import long_report, sample_execution, sample_report, sample_settings, ten_per_objective_report  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def deck_bytes(sample_report):
    return render_deck(sample_report)


@pytest.fixture(scope="module")
def deck(deck_bytes):
    return Presentation(io.BytesIO(deck_bytes))


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]


def test_16_9_with_one_slide_per_content_slide(deck, sample_report):
    assert (Emu(deck.slide_width).inches, round(Emu(deck.slide_height).inches, 3)) == (pytest.approx(13.333, abs=1e-3), 7.5)
    assert len(deck.slides) == len(sample_report.slides)


def test_titles_in_order(deck, sample_report):
    for slide, title in zip(deck.slides, slide_titles(sample_report)):
        assert title in _texts(slide), title


def test_table_cells(deck, sample_report):
    n = next(i for i, s in enumerate(sample_report.slides) if isinstance(s, Detail) and s.title.endswith("Objetivo 5"))
    table = next(s for s in deck.slides[n].shapes if s.has_table).table
    assert table.cell(0, 2).text == "Programación 2020-2024"
    assert [table.cell(1, c).text for c in (2, 3)] == ["23.669.955", "4.155.036"]
    assert table.cell(2, 8).text == "Naranja"


def test_bold_runs_follow_the_emphasis(deck):
    mission = next(s for s in deck.slides if any(sh.has_text_frame and sh.text_frame.text == "Misión" for sh in s.shapes))
    body = max((s for s in mission.shapes if s.has_text_frame), key=lambda s: len(s.text_frame.text))
    bold = [r.text for p in body.text_frame.paragraphs for r in p.runs if r.font.bold]
    assert "líder del sector Gestión Pública" in bold and "calidad de vida de la ciudadanía" in bold


def test_charts_are_native_with_alt_text(deck):
    charts = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 1 + 2 + 8  # objectives, the plan's path (two slides), each objective's quarters
    for frame in charts:
        assert frame._element.nvGraphicFramePr.cNvPr.get("descr", "").startswith("Gráfico")


def test_parts_are_byte_identical_across_runs(deck_bytes, sample_report):
    again = render_deck(sample_report)
    assert again == deck_bytes
    with zipfile.ZipFile(io.BytesIO(deck_bytes)) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 9, 30, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2024-09-30T00:00:00Z" in core


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_libreoffice_opens_the_deck(deck_bytes, sample_report, tmp_path):
    source = tmp_path / "deck.pptx"
    source.write_bytes(deck_bytes)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "deck.pdf").pages) == len(sample_report.slides)


def test_dashed_series_are_dashed_in_the_deck(sample_report):
    """A line's dash and marker, as the content model gives them, are the deck's too."""
    import dataclasses

    from pipeline.report.layout import ChartSlide

    n, slide = next((n, s) for n, s in enumerate(sample_report.slides) if isinstance(s, ChartSlide) and s.chart.kind == "line")
    series = list(slide.chart.series)
    series[1] = dataclasses.replace(series[1], line="dash", marker="square")
    changed = dataclasses.replace(slide, chart=dataclasses.replace(slide.chart, series=tuple(series)))
    report = dataclasses.replace(sample_report, slides=(*sample_report.slides[:n], changed, *sample_report.slides[n + 1:]))
    deck = Presentation(io.BytesIO(render_deck(report)))
    line = next(s.chart for s in deck.slides[n].shapes if s.has_chart)
    xml = [series._element.xml for series in line.plots[0].series]
    assert 'prstDash val="dash"' not in xml[0] and 'symbol val="circle"' in xml[0]
    assert 'prstDash val="dash"' in xml[1] and 'symbol val="square"' in xml[1]


def test_eje_sections_and_summary_lines_are_drawn(tmp_path):
    from tests.report.test_layout import _pdm_report

    report = _pdm_report(tmp_path)
    deck = Presentation(io.BytesIO(render_deck(report)))
    assert len(deck.slides) == len(report.slides)
    texts = [" ".join(_texts(slide)).replace("\u00a0", " ") for slide in deck.slides]
    assert "Avance por eje" in texts[1] and "Eje 2. Ambiente y salud: avance 2024 " in texts[1]
    section = next(n for n, s in enumerate(report.slides) if type(s).__name__ == "Section")
    assert "Eje 1. Infraestructura" in texts[section] and "Objetivos del eje (1)" in texts[section]
    assert "90,0 %" in texts[section]


def test_metadata_is_shortened_at_a_word_to_the_core_property_limit():
    text = "Plan Estratégico Institucional 2024. " + "Secretaría Distrital de Planeación " * 20
    short = metadata_text(text)
    assert len(short) <= 255 and short.endswith("…") and text.startswith(short[:-1])
    assert short[-2] != " " and metadata_text("Corto") == "Corto"
    assert len(metadata_text("x" * 400)) == 255  # no word to end at: cut inside it


@given(st.text())
def test_metadata_never_exceeds_the_limit(value):
    assert len(metadata_text(value)) <= CORE_PROPERTY_LIMIT


# --- chart forms in the deck ----------------------------------------------------------------------


def _charts(report, prefix: str):
    """(title, chart) of each deck slide whose title starts with `prefix`."""
    deck = Presentation(io.BytesIO(render_deck(report)))
    out = []
    for slide, title in zip(deck.slides, slide_titles(report)):
        if title.startswith(prefix):
            out += [(title, s.chart) for s in slide.shapes if s.has_chart]
    return out


def test_few_series_over_quarters_are_native_lines(three_by_three):
    _, report = three_by_three
    charts = _charts(report, "Avance trimestral Objetivo 1")
    assert len(charts) == 1 and charts[0][1].chart_type == XL_CHART_TYPE.LINE_MARKERS


def test_one_quarter_is_native_horizontal_bars_first_on_top(three_by_one):
    _, report = three_by_one
    ((_, chart),) = _charts(report, "Avance trimestral Objetivo 1")
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert chart.category_axis.reverse_order  # the first (lowest) category on top
    assert [s.name for s in chart.plots[0].series] == ["Avance 2024", "Esperado al corte"]
    assert chart.has_legend and chart.legend.position == XL_LEGEND_POSITION.BOTTOM and not chart.legend.include_in_layout
    assert list(chart.plots[0].categories)[-1] == "Indicador 2"
    xml = chart.plots[0].series[1]._element.xml
    assert "sin reporte" in xml  # the missing value is labelled (on its expected outline), not drawn as zero
    assert chart.value_axis.minimum_scale == 0 and chart.value_axis.maximum_scale is not None


def test_143_indicators_are_ten_slides_of_native_bars(large):
    _, report = large
    charts = _charts(report, "Avance trimestral Objetivo 2")
    assert len(charts) == 10
    assert all(c.chart_type == XL_CHART_TYPE.BAR_CLUSTERED and len(c.plots[0].series) == 2 for _, c in charts)
    assert sum(len(list(c.plots[0].categories)) for _, c in charts) == 143
    assert {c.value_axis.maximum_scale for _, c in charts} == {charts[0][1].value_axis.maximum_scale}


def test_no_native_chart_has_more_series_or_bars_than_its_legend_and_labels_hold(large):
    """PowerPoint lays out a native chart's legend itself: what keeps it off the plot is that no
    chart of a large plan has more than the few series of a line chart, or the two of bars, and
    no slide has more bars than BARS_PER_SLIDE."""
    from pipeline.report.chart_layout import BARS_PER_SLIDE, LINE_MAX_INDICATORS

    _, report = large
    deck = Presentation(io.BytesIO(render_deck(report)))
    charts = [s.chart for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 1 + 1 + 2 + 10  # objectives, the plan's path, objective 1 (30 bars), objective 2 (143)
    for chart in charts:
        series = chart.plots[0].series
        assert chart.has_legend and not chart.legend.include_in_layout
        if chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED:
            assert len(series) == 2 and len(list(chart.plots[0].categories)) <= BARS_PER_SLIDE
        else:
            assert len(series) <= LINE_MAX_INDICATORS + 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_long_texts_stay_in_their_boxes_when_libreoffice_draws_the_deck(long_report, tmp_path):
    """A real client lays out the deck: no character off its slide or over the footer, chart
    slides included (a native chart's legend is PowerPoint's, kept short by the chart's form)."""
    from tests.outputs.test_pdf import _strays

    source = tmp_path / "largo.pptx"
    source.write_bytes(render_deck(long_report))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = (tmp_path / "largo.pdf").read_bytes()
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "largo.pdf").pages) == len(long_report.slides)
    assert _strays(pdf) == []


def test_the_changes_slide_is_drawn_after_the_summary(deck, sample_report):
    from pipeline.report.layout import Changes

    index = next(n for n, s in enumerate(sample_report.slides) if isinstance(s, Changes))
    texts = " ".join(_texts(deck.slides[index])).replace("\u00a0", " ")
    assert index == 2 and "Cambios desde el corte anterior" in texts
    assert "Frente al corte 2024-T2" in texts and " · de " in texts and "p. p." in texts
    slide = sample_report.slides[index]
    dots = [s for s in deck.slides[index].shapes if s.shape_type is not None and s.name.startswith("Oval")]
    assert len(dots) == len(slide.attention)  # one dot per line, each beside its words


@pytest.mark.parametrize("kind", ["hbar", "line"])
def test_a_value_past_the_scale_is_labelled_with_its_value_in_the_native_chart(sample_report, kind):
    """The native chart keeps the real value in its data (editable) and the shared, capped scale;
    the point past it carries its value as a label, marked «▸», inside the plot."""
    import dataclasses

    from pipeline.report.chart_layout import axis_ticks
    from pipeline.report.layout import Chart, ChartSlide, Series

    values = (3000.0, 45.0, 60.0)
    labels = ("3.000,0\u00a0%", "45,0\u00a0%", "60,0\u00a0%")
    chart = Chart(kind, ("A", "B", "C"), (Series("Avance 2025", values, "#7A1E3A", labels=labels),
                                          Series("Esperado al corte", (50.0, 50.0, 50.0), "#B8862B",
                                                 fill="outline" if kind == "hbar" else "solid")),
                  "%", "alt", ticks=axis_ticks(values))
    report = dataclasses.replace(sample_report, slides=(ChartSlide("Avance", "Sub", chart),))
    deck = Presentation(io.BytesIO(render_deck(report)))
    (native,) = [s.chart for s in deck.slides[0].shapes if s.has_chart]
    assert native.value_axis.maximum_scale == 200
    series = native.plots[0].series[0]
    assert list(series.values)[0] == 3000.0
    xml = series._element.xml
    assert "3.000,0\u00a0% ▸" in xml and xml.count("<c:dLbl>") == 1


def test_the_plan_path_is_a_native_line_chart_with_its_legend_beside_the_plot(deck, sample_report):
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

    n = slide_titles(sample_report).index("Evolución del avance del plan")
    (frame,) = [s for s in deck.slides[n].shapes if s.has_chart]
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert [s.name for s in chart.plots[0].series] == ["Plan", "Objetivo 1", "Objetivo 2", "Objetivo 3", "Objetivo 4"]
    assert list(chart.plots[0].categories) == list(sample_report.slides[n].chart.categories)
    assert chart.has_legend and chart.legend.position == XL_LEGEND_POSITION.BOTTOM
    assert chart.legend.include_in_layout is False  # the plot is shrunk for the legend, never covered by it
    alt = frame._element.nvGraphicFramePr.cNvPr.get("descr")
    assert alt == sample_report.slides[n].chart.alt and "Plan: T1 2020" in alt
    plan = chart.plots[0].series[0]
    assert list(plan.values)[-1] == pytest.approx(sample_report.slides[n].chart.series[0].values[-1])
    assert "Evolución del avance del plan (continuación 2 de 2)" in _texts(deck.slides[n + 1])
