"""pipeline/core/placeholders.py: only the named fields, as they are."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.placeholders import fill, template_problem

FIELDS = ("entidad", "periodo")


def test_fields_and_literal_braces():
    assert fill("PEI {entidad} {{x}} {periodo}", {"entidad": "SG {periodo}", "periodo": "2024-T3"}) == "PEI SG {periodo} {x} 2024-T3"


@pytest.mark.parametrize(
    ("template", "fragment"),
    [("{entidad:>400000000}", "con formato"), ("{entidad!r}", "con formato"), ("{entidad.__class__}", "con formato"),
     ("{entidad[0]}", "con formato"), ("{otro}", "campo desconocido «{otro}»"), ("{}", "campo desconocido"),
     ("a { b", "una llave «{» sola"), ("a } b", "una llave «}» sola")],
)
def test_anything_else_in_braces_is_a_problem_and_is_never_filled(template, fragment):
    assert fragment in template_problem(template, FIELDS)
    with pytest.raises(ValueError):
        fill(template, {"entidad": "x", "periodo": "y"})


@given(st.text())
def test_text_without_braces_is_left_as_it_is(text):
    text = text.replace("{", "").replace("}", "")
    assert template_problem(text, FIELDS) is None and fill(text, {}) == text
