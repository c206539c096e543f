"""The shapes a seguimiento comes in, each read into one long table (`RawTable`).

A long table (one row per indicator and quarter), a wide matrix (one column per quarter, its
empty cells quarters not reported) and a returned data-entry template (`pei-report plantilla`,
known by its hidden sheet), from an .xlsx (the sheet named Seguimiento, else the first visible
one with a header row) or a .csv (`read_execution`); and the entity's seguimiento/ folder, one
file per dependency: which file or folder is the seguimiento (`find_execution_file`), the files
of the folder that are read and those that are not. A folder's files are joined, once each is
checked, by `pipeline.ingest.execution.consolidate`.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from pipeline.core.command import suggest
from pipeline.core.formatting import number as shown_number
from pipeline.errors import InputError, Problem
from pipeline.ingest.cells import MergedPart, Uncomputed, _blank, _letter, _normal
from pipeline.ingest.files import (
    _check_inflation, _csv_encoding, _formulas, _open_workbook, _sheet_rows, _too_many_cells, _too_many_rows, decode_csv,
)
from pipeline.ingest.headings import (
    FIELDS, HEADER_SEARCH_ROWS, _field_of, _find_header, _find_wide, _header, _header_problem, _Header, _sub_headings,
    _unused_columns, csv_dialect,
)
from pipeline.ingest.limits import Limits, limits
from pipeline.ingest.source import read_source
from pipeline.ingest.template_schema import (
    COLUMN as TEMPLATE_COLUMN, DATA_SHEET, IDENTITY_SHEET, TemplateIdentity, read_identity,
)

__all__ = [
    "NO_EXECUTION_YET",
    "first_execution_step",
    "CSV_FILE",
    "FOLDER",
    "SHEET_NAME",
    "UNREAD_BOOKS",
    "XLSX_FILE",
    "RawTable",
    "awaiting_files",
    "execution_files",
    "find_execution_file",
    "named_sheet",
    "read_execution",
]

XLSX_FILE = "seguimiento.xlsx"
CSV_FILE = "seguimiento.csv"
FOLDER = "seguimiento"  # a folder of seguimiento files, one per dependency, consolidated
SHEET_NAME = "seguimiento"


@dataclass(frozen=True)
class RawTable:
    """The cells of a seguimiento file as read, indexed by the row number the user sees."""

    path: Path
    frame: pd.DataFrame  # object columns indicador, anio, trimestre, valor, comentario
    positions: dict[str, int]  # field -> 0-based column
    headings: dict[str, str]  # field -> the heading as written in the file
    sheet: str | None
    decimal: str | None  # the source's decimal mark when known (csv)
    header_row: int = 1
    warnings: tuple[Problem, ...] = ()
    # A wide matrix (one column per quarter): 0-based column -> its heading as written. The frame
    # then has a `columna` column, the 0-based column each row's value was read from.
    periods: dict[int, str] | None = None
    # A returned data-entry template (`pei-report plantilla`): what its hidden sheet says it was made for.
    template: TemplateIdentity | None = None

    @property
    def letters(self) -> dict[str, str]:
        """Field -> the spreadsheet's column letter (xlsx only)."""
        if self.path.suffix.lower() != ".xlsx":
            return {}
        return {f: get_column_letter(pos + 1) for f, pos in self.positions.items()}


def find_execution_file(folder: Path) -> Path:
    """The one seguimiento file of an entity folder, or its seguimiento/ folder of files (read
    together with a seguimiento file beside it, see `load_execution`)."""
    xlsx, csv_path, directory = folder / XLSX_FILE, folder / CSV_FILE, folder / FOLDER
    if xlsx.exists() and csv_path.exists():
        raise InputError.single(
            folder,
            f"dos archivos de seguimiento ({XLSX_FILE} y {CSV_FILE})",
            "uno solo de los dos",
            hint="Deje el que tiene los datos vigentes y mueva el otro fuera de la carpeta.",
        )
    if directory.is_dir():
        return directory
    if xlsx.exists():
        return xlsx
    if csv_path.exists():
        return csv_path
    raise InputError.single(
        folder,
        NO_EXECUTION_YET,
        f"{XLSX_FILE} o {CSV_FILE} con la ejecución trimestral (o una carpeta {FOLDER}/ con un archivo por dependencia)",
        hint=f"Es el paso siguiente al plan: {first_execution_step(folder)}.",
    )


