"""A logo picture named by an entity's configuration: read, checked and made ready for both outputs.

PNG files are used as they are. An SVG is kept as vectors for the PDF (WeasyPrint draws it) and
drawn once more, by WeasyPrint and then rasterised with PDFium, into a PNG for the deck: a
PowerPoint file cannot show an SVG without a bitmap beside it, and drawing it with the same
engine as the PDF makes both outputs show the same logo. WeasyPrint fetches nothing an SVG links
to outside itself (only `data:` URIs and the report's fonts), so a logo cannot pull in other files.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ElementTree

from pipeline.core.settings import LogoImage

__all__ = ["LogoProblem", "read_logo", "svg_to_png", "LOGO_PNG_WIDTH"]

LOGO_PNG_WIDTH = 1200  # pixels of the deck's PNG of an SVG logo: sharp in a 300 pt box when printed
_PNG = b"\x89PNG\r\n\x1a\n"


class LogoProblem(ValueError):
    """What is wrong with a logo file: `found` and `expected`, in Spanish."""

    def __init__(self, found: str, expected: str):
        super().__init__(found)
        self.found, self.expected = found, expected


def _length(value: str | None) -> float | None:
    """An SVG width or height in user units (px); None for a percentage or nothing."""
    if not value:
        return None
    match = re.fullmatch(r"\s*([0-9.]+)\s*(px|pt|mm|cm|in)?\s*", value)
    if not match:
        return None
    factor = {"px": 1.0, None: 1.0, "pt": 4 / 3, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}[match.group(2)]
    number = float(match.group(1)) * factor
    return number if number > 0 else None


def _svg_size(data: bytes) -> tuple[float, float]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise LogoProblem(f"un SVG que no se puede leer ({exc})", "un archivo SVG bien formado, como lo guarda Inkscape o Illustrator") from exc
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        raise LogoProblem(f"un XML cuya raíz es «{root.tag.split('}')[-1]}», no «svg»", "un archivo SVG")
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return width, height
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            w, h = float(box[2]), float(box[3])
        except ValueError:
            w = h = 0.0
        if w > 0 and h > 0:
            return w, h
    raise LogoProblem("un SVG sin tamaño (ni «width» y «height» ni «viewBox»)",
                      "un SVG con su «viewBox» (o con «width» y «height»), para conservar sus proporciones")


def svg_to_png(svg: bytes, width: float, height: float, pixels: int = LOGO_PNG_WIDTH) -> bytes:
    """The SVG drawn by WeasyPrint (as in the PDF) and rasterised by PDFium, transparent around it."""
    import pypdfium2
    from weasyprint import HTML

    from pipeline.outputs.pdf import TEMPLATES, AssetsOnlyFetcher, shipped_fonts_only
    from pipeline.core.text import font_path

    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    page = (
        f"<style>@page {{ size: {width}px {height}px; margin: 0 }} body {{ margin: 0 }}"
        f" img {{ display: block; width: {width}px; height: {height}px }}</style><img src=\"{uri}\" alt=\"\">"
    )
    fetcher = AssetsOnlyFetcher([font_path().parent, TEMPLATES])
    pdf = HTML(string=page, url_fetcher=fetcher).write_pdf(font_config=shipped_fonts_only())
    document = pypdfium2.PdfDocument(pdf)
    try:
        first = document[0]
        image = first.render(scale=pixels / first.get_width(), fill_color=(0, 0, 0, 0)).to_pil()
        first.close()
    finally:
        document.close()
    if image.getextrema()[3][1] == 0:  # every pixel transparent: nothing was drawn
        raise LogoProblem("un SVG que no dibuja nada (WeasyPrint no pudo trazar ninguna de sus figuras)",
                          "un SVG con figuras visibles, sin imágenes ni fuentes enlazadas desde fuera del archivo")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def read_logo(data: bytes, name: str) -> LogoImage:
    """A logo from the bytes of its file `name` (its size is bounded when it is read: 2 MB, see
    `Limits.logo_bytes`): a PNG or an SVG that can be drawn; else a `LogoProblem` saying what was
    found and what is expected."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    if data.startswith(_PNG):
        # WeasyPrint turns on LOAD_TRUNCATED_IMAGES when imported: a file cut short would then
        # load as a sliver of picture. The check reads the whole image, strictly.
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                width, height = image.size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise LogoProblem(f"un PNG dañado que no se puede abrir ({exc})", "un archivo PNG que se abra en un visor de imágenes") from exc
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
        if not width or not height:
            raise LogoProblem("un PNG sin píxeles", "una imagen con ancho y alto")
        return LogoImage(name, "image/png", data, float(width), float(height), data)
    head = data[:1024].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--") or head.startswith(b"<!doctype svg"):
        width, height = _svg_size(data)
        return LogoImage(name, "image/svg+xml", data, width, height, svg_to_png(data, width, height))
    kind = "un JPEG" if data.startswith(b"\xff\xd8") else "un GIF" if data.startswith(b"GIF8") else "un archivo que no es PNG ni SVG"
    raise LogoProblem(kind, "una imagen PNG o SVG (guárdela en uno de esos formatos)")
