"""pipeline/core/numbers.py: numbers as Spanish or English text."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.numbers import NotANumber, parse_number


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("4.155.036", None, 4155036),
        ("4.155.036", ",", 4155036),
        ("23.669.955", None, 23669955),
        ("87,5", None, 87.5),
        ("87,5 %", None, 87.5),
        ("87.5", None, 87.5),
        ("87.5", ".", 87.5),
        ("1.234,5", None, 1234.5),
        ("1,234.5", None, 1234.5),
        ("4,155,036", None, 4155036),
        ("4.155", None, 4155),  # Spanish thousands when the source does not say
        ("4.155", ".", 4.155),  # a comma-separated CSV writes decimal points
        ("1,250", None, 1.25),
        ("1,250", ".", 1250),
        (" 12\u00a0345 ", None, 12345),
        ("-3", None, -3),
        (",5", None, 0.5),
        (12, None, 12),
        (12.5, None, 12.5),
    ],
)
def test_reads_both_conventions(text, decimal, expected):
    assert parse_number(text, decimal) == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["", " ", "abc", "12a", "1.2.3,4,5", "1,2,3", "--1", None, True, float("nan"), float("inf"), "1..2"])
def test_rejects_what_is_not_a_number(bad):
    with pytest.raises(NotANumber):
        parse_number(bad)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_spanish_formatted_integers_round_trip(n):
    assert parse_number(format_decimal(n, locale="es_CO")) == n


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_spanish_formatted_decimals_round_trip(d):
    text = format_decimal(d, locale="es_CO", format="#,##0.00")
    assert parse_number(text, ",") == pytest.approx(float(d))
    assert parse_number(text) == pytest.approx(float(d))
