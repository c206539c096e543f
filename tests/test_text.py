"""pipeline/text.py: emphasis runs, measurement, and the shipped font's Spanish coverage."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from pipeline.text import FONT_FILES, Run, fit_size, font_path, height, lines, runs, width

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
    from pipeline.text import missing_glyphs

    assert missing_glyphs("Año ñ € m² «x» — Ж α\n\t") == ""
    assert missing_glyphs("Meta 😀 中文 ஆ عربي 😀") == "😀中文ஆعربي"