NO_EXECUTION_YET = "que aún no hay seguimiento"
"""What `find_execution_file` found in an entity folder with a plan and nothing reported yet: a
new entity's next step, not a mistake in its files (`pipeline.workbooks.validation` tells it so)."""


def first_execution_step(folder: Path, period: object | None = None) -> str:
    """The step after the plan: the command that writes the dependencies' templates (for `period`,
    or the cut `run` would choose), runnable as printed, and where the filled books go."""
    command = suggest(f"plantilla --input {shlex.quote(str(folder))}" + (f" --period {period}" if period else "")
                      + " --por-responsable")
    return (f"genere las plantillas con «{command}» y guarde los libros diligenciados en {folder / FOLDER}/ "
            "(un archivo por dependencia)")


# Spreadsheets the reader cannot open: a dependency's figures in one would be lost, so it is an error.
UNREAD_BOOKS = (".xls", ".ods", ".xlsm", ".xlsb", ".numbers", ".fods")
# What the file system, Excel and LibreOffice leave in a folder: not files anybody put there.
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")


def _left_by_tools(name: str) -> bool:
    """A hidden file, Excel's lock file (`~$libro.xlsx`, there while a book is open) or a system file."""
    return name.startswith((".", "~$")) or name.lower() in _SYSTEM_FILES


def _is_seguimiento(entry: Path) -> bool:
    """An .xlsx or .csv file of a seguimiento/ folder that is read."""
    return entry.is_file() and entry.suffix.lower() in (".xlsx", ".csv") and not _left_by_tools(entry.name)


def _not_read(directory: Path) -> tuple[list[Problem], list[Problem]]:
    """The entries of a seguimiento/ folder that are not read: a workbook in another format (a
    problem) and any other file or folder (a warning), each named."""
    problems, warnings = [], []
    for entry in sorted(directory.iterdir()):
        name = entry.name
        if _left_by_tools(name) or _is_seguimiento(entry):
            continue
        if entry.is_file() and entry.suffix.lower() in UNREAD_BOOKS:
            problems.append(Problem(
                f"el libro {name}, en formato {entry.suffix.lower()}, que no se puede leer",
                "libros de Excel .xlsx o archivos .csv",
                hint="Ábralo en Excel o LibreOffice y guárdelo como «Libro de Excel (.xlsx)» en esta carpeta; "
                f"luego borre {name} (si no, sus indicadores saldrían «Sin reporte»).",
                file=entry,
            ))
            continue
        kind = "la carpeta" if entry.is_dir() else "el archivo"
        warnings.append(Problem(
            f"{kind} {name}{'/' if entry.is_dir() else ''} en la carpeta {FOLDER}/, que no se lee",
            "solo los seguimientos de las dependencias (.xlsx o .csv)",
            hint=f"Si tiene cifras del seguimiento, guárdelas como .xlsx o .csv en {FOLDER}/; si no, muévalo fuera de la carpeta.",
            file=entry,
        ))
    return problems, warnings


def awaiting_files(folder: Path) -> bool:
    """Whether the entity's seguimiento is a seguimiento/ folder still waiting for its files: no
    .xlsx or .csv in it (what tools leave there aside), none beside it, and no workbook in another
    format (whose figures would be lost: `load_execution` refuses it)."""
    directory = folder / FOLDER
    if not directory.is_dir() or (folder / XLSX_FILE).exists() or (folder / CSV_FILE).exists():
        return False
    return not any(
        _is_seguimiento(p) or (p.is_file() and p.suffix.lower() in UNREAD_BOOKS and not _left_by_tools(p.name))
        for p in directory.iterdir()
    )


def execution_files(directory: Path) -> list[Path]:
    """The .xlsx and .csv files of a seguimiento/ folder, by name; none is an `InputError`.

    Hidden files and Excel's lock files (`~$libro.xlsx`, there while a book is open) are not
    seguimientos."""
    files = sorted(p for p in directory.iterdir() if _is_seguimiento(p))
    if not files:
        raise InputError.single(
            directory,
            "una carpeta sin archivos .xlsx ni .csv",
            "un archivo de seguimiento (.xlsx o .csv) por dependencia",
            hint=f"Copie ahí los seguimientos de las dependencias, o borre la carpeta y use un solo {XLSX_FILE}.",
        )
    return files


