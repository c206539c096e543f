"""Numbers written as text, in the Spanish (Colombia) or the English convention.

Excel in a Spanish locale writes `4.155.036` and `87,5`; a comma-separated CSV writes `87.5`.
`parse_number` reads both. When a text could be either (`4.155`), the caller says which decimal
mark its source uses; with none given, Spanish wins, since that is how such text is produced here.
"""

from __future__ import annotations

import math
import re

__all__ = ["parse_number", "NotANumber"]


class NotANumber(ValueError):
    """The text is not a number in either convention."""


_SPACES = re.compile(r"[\s\u00a0\u202f']")  # spaces, no-break spaces, Swiss-style apostrophes
_PLAIN = re.compile(r"^[+-]?(\d+)?([.,]\d+)?$")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 4.155.036 or 4.155.036,5
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 4,155,036 or 4,155,036.5


def parse_number(value: object, decimal: str | None = None) -> float:
    """Return the number `value` holds: a number as is, or text in either convention.

    `decimal` is the decimal mark of the source (`","` or `"."`) when it is known; it only
    decides texts that both conventions would read (one separator followed by three digits).
    Raises `NotANumber` for anything else, including NaN, infinities and booleans.
    """
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise NotANumber(value)
        return float(value)
    if not isinstance(value, str):
        raise NotANumber(value)
    text = _SPACES.sub("", value)
    if text.endswith("%"):
        text = text[:-1]
    if not text or text in {"+", "-"}:
        raise NotANumber(value)

    if _GROUPED_DOT.match(text) and not (decimal == "." and text.count(".") == 1 and "," not in text):
        return float(text.replace(".", "").replace(",", "."))
    if _GROUPED_COMMA.match(text) and not (decimal != "." and text.count(",") == 1 and "." not in text):
        return float(text.replace(",", ""))
    if _PLAIN.match(text) and any(c.isdigit() for c in text):
        return float(text.replace(",", "."))
    raise NotANumber(value)
