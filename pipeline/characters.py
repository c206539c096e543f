"""Characters a text field must not hide: control characters, line breaks, invisible marks.

Header fields (an e-mail's subject and addresses), file names and single-line texts (the
entity's name, the plan's title) must not carry line breaks or control characters; ids must not
carry zero-width characters that make two different ids look the same. `shown` writes a text
with those characters made visible, so a message about them stays on one line and can be read.
"""

from __future__ import annotations

import unicodedata

__all__ = ["INVISIBLE", "control_characters", "invisible_characters", "shown", "describe"]

# Zero-width and word-joining marks: drawn as nothing, so "IS-321" and "IS-\u200b321" look alike.
INVISIBLE = {
    "\u200b": "espacio de ancho cero (U+200B)",
    "\u200c": "separador de ancho cero (U+200C)",
    "\u200d": "unión de ancho cero (U+200D)",
    "\u2060": "unión de palabras (U+2060)",
    "\ufeff": "marca de orden de bytes (U+FEFF)",
    "\u00ad": "guion suave (U+00AD)",
}
_NAMED = {"\n": "salto de línea", "\r": "retorno de carro", "\t": "tabulador", "\u2028": "separador de línea",
          "\u2029": "separador de párrafo", "\x00": "carácter nulo"}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _hidden(char: str) -> bool:
    """Control (Cc), format (Cf: zero-width, bidi overrides) and line/paragraph separators."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def control_characters(text: str) -> list[tuple[int, str]]:
    """(1-based position, character) of each control, format or line-breaking character."""
    return [(n, c) for n, c in enumerate(text, start=1) if _hidden(c)]


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(1-based position, character) of each zero-width character (see `INVISIBLE`)."""
    return [(n, c) for n, c in enumerate(text, start=1) if c in INVISIBLE]


def describe(char: str) -> str:
    """`un salto de línea`, `el carácter de control U+001B`: what a hidden character is, in Spanish."""
    if char in _NAMED:
        return f"un {_NAMED[char]}"
    if char in INVISIBLE:
        return f"un {INVISIBLE[char]}"
    return f"el carácter de control U+{ord(char):04X}"


def shown(text: str) -> str:
    """The text with every hidden character written as an escape (`\\n`, `\\u200b`)."""
    return "".join(
        _ESCAPES.get(c) or (f"\\u{ord(c):04x}" if _hidden(c) else c) for c in text
    )
