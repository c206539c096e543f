"""Draw the report's content model as a PDF laid out like the deck (Jinja2 + WeasyPrint).

The templates are `templates/report.html.j2` and `templates/report.css`; plan texts arrive as
runs and are escaped by Jinja2's autoescape, so HTML in plan.yaml is shown as text. WeasyPrint
may fetch only `data:` URIs and the package's own font files (`AssetsOnlyFetcher`): no other
local file, no network. The PDF is PDF/A-3a and PDF/UA-1 (tagged; `pipeline.outputs.pdf_ua` completes
WeasyPrint's PDF/A-3a into PDF/UA-1), with title, language and the attainment table attached,
and byte-identical for the same content model.
"""

from __future__ import annotations

import base64
import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from pipeline.outputs.charts import chart_svg
from pipeline.outputs.pdf_ua import finish_pdf_ua
from pipeline.outputs.paths import TEMPLATES
from pipeline.report.layout import (
    CARD_TEXT_W, CARD_W, FOOTER_W, LIST_TITLE_H, SECTION_ITEMS_TOP, SECTION_KPI_TOP, SUMMARY_FIRST_TOP,
)
from pipeline.report.slides import (
    LIGHT_DOT_X, LIGHT_TEXT_X, LIGHTS_TOP, SUMMARY_KPI_TOP, CELL_PAD_X, CELL_PAD_Y, KPI_GAP, KPI_H, KPI_W,
    KPI_WORD_H, KPI_WORD_PAD, KPI_WORD_SIZE, Cards, Changes, ChartSlide, Closing, Comments, Cover, Detail, Prose,
    Report, Section, Summary,
)
from pipeline.core.text import FONT_FILES, LINE_HEIGHT, font_path

__all__ = [
    "render_pdf", "report_html", "report_css", "write_pdf", "shipped_fonts_only", "AssetsOnlyFetcher", "TEMPLATES",
    "PDF_VARIANT",
]

PDF_VARIANT = "pdf/a-3a"  # WeasyPrint's variant; `finish_pdf_ua` makes it PDF/UA-1 as well
_KINDS = {Cover: "cover", Summary: "summary", Changes: "summary", Prose: "prose", Cards: "cards", Section: "section", Detail: "detail",
          ChartSlide: "chart", Comments: "comments", Closing: "closing"}


class AssetsOnlyFetcher(URLFetcher):
    """Fetch `data:` URIs and files under the allowed folders; refuse everything else."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self._allowed = [p.resolve() for p in allowed]

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self._allowed):
                raise ValueError(f"refused: {url} is not one of the report's own assets")
        elif scheme != "data":
            raise ValueError(f"refused: {url} (only the report's own assets are fetched)")
        return super().fetch(url, headers)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _fonts() -> list[dict[str, str]]:
    return [
        {"url": font_path(bold, italic).as_uri(), "weight": "bold" if bold else "normal", "style": "italic" if italic else "normal"}
        for bold, italic in FONT_FILES
    ]


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _image_uri(image) -> str:
    """The logo as a `data:` URI: the file as read, so the PDF holds the SVG as vectors."""
    return f"data:{image.media_type};base64," + base64.b64encode(image.data).decode("ascii")


def report_css(report: Report) -> str:
    theme = report.theme
    return _environment().get_template("report.css").render(
        fonts=_fonts(), family=theme.font, colours=theme.colors, line_height=LINE_HEIGHT,
        card_text_w=CARD_TEXT_W, pad_x=CELL_PAD_X, pad_y=CELL_PAD_Y,
        kpi_word_h=KPI_WORD_H, kpi_word_pad=KPI_WORD_PAD, kpi_word_size=KPI_WORD_SIZE,
    )


def report_html(report: Report) -> str:
    """The report as one HTML document, charts included (as SVG data URIs)."""
    theme = report.theme

    charts = {
        n: _data_uri(chart_svg(s.chart, 880, 380, theme.color("texto"), theme.color("borde")))
        for n, s in enumerate(report.slides)
        if isinstance(s, ChartSlide)
    }
    return _environment().get_template("report.html.j2").render(
        report=report, theme=theme, kinds=[_KINDS[type(s)] for s in report.slides],
        total=len(report.slides), charts=charts, card_w=CARD_W, list_title_h=LIST_TITLE_H,
        axes_top=SUMMARY_FIRST_TOP, section_kpi_top=SECTION_KPI_TOP, section_items_top=SECTION_ITEMS_TOP,
        kpi={"w": KPI_W, "h": KPI_H, "gap": KPI_GAP}, footer_w=FOOTER_W,
        lights={"kpi_top": SUMMARY_KPI_TOP, "top": LIGHTS_TOP, "dot_x": LIGHT_DOT_X, "text_x": LIGHT_TEXT_X},
        logo_uri=_image_uri(theme.logo_image) if theme.logo_image else None,
    )


_FONTCONFIG_LOCK = threading.Lock()


def shipped_fonts_only() -> FontConfiguration:
    """A WeasyPrint font configuration that knows only the fonts shipped with the package.

    Fontconfig reads FONTCONFIG_FILE when a configuration is created; pointing it, for that
    moment, at `assets/fonts/fonts.conf` leaves the machine's fonts out. A character Open Sans
    cannot draw then shows as an empty box instead of pulling another font into the PDF, and the
    PDF is the same on every machine; the run warns about such characters when it reads them
    (`pipeline.ingest.coverage`). The lock keeps two threads from swapping the variable at once.
    """
    with _FONTCONFIG_LOCK:
        saved = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(font_path().parent / "fonts.conf")
        try:
            return FontConfiguration()
        finally:
            if saved is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = saved


@contextmanager
def _source_date(when: datetime) -> Iterator[None]:
    """fontTools stamps subset fonts with the current time unless SOURCE_DATE_EPOCH is set."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def render_pdf(report: Report, attachments: dict[str, bytes] | None = None) -> bytes:
    """The PDF as bytes; `attachments` (name -> content) are embedded as associated files."""
    return write_pdf(report_html(report), report_css(report), report.period, report.created, attachments)


def write_pdf(
    html_text: str, css_text: str, period: str, created, attachments: dict[str, bytes] | None = None
) -> bytes:
    """WeasyPrint's part: the document and its stylesheet to PDF/A-3a and PDF/UA-1 bytes."""
    fetcher = AssetsOnlyFetcher([font_path().parent, TEMPLATES])
    fonts = shipped_fonts_only()  # one configuration for the CSS and the PDF, or @font-face is lost
    when = datetime.combine(created, datetime.min.time(), tzinfo=timezone.utc)
    html = HTML(string=html_text, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher)
    files = [
        Attachment(file_obj=io.BytesIO(content), name=name, description=f"{name} del corte {period}",
                   created=when, modified=when, relationship="Data", url_fetcher=fetcher)
        for name, content in (attachments or {}).items()
    ]
    with _source_date(when):
        return html.write_pdf(
            font_config=fonts,
            pdf_variant=PDF_VARIANT,
            finisher=finish_pdf_ua,
            attachments=files,
            stylesheets=[CSS(string=css_text, font_config=fonts, url_fetcher=fetcher)],
        )
