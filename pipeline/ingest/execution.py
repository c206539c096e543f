"""Read and validate an entity's quarterly execution (seguimiento.xlsx or seguimiento.csv).

A seguimiento is read the way a planning office makes it in Excel: the header row may sit below
a title block, the data sheet may follow a cover sheet (a sheet named Seguimiento is read first),
headings are matched with the usual synonyms, a cell formatted as a percentage holds a fraction,
and a row whose `valor` is empty is a quarter not reported whose comment still counts.

Nothing is dropped in silence. A cell the tool cannot read (a formula whose result was never
saved, a merged cell, a date where a year goes, `N/A`) is a `Problem` naming its row and column;
every problem of the file is raised at once in one `InputError`. A column that holds data but is
not recognised, and values that look like fractions of a percentage, are returned as warnings.

Rows keep the number the user's editor shows (Excel's row, the text editor's line). The clean
table has the columns `fila, indicador, anio, trimestre, valor, comentario`; `valor` is NaN for
a quarter not reported.

This module is the reader's entry point: `load_execution` (one file, or a seguimiento/ folder's
files joined by `consolidate`). The reader is split by concern, each module importing only those
before it: `cells` (what one cell holds and how it is read), `files` (a file's bytes opened
safely, as rows of cells), `headings` (the header row and what each column is), `shapes` (long
table, wide matrix, returned template, the folder's files, each into one `RawTable`) and `checks`
(every row checked into the clean `Execution`; what the clean table reports). The public names of
those modules are importable from here too (`__all__`), as they were before the split.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.core.formatting import number as shown_number
from pipeline.core.model import Plan
from pipeline.errors import InputError, Problem
from pipeline.ingest.cells import SUGGESTED_IDS, MergedPart, Percent, Uncomputed
from pipeline.ingest.checks import (
    FRACTION_GAP, Execution, PlanOutline, nothing_reported, reported_quarters, reporters_at, validate_execution,
)
from pipeline.ingest.files import UNREADABLE_WORKBOOK, decode_csv, sheet_formulas
from pipeline.ingest.headings import (
    COLUMNS, FIELDS, HEADER_SEARCH_ROWS, HEADINGS, REFERENCE, REQUIRED, csv_dialect,
)
from pipeline.ingest.shapes import (
    CSV_FILE, FOLDER, SHEET_NAME, UNREAD_BOOKS, XLSX_FILE, RawTable, awaiting_files, execution_files,
    _not_read, find_execution_file, named_sheet, read_execution,
)

# The entry point's own names, and those of the modules the reader was split into (importable
# from here as before the split).
__all__ = [
    "COLUMNS",
    "COMMENT_JOIN",
    "CSV_FILE",
    "FIELDS",
    "FOLDER",
    "FRACTION_GAP",
    "HEADER_SEARCH_ROWS",
    "HEADINGS",
    "REFERENCE",
    "REQUIRED",
    "SHEET_NAME",
    "SUGGESTED_IDS",
    "UNREADABLE_WORKBOOK",
    "UNREAD_BOOKS",
    "XLSX_FILE",
    "Execution",
    "MergedPart",
    "Percent",
    "PlanOutline",
    "RawTable",
    "Uncomputed",
    "awaiting_files",
    "consolidate",
    "csv_dialect",
    "decode_csv",
    "execution_files",
    "find_execution_file",
    "load_execution",
    "named_sheet",
    "nothing_reported",
    "read_execution",
    "reported_quarters",
    "reporters_at",
    "sheet_formulas",
    "validate_execution",
]


def load_execution(
    folder: Path, plan: Plan | None, *, any_plan_version: bool = False, outline: PlanOutline | None = None
) -> Execution:
    """Find, read and validate an entity's seguimiento (one file, or a seguimiento/ folder's files);
    `any_plan_version` and `outline` (for a plan that is not valid) as in `validate_execution`."""
    found = find_execution_file(folder)
    if found.is_dir():
        beside = [p for p in (folder / XLSX_FILE, folder / CSV_FILE) if p.exists()]
        return consolidate(found, plan, any_plan_version=any_plan_version, first=beside, outline=outline)
    return validate_execution(read_execution(found), plan, any_plan_version=any_plan_version, outline=outline)


# Two comments kept for one quarter (equal values in two files) are joined with this.
COMMENT_JOIN = " / "


def consolidate(
    directory: Path, plan: Plan | None, *, any_plan_version: bool = False, first: list[Path] | None = None,
    outline: PlanOutline | None = None,
) -> Execution:
    """Read and validate every file of a seguimiento/ folder and join them into one execution.

    Every problem of every file is raised at once. The same indicator, year and quarter in two
    files is kept once when the values are equal (both empty counts as equal), its comments joined
    with `COMMENT_JOIN` when they differ (each dependency's word stays in the report); different
    values are a problem naming both files, sheets, rows and columns. The row kept is the one of
    the first file by name, and `fila` is that file's row. `first`: files read before the folder's
    (the entity's seguimiento.xlsx or .csv beside the folder: its history).
    """
    errors: list[InputError] = []
    executions: list[Execution] = []
    unreadable, unread = _not_read(directory)
    if unreadable:
        errors.append(InputError(directory, unreadable))
    try:
        paths = [*(first or []), *execution_files(directory)]
    except InputError as error:
        if not first:
            raise InputError.combine(directory, [*errors, error]) from None
        paths = list(first)  # a folder still waiting for the dependencies' files, beside the history
    for path in paths:
        try:
            executions.append(
                validate_execution(read_execution(path), plan, any_plan_version=any_plan_version, outline=outline)
            )
        except InputError as error:
            errors.append(error)
    kept: dict[tuple[str, int, int], int] = {}  # the row of `rows` that holds each key
    rows: list[list[object]] = []
    cells: list[tuple[Path, str | None, str, str | None]] = []
    problems: list[Problem] = []
    for execution in executions:
        for at, record in enumerate(execution.table.itertuples(index=False)):
            key = (record.indicador, int(record.anio), int(record.trimestre))
            if key not in kept:
                kept[key] = len(rows)
                rows.append([*record[:-1], record.comentario if isinstance(record.comentario, str) else None])
                cells.append(execution.cells[at])
                continue
            where = kept[key]
            value, earlier = record.valor, rows[where][COLUMNS.index("valor")]
            if (pd.isna(value) and pd.isna(earlier)) or value == earlier:
                comment, before = record.comentario, rows[where][COLUMNS.index("comentario")]
                if isinstance(comment, str) and comment != before:
                    joined = comment if not isinstance(before, str) else f"{before}{COMMENT_JOIN}{comment}"
                    rows[where][COLUMNS.index("comentario")] = joined
                continue
            problems.append(_conflict(key, execution, at, where, rows, cells))
    if problems:
        errors.append(InputError(directory, problems))
    if errors:
        # The files that could be read still say their warnings (a fraction typed in one dependency's
        # file while another's has an error): validar lists them all at once.
        raise InputError.combine(directory, errors, (*unread, *(w for e in executions for w in e.warnings)))
    table = pd.DataFrame(rows, columns=list(COLUMNS)).astype({"fila": int, "anio": int, "trimestre": int})
    table["valor"] = table["valor"].astype(float)
    order = table.sort_values(["indicador", "anio", "trimestre"]).index
    return Execution(
        directory,
        table.loc[order].reset_index(drop=True),
        (*unread, *(w for e in executions for w in e.warnings)),
        tuple(dict.fromkeys(i for e in executions for i in e.suspect_fractions)),
        None,
        tuple(cells[k] for k in order),
    )


def _conflict(key, execution: Execution, at: int, where: int, rows, cells) -> Problem:
    """Two files of a seguimiento/ folder with different values for one indicator and quarter."""
    indicator, year, quarter = key

    def value(v: float) -> str:
        return "vacío (sin reporte)" if pd.isna(v) else shown_number(v)

    path, sheet, heading, letter = execution.cells[at]
    first_path, first_sheet, first_heading, first_letter = cells[where]
    first_sheet = f", hoja «{first_sheet}»" if first_sheet else ""
    return Problem(
        f"el valor {value(execution.table['valor'].iat[at])} para el indicador «{indicator}», año {year}, trimestre "
        f"{quarter}, que en {first_path.name}{first_sheet}, fila {rows[where][0]}, columna «{first_heading}»"
        f"{f' ({first_letter})' if first_letter else ''} es "
        f"{value(rows[where][COLUMNS.index('valor')])}",
        "un solo valor por indicador, año y trimestre entre todos los archivos de la carpeta seguimiento/",
        row=int(execution.table["fila"].iat[at]),
        column=heading,
        column_letter=letter,
        hint=f"Corrija el valor que no es el vigente en {path.name} o en {first_path.name}, o borre la fila "
        "de uno de los dos (cada indicador lo reporta una sola dependencia).",
        file=path,
        sheet=sheet,
    )
