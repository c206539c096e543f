"""pipeline/outputs/pdf.py: the PDF as a reader (pypdf, pikepdf) and a PDF/UA validator see it."""

from __future__ import annotations

import dataclasses
import io

import page
import pikepdf
import pytest
from pypdf import PdfReader

from pipeline.outputs.pdf import AssetsOnlyFetcher, render_pdf
from pipeline.report.layout import ChartSlide, slide_titles
from pipeline.core.text import font_path
from tests.report.test_chart_layout import large  # noqa: F401  (fixture)
from tests.report.test_layout import build, long_report, sample_execution, sample_report, sample_settings  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def pdf_bytes(sample_report):
    return render_pdf(sample_report, {"avance.csv": b"objetivo,indicador\n1,IS-321\n"})


@pytest.fixture(scope="module")
def reader(pdf_bytes):
    return PdfReader(io.BytesIO(pdf_bytes))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_one_page_per_slide_16_9(reader, sample_report):
    assert len(reader.pages) == len(sample_report.slides)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (960, 540)


def test_each_page_shows_its_title(reader, sample_report):
    for page, title in zip(reader.pages, slide_titles(sample_report)):
        assert _flat(title) in _flat(page.extract_text()), title


def test_key_figures(reader):
    text = _flat(" ".join(p.extract_text() for p in reader.pages))
    for fragment in ("23.669.955", "4.155.036", "Corte al 30 de septiembre de 2024", "Ley 152 de 1994", "47,5 %"):
        assert fragment in text.replace("\u00a0", " "), fragment


def test_metadata_archival_and_attachment(reader, pdf_bytes):
    assert reader.metadata.title.startswith("Plan Estratégico Institucional 2024")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "es-CO"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="A"' in xmp or "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert reader.attachments["avance.csv"] == [b"objetivo,indicador\n1,IS-321\n"]


def test_byte_identical_across_runs(pdf_bytes, sample_report):
    assert render_pdf(sample_report, {"avance.csv": b"objetivo,indicador\n1,IS-321\n"}) == pdf_bytes


def test_plan_text_is_text_not_html(sample_plan, sample_execution, sample_settings):
    hostile = '<img src="file:///etc/passwd"> <b>negrilla</b> & “comillas” ¿sí? ¡ñandú! – ü'
    plan = dataclasses.replace(sample_plan, mission=hostile)
    reader = PdfReader(io.BytesIO(render_pdf(build(plan, sample_execution, sample_settings))))
    text = next(t for t in (_flat(page.extract_text()) for page in reader.pages) if "negrilla" in t)
    assert '<img src="file:///etc/passwd">' in text and "<b>negrilla</b>" in text
    assert "“comillas” ¿sí? ¡ñandú! – ü" in text


