"""A seguimiento file's bytes, opened safely and read as rows of cells.

An .xlsx is refused before openpyxl inflates it when its parts or its shared strings pass the
limits (`pipeline.ingest.limits`), and bytes that are no workbook it can read are an `InputError`
(`UNREADABLE_WORKBOOK`); a sheet's rows come as values, percent cells as `Percent` and merged cells
marked, after its used range is checked; a sheet's formulas are read from its XML
(`sheet_formulas`). A CSV is decoded as UTF-8 or Windows-1252 (`decode_csv`); one that mixes the
two is warned about. `pipeline.ingest.plan_xlsx` and `pipeline.workbooks.annotate` open workbooks
with the same guards.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.core.formatting import number as shown_number
from pipeline.errors import InputError, Problem
from pipeline.ingest.cells import MergedPart, Percent, _blank
from pipeline.ingest.limits import MB, Limits
from pipeline.ingest.source import limit_hint, size_text

__all__ = ["UNREADABLE_WORKBOOK", "decode_csv", "sheet_formulas"]

# What openpyxl raises for bytes that are not a workbook it can read: a broken zip, a missing part,
# and XML it cannot parse (SyntaxError: ElementTree's ParseError and lxml's XMLSyntaxError, such
# as a «billion laughs» past expat's amplification limit) or refuses (defusedxml's errors, which
# are ValueErrors: a DTD that declares entities). Entities are never resolved.
UNREADABLE_WORKBOOK = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError, TypeError, SyntaxError)


def _not_a_workbook(path: Path, exc: BaseException) -> InputError:
    while (exc.__cause__ or exc.__context__) is not None:  # openpyxl wraps the parser's error in its own
        exc = exc.__cause__ or exc.__context__
    defused = type(exc).__module__.startswith("defusedxml")
    xml = isinstance(exc, SyntaxError) or defused
    detail = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    if defused:
        name = getattr(exc, "name", None)
        declared = f"la entidad «{name}», que no se lee" if name else "entidades, que no se leen"
        detail = f"su XML declara {declared}; {type(exc).__name__}"
    return InputError.single(
        path,
        f"un archivo que no se puede abrir como libro de Excel ({detail})",
        "un libro de Excel (.xlsx) válido" + (", sin declaraciones de entidades (DTD) en su XML" if xml else ""),
        hint="Ábralo en Excel y guárdelo de nuevo como .xlsx, o expórtelo como seguimiento.csv.",
    )


def _open_workbook(path: Path, data: bytes, **options):
    try:
        return load_workbook(io.BytesIO(data), **options)
    except UNREADABLE_WORKBOOK as exc:
        raise _not_a_workbook(path, exc) from exc


_RESAVE = "Ábralo en Excel o LibreOffice, borre lo que no sea el seguimiento y guárdelo de nuevo, o expórtelo como seguimiento.csv."


def _check_inflation(path: Path, data: bytes, bounds: Limits) -> None:
    """Refuse an .xlsx whose parts would inflate past the limits, before anything unzips them.

    Python's zipfile stops each part at the size its header declares (and checks its CRC), so
    the declared sizes bound what openpyxl can inflate.
    """
    if not data:
        raise InputError.single(
            path,
            "un archivo vacío (0 bytes)",
            "un libro de Excel (.xlsx) con la hoja del seguimiento",
            hint="Quizás no se terminó de copiar o de guardar: vuelva a guardarlo desde Excel o LibreOffice.",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            parts = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_a_workbook(path, exc) from exc
    total = sum(p.file_size for p in parts)
    if total > bounds.xlsx_uncompressed_bytes:
        raise InputError.single(
            path,
            f"un libro de {size_text(len(data))} que al descomprimirse ocupa {size_text(total)}",
            f"a lo sumo {size_text(bounds.xlsx_uncompressed_bytes)} descomprimido",
            hint=f"{_RESAVE} {limit_hint('xlsx_uncompressed_bytes')}",
        )
    for part in parts:
        if part.file_size > MB and part.file_size > bounds.xlsx_ratio * max(part.compress_size, 1):
            raise InputError.single(
                path,
                f"la parte «{part.filename}» del libro, de {size_text(part.file_size)} comprimida "
                f"{part.file_size // max(part.compress_size, 1):,} a 1".replace(",", "."),
                f"a lo sumo {bounds.xlsx_ratio} a 1 (lo que comprime una hoja de cálculo normal)",
                hint=f"{_RESAVE} {limit_hint('xlsx_ratio')}",
            )
    _check_strings(path, data, bounds)


# The start of a shared string, `<si>` (or `<x:si>` with a namespace prefix).
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _check_strings(path: Path, data: bytes, bounds: Limits) -> None:
    """Refuse an .xlsx whose shared strings part holds more texts than `Limits.xlsx_strings`,
    counted in its bytes before openpyxl builds one Python string for each (4 million strings no
    cell uses took minutes and 700 MB)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = {info.filename.lower(): info.filename for info in book.infolist()}
            name = _strings_part(book, names)
            if name is None:
                return
            count, carry = 0, b""
            with book.open(name) as part:
                while True:
                    chunk = part.read(MB)
                    text = carry + chunk
                    # Tags starting in the last bytes may be cut: they are counted with the next chunk.
                    cut = max(len(text) - 64, 0) if chunk else len(text)
                    count += sum(1 for found in _SHARED_STRING.finditer(text) if found.start() < cut)
                    carry = text[cut:]
                    if count > bounds.xlsx_strings:
                        raise InputError.single(
                            path,
                            f"un libro con más de {shown_number(bounds.xlsx_strings)} textos guardados en su parte «{name}»",
                            f"a lo sumo {shown_number(bounds.xlsx_strings)} textos (los de sus celdas y los que "
                            "quedaron de otras versiones del libro)",
                            hint=f"{_RESAVE} {limit_hint('xlsx_strings')}",
                        )
                    if not chunk:
                        break
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise _not_a_workbook(path, exc) from exc


