"""pipeline/characters.py: hidden characters found and shown."""

from __future__ import annotations

from pipeline.characters import control_characters, describe, invisible_characters, shown


def test_hidden_characters_are_found_with_their_position_and_shown_escaped():
    text = "IS-\u200b321\n\x1b"
    assert control_characters(text) == [(4, "\u200b"), (8, "\n"), (9, "\x1b")]
    assert invisible_characters(text) == [(4, "\u200b")]
    assert shown(text) == "IS-\\u200b321\\n\\u001b"
    assert describe("\n") == "un salto de línea" and "U+200B" in describe("\u200b") and "U+001B" in describe("\x1b")
    assert control_characters("Secretaría General — Bogotá D.C.") == []
