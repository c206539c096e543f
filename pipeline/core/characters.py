"""Characters a text field must not hide: control characters, line breaks, invisible marks.

Header fields (an e-mail's subject and addresses), file names and single-line texts (the
entity's name, the plan's title) must not carry line breaks or control characters; ids must not
carry zero-width characters that make two different ids look the same. `shown` writes a text
with those characters made visible, so a message about them stays on one line and can be read.

No text read from the inputs may carry a `refused` character (NUL, vertical tab and the other
control characters but tab and line breaks, U+FFFE, U+FFFF and the other non-characters): XML
1.0 cannot hold them, so the deck, the web page and every workbook would fail or show them
escaped. Each reader refuses them where they are (`refusal` says what and what to do), and
`writable` is what the workbooks the tool writes put in a cell that would otherwise carry one.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "INVISIBLE", "REFUSED_HINT", "control_characters", "invisible_characters", "refused", "refused_characters",
    "refused_at", "refusal",
    "shown", "describe", "writable", "excel_decoded",
]

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
          "\u2029": "separador de párrafo", "\x00": "carácter nulo", "\x0b": "tabulador vertical",
          "\x0c": "salto de página"}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _hidden(char: str) -> bool:
    """Control (Cc), format (Cf: zero-width, bidi overrides), line/paragraph separators, and the
    non-characters and surrogates no text may carry (`refused`)."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs") or _noncharacter(char)


def _noncharacter(char: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE ...)."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused(char: str) -> bool:
    """A character no text read from the inputs may carry: a control character other than tab,
    line feed and carriage return (NUL, vertical tab, escape, C1 controls), a surrogate, or a
    Unicode non-character (U+FFFE, U+FFFF ...). XML 1.0, and so every workbook, deck and web page
    the tool writes, cannot hold most of them; none of them is a letter anybody meant to write."""
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cs") or _noncharacter(char)


def refused_characters(text: str) -> list[tuple[int, str]]:
    """(1-based position, character) of each `refused` character."""
    return [(n, c) for n, c in enumerate(text, start=1) if refused(c)]


REFUSED_HINT = "Borre ese carácter (suele llegar al copiar y pegar desde otro programa) y guarde el archivo de nuevo."


def refused_at(text: str) -> str | None:
    """`tiene el no-carácter U+FFFE en la posición 7 (y 1 más)`: where a text's first `refused`
    character is, in Spanish, or None when it has none."""
    found = refused_characters(text)
    if not found:
        return None
    position, char = found[0]
    more = f" (y {len(found) - 1} más)" if len(found) > 1 else ""
    return f"tiene {describe(char)} en la posición {position}{more}"


def refusal(text: str) -> tuple[str, str] | None:
    """(what was found, what to do) for a text with a `refused` character, or None: the text
    shown with escapes, where its first such character is, and how to remove it."""
    where = refused_at(text)
    if where is None:
        return None
    return f"«{_cut(shown(text))}», que {where}", REFUSED_HINT


def _cut(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 3] + "..."


def writable(text: str) -> str:
    """The text with each `refused` character written as its escape (`\\ufffe`): what a workbook
    the tool writes can hold, the character still visible rather than dropped."""
    if not any(refused(c) for c in text):
        return text
    return "".join(f"\\u{ord(c):04x}" if refused(c) else c for c in text)


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
    if _noncharacter(char):
        return f"el no-carácter U+{ord(char):04X}"
    if unicodedata.category(char) == "Cs":
        return f"el sustituto suelto U+{ord(char):04X}"
    return f"el carácter de control U+{ord(char):04X}"


def shown(text: str) -> str:
    """The text with every hidden character written as an escape (`\\n`, `\\u200b`)."""
    return "".join(
        _ESCAPES.get(c) or (f"\\u{ord(c):04x}" if _hidden(c) else c) for c in text
    )


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_decoded(text: str) -> str:
    """A text read from an .xlsx with Excel's escapes of `refused` characters (`_x000B_` for a
    vertical tab, `_xFFFE_`) turned back into the characters: how Excel stores what XML cannot
    hold, and openpyxl reads the escape as it is. Other escapes are left as written."""
    if "_x" not in text:
        return text

    def decoded(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return char if refused(char) else match.group(0)

    return _EXCEL_ESCAPE.sub(decoded, text)
