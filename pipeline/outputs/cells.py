"""The one way the tool writes a cell of a workbook it makes (the data-entry templates, plan.xlsx,
the annotated copies and their «Revisión» sheet, tablas.xlsx).

A text is always written as text: openpyxl stores any string that begins with «=» as a formula,
so an indicator named `=HYPERLINK(...)` or a comment `=cmd|' /C calc'!A0` would become a live
formula in the office's workbook (and the returned template would then be refused for the
formula the tool itself wrote). A character XML cannot hold (`characters.refused`: NUL, vertical
tab, U+FFFE ...) is written as its visible escape instead of failing the whole workbook; the
readers refuse such characters in the inputs, so only a message about one can carry it here.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.characters import writable

__all__ = ["put", "set_value"]


def set_value(cell: Cell, value: object) -> Cell:
    """Give `cell` the value; a text stays a text (never a formula) and holds only what XML can."""
    if isinstance(value, str):
        cell.value = writable(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def put(sheet: Worksheet, row: int, column: int, value: object = None) -> Cell:
    """The cell at (`row`, `column`) of `sheet`, given `value` as `set_value` does."""
    return set_value(sheet.cell(row=row, column=column), value)
