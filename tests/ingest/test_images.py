"""pipeline/ingest/images.py and tema.logo_imagen: a logo picture read, checked, and drawn in both outputs."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from pipeline.errors import InputError
from pipeline.ingest.images import read_logo
from pipeline.ingest import load_settings
from tests.conftest import SAMPLE

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100">'
       b'<rect x="0" y="0" width="300" height="100" rx="14" fill="#7A1E3A"/>'
       b'<circle cx="50" cy="50" r="30" fill="#B8862B"/></svg>')


def png(width=400, height=100) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (122, 30, 58, 255)).save(out, format="PNG")
    return out.getvalue()


def _entity(tmp_path, name: str, data: bytes | None, key: str | None = None):
    folder = tmp_path / "sg"
    shutil.copytree(SAMPLE, folder)
    if data is not None:
        (folder / name).write_bytes(data)
    (folder / "configuracion.yaml").write_text(f"tema:\n  logo_imagen: {key or name}\n", encoding="utf-8")
    return folder


def test_a_png_is_used_as_it_is_and_an_svg_is_rasterised_for_the_deck():
    logo = read_logo(png(), "logo.png")
    assert (logo.media_type, logo.width, logo.height, logo.png) == ("image/png", 400, 100, png())
    logo = read_logo(SVG, "logo.svg")
    assert (logo.media_type, logo.width, logo.height) == ("image/svg+xml", 300, 100)
    with Image.open(io.BytesIO(logo.png)) as raster:
        assert raster.format == "PNG" and abs(raster.size[0] / raster.size[1] - 3) < 0.05
        assert raster.getpixel((raster.size[0] // 6, raster.size[1] // 2))[:3] == (184, 134, 43)  # the circle


@pytest.mark.parametrize(
    "name, data, key, found",
    [
        ("logo.png", None, None, "no existe"),
        ("logo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, None, "un JPEG"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"roto" * 10, None, "un PNG dañado"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect", None, "un SVG que no se puede leer"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", None, "un SVG sin tamaño"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024), None, "a lo sumo 2 MB"),
        ("logo.png", png(), "../logo.png", "fuera de la carpeta de la entidad"),
    ],
)
def test_a_logo_that_cannot_be_used_is_an_error_naming_the_file_the_key_and_what_to_do(tmp_path, name, data, key, found):
    folder = _entity(tmp_path, name, data, key)
    with pytest.raises(InputError) as caught:
        load_settings(folder)
    message = str(caught.value)
    assert found in message, message
    assert "configuracion.yaml" in message or name in message
    if "2 MB" not in found:
        assert "logo_imagen" in message and "línea 2" in message


def test_a_cut_off_png_is_refused_even_after_weasyprint_is_imported(tmp_path):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when it is imported: a logo file cut
    short (a copy that stopped halfway) must still be refused, not published as a sliver."""
    import weasyprint  # noqa: F401  (its import is what changes Pillow)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the trap is armed
    whole = png(480, 160)
    folder = _entity(tmp_path, "logo.png", whole[: len(whole) // 2], None)
    with pytest.raises(InputError, match="un PNG dañado"):
        load_settings(folder)
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # and WeasyPrint's setting is left as it was


def test_the_logo_is_on_the_cover_and_the_closing_of_both_outputs_in_proportion(tmp_path):
    from pypdf import PdfReader
    from pptx import Presentation

    from pipeline.ingest import load_execution, load_plan
    from pipeline.outputs.pdf import render_pdf
    from pipeline.outputs.deck import render_deck
    from tests.layout import overflows
    from tests.report.test_layout import build

    folder = _entity(tmp_path, "logo.svg", SVG)
    settings = load_settings(folder)
    plan = load_plan(folder)
    report = build(plan, load_execution(folder, plan).table, settings)
    cover, closing = report.slides[0], report.slides[-1]
    assert cover.logo_image is closing.logo_image is settings.theme.logo_image
    assert overflows(report) == []
    x, y, w, h = cover.logo_box
    assert abs(w / h - 3) < 1e-6 and abs(x + w - (960 - 40)) < 1e-6  # against the right margin
    deck = Presentation(io.BytesIO(render_deck(report)))
    for slide in (deck.slides[0], deck.slides[len(report.slides) - 1]):
        (picture,) = [s for s in slide.shapes if s.shape_type == 13]
        assert abs(picture.width / picture.height - 3) < 0.01
    pdf = render_pdf(report)
    assert pdf == render_pdf(report)  # byte-stable with the image inside
    reader = PdfReader(io.BytesIO(pdf))
    for page in (reader.pages[0], reader.pages[-1]):  # the logo, drawn as an image on both
        assert "/XObject" in page["/Resources"]
