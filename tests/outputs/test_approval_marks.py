"""A draft and an approved report, as every output shows them (issue 21): the watermark on every
slide and PDF page and the web page's banner come from one field of the document (`Document.status`),
and so does the approval line of the closing slide and the web page."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from pptx import Presentation
from pypdf import PdfReader

from pipeline.core.approval import WATERMARK, Decision
from pipeline.core.attainment import plan_attainment
from pipeline.core.periods import Cut
from pipeline.ingest import load_settings
from pipeline.ingest.execution import load_execution
from pipeline.outputs.deck import render_deck
from pipeline.outputs.pdf import render_pdf
from pipeline.outputs.web import render_web
from pipeline.report.document import ReportStatus, build_document
from pipeline.report.layout import Closing, lay_out
from tests.conftest import SAMPLE

APPROVAL = Decision(True, "Ana Pérez", date(2024, 10, 8), acta="04 de 2024", role="Jefe de Planeación")
APPROVED_LINE = "Aprobado por Ana Pérez, Jefe de Planeación, en el Acta 04 de 2024, 8 de octubre de 2024"


@pytest.fixture(scope="module")
def documents(sample_plan):
    settings = load_settings(SAMPLE)
    execution = load_execution(SAMPLE, sample_plan).table
    result = plan_attainment(sample_plan, execution, Cut(2024, 3), settings.bands)
    plain = build_document(sample_plan, execution, result, settings.bands)
    return settings, {
        "plain": plain,
        "draft": dataclasses.replace(plain, status=ReportStatus.draft()),
        "approved": dataclasses.replace(plain, status=ReportStatus.approved(APPROVAL)),
    }


def _deck(settings, document):
    return Presentation(io.BytesIO(render_deck(lay_out(document, settings.theme))))


def _slide_texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def test_the_approval_line_reads_as_the_committee_writes_it():
    assert APPROVAL.line == APPROVED_LINE
    with pytest.raises(ValueError):
        Decision(True, "Ana Pérez", date(2024, 10, 8))  # an approval without its acta


def test_a_draft_deck_carries_the_watermark_on_every_slide_and_an_approved_one_on_none(documents):
    settings, docs = documents
    draft = _deck(settings, docs["draft"])
    assert all(WATERMARK in _slide_texts(slide) for slide in draft.slides)
    for name in ("plain", "approved"):
        assert not any(WATERMARK in " ".join(_slide_texts(s)) for s in _deck(settings, docs[name]).slides), name


def test_the_approved_closing_slide_states_the_approval(documents):
    settings, docs = documents
    report = lay_out(docs["approved"], settings.theme)
    assert isinstance(report.slides[-1], Closing) and report.slides[-1].approval == APPROVED_LINE
    assert APPROVED_LINE in _slide_texts(_deck(settings, docs["approved"]).slides[-1])
    assert not any("Aprobado por" in t for t in _slide_texts(_deck(settings, docs["draft"]).slides[-1]))


def test_a_draft_pdf_carries_the_watermark_on_every_page_and_the_approved_one_the_approval(documents):
    settings, docs = documents
    draft = PdfReader(io.BytesIO(render_pdf(lay_out(docs["draft"], settings.theme))))
    assert all("BORRADOR" in page.extract_text() for page in draft.pages)
    approved = PdfReader(io.BytesIO(render_pdf(lay_out(docs["approved"], settings.theme))))
    assert not any("BORRADOR" in page.extract_text() for page in approved.pages)
    assert "Aprobado por Ana Pérez" in " ".join(approved.pages[-1].extract_text().split())


def test_a_draft_web_page_has_a_banner_and_the_approved_one_states_the_approval(documents):
    settings, docs = documents
    pages = {n: render_web(d, settings.theme, {})["web/index.html"].decode("utf-8") for n, d in docs.items()}
    assert WATERMARK in pages["draft"] and 'class="borrador"' in pages["draft"]
    assert WATERMARK not in pages["approved"] and APPROVED_LINE in pages["approved"]
    assert WATERMARK not in pages["plain"] and "Aprobado por" not in pages["plain"]


def test_the_draft_and_approved_web_pages_have_no_accessibility_violations(documents, tmp_path, axe_violations):
    from tests.browser import describe

    settings, docs = documents
    for name in ("draft", "approved"):
        for relative, content in render_web(docs[name], settings.theme, {}).items():
            (tmp_path / name / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name / relative).write_bytes(content)
        violations = axe_violations(tmp_path / name / "web" / "index.html")
        assert violations == [], describe(violations)