_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _strings_part(book: zipfile.ZipFile, names: dict[str, str]) -> str | None:
    """The shared strings part, as openpyxl finds it (the content type), else by its usual name."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.functions import fromstring

    if "[content_types].xml" in names:
        try:
            found = Manifest.from_tree(fromstring(book.read(names["[content_types].xml"]))).find(_STRINGS_TYPE)
        except (SyntaxError, ValueError, TypeError):
            found = None  # openpyxl says so when it opens the book
        if found is not None and found.PartName.lstrip("/").lower() in names:
            return names[found.PartName.lstrip("/").lower()]
    return names.get("xl/sharedstrings.xml")


def _too_many_rows(path: Path, bounds: Limits, sheet: str | None = None) -> InputError:
    return InputError.single(
        path,
        f"más de {shown_number(bounds.table_rows)} filas",
        f"a lo sumo {shown_number(bounds.table_rows)} filas",
        sheet=sheet,
        hint="Un seguimiento tiene una fila por indicador y trimestre: borre las filas que sobran. "
        + limit_hint("table_rows"),
    )


def _too_many_cells(path: Path, found: str, bounds: Limits, sheet: str | None = None) -> InputError:
    return InputError.single(
        path,
        found,
        f"a lo sumo {shown_number(bounds.table_cells)} celdas",
        sheet=sheet,
        hint="Borre las filas y columnas que no son del seguimiento (también las que solo tienen formato). "
        + limit_hint("table_cells"),
    )


def _sheet_rows(sheet, path: Path, bounds: Limits) -> list[tuple[int, list[object]]]:
    """Rows with content, as values; percent cells as percentages; merged cells marked.

    The sheet's used range is checked against the limits before a row is read.
    """
    rows_used, columns_used = sheet.max_row, sheet.max_column
    if rows_used > bounds.table_rows:
        raise _too_many_rows(path, bounds, sheet.title)
    if rows_used * columns_used > bounds.table_cells:
        raise _too_many_cells(
            path,
            f"una hoja cuyo rango usado ({sheet.dimensions}) tiene {shown_number(rows_used * columns_used)} celdas",
            bounds,
            sheet.title,
        )
    merged: dict[tuple[int, int], MergedPart] = {}
    for cells in sheet.merged_cells.ranges:
        anchor = f"{get_column_letter(cells.min_col)}{cells.min_row}"
        for row in range(cells.min_row, cells.max_row + 1):
            for col in range(cells.min_col, cells.max_col + 1):
                if (row, col) != (cells.min_row, cells.min_col):
                    merged[(row, col)] = MergedPart(cells.coord, anchor)
    rows = []
    for row in sheet.iter_rows():
        values: list[object] = []
        for cell in row:
            value = cell.value
            if (cell.row, cell.column) in merged:
                value = merged[(cell.row, cell.column)]
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
                value = Percent(value)
            values.append(value)
        if any(not _blank(v) and not isinstance(v, MergedPart) for v in values):
            rows.append((row[0].row, values))
    return rows


def _formulas(path: Path, data: bytes, sheet_title: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The formulas of the given (row, 0-based column) cells, read from the file's formula text."""
    if not cells:
        return {}
    found = sheet_formulas(path, data, [sheet_title])[sheet_title]
    return {cell: formula for cell, formula in found.items() if cell in cells}


