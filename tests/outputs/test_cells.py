"""pipeline/outputs/cells.py: a cell the tool writes holds its text as text, whatever the text."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pipeline.outputs.cells import put
from pipeline.core.characters import refused, writable

# Texts as spreadsheets would run them, and any other text (characters XML refuses included).
_TEXTS = st.one_of(
    st.sampled_from(["=", "+", "-", "@"]).flatmap(lambda first: st.text(min_size=0, max_size=30).map(lambda t: first + t)),
    st.text(max_size=30),
)


@settings(max_examples=60, deadline=None)
@given(text=_TEXTS)
def test_any_text_reads_back_as_the_same_text_never_a_formula(text):
    book = Workbook()
    put(book.active, 1, 1, text)
    buffer = io.BytesIO()
    book.save(buffer)
    cell = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"]
    assert cell.data_type != "f"
    expected = writable(text)
    # openpyxl writes an empty or whitespace-only text as it is; an empty one reads back as no value
    assert (cell.value or "") == expected
    assert not any(refused(c) for c in str(cell.value or ""))
