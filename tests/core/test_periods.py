"""pipeline/core/periods.py: parsing and choosing the cut."""

from __future__ import annotations

import pytest

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.periods import Cut, PeriodError, check_cut, default_cut, early_quarters, last_closed_quarter, parse_period


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


def test_default_cut_skips_a_quarter_still_running():
    # 20 November 2026: 2026-T4 is running; a few figures typed early do not make it the cut.
    reported = [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    today = date(2026, 11, 20)
    assert default_cut(2026, reported, today) == Cut(2026, 3)
    assert early_quarters(2026, reported, today) == [Cut(2026, 4)]
    assert early_quarters(2026, reported, date(2027, 1, 1)) == []
    assert default_cut(2026, reported, date(2027, 1, 15)) == Cut(2026, 4)


def test_default_cut_with_only_a_running_quarter():
    with pytest.raises(PeriodError, match="solo tiene ejecución reportada para 2026-T4, que no ha cerrado"):
        default_cut(2026, [(2026, 4)], date(2026, 11, 20))


def test_cut_outside_the_plan():
    check_cut(Cut(2020, 1), (2020, 2024))
    with pytest.raises(PeriodError, match="fuera del periodo del plan"):
        check_cut(Cut(2025, 1), (2020, 2024))


@pytest.mark.parametrize(
    ("day", "cut"),
    [
        (date(2025, 1, 15), Cut(2024, 4)),  # the January run reports the year just closed
        (date(2025, 1, 1), Cut(2024, 4)),
        (date(2024, 12, 31), Cut(2024, 3)),  # T4 has not closed on its last day
        (date(2024, 4, 15), Cut(2024, 1)),
        (date(2024, 3, 31), Cut(2023, 4)),
        (date(2024, 4, 1), Cut(2024, 1)),
        (date(2024, 7, 15), Cut(2024, 2)),
        (date(2024, 10, 15), Cut(2024, 3)),
        (date(2024, 2, 29), Cut(2023, 4)),
    ],
)
def test_last_closed_quarter_around_year_and_quarter_ends(day, cut):
    assert last_closed_quarter(day) == cut


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31)))
def test_last_closed_quarter_has_ended_and_the_next_has_not(day):
    cut = last_closed_quarter(day)
    last_day = date(cut.year + (cut.quarter == 4), cut.quarter % 4 * 3 + 1, 1) - timedelta(days=1)
    assert last_day < day
    following = Cut(cut.year + (cut.quarter == 4), cut.quarter % 4 + 1)
    first_of_following_end = date(following.year + (following.quarter == 4), following.quarter % 4 * 3 + 1, 1)
    assert day < first_of_following_end


# --- choose_cut: the one decision `run` and `validar` share ---------------------------------------


def test_choose_cut_takes_the_given_period_and_checks_it_against_the_plan():
    from pipeline.core.periods import choose_cut

    choice = choose_cut("2024q2", 2024, (2020, 2024), [(2024, 4)], date(2026, 1, 1))
    assert choice.cut == Cut(2024, 2) and choice.given and choice.early == ()
    assert choice.explained(3, 13) == []
    with pytest.raises(PeriodError, match="fuera del periodo del plan"):
        choose_cut("2025-T1", 2024, (2020, 2024), [], date(2026, 1, 1))


def test_choose_cut_by_default_is_the_latest_closed_quarter_and_says_why():
    from pipeline.core.periods import choose_cut

    reported = [(2024, 1), (2024, 3), (2024, 3), (2024, 4)]
    choice = choose_cut(None, 2024, (2020, 2024), reported, date(2024, 11, 20))
    assert choice.cut == Cut(2024, 3) and not choice.given and choice.early == (Cut(2024, 4),)
    default, early = choice.explained(2, 13)
    assert default.startswith("Corte por defecto: 2024-T3, el último trimestre cerrado con datos de la vigencia")
    assert "(2 de 13 indicadores reportaron en 2024-T3)" in default
    assert "2024-T4 (trimestre en curso) se ignoran" in early and "--period 2024-T4" in early
    assert choose_cut(None, 2024, (2020, 2024), reported, date(2025, 1, 15)).cut == Cut(2024, 4)
