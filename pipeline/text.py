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
    "missing_glyphs", "breakable", "shorten", "split", "ZWSP", "ELLIPSIS",
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


def _pieces(word: str, bold: bool, size: float, width: float) -> list[str]:
    """A word wider than the line, cut greedily by characters into pieces that each fit it: what
    CSS `overflow-wrap: anywhere` and LibreOffice do (the word starts a new line, then fills
    each line), and where the deck gets its explicit break points (`breakable`)."""
    pieces, current, used = [], "", 0.0
    for char in word:
        w = _width(char, bold, size)
        if current and used + w > width:
            pieces.append(current)
            current, used = "", 0.0
        current += char
        used += w
    pieces.append(current)
    return pieces


def lines(parts: tuple[Run, ...] | str, size: float, width: float) -> int:
    """How many lines the text wraps to in a box `width` points wide (greedy, like both renderers).

    A word longer than the line starts a new line and is broken by characters (`_pieces`): an
    URL or a code with no space wraps instead of running off the page."""
    space = _width(" ", False, size)
    count, used = 1, 0.0
    for word, bold in _words(parts):
        w = _width(word, bold, size)
        if used and used + space + w > width:
            count += 1
            used = 0.0
        if w > width:
            pieces = _pieces(word, bold, size, width)
            count += len(pieces) - 1
            used = _width(pieces[-1], bold, size)
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


ZWSP = "\u200b"  # a break opportunity that draws nothing
ELLIPSIS = "…"


def breakable(parts: tuple[Run, ...], size: float, width: float) -> tuple[Run, ...]:
    """The runs with a zero-width space wherever `lines` breaks a word longer than the line.

    The deck's clients differ on words longer than their box (LibreOffice breaks them by
    characters; other clients may let them run out of it): with these break points every client
    wraps them where the layout measured. The PDF does not need them (CSS breaks such words).
    """
    out = []
    for run in parts:
        chunks = re.split(r"(\s+)", run.text)
        for n, chunk in enumerate(chunks):
            if n % 2 == 0 and chunk and _width(chunk, run.bold, size) > width:
                chunks[n] = ZWSP.join(_pieces(chunk, run.bold, size, width))
        out.append(Run("".join(chunks), run.bold))
    return tuple(out)


_Token = tuple[str, bool]  # a word with the white space after it, and whether it is bold


def _tokens(parts: tuple[Run, ...] | str) -> list[_Token]:
    """The text as words, each with the space that follows it (so runs can be rebuilt exactly)."""
    if isinstance(parts, str):
        parts = (Run(parts),)
    tokens: list[_Token] = []
    for run in parts:
        for match in re.finditer(r"\s+|\S+\s*", run.text):
            piece = match.group()
            if piece.isspace() and tokens:
                tokens[-1] = (tokens[-1][0] + piece, tokens[-1][1])
            elif not piece.isspace():
                tokens.append((piece, run.bold))
    return tokens


def _runs_of(tokens: list[_Token], tail: str = "") -> tuple[Run, ...]:
    """Runs from tokens: neighbours of the same weight merged, the last one's space dropped."""
    out: list[Run] = []
    for n, (text, bold) in enumerate(tokens):
        if n == len(tokens) - 1:
            text = text.rstrip() + tail
        if out and out[-1].bold == bold:
            out[-1] = Run(out[-1].text + text, bold)
        else:
            out.append(Run(text, bold))
    return tuple(out)


def _fits(parts: tuple[Run, ...], size: float, width: float, room: float) -> bool:
    return height(parts, size, width) <= room


def shorten(
    parts: tuple[Run, ...] | str, size: float, width: float, room: float, note: tuple[Run, ...] = ()
) -> tuple[Run, ...]:
    """The text as is if it fits `room` points of height; else its longest beginning that fits
    with "…" and then `note` (which says where the whole text is)."""
    whole = (Run(parts),) if isinstance(parts, str) else tuple(parts)
    if _fits(whole, size, width, room):
        return whole
    tokens = _tokens(whole)
    lo, hi = 0, len(tokens)  # the first lo tokens fit with the ellipsis and the note
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _fits((*_runs_of(tokens[:mid], ELLIPSIS), *note), size, width, room):
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return (Run(ELLIPSIS), *note)
    return (*_runs_of([(t.rstrip(",.;: ") + " " if n == lo - 1 else t, b) for n, (t, b) in enumerate(tokens[:lo])],
                      ELLIPSIS), *note)


_SENTENCE_END = re.compile(r"[.!?;:»)]\s*$")


def split(parts: tuple[Run, ...] | str, size: float, width: float, room: float) -> list[tuple[Run, ...]]:
    """The text cut into pieces that each fit `room` points of height, in order and with nothing
    lost: at the end of a sentence when one ends in the last third of a piece, else between
    words; a word taller than `room` on its own (a very narrow box) is cut by characters."""
    tokens = _tokens(parts)
    pieces: list[tuple[Run, ...]] = []
    start = 0
    while start < len(tokens):
        lo, hi = start, len(tokens)  # tokens[start:lo] fit
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _fits(_runs_of(tokens[start:mid]), size, width, room):
                lo = mid
            else:
                hi = mid - 1
        if lo == start:  # one word taller than the room: cut it by characters
            word, bold = tokens[start]
            cut = max(1, len(word) // 2)
            while cut > 1 and not _fits((Run(word[:cut], bold),), size, width, room):
                cut //= 2
            tokens[start : start + 1] = [(word[:cut], bold), (word[cut:], bold)]
            continue
        end = lo
        if end < len(tokens):
            ends = [k for k in range(start + 1, end + 1) if _SENTENCE_END.search(tokens[k - 1][0])]
            if ends and ends[-1] - start >= 2 * (end - start) / 3:
                end = ends[-1]
        pieces.append(_runs_of(tokens[start:end]))
        start = end
    return pieces


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