def sheet_formulas(path: Path, data: bytes, titles: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Every formula of the named sheets (`=A1+1`), by sheet and (row, 0-based column).

    Read from each sheet's XML alone, without opening the workbook a second time: openpyxl gives a
    cell's saved result or its formula, never both, and a second opening would parse the shared
    strings (the largest part of a big workbook) again. Shared formulas are translated to each
    cell as openpyxl does.
    """
    from openpyxl.formula.translate import Translator
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    row_tag, cell_tag, formula_tag = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("row", "c", "f"))
    out: dict[str, dict[tuple[int, int], str]] = {title: {} for title in titles}
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
        try:
            reader.read_manifest()
            reader.read_workbook()
            parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
            for title in titles:
                if title not in parts:
                    continue
                found, shared = out[title], {}
                row = column = 0
                with reader.archive.open(parts[title].lstrip("/")) as source:
                    for event, element in iterparse(source, events=("start", "end")):
                        if event == "start":
                            if element.tag == row_tag:
                                row, column = int(element.get("r") or row + 1), 0
                            continue
                        if element.tag == cell_tag:
                            at = element.get("r")
                            row, column = coordinate_to_tuple(at) if at else (row, column + 1)
                            formula = element.find(formula_tag)
                            if formula is not None:
                                text = "=" + (formula.text or "")
                                if formula.get("t") == "shared":
                                    key, here = formula.get("si"), at or f"{get_column_letter(column)}{row}"
                                    if key in shared:
                                        text = shared[key].translate_formula(here)
                                    elif text != "=":
                                        shared[key] = Translator(text, here)
                                if text != "=":
                                    found[(row, column - 1)] = text
                            element.clear()
                        elif element.tag == row_tag:
                            element.clear()
        finally:
            reader.archive.close()
    except UNREADABLE_WORKBOOK as exc:
        raise _not_a_workbook(path, exc) from exc
    return out


def decode_csv(raw: bytes) -> str:
    """A CSV's text: UTF-8 (with or without BOM), else Windows-1252 as Excel in Spanish writes it."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # What Excel in Spanish writes for "CSV (delimitado por comas)".
        return raw.decode("cp1252", errors="replace")


# A character of more than one byte as UTF-8 writes it: in a file that is not UTF-8 throughout,
# a text typed in UTF-8 («Gestión» as Gesti\xc3\xb3n) that Windows-1252 would read as «GestiÃ³n».
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _csv_encoding(path: Path, data: bytes) -> Problem | None:
    """Refuse a CSV that cannot be decoded (it begins with UTF-8's BOM and then has bytes that are
    not UTF-8); warn about one read as Windows-1252 that also holds UTF-8 text, naming the lines."""
    try:
        decode_csv(data)
    except UnicodeDecodeError as exc:
        at = exc.start + 3  # after the BOM
        raise InputError.single(
            path,
            f"un archivo que no se puede abrir: empieza con la marca de UTF-8 (BOM) pero el byte "
            f"0x{data[at]:02X} de la línea {_line_at(data, at)} no es UTF-8",
            "un CSV en una sola codificación, UTF-8 o Windows-1252",
            row=_line_at(data, at),
            hint="Ábralo en Excel o LibreOffice, revise los textos con tildes y guárdelo de nuevo como «CSV UTF-8».",
        ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        other = exc.start
    found = _UTF8_SEQUENCE.search(data)
    if found is None:
        return None
    line = _line_at(data, found.start())
    start = data.rfind(b"\n", 0, found.start()) + 1
    end = data.find(b"\n", found.end())
    word = re.search(rb"\w*" + re.escape(found.group()) + rb"\w*", data[start : end if end >= 0 else len(data)]) or found
    as_utf8 = word.group().decode("utf-8", errors="replace")
    as_cp1252 = word.group().decode("cp1252", errors="replace")
    return Problem(
        f"un archivo con textos en dos codificaciones: la línea {line} tiene «{as_utf8}» en UTF-8 y la línea "
        f"{_line_at(data, other)} textos en Windows-1252; el archivo se lee en Windows-1252, así que la línea "
        f"{line} dice «{as_cp1252}»",
        "un CSV en una sola codificación, UTF-8 o Windows-1252",
        row=line,
        hint="Ábralo en Excel o LibreOffice, corrija los textos con tildes y guárdelo de nuevo como «CSV UTF-8».",
    )