def test_fetcher_allows_only_the_projects_assets(tmp_path):
    fetcher = AssetsOnlyFetcher([font_path().parent])
    assert fetcher.fetch(font_path().as_uri()).read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain;base64,aG9sYQ==").read() == b"hola"
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    for url in (outside.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/a.css"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_eje_sections_and_summary_lines_are_drawn(tmp_path):
    from tests.report.test_layout import _pdm_report

    report = _pdm_report(tmp_path)
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    assert len(reader.pages) == len(report.slides)
    pages = [_flat(p.extract_text()).replace("\u00a0", " ") for p in reader.pages]
    assert "Avance por eje" in pages[1] and "Eje 2. Ambiente y salud: avance 2024 " in pages[1]
    section = next(n for n, s in enumerate(report.slides) if type(s).__name__ == "Section")
    assert "Eje 1. Infraestructura" in pages[section] and "Objetivos del eje (1)" in pages[section]
    assert "90,0 %" in pages[section] and "10 km" in " ".join(pages)


def _font_names(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_the_pdf_uses_only_the_shipped_font_even_for_text_it_cannot_draw(reader, sample_report):
    assert all(n.startswith("Open") for n in _font_names(reader))
    cover = dataclasses.replace(sample_report.slides[0], entity="Secretaría عربي עברית 中文 😀 ஆ")
    foreign = dataclasses.replace(sample_report, slides=(cover, *sample_report.slides[1:]))
    names = _font_names(PdfReader(io.BytesIO(render_pdf(foreign))))
    assert names and all(n.startswith("Open") for n in names), names  # no DejaVu, no Droid Sans Fallback


# --- PDF/A-3a and PDF/UA-1 at once ------------------------------------------------------------

XMP = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}


@pytest.fixture(scope="module")
def tagged(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        yield pdf


def _elements(node):
    """The structure elements under `node`, depth first: the order a screen reader reads them."""
    kids = node.get("/K")
    if kids is None or isinstance(kids, int):
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield kid
            yield from _elements(kid)


def _structure(pdf) -> list:
    return list(_elements(pdf.Root.StructTreeRoot))


def _xmp_identification(pdf) -> dict[str, str]:
    """pdfaid/pdfuaid properties of the XMP packet, whether written as attributes or elements."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(pdf.Root.Metadata.read_bytes())
    found = {}
    for description in root.iter(f"{{{XMP['rdf']}}}Description"):
        for prefix in ("pdfaid", "pdfuaid"):
            for name in ("part", "conformance"):
                key = f"{{{XMP[prefix]}}}{name}"
                value = description.get(key) or description.findtext(key)
                if value is not None:
                    found[f"{prefix}:{name}"] = value
    schemas = [s.text for s in root.iter(f"{{{XMP['pdfaSchema']}}}namespaceURI")]
    found["extension schemas"] = " ".join(schemas)
    return found


def test_xmp_declares_pdf_a_3a_and_pdf_ua_1(tagged):
    ids = _xmp_identification(tagged)
    assert (ids["pdfaid:part"], ids["pdfaid:conformance"], ids["pdfuaid:part"]) == ("3", "A", "1")
    assert XMP["pdfuaid"] in ids["extension schemas"]  # PDF/A admits pdfuaid only if the packet describes it
    assert "/Filter" not in tagged.Root.Metadata  # XMP left as plain text
    assert tagged.open_metadata().pdfa_status == "3A"


def test_catalog_shows_the_title_in_spanish_and_is_marked(tagged):
    root = tagged.Root
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(root.Lang) == "es-CO"
    assert root.MarkInfo.Marked is True
    assert tagged.open_metadata()["dc:title"].startswith("Plan Estratégico Institucional 2024")


def test_every_figure_has_alternative_text(tagged, sample_report):
    figures = [e for e in _structure(tagged) if e.S == "/Figure"]
    charts = [s for s in sample_report.slides if isinstance(s, ChartSlide)]
    assert len(figures) == len(charts) > 0
    for figure, chart in zip(figures, charts):
        assert str(figure.get("/Alt", "")).strip() == chart.chart.alt.strip() != ""


def test_table_headers_have_a_scope_and_cells_name_them(tagged):
    elements = _structure(tagged)
    tables = [e for e in elements if e.S == "/Table"]
    assert tables
    ids = {str(k) for k in tagged.Root.StructTreeRoot.IDTree.Names[::2]}
    for table in tables:
        cells = list(_elements(table))
        headers = [c for c in cells if c.S == "/TH"]
        assert headers, "a table without header cells"
        assert {str(h.A.Scope) for h in headers} == {"/Column"}  # the goals table: scope="col"
        assert {str(h.ID) for h in headers} <= ids
        for data in (c for c in cells if c.S == "/TD"):
            assert [str(x) for x in data.A.Headers] and {str(x) for x in data.A.Headers} <= ids


def test_heading_levels_never_skip(tagged):
    levels = [int(str(e.S)[2:]) for e in _structure(tagged) if str(e.S)[:2] == "/H" and str(e.S)[2:].isdigit()]
    assert levels and levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_decorations_are_not_in_the_structure_tree(tagged):
    """Bars, rules and traffic-light dots are drawn as artifacts; no empty element stands for them."""

    def holds_content(element) -> bool:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        return any(
            isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and k.get("/Type") != "/StructElem") or holds_content(k)
            for k in kids if k is not None
        )

    empty = [str(e.S) for e in _structure(tagged) if e.S not in ("/TD", "/TH") and not holds_content(e)]
    assert empty == []


def test_a_pdf_ua_and_pdf_a_validator_accepts_it(pdf_bytes):
    for profile in ("ua1", "3a"):
        report = page.validate_pdf_bytes(pdf_bytes, profile=profile)
        assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_the_validator_refuses_an_image_without_alternative_text(sample_report):
    from pipeline.outputs.pdf import report_css, write_pdf

    html = (
        '<!DOCTYPE html><html lang="es-CO"><head><meta charset="utf-8"><title>Prueba</title>'
        '<meta name="dcterms.created" content="2024-09-30T00:00:00Z"></head><body><h1>Gráfico</h1>'
        '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVpZ2h0PSIxMCIvPg==">'
        "</body></html>"
    )
    data = write_pdf(html, report_css(sample_report), "2024-T3", sample_report.created)
    rules = {f.rule_id for f in page.validate_pdf_bytes(data, profile="ua1").failures}
    assert any("ALTERNATIVE-TEXT" in r for r in rules), rules


def test_a_row_header_gets_the_row_scope(sample_report):
    from pipeline.outputs.pdf import report_css, write_pdf

    html = (
        '<!DOCTYPE html><html lang="es-CO"><head><meta charset="utf-8"><title>Prueba</title>'
        '<meta name="dcterms.created" content="2024-09-30T00:00:00Z"></head><body><table>'
        '<thead><tr><th scope="col">Objetivo</th><th scope="col">Avance</th></tr></thead>'
        '<tbody><tr><th scope="row">1</th><td>47,5 %</td></tr><tr><th scope="row">2</th><td>49,6 %</td></tr></tbody>'
        "</table></body></html>"
    )
    with pikepdf.open(io.BytesIO(write_pdf(html, report_css(sample_report), "2024-T3", sample_report.created))) as pdf:
        scopes = [str(e.A.Scope) for e in _structure(pdf) if e.S == "/TH"]
        assert scopes == ["/Column", "/Column", "/Row", "/Row"]


# --- no text outside its page ---------------------------------------------------------------------


def _outside(pdf: bytes) -> list[str]:
    """Every character of the PDF that does not lie wholly inside its page, or that crosses the
    slide's side margins (nothing is drawn there; a chart cut by its own frame would be), as
    `page: text`."""
    import pdfplumber

    from pipeline.report.layout import MARGIN

    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            x0, top, x1, bottom = page.bbox
            chars = [c for c in page.chars if c["text"].strip()]
            assert chars, f"page {number} has no text"
            for c in chars:
                if (c["x0"] < x0 + MARGIN - 0.5 or c["x1"] > x1 - MARGIN + 0.5
                        or c["top"] < top - 0.5 or c["bottom"] > bottom + 0.5):
                    found.append(f"{number}: {c['text']} at ({c['x0']:.1f}, {c['top']:.1f})")
    return found


def test_no_text_of_a_large_plan_lies_outside_its_page(large):
    """An objective of 30 indicators and one of 143: every chart's legend and labels stay on the page."""
    _, report = large
    assert _outside(render_pdf(report)) == []


def test_no_text_of_the_sample_lies_outside_its_page(pdf_bytes):
    assert _outside(pdf_bytes) == []


# --- long texts: one page per slide, nothing off its page or over the footer ------------------


def _strays(pdf: bytes, footer_top: float = 505.0, only=None) -> list[str]:
    """Characters outside their page, or below the footer's rule that are not the footer's own
    (8 pt): text that overflowed its box. Pages count from 1; `only` picks the pages to check."""
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            if only is not None and number not in only:
                continue
            for char in page.chars:
                if not char["text"].strip():
                    continue
                outside = char["x0"] < -0.5 or char["x1"] > page.width + 0.5 or char["top"] < -0.5 or char["bottom"] > page.height + 0.5
                over_footer = char["top"] > footer_top and char["size"] > 8.5
                if outside or over_footer:
                    out.append(f"page {number}: {char['text']!r} at ({char['x0']:.0f}, {char['top']:.0f}), {char['size']:.1f} pt")
    return out


@pytest.fixture(scope="module")
def long_pdf(long_report):
    return render_pdf(long_report)


def test_long_texts_make_no_page_beyond_the_slides_and_no_character_leaves_its_page(long_pdf, long_report):
    reader = PdfReader(io.BytesIO(long_pdf))
    assert len(reader.pages) == len(long_report.slides)
    for page, title in zip(reader.pages, slide_titles(long_report)):
        assert _flat(title)[:30] in _flat(page.extract_text()), title
    assert _strays(long_pdf) == []  # chart pages included: legends of 120-character names too


def test_the_sample_has_no_stray_character_either(pdf_bytes):
    assert _strays(pdf_bytes) == []


def _text_bottoms(pdf: bytes, report, pick) -> list[tuple[int, float, float]]:
    """(page, where the layout says a text ends, where the PDF's last line of it ends) for each
    text `pick(slide)` names as (size, x0, x1, top, measured end)."""
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, (page, slide) in enumerate(zip(document.pages, report.slides), start=1):
            for size, x0, x1, top, end in pick(slide):
                chars = [
                    c for c in page.chars
                    if abs(c["size"] - size) < 0.01 and x0 - 1 <= c["x0"] <= x1 and top - 1 <= c["top"] < 500  # not the footer
                ]
                if chars:
                    out.append((number, end, max(c["bottom"] for c in chars)))
    return out


def _measured(slide):
    from pipeline.report import layout as r
    from pipeline.core.text import height

    if isinstance(slide, r.Prose):
        yield slide.body_size, r.MARGIN, r.MARGIN + r.CONTENT_W, r.PROSE_TOP, r.PROSE_TOP + height(slide.body, slide.body_size, r.CONTENT_W)
    if isinstance(slide, r.Cards):
        for n, card in enumerate(slide.cards):
            x = r.MARGIN + n * (r.CARD_W + r.CARD_GAP) + 14
            top = r.CARD_TOP + 54
            yield card.text_size, x, x + r.CARD_TEXT_W, top, top + height(card.text, card.text_size, r.CARD_TEXT_W)


def test_the_pdf_wraps_every_text_where_the_layout_measured_it(long_pdf, long_report, pdf_bytes, sample_report):
    """WeasyPrint ends each plan text on the line the layout counted (URLs and codes included):
    the layout's measure is the PDF's, not an estimate."""
    for pdf, report in ((long_pdf, long_report), (pdf_bytes, sample_report)):
        checked = _text_bottoms(pdf, report, _measured)
        assert len(checked) > 5
        assert [(page, round(end), round(bottom)) for page, end, bottom in checked if abs(end - bottom) > 1.5] == []


def test_the_changes_page_follows_the_summary_with_words_beside_each_dot(reader, sample_report):
    from pipeline.report.layout import Changes

    index = next(n for n, s in enumerate(sample_report.slides) if isinstance(s, Changes))
    text = _flat(reader.pages[index].extract_text()).replace("\u00a0", " ")
    assert index == 2 and "Cambios desde el corte anterior" in text
    assert "Frente al corte 2024-T2" in text
    assert " · de " in text and "p. p." in text
    assert any(word in text for word in ("empeora", "mejora"))


def test_the_plan_path_page_shows_its_title_legend_and_axis_as_text(reader, sample_report):
    n = slide_titles(sample_report).index("Evolución del avance del plan")
    text = _flat(reader.pages[n].extract_text())
    for fragment in ("Evolución del avance del plan", "Avance del plan 2020-2024 al cierre de cada trimestre", "Plan",
                     "Objetivo 1", "Objetivo 4", "2020", "2024", "Cada punto es el avance calculado a ese corte"):
        assert fragment in text, fragment
    assert "Objetivo 5" not in text  # on the next page
    assert "Objetivo 5" in _flat(reader.pages[n + 1].extract_text())
