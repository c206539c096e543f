"""Annotated copies of the input workbooks with problems, for the people who fix them.

Each .xlsx input with a problem is copied (formatting kept) with every faulty cell filled red and
an Excel comment saying what is wrong, what was expected and what to do; warnings get the same in
yellow. A first sheet, «Revisión», lists every problem and warning of the file with a link to its
cell; problems without a cell (a missing column, a file that cannot be opened) are only listed
there. A CSV input gets a workbook with the CSV's content, marked the same way. The inputs are
only read: the copies go to `<output>/<entity>/revision/`, which each check replaces as a whole.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
import uuid
import warnings as python_warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from pipeline.outputs.cells import put
from pipeline.core.characters import writable
from pipeline.errors import InputError, Problem, found_verb
from pipeline.ingest.files import UNREADABLE_WORKBOOK, _check_inflation, decode_csv
from pipeline.ingest.headings import HEADER_SEARCH_ROWS, csv_dialect
from pipeline.ingest.shapes import named_sheet
from pipeline.ingest.source import read_source
from pipeline.ingest.limits import limits

__all__ = ["FILL", "REVISION_FOLDER", "SUMMARY_SHEET", "annotated_workbook", "revision_path", "write_revision"]

REVISION_FOLDER = "revision"
SUMMARY_SHEET = "Revisión"
AUTHOR = "pei-report"
FILL = "FF8B8B"  # clearly red on screen and on paper; black text stays readable on it
WARNING_FILL = "FFD966"  # amber
# Past this many cells, the copy marks no more (the summary still lists every problem): a comment
# per cell makes a workbook of 200 000 problems too slow to open.
MARKED_CELLS = 5_000
SUMMARY_HEADER = ("Tipo", "Hoja", "Fila", "Columna", "Celda", "Qué se encontró", "Qué se esperaba", "Qué hacer")
_WIDTHS = (11, 16, 7, 24, 8, 45, 45, 55)
_NO_HINT = "Corrija el dato en el archivo original."


@dataclass(frozen=True)
class _Note:
    """A problem or warning of the file, with the cell that shows it (None: the summary only)."""

    problem: Problem
    warning: bool
    sheet: str | None = None
    cell: str | None = None


def revision_path(path: Path, entity_folder: Path) -> Path:
    """Where the copy of an input goes inside the revision folder: its path in the entity folder
    (`seguimiento.xlsx`, `seguimiento/hacienda.xlsx`); a CSV's workbook is `<name>.revision.xlsx`."""
    try:
        relative = Path(path).resolve().relative_to(Path(entity_folder).resolve())
    except ValueError:
        relative = Path(Path(path).name)
    if relative.suffix.lower() == ".csv":
        relative = relative.with_name(f"{relative.stem}.revision.xlsx")
    return relative


