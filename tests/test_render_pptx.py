"""pipeline/render_pptx.py: the deck as python-pptx (and LibreOffice) reads it."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation
from pptx.util import Emu

from pipeline.render_pptx import CORE_PROPERTY_LIMIT, metadata_text, render_deck
from pipeline.report import Detail, slide_titles
from tests.test_report import long_report, sample_execution, sample_report, sample_settings, ten_per_objective_report  # noqa: F401  (fixtures)


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
    mission = deck.slides[3]
    body = max((s for s in mission.shapes if s.has_text_frame), key=lambda s: len(s.text_frame.text))
    bold = [r.text for p in body.text_frame.paragraphs for r in p.runs if r.font.bold]
    assert "líder del sector Gestión Pública" in bold and "calidad de vida de la ciudadanía" in bold


def test_charts_are_native_with_alt_text(deck):
    charts = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 9
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


def test_series_beyond_the_theme_colours_are_dashed_in_the_deck(ten_per_objective_report):
    deck = Presentation(io.BytesIO(render_deck(ten_per_objective_report)))
    line = next(s.chart for slide in deck.slides for s in slide.shapes if s.has_chart and len(s.chart.plots[0].series) == 11)
    xml = [series._element.xml for series in line.plots[0].series]
    assert all('prstDash val="dash"' not in x and 'symbol val="circle"' in x for x in xml[:7])
    assert all('prstDash val="dash"' in x and 'symbol val="square"' in x for x in xml[7:10])


def test_eje_sections_and_summary_lines_are_drawn(tmp_path):
    from tests.test_report import _pdm_report

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


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_long_texts_stay_in_their_boxes_when_libreoffice_draws_the_deck(long_report, tmp_path):
    """A real client lays out the deck: no character off its slide or over the footer (chart
    slides aside: their legends are the charts' own)."""
    from pipeline.report import ChartSlide
    from tests.test_render_pdf import _strays

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
    charts = {n for n, s in enumerate(long_report.slides, start=1) if isinstance(s, ChartSlide)}
    assert _strays(pdf, only=set(range(1, len(long_report.slides) + 1)) - charts) == []
