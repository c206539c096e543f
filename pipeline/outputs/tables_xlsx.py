"""tablas.xlsx: the cut's tables (avance, objetivos, cambios, serie) as a workbook a planning office opens.

avance.csv and objetivos.csv are open data: UTF-8, commas, decimal points. Double-clicked in
Excel with a Spanish (Colombia) locale they open as one column, so the same tables also go out
as a workbook, one sheet per table, whose cells hold real numbers and whose formats are
locale-neutral codes that Excel and LibreOffice show with the reader's own separators:

- a percentage column (`Column.unit == "%"`, where the CSV's 87.5 means 87,5 %) holds the
  fraction 0.875 with the format `0.0 %`: shown «87,5 %» in a Spanish locale, and 0.875 in a
  formula, as any Excel percentage;
- figures in the indicator's unit keep every decimal: `#,##0` when whole, `#,##0.0###` otherwise
  (at least one decimal shown, so a number never ends in a bare separator);
- counts (`integer`) use `0`; text is always a text cell, so a name that starts with `=`, `+`,
  `-` or `@` is shown as written and never run as a formula;
- a difference in percentage points (`unit == "p. p."`) holds the difference itself, signed,
  with the format `+0.0" p. p."`;
- a yes/no column (`boolean`) holds Excel's own TRUE/FALSE (VERDADERO/FALSO in Spanish), a date
  a date cell (`yyyy-mm-dd`);
- an empty cell is a figure the CSV leaves empty (not computable, or not compared).

The headers are the columns' Spanish titles (`pipeline.report.tables`), bold, frozen and filterable.
Pure: frames in, bytes out.
"""

from __future__ import annotations

import io
import math
from datetime import date
from collections.abc import Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.outputs.cells import set_value
from pipeline.report.tables import AVANCE_SCHEMA, CAMBIOS_SCHEMA, OBJETIVOS_SCHEMA, RESPONSABLE, SERIE_SCHEMA, Column

__all__ = ["TABLES_XLSX", "SHEETS", "PERCENT_FORMAT", "POINTS_FORMAT", "tables_workbook"]

TABLES_XLSX = "tablas.xlsx"
SHEETS = {
    "avance": "Avance por indicador",
    "objetivos": "Avance por objetivo",
    "cambios": "Cambios desde el corte anterior",  # 31 characters: Excel's limit for a sheet's name
    "serie": "Serie por trimestre",
}
"""Each table's sheet, in this order."""
SCHEMAS = {
    "avance": (*AVANCE_SCHEMA, RESPONSABLE), "objetivos": OBJETIVOS_SCHEMA, "cambios": CAMBIOS_SCHEMA,
    "serie": SERIE_SCHEMA,
}
PERCENT_FORMAT = "0.0 %"
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0###"
COUNT_FORMAT = "0"
POINTS_FORMAT = '+0.0" p. p.";-0.0" p. p.";0.0" p. p."'
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60


def _schema(key: str, frame: pd.DataFrame) -> Sequence[Column]:
    """The declared column of each of the frame's columns, in its order."""
    schema = {c.name: c for c in SCHEMAS[key]}
    missing = [name for name in frame.columns if name not in schema]
    if missing:
        raise ValueError(f"table {key!r} has columns without a schema: {missing}")
    return [schema[name] for name in frame.columns]


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _put(cell, column: Column, value: object) -> str:
    """Write one value with its format; returns the text it shows, roughly, for the width."""
    if _empty(value):
        return ""
    if column.type == "string":
        # never a formula, whatever it starts with; a character XML cannot hold shown as its escape
        return set_value(cell, str(value)).value
    if column.type == "boolean":
        cell.value = bool(value)
        return "VERDADERO" if value else "FALSO"
    if column.type == "date":
        cell.value, cell.number_format = date.fromisoformat(str(value)), DATE_FORMAT
        return str(value)
    number = float(value)
    if column.unit == "p. p.":
        cell.value, cell.number_format = number, POINTS_FORMAT
        return f"{number:+.1f} p. p."
    if column.unit == "%":
        cell.value, cell.number_format = number / 100, PERCENT_FORMAT
        return f"{number:.1f} %"
    if column.type == "integer":
        cell.value, cell.number_format = int(number), COUNT_FORMAT
        return str(int(number))
    whole = number.is_integer()
    cell.value = int(number) if whole and abs(number) < 2**53 else number
    cell.number_format = WHOLE_FORMAT if whole else DECIMAL_FORMAT
    return f"{number:,.0f}" if whole else f"{number:,.4f}"


def _sheet(book: Workbook, title: str, columns: Sequence[Column], frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    widths = [len(c.title) for c in columns]
    for index, column in enumerate(columns, start=1):
        cell = set_value(sheet.cell(1, index), column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row, values in enumerate(frame.itertuples(index=False), start=2):
        for index, (column, value) in enumerate(zip(columns, values), start=1):
            shown = _put(sheet.cell(row, index), column, value)
            widths[index - 1] = max(widths[index - 1], len(shown))
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(width, MIN_WIDTH), MAX_WIDTH) + 2
        if width > MAX_WIDTH:  # long names wrap inside their column instead of running over the next
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(frame.shape[0] + 1, 1)}"


def tables_workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """tablas.xlsx from the tables as `pipeline.report.tables` builds them: `avance` and `objetivos`,
    and `cambios` and `serie` when given (a cut's output has all four), one sheet each."""
    book = Workbook()
    book.remove(book.active)
    for key, title in SHEETS.items():
        if key in tables or key in ("avance", "objetivos"):
            _sheet(book, title, _schema(key, tables[key]), tables[key])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