def write_revision(
    entity_folder: Path, target: Path, problems: Sequence[Problem], warnings: Sequence[Problem] = ()
) -> list[Path]:
    """Replace the `target` folder with the annotated copy of every .xlsx or .csv input that has a
    problem (the problems and warnings each name their file); return the copies' paths.

    The folder is built beside `target` and swapped in whole, so a failed write leaves the earlier
    copies as they were; without such problems, `target` is removed.
    """
    by_file: dict[Path, list[Problem]] = {}
    for p in problems:
        if p.file is not None and Path(p.file).suffix.lower() in (".xlsx", ".csv") and Path(p.file).is_file():
            by_file.setdefault(Path(p.file), []).append(p)
    if not by_file:
        _remove(target)
        return []
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _fresh(target, "nueva")
    try:
        written = []
        for path, own in by_file.items():
            relative = revision_path(path, entity_folder)
            book = annotated_workbook(path, own, [w for w in warnings if w.file is not None and Path(w.file) == path])
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            book.save(staging / relative)
            written.append(target / relative)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` where `target` is, the earlier folder removed only once the new one is there."""
    old = None
    if target.exists():
        old = _fresh(target, "anterior")
        target.rename(old / target.name)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _fresh(target: Path, what: str) -> Path:
    """A new hidden folder beside `target` (made with the user's umask, unlike mkdtemp's 0700)."""
    folder = target.parent / f".{target.name}-{what}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def _remove(target: Path) -> None:
    if target.exists():
        old = _fresh(target, "anterior")
        target.rename(old / target.name)
        shutil.rmtree(old, ignore_errors=True)


def annotated_workbook(path: Path, problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> Workbook:
    """The workbook of `path` (an .xlsx, or a CSV's content) with its faulty cells marked and the
    summary sheet first; a file that cannot be opened gives the summary alone."""
    opened = _open(path)
    book, data_sheet, columns = opened if opened else (Workbook(), None, {})
    if opened is None:
        book.remove(book.active)
    notes = [_locate(book, p, False, data_sheet, columns) for p in problems]
    notes += [_locate(book, w, True, data_sheet, columns) for w in warnings]
    marked = _mark(book, notes)
    _summary(book, path, notes, opened is None, marked)
    return book


def _open(path: Path) -> tuple[Workbook, str | None, dict[str, int]] | None:
    """The file as a workbook (for a CSV: its sheet's title and column per heading), or None when
    it cannot be opened (or is past the limits the reader refuses it for)."""
    bounds = limits()
    try:
        data, _ = read_source(path, bounds.table_bytes, "table_bytes", "")
        if path.suffix.lower() == ".csv":
            return _csv_book(path, data)
        _check_inflation(path, data, bounds)
        with python_warnings.catch_warnings():  # extensions openpyxl drops: this is a copy for review
            python_warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data)), None, {}
    except (InputError, *UNREADABLE_WORKBOOK):  # a CSV that cannot be decoded is a ValueError too
        return None


def _csv_book(path: Path, data: bytes) -> tuple[Workbook, str, dict[str, int]]:
    """A CSV's cells as written (text), each record on the row of the line where it starts, so the
    rows match the problems' (numbered as a text editor does)."""
    text = decode_csv(data)
    delimiter, _ = csv_dialect(text)
    book = Workbook()
    sheet = book.active
    sheet.title = "".join(c for c in writable(path.name) if c not in "[]:*?/\\")[:31] or "Datos"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    columns: dict[str, int] = {}
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            for pos, value in enumerate(cells, start=1):
                if value != "":
                    put(sheet, start, pos, value)  # as written: a text that begins with «=» is no formula
                if start <= HEADER_SEARCH_ROWS and value.strip():
                    columns.setdefault(value.strip(), pos)
    except csv.Error:
        pass  # a malformed CSV: what was read is shown, the problem says the rest
    return book, sheet.title, columns


def _read_sheet(book: Workbook) -> str | None:
    """The sheet the seguimiento reader reads first (`shapes.named_sheet`), or the only one."""
    named = named_sheet(book)
    return named.title if named is not None else book.worksheets[0].title if len(book.worksheets) == 1 else None


def _locate(book: Workbook, p: Problem, warning: bool, data_sheet: str | None, columns: dict[str, int]) -> _Note:
    sheet = p.sheet or data_sheet or (_read_sheet(book) if p.row is not None else None)
    if sheet not in book.sheetnames or p.row is None:
        return _Note(p, warning, sheet if sheet in book.sheetnames else p.sheet)
    letter = p.column_letter
    if letter is None and p.column is not None and p.column in columns:
        letter = get_column_letter(columns[p.column])
    if letter is None:
        return _Note(p, warning, sheet)
    cell = f"{letter}{p.row}"
    for merged in book[sheet].merged_cells.ranges:  # a merged cell shows (and takes notes on) its first cell
        if cell in merged:
            cell = merged.start_cell.coordinate
            break
    return _Note(p, warning, sheet, cell)


def _sentence(p: Problem) -> str:
    text = p.sentence()
    return text[0].upper() + text[1:]


def _mark(book: Workbook, notes: list[_Note]) -> int:
    """Fill and comment each cell with notes; return how many cells were marked."""
    cells: dict[tuple[str, str], list[_Note]] = {}
    for note in notes:
        if note.cell is not None:
            cells.setdefault((note.sheet, note.cell), []).append(note)
    for count, ((sheet, address), here) in enumerate(cells.items()):
        if count == MARKED_CELLS:
            return count
        cell = book[sheet][address]
        warning_only = all(n.warning for n in here)
        cell.fill = PatternFill("solid", fgColor=WARNING_FILL if warning_only else FILL)
        texts = []
        for n in here:
            p = n.problem
            # a merged cell's problem, shown on the range's first cell, says which row it is about
            moved = f"{p.row_label.capitalize()} {p.row}: " if p.column_letter and f"{p.column_letter}{p.row}" != address else ""
            texts.append(("Aviso: " if n.warning else "") + moved + _sentence(p))
        if cell.comment is not None:  # keep the office's own note under ours
            texts.append(f"Comentario anterior ({cell.comment.author or 'sin autor'}): {cell.comment.text}")
        text = "\n\n".join(texts)
        lines = sum(math.ceil(max(len(t), 1) / 50) + 1 for t in text.split("\n\n"))
        cell.comment = Comment(writable(text), AUTHOR, width=340, height=min(20 + 16 * lines, 600))
    return len(cells)


def _summary(book: Workbook, path: Path, notes: list[_Note], unopened: bool, marked: int) -> None:
    """The «Revisión» sheet, first and active: every problem and warning of the file."""
    title = SUMMARY_SHEET if SUMMARY_SHEET not in book.sheetnames else f"{SUMMARY_SHEET} (pei-report)"
    sheet = book.create_sheet(title, 0)
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    book.active = 0
    problems = sum(not n.warning for n in notes)
    counted = f"{problems} problema{'s' if problems != 1 else ''}"
    if len(notes) > problems:
        counted += f" y {len(notes) - problems} aviso{'s' if len(notes) - problems != 1 else ''}"
    put(sheet, 1, 1, f"Revisión de {path.name}")
    sheet["A1"].font = Font(bold=True, size=14)
    put(sheet, 2, 1, f"pei-report validar encontró {counted} en este archivo.")
    if unopened:
        sheet["A3"] = ("El archivo no se puede abrir como libro de Excel: esta hoja solo lista sus problemas. "
                       "Corrija el archivo original y vuelva a ejecutar pei-report validar.")
    else:
        sheet["A3"] = ("Esta es una copia de revisión: las celdas con problemas están en rojo (los avisos, en amarillo) "
                       "y cada una tiene un comentario. Corrija el archivo original, no esta copia, y vuelva a "
                       "ejecutar pei-report validar. La columna Celda lleva a la celda.")
        if marked == MARKED_CELLS:
            sheet["A4"] = f"Solo se marcaron las primeras {MARKED_CELLS} celdas; esta hoja lista todos los problemas."
    header = 6
    for col, (heading, width) in enumerate(zip(SUMMARY_HEADER, _WIDTHS), start=1):
        cell = put(sheet, header, col, heading)
        cell.alignment = Alignment(horizontal="center" if col == 3 else "left")
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        sheet.column_dimensions[get_column_letter(col)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, note in enumerate(sorted(notes, key=lambda n: n.warning), start=header + 1):
        p = note.problem
        column = p.column or ""
        if p.column_letter:
            column += f" ({p.column_letter})" if column else p.column_letter
        place = f"{p.column_letter}{p.row}" if p.column_letter and p.row is not None else note.cell or ""
        values = ("Aviso" if note.warning else "Problema", note.sheet or "", p.row, column or "", place,
                  f"{found_verb(p.found).capitalize()} {p.found}", p.expected, p.hint or _NO_HINT)
        for col, value in enumerate(values, start=1):
            cell = put(sheet, n, col, value)
            cell.alignment = wrap if col != 3 else Alignment(horizontal="center", vertical="top")
        # Wrapped text only grows its row where the program recomputes heights: set them.
        lines = max(math.ceil(len(str(v or "")) / max(w - 2, 1)) for v, w in zip(values, _WIDTHS))
        sheet.row_dimensions[n].height = 15 * max(lines, 1)
        if note.cell is not None:
            link = sheet.cell(n, 5)
            quoted = note.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{note.cell}", display=place)
            link.style = "Hyperlink"
            link.alignment = wrap
        sheet.cell(n, 1).fill = PatternFill("solid", fgColor=WARNING_FILL if note.warning else FILL)
    sheet.freeze_panes = sheet.cell(header + 1, 1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(SUMMARY_HEADER))}{max(header + len(notes), header + 1)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header}:{header}"
