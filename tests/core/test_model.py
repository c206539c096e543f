"""pipeline/core/model.py: the plan's short name (sigla), given or made from its title's initials."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.model import MINOR_WORDS, initials


def test_the_initials_of_a_title_s_significant_words():
    assert initials("Plan Estratégico Institucional") == "PEI"
    assert initials("Plan de Desarrollo Municipal") == "PDM"
    assert initials("Plan Anticorrupción y de Atención al Ciudadano") == "PAAC"
    assert initials("plan indicativo 2024-2027") == "PI"  # lowercase words count; figures do not
    assert initials("Plan Estratégico de TIC") == "PETIC"  # an acronym in the title is kept whole
    assert initials("Plan «Único» de Acción") == "PUA"  # accents and quotes do not reach a file name


def test_a_title_without_a_significant_word_gives_plan():
    assert initials("2024-2027") == "PLAN"
    assert initials("de la y") == "PLAN"


_WORD = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóú", min_size=1, max_size=12)


@given(st.lists(_WORD, min_size=1, max_size=8))
def test_initials_are_one_capital_per_significant_word_and_safe_in_a_file_name(words):
    title = " ".join(w.capitalize() for w in words)
    made = initials(title)
    assert re.fullmatch(r"[A-Z0-9]+", made)
    plain = [w.translate(str.maketrans("áéíóúñ", "aeioun")) for w in words]
    assert made == ("".join(w[0] for w in plain if w not in MINOR_WORDS).upper() or "PLAN")
