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


# Widths are measured at a large size and scaled: at the report's sizes FreeType rounds each
# glyph's advance to whole pixels (hinting), which made a 120-character line up to 14 pt
# narrower than the PDF and the deck draw it, so a measured line could take two.
_REFERENCE_SIZE = 1000


@lru_cache(maxsize=4096)
def _width(word: str, bold: bool, size: float) -> float:
    return _font(bold, _REFERENCE_SIZE).getlength(word) * size / _REFERENCE_SIZE


def width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` on one line."""
    return _width(text, bold, size)


def _words(parts: tuple[Run, ...] | str) -> list[tuple[str, bool]]:
    return [(word, bold) for _, _, word, bold in _placed_words(parts)]


def _placed_words(parts: tuple[Run, ...] | str) -> list[tuple[int, int, str, bool]]:
    """Each word with the index of its run and where it starts in the run's text."""
    if isinstance(parts, str):
        parts = (Run(parts),)
    return [(n, m.start(), m.group(), run.bold) for n, run in enumerate(parts) for m in re.finditer(r"\S+", run.text)]


# Inside a word a line may also end after a hyphen, a slash, a dash, «?» or «!», unless a digit follows
# (2024-2028 and 3/4 stay whole): the Unicode line-breaking rules Pango (the PDF) and the deck's
# clients follow, which matter for URLs and compound words.
_IN_WORD_BREAK = re.compile(r"(?<=[-/–—?!])(?=[^\d/\-?!])")


def _segments(word: str) -> list[str]:
    return [piece for piece in _IN_WORD_BREAK.split(word) if piece]


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


def _layout(parts: tuple[Run, ...] | str, size: float, width: float) -> tuple[int, list[tuple[int, int]]]:
    """How many lines the text takes, and where lines end inside a word (run index, position in
    the run's text). Greedy, like both renderers: a line ends at the last space, or at a hyphen
    or slash inside a word, that keeps it within `width`; a piece of a word still wider than the
    line starts a new line and is broken by characters (`_pieces`)."""
    space = _width(" ", False, size)
    count, used = 1, 0.0
    breaks: list[tuple[int, int]] = []
    for run_index, start, word, bold in _placed_words(parts):
        offset = start
        for k, segment in enumerate(_segments(word)):
            w = _width(segment, bold, size)
            lead = space if k == 0 and used else 0.0
            if used and used + lead + w > width:
                count += 1
                used, lead = 0.0, 0.0
                if k:
                    breaks.append((run_index, offset))
            if w > width:
                pieces = _pieces(segment, bold, size, width)
                for piece in pieces[:-1]:
                    offset += len(piece)
                    breaks.append((run_index, offset))
                count += len(pieces) - 1
                used = _width(pieces[-1], bold, size)
                offset += len(pieces[-1])
            else:
                used += lead + w
                offset += len(segment)
    return count, breaks


def lines(parts: tuple[Run, ...] | str, size: float, width: float) -> int:
    """How many lines the text wraps to in a box `width` points wide (see `_layout`): an URL or a
    code with no space wraps instead of running off the page."""
    return _layout(parts, size, width)[0]


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
    """The runs with a zero-width space wherever the layout ends a line inside a word.

    The deck's clients differ on words longer than their box (LibreOffice breaks them by
    characters; other clients may let them run out of it) and on URLs: with these break points
    every client wraps them where the layout measured. The PDF does not need them (CSS breaks
    such words by the same rules).
    """
    breaks = _layout(parts, size, width)[1]
    if not breaks:
        return parts
    out = list(parts)
    for run_index, position in sorted(breaks, reverse=True):
        run = out[run_index]
        out[run_index] = Run(run.text[:position] + ZWSP + run.text[position:], run.bold)
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