def _table(
    path: Path, rows: list[tuple[int, list[object]]], sheet: str | None, decimal: str | None
) -> RawTable:
    """The data rows under the header row, one column per field; unknown columns are warned about."""
    found = _find_header(rows)
    if found is None or found[1].missing:
        wide = _find_wide(rows)
        if wide is not None:
            return _wide_table(path, rows, sheet, decimal, *wide)
        raise InputError(path, [_header_problem(path, rows, found)], sheet)
    header_row, header = found
    headings = next(cells for n, cells in rows if n == header_row)
    below = _sub_headings(rows, header_row)
    if below is not None:  # a two-row header: the row below names the columns under merged titles
        combined = [
            sub if not _blank(sub) and not isinstance(sub, MergedPart) else top
            for top, sub in zip_longest(headings, below[1])
        ]
        if not _header(combined).missing:
            header_row, headings, header = below[0], combined, _header(combined)
    problems = [
        Problem(
            "varias columnas para el mismo dato: " + ", ".join(f"«{headings[c]}» ({_letter(path, c) or c + 1})" for c in columns),
            "una sola columna por dato",
            row=header_row,
            hint="Deje una y cambie el encabezado de la otra (o bórrela).",
        )
        for columns in header.ambiguous.values()
    ]
    if problems:
        raise InputError(path, problems, sheet)
    # A row with none of the data fields (a section title, a note, in a reference column) is no row of data.
    data = [
        (n, cells) for n, cells in rows
        if n > header_row and any(p < len(cells) and not _blank(cells[p]) for p in header.positions.values())
    ]
    frame = pd.DataFrame(
        {f: [cells[header.positions[f]] if f in header.positions and header.positions[f] < len(cells) else None for _, cells in data] for f in FIELDS},
        index=pd.Index([n for n, _ in data], name="fila"),
        dtype=object,
    )
    named = {f: str(headings[pos]).strip() for f, pos in header.positions.items()}
    return RawTable(
        path, frame, dict(header.positions), named, sheet, decimal, header_row,
        tuple(_unused_columns(path, header, header_row, data)),
    )


def _wide_table(
    path: Path, rows: list[tuple[int, list[object]]], sheet: str | None, decimal: str | None,
    header_row: int, indicator: int, name: str, periods: dict[int, tuple[int, int]], shown_as: dict[int, str],
    bad: dict[int, tuple[str, str]],
) -> RawTable:
    """A wide matrix as the long table: one row per indicator and quarter column, each keeping the
    sheet's row and the column it was read from. Empty cells are kept here (they may be formulas
    whose result was never saved) and dropped by `read_execution`. A heading of months that make
    no quarter (`Ene-Jun 2025`) is an error naming it: its figures are not guessed into a quarter."""
    if bad:
        raise InputError(path, [
            Problem(
                f"la columna «{heading}»: {why}", "una columna por trimestre (Ene-Mar, Abr-Jun, Jul-Sep u Oct-Dic, "
                "o T1 a T4), con su año", row=header_row, column=heading, column_letter=_letter(path, pos),
                hint="Si es un acumulado o un semestre, bórrela o muévala fuera de la matriz (el reporte acumula los "
                "trimestres); si es un trimestre, corrija sus meses.",
            )
            for pos, (heading, why) in sorted(bad.items())
        ], sheet)
    data = [(n, cells) for n, cells in rows if n > header_row]
    index, columns, records = [], [], []
    for n, cells in data:
        for pos, (year, quarter) in periods.items():
            value = cells[pos] if pos < len(cells) else None
            ident = cells[indicator] if indicator < len(cells) else None
            index.append(n)
            columns.append(pos)
            records.append((ident, year, quarter, value, None))
    frame = pd.DataFrame(records, columns=list(FIELDS), index=pd.Index(index, name="fila"), dtype=object)
    frame["columna"] = columns
    others = {
        pos: str(c).strip() for pos, c in enumerate(next(cells for n, cells in rows if n == header_row))
        if pos != indicator and pos not in periods and not _blank(c) and not isinstance(c, MergedPart)
    }
    comments = {pos: h for pos, h in others.items() if _field_of(h) == "comentario"}
    header = _Header({"indicador": indicator}, {p: h for p, h in others.items() if p not in comments}, {})
    warnings = [*_unused_columns(path, header, header_row, data)]
    for pos, heading in comments.items():
        if any(pos < len(cells) and not _blank(cells[pos]) for _, cells in data):
            # A matrix's comment column belongs to no quarter in particular: it is not guessed.
            warnings.append(Problem(
                f"la columna «{heading}» en una matriz con una columna por trimestre: sus comentarios no "
                "dicen de qué trimestre son y el reporte no los usa",
                "los comentarios en el formato largo (una fila por indicador y trimestre, con columna comentario)",
                row=header_row, column=heading, column_letter=_letter(path, pos),
                hint="Si los comentarios deben salir en el reporte, pase el seguimiento al formato largo "
                "(la plantilla de pei-report plantilla lo tiene).",
            ))
    return RawTable(
        path, frame, {"indicador": indicator}, {"indicador": name}, sheet, decimal,
        header_row, tuple(warnings), dict(shown_as),
    )


