"""Warnings about text the report's font (Open Sans, shipped in pipeline/assets/fonts) cannot draw.

Arabic, Hebrew, CJK, Tamil or emoji in a plan text or a comment are not an error: the report is
still made. But the PDF uses only the shipped font (so it is the same on every machine) and
draws those characters as empty boxes, and the deck depends on the fonts of whoever opens it; so
the run says which characters, in which field or row, instead of printing boxes in silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.errors import Problem
from pipeline.core.text import missing_glyphs

__all__ = ["font_problem", "strings"]

MAX_SHOWN = 8  # characters listed in one warning


def font_problem(missing: str, where: str, **place: Any) -> Problem:
    """A warning that `where` (a field, a cell) holds `missing` characters the font cannot draw."""
    shown = ", ".join(f"«{c}» (U+{ord(c):04X})" for c in missing[:MAX_SHOWN])
    if len(missing) > MAX_SHOWN:
        shown += f" y {len(missing) - MAX_SHOWN} más"
    count = f"{len(missing)} carácter" if len(missing) == 1 else f"{len(missing)} caracteres"
    return Problem(
        f"{count} que la fuente del reporte (Open Sans) no tiene, en {where}: {shown}",
        "texto en alfabeto latino, griego o cirílico, que la fuente del reporte dibuja",
        hint="En el PDF esos caracteres salen como cuadros vacíos; en la presentación dependen de las fuentes de "
        "quien la abra. Reemplácelos (o quítelos) si deben leerse en el reporte.",
        **place,
    )


def strings(data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text in a parsed YAML document, with its location (keys and 0-based indexes)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from strings(value, (*loc, n))
    elif isinstance(data, str):
        yield loc, data


def uncovered(data: Any) -> Iterator[tuple[tuple, str]]:
    """(location, missing characters) of every text in `data` the font cannot fully draw."""
    for loc, text in strings(data):
        missing = missing_glyphs(text)
        if missing:
            yield loc, missing
