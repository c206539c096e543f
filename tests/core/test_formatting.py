"""pipeline/core/formatting.py: Colombian Spanish numbers."""

from __future__ import annotations

import pytest

from pipeline.core.formatting import number, percent


@pytest.mark.parametrize(("value", "text"), [(23669955, "23.669.955"), (4155036.0, "4.155.036"), (12.5, "12,5"), (0.2, "0,2"), (1234.567, "1.234,57")])
def test_number(value, text):
    assert number(value) == text


@pytest.mark.parametrize(("value", "text"), [(87.5, "87,5\u00a0%"), (104.68, "104,7\u00a0%"), (100, "100,0\u00a0%"), (1234.5, "1.234,5\u00a0%")])
def test_percent(value, text):
    assert percent(value) == text