def named_sheet(book):
    """The visible sheet named Seguimiento (`Seguimiento 2024`, `SEGUIMIENTO` ...) the reader reads
    before any other, or None."""
    sheets = [s for s in book.worksheets if getattr(s, "sheet_state", "visible") == "visible"] or book.worksheets
    return next((s for s in sheets if _normal(s.title).startswith(SHEET_NAME)), None)


def _choose_sheet(book, path: Path, bounds: Limits) -> tuple[object, list[tuple[int, list[object]]]]:
    """The sheet named Seguimiento, else the first visible sheet with a header row."""
    named = named_sheet(book)
    if named is not None:
        return named, _sheet_rows(named, path, bounds)
    sheets = [s for s in book.worksheets if getattr(s, "sheet_state", "visible") == "visible"] or book.worksheets
    first = None
    for sheet in sheets:
        rows = _sheet_rows(sheet, path, bounds)
        if first is None:
            first = (sheet, rows)
        found = _find_header(rows)
        if found is not None and not found[1].missing:
            return sheet, rows
    assert first is not None  # a workbook has at least one sheet
    return first


def _read_xlsx(path: Path, data: bytes, bounds: Limits) -> RawTable:
    _check_inflation(path, data, bounds)
    book = _open_workbook(path, data, data_only=True)
    try:
        identity = _template_identity(book)
        if identity is not None and DATA_SHEET in book.sheetnames:
            sheet = book[DATA_SHEET]
            rows = _sheet_rows(sheet, path, bounds)
        else:
            sheet, rows = _choose_sheet(book, path, bounds)
            if sheet.protection.sheet:
                _check_not_a_template(path, rows, sheet.title)
        title = sheet.title
    finally:
        book.close()
    if not rows:
        raise InputError.single(path, "una hoja vacía", "una fila de encabezados y una fila por trimestre reportado", sheet=title)
    raw = _table(path, rows, title, None)
    # Empty cells may be formulas whose result was never saved: look them up in the formula text.
    if raw.periods is not None:
        at = {(int(n), int(pos)): k for k, (n, pos, v) in enumerate(zip(raw.frame.index, raw.frame["columna"], raw.frame["valor"])) if v is None}
        for cell, formula in _formulas(path, data, title, set(at)).items():
            raw.frame.iat[at[cell], raw.frame.columns.get_loc("valor")] = Uncomputed(formula)
        return raw
    field_at = {pos: f for f, pos in raw.positions.items()}
    empty = {(int(n), pos) for pos, f in field_at.items() for n, v in raw.frame[f].items() if v is None}
    for (n, pos), formula in _formulas(path, data, title, empty).items():
        raw.frame.at[n, field_at[pos]] = Uncomputed(formula)
    return _template_rows(raw, identity) if identity is not None else raw


# The template's value heading, `Valor (2024-T3)`, with its cut.
_TEMPLATE_VALUE = re.compile(
    "^" + re.escape(TEMPLATE_COLUMN["value"].heading).replace(re.escape("{cut}"), r"(\d{4}-T[1-4])") + "$"
)


