"""pipeline/outputs/paths.py: the output templates are found, in a checkout as installed, and the
PDF's and the web page's templates are there."""

from __future__ import annotations

from pipeline.outputs.paths import TEMPLATES
from tests.conftest import ROOT


def test_in_a_checkout_the_templates_are_the_repository_s_folder():
    assert TEMPLATES == ROOT / "templates" and TEMPLATES.is_dir()


def test_the_templates_every_renderer_loads_are_there():
    assert (TEMPLATES / "report.html.j2").is_file() and (TEMPLATES / "report.css").is_file()
    assert any((TEMPLATES / "web").glob("*.j2"))


def test_the_pdf_and_the_web_page_load_from_that_folder():
    from pipeline.outputs import pdf, web

    assert pdf.TEMPLATES == web.TEMPLATES == TEMPLATES
