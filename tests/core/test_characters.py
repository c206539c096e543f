"""pipeline/core/characters.py: hidden characters found and shown."""

from __future__ import annotations

from pipeline.core.characters import control_characters, describe, invisible_characters, shown


def test_hidden_characters_are_found_with_their_position_and_shown_escaped():
    text = "IS-\u200b321\n\x1b"
    assert control_characters(text) == [(4, "\u200b"), (8, "\n"), (9, "\x1b")]
    assert invisible_characters(text) == [(4, "\u200b")]
    assert shown(text) == "IS-\\u200b321\\n\\u001b"
    assert describe("\n") == "un salto de línea" and "U+200B" in describe("\u200b") and "U+001B" in describe("\x1b")
    assert control_characters("Secretaría General — Bogotá D.C.") == []


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.core.characters import excel_decoded, refusal, refused, writable  # noqa: E402


def _xml_allowed(char: str) -> bool:
    """XML 1.0's Char production."""
    code = ord(char)
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


@given(st.text(st.characters(codec=None, categories=None), max_size=40))
def test_every_character_xml_refuses_is_refused_and_writable_text_is_xml(text):
    from lxml import etree

    for char in text:
        if not _xml_allowed(char):
            assert refused(char), repr(char)
    element = etree.Element("t")
    element.text = writable(text)  # lxml raises on any character XML cannot hold
    assert (writable(text) == text) == (refusal(text) is None)


def test_refused_characters_are_named_and_excel_escapes_of_them_decoded():
    assert not any(refused(c) for c in "\t\n\r Gestión — «¿ñ?» 😀")
    assert "U+FFFE" in refusal("Avance\ufffe")[0] and "posición 7" in refusal("Avance\ufffe")[0]
    assert "tabulador vertical" in refusal("a\x0bb")[0] and "carácter nulo" in refusal("\x00")[0]
    assert excel_decoded("Sin_x000B_ novedad _x0041_") == "Sin\x0b novedad _x0041_"