def _check_not_a_template(path: Path, rows: list[tuple[int, list[object]]], title: str) -> None:
    """Refuse a protected sheet headed like a data-entry template (`Valor (2024-T3)`) in a workbook
    without the template's hidden sheet: without it nothing says whose, which cut and which plan
    the rows are, so they are not read as a plain seguimiento either."""
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        for cell in cells:
            found = _TEMPLATE_VALUE.match(cell.strip()) if isinstance(cell, str) else None
            if found:
                cut = found.group(1)
                raise InputError.single(
                    path,
                    f"una plantilla de seguimiento del corte {cut} (encabezado «{cell.strip()}», hoja protegida) sin su "
                    f"hoja oculta «{IDENTITY_SHEET}»",
                    "la plantilla como la escribió pei-report plantilla, con su hoja oculta (dice de qué entidad, corte "
                    "y plan es)",
                    sheet=title,
                    row=number,
                    hint=f"Genere la plantilla de nuevo con «pei-report plantilla --input {_entity_folder(path)} --period "
                    f"{cut}» y copie en ella los valores y comentarios. Si este libro no es una plantilla, escriba el "
                    "encabezado sin el corte («Valor»).",
                )


def _template_identity(book) -> TemplateIdentity | None:
    """What a data-entry template's hidden sheet says it was made for; None for any other book."""
    if IDENTITY_SHEET not in book.sheetnames:
        return None
    return read_identity([tuple(row) for row in book[IDENTITY_SHEET].iter_rows(values_only=True)])


def _template_rows(raw: RawTable, identity: TemplateIdentity) -> RawTable:
    """A returned template's rows that carry data: an indicator's row with a value or a comment.

    Group rows (an eje's or an objective's title) have no id, and a row left blank is a quarter
    the dependency did not fill in: neither is a row of the seguimiento. The columns of earlier
    quarters are context (reference columns), never data.
    """
    frame = raw.frame
    keep = [
        not _blank(ident) and (not _blank(value) or not _blank(comment))
        for ident, value, comment in zip(frame["indicador"], frame["valor"], frame["comentario"])
    ]
    return replace(raw, frame=frame[keep], template=identity)


def _read_csv(path: Path, data: bytes, bounds: Limits) -> RawTable:
    text = decode_csv(data)
    delimiter, decimal = csv_dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    last_line = cell_count = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not all(_blank(c) for c in cells):
                rows.append((start, list(cells)))
                cell_count += len(cells)
                if len(rows) > bounds.table_rows:
                    raise _too_many_rows(path, bounds)
                if cell_count > bounds.table_cells:
                    raise _too_many_cells(path, f"más de {shown_number(bounds.table_cells)} celdas", bounds)
    except csv.Error as exc:
        raise InputError.single(path, f"un CSV mal formado ({exc})", "un CSV válido", row=reader.line_num) from exc
    if not rows:
        raise InputError.single(path, "un archivo vacío", "una fila de encabezados y una fila por trimestre reportado")
    raw = _table(path, rows, None, decimal)
    width = len(next(cells for n, cells in rows if n == raw.header_row))
    extra = [
        Problem(
            f"{len(cells)} celdas separadas por «{delimiter}»",
            f"{width}, como en el encabezado",
            row=n,
            hint="Si un comentario lleva el separador, póngalo entre comillas dobles.",
        )
        for n, cells in rows
        if n > raw.header_row and len(cells) > width and any(not _blank(c) for c in cells[width:])
    ]
    if extra:
        raise InputError(path, extra)
    return raw


def read_execution(path: Path) -> RawTable:
    """The cells of a seguimiento file, unvalidated, read from one reading of its bytes.

    A file past the limits (`pipeline.ingest.limits`) is refused before its cells are read.
    """
    bounds = limits()
    data, _ = read_source(
        path, bounds.table_bytes, "table_bytes",
        "Un seguimiento ocupa unos cientos de kilobytes: revise que sea el archivo correcto y que no "
        "tenga hojas, imágenes o filas que no son del seguimiento.",
    )
    if path.suffix.lower() == ".xlsx":
        raw = _read_xlsx(path, data, bounds)
    else:
        mixed = _csv_encoding(path, data)
        raw = _read_csv(path, data, bounds)
        if mixed is not None:
            raw = replace(raw, warnings=(mixed, *raw.warnings))
    if raw.periods is not None:  # a wide matrix's empty cell is a quarter not reported: no row
        raw = replace(raw, frame=raw.frame[[not _blank(v) for v in raw.frame["valor"]]])
    return raw


def _entity_folder(path: Path) -> Path:
    """The entity folder a seguimiento file belongs to (it may sit in the seguimiento/ folder)."""
    return path.parent.parent if path.parent.name == FOLDER else path.parent
