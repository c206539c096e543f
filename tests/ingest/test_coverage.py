"""pipeline/ingest/coverage.py: text the report's font cannot draw is warned about with where it
is, never dropped."""

from __future__ import annotations

from pipeline.ingest.coverage import font_problem, strings, uncovered


def test_every_text_of_a_document_comes_with_its_place():
    plan = {"entidad": "Alcaldía", "objetivos": [{"id": 1, "nombre": "Bienestar"}, {"nombre": "Vías"}], "vigencia": 2024}
    assert list(strings(plan)) == [(("entidad",), "Alcaldía"), (("objetivos", 0, "nombre"), "Bienestar"),
                                   (("objetivos", 1, "nombre"), "Vías")]


def test_only_texts_with_characters_the_font_lacks_are_uncovered():
    plan = {"entidad": "Secretaría de Educación", "mision": "Educación 教育 para todos", "vision": "Ñandú ΑΒΓ Жж"}
    assert list(uncovered(plan)) == [(("mision",), "教育")]


def test_the_warning_names_each_character_and_counts_the_rest():
    problem = font_problem("教育", "la misión", row=4)
    assert problem.row == 4 and "2 caracteres" in problem.found and "«教» (U+6559)" in problem.found
    assert "cuadros vacíos" in problem.hint
    many = font_problem("一二三四五六七八九十", "un comentario")
    assert many.found.endswith("y 2 más")
