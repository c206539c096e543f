"""pipeline/core/text.py: emphasis runs, measurement, and the shipped font's Spanish coverage."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from pipeline.core.text import FONT_FILES, Run, fit_size, font_path, height, lines, runs, width

SPANISH = "áéíóúÁÉÍÓÚñÑüÜ¿¡–“”«»°"


def test_runs_split_emphasis():
    assert runs("El **Plan** se soporta en la **Ley 152 de 1994**.") == (
        Run("El "), Run("Plan", True), Run(" se soporta en la "), Run("Ley 152 de 1994", True), Run("."),
    )
    assert runs("sin  negrilla\n en dos líneas") == (Run("sin negrilla en dos líneas"),)
    assert runs("un ** suelto") == (Run("un ** suelto"),)


def test_wrapping_grows_with_text_and_shrinks_with_width():
    text = "Porcentaje de avance en la implementación de estrategias " * 4
    assert lines("corto", 10, 200) == 1
    assert lines(text, 10, 100) > lines(text, 10, 300) > 1
    assert height(text, 12, 200) > height(text, 10, 200)
    assert width("Programación", 9, bold=True) > width("Programación", 9)


def test_fit_size_picks_the_largest_that_fits():
    text = "palabra " * 60
    size = fit_size(text, 300, 80, (20, 16, 12, 10, 8))
    assert height(text, size, 300) <= 80 and (size == 20 or height(text, {20: 0, 16: 20, 12: 16, 10: 12, 8: 10}[size], 300) > 80)


@pytest.mark.parametrize("style", sorted(FONT_FILES))
def test_shipped_font_has_every_spanish_character(style):
    cmap = TTFont(font_path(*style)).getBestCmap()
    assert [c for c in SPANISH if ord(c) not in cmap] == []


def test_characters_the_shipped_font_cannot_draw():
    from pipeline.core.text import missing_glyphs

    assert missing_glyphs("Año ñ € m² «x» — Ж α\n\t") == ""
    assert missing_glyphs("Meta 😀 中文 ஆ عربي 😀") == "😀中文ஆعربي"


def test_a_word_longer_than_the_line_starts_a_new_line_and_is_broken_by_characters():
    """As CSS `overflow-wrap: anywhere` and LibreOffice do: no character runs off the box."""
    from pipeline.core.text import _pieces

    code = "ABCDEFGHIJ0123456789" * 12
    pieces = _pieces(code, False, 12, 200)
    assert "".join(pieces) == code and all(width(p, 12) <= 200 for p in pieces)
    assert all(width(p + code[len("".join(pieces[: n + 1]))], 12) > 200 for n, p in enumerate(pieces[:-1]))
    assert lines(code, 12, 200) == len(pieces)
    assert lines("Consulte " + code, 12, 200) == len(pieces) + 1  # the word starts on the next line
    tail = width(pieces[-1], 12) + width(" y", 12)
    assert lines(code + " y", 12, 200) == len(pieces) + (tail > 200)


def test_inside_a_word_a_line_may_end_after_a_hyphen_or_a_slash_but_not_before_a_digit():
    from pipeline.core.text import _layout, _segments

    assert _segments("https://www.sdp.gov.co/plan-2024-2028/seguimiento") == [
        "https://", "www.sdp.gov.co/", "plan-2024-2028/", "seguimiento"]
    assert _segments("socio-económico") == ["socio-", "económico"] and _segments("3/4") == ["3/4"]
    text = "Consulte " + "seguimiento-trimestral-plan-" * 6
    count, breaks = _layout(text, 12, 200)
    assert count == lines(text, 12, 200) > 2
    assert all(text[position - 1] == "-" for _, position in breaks)  # at hyphens, not by characters


def test_breakable_puts_the_measured_break_points_inside_words_only():
    from pipeline.core.text import ZWSP, breakable

    text = (Run("Consulte "), Run("X" * 300, bold=True), Run(" y siga"))
    out = breakable(text, 12, 200)
    assert [r.bold for r in out] == [False, True, False]
    assert out[0] == text[0] and out[2] == text[2]
    parts = out[1].text.split(ZWSP)
    assert "".join(parts) == "X" * 300 and all(width(p, 12, bold=True) <= 200 for p in parts)
    assert len(parts) == lines(text[1:2], 12, 200)
    assert breakable((Run("palabras cortas " * 30),), 12, 200) == (Run("palabras cortas " * 30),)
    url = (Run("Vea https://www.integracionsocial.gov.co/" + "documento-" * 20 + "final"),)
    marked = breakable(url, 12, 200)[0].text
    assert marked.replace(ZWSP, "") == url[0].text and marked.count(ZWSP) == lines(url, 12, 200) - 1  # all in the URL


def test_split_keeps_every_word_and_each_piece_fits():
    from pipeline.core.text import split

    text = runs("Primera frase **con énfasis**. " * 80 + "Y" * 400)
    pieces = split(text, 12, 300, 120)
    assert len(pieces) > 3 and all(height(p, 12, 300) <= 120 for p in pieces)
    joined = " ".join("".join(r.text for r in p) for p in pieces).replace("Y Y", "YY")
    assert " ".join(joined.split()).replace(" Y", "Y") == "".join(r.text for r in text).replace(" Y", "Y")
    assert any(r.bold and r.text == "con énfasis" for p in pieces for r in p)
    assert "".join(r.text for r in pieces[0]).endswith(".")  # at a sentence's end


def test_shorten_ends_in_an_ellipsis_and_a_note_when_the_text_does_not_fit():
    from pipeline.core.text import shorten

    assert shorten("Corto", 12, 200, 40) == (Run("Corto"),)
    note = (Run(" (texto completo en la sección del Objetivo 1)"),)
    out = shorten(runs("palabra **larga** " * 100), 12, 200, 80, note)
    assert height(out, 12, 200) <= 80 and out[-1] == note[0] and out[-2].text.endswith("…")
