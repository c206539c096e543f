"""Text with emphasis, and how much room it takes in the report's font.

`runs("a **b** c")` splits plan.yaml's `**emphasis**` into runs. `height` measures wrapped
text with the same TrueType font both renderers embed (Pillow's basic layout, so the result is
the same on every machine); the content model uses it to choose font sizes and to split tables
over slides before either renderer draws anything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import ImageFont

__all__ = [
    "Run", "runs", "plain", "FONT_FILES", "font_path", "lines", "height", "fit_size", "width", "LINE_HEIGHT",
    "missing_glyphs",
]

LINE_HEIGHT = 1.36  # Open Sans' own ascent + descent, per point of size: what both renderers use
FONT_FILES = {
    (False, False): "OpenSans-Regular.ttf",
    (True, False): "OpenSans-Bold.ttf",
    (False, True): "OpenSans-Italic.ttf",
    (True, True): "OpenSans-BoldItalic.ttf",
}
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*", re.S)


@dataclass(frozen=True)
class Run:
    """A piece of text, bold or not."""

    text: str
    bold: bool = False


def runs(text: str) -> tuple[Run, ...]:
    """Split `**bold**` marks into runs; unmatched marks stay as they are."""
    text = " ".join(text.split())
    out: list[Run] = []
    last = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > last:
            out.append(Run(text[last : match.start()]))
        out.append(Run(match.group(1), bold=True))
        last = match.end()
    if last < len(text):
        out.append(Run(text[last:]))
    return tuple(out)


def plain(parts: tuple[Run, ...]) -> str:
    return "".join(r.text for r in parts)


def font_path(bold: bool = False, italic: bool = False) -> Path:
    with resources.as_file(resources.files("pipeline") / "assets" / "fonts" / FONT_FILES[(bold, italic)]) as path:
        return Path(path)


@lru_cache(maxsize=64)
def _font(bold: bool, size: float) -> ImageFont.FreeTypeFont:
    # 1 pt = 1 px at 72 dpi: lengths come back in points.
    return ImageFont.truetype(str(font_path(bold)), size=size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4096)
def _width(word: str, bold: bool, size: float) -> float:
    return _font(bold, size).getlength(word)


def width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` on one line."""
    return _width(text, bold, size)


def _words(parts: tuple[Run, ...] | str) -> list[tuple[str, bool]]:
    if isinstance(parts, str):
        parts = (Run(parts),)
    words = []
    for run in parts:
        for word in run.text.split():
            words.append((word, run.bold))
    return words


def lines(parts: tuple[Run, ...] | str, size: float, width: float) -> int:
    """How many lines the text wraps to in a box `width` points wide (greedy, like both renderers)."""
    space = _width(" ", False, size)
    count, used = 1, 0.0
    for word, bold in _words(parts):
        w = _width(word, bold, size)
        if used and used + space + w > width:
            count += 1
            used = 0.0
        if w > width:  # a word longer than the line is broken over several
            extra = int(w // width)
            count += extra
            used = w - extra * width
        else:
            used += (space if used else 0.0) + w
    return count


def height(parts: tuple[Run, ...] | str, size: float, width: float, spacing: float = LINE_HEIGHT) -> float:
    """Height in points of the wrapped text."""
    return lines(parts, size, width) * size * spacing


def fit_size(
    parts: tuple[Run, ...] | str, width: float, box_height: float, sizes: tuple[float, ...]
) -> float:
    """The largest of `sizes` (tried in order) at which the text fits the box; else the last."""
    for size in sizes:
        if height(parts, size, width) <= box_height:
            return size
    return sizes[-1]


@lru_cache(maxsize=1)
def _drawable() -> frozenset[int]:
    """The code points every face of the report's font has a glyph for (read once)."""
    from fontTools.ttLib import TTFont

    faces = []
    for bold, italic in FONT_FILES:
        font = TTFont(font_path(bold, italic), lazy=True)
        try:
            faces.append(set(font.getBestCmap()))
        finally:
            font.close()
    return frozenset(set.intersection(*faces))


def _drawn(char: str) -> bool:
    """Whether a character is drawn at all: not a space, a control or format mark, or an emoji's
    variation selector."""
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf") and not "\ufe00" <= char <= "\ufe0f"


def missing_glyphs(text: str) -> str:
    """The characters of `text` (each once, in order) the report's font has no glyph for: the
    PDF would draw them with another font of the machine, or as empty boxes."""
    drawable = _drawable()
    return "".join(dict.fromkeys(c for c in text if ord(c) not in drawable and _drawn(c)))
