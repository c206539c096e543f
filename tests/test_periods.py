"""pipeline/periods.py: parsing and choosing the cut."""

from __future__ import annotations

import pytest

from pipeline.periods import Cut, PeriodError, check_cut, default_cut, parse_period


@pytest.mark.parametrize("text", ["2024-T3", "2024T3", "2024-Q3", "2024Q3", "2024-t3", " 2024q3 "])
def test_accepted_forms(text):
    assert parse_period(text) == Cut(2024, 3)
    assert str(parse_period(text)) == "2024-T3"


@pytest.mark.parametrize("text", ["2024-T5", "2024-T0", "24-T3", "2024", "T3-2024", "2024-S1", ""])
def test_malformed_period_says_what_is_expected(text):
    with pytest.raises(PeriodError, match="se esperaba un año y un trimestre del 1 al 4"):
        parse_period(text)


def test_cut_includes_quarters_up_to_it():
    cut = Cut(2024, 2)
    assert cut.includes(2023, 4) and cut.includes(2024, 2)
    assert not cut.includes(2024, 3) and not cut.includes(2025, 1)


def test_default_cut_is_the_latest_quarter_of_the_vigencia():
    assert default_cut(2024, [(2023, 4), (2024, 1), (2024, 3), (2025, 1)]) == Cut(2024, 3)
    with pytest.raises(PeriodError, match="No hay ejecución reportada para la vigencia 2024"):
        default_cut(2024, [(2023, 4)])


def test_cut_outside_the_plan():
    check_cut(Cut(2020, 1), (2020, 2024))
    with pytest.raises(PeriodError, match="fuera del periodo del plan"):
        check_cut(Cut(2025, 1), (2020, 2024))
