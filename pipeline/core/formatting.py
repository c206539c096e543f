"""Numbers and percentages as Colombian Spanish writes them: 23.669.955 and 87,5 %."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = ["LOCALE", "number", "percent", "long_date"]

LOCALE = "es_CO"


def number(value: float, decimals: int = 2) -> str:
    """`23.669.955`, `12,5`: up to `decimals` decimals, none shown when the value is whole."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(value: float, decimals: int = 1) -> str:
    """`87,5 %` for 87.5 (the value is already a percentage); always `decimals` decimals."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f"{format_decimal(value, format=pattern, locale=LOCALE)}\u00a0%"


def long_date(day: date) -> str:
    """`30 de septiembre de 2024`."""
    return format_date(day, "d 'de' MMMM 'de' y", locale=LOCALE)
