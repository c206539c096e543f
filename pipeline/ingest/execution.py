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
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.core.characters import INVISIBLE, REFUSED_HINT, control_characters, describe, excel_decoded, refused_at, shown
from pipeline.errors import InputError, PipelineError, Problem, did_you_mean
from pipeline.core.formatting import number as shown_number
from pipeline.ingest.coverage import font_problem
from pipeline.ingest.source import limit_hint, read_source, size_text
from pipeline.ingest.limits import MB, Limits, limits
from pipeline.core.model import Plan, Unit
from pipeline.core.numbers import NotANumber, parse_number
from pipeline.core.periods import Cut, parse_period
from pipeline.ingest.template_schema import (
    COLUMN as TEMPLATE_COLUMN, DATA_SHEET, IDENTITY_SHEET, REFERENCE_HEADINGS, TemplateIdentity, read_identity,
)
from pipeline.core.text import missing_glyphs

__all__ = [
    "COLUMNS",
    "CSV_FILE",
    "FOLDER",
    "XLSX_FILE",
    "Execution",
    "PlanOutline",
    "RawTable",
    "awaiting_files",
    "consolidate",
    "csv_dialect",
    "decode_csv",
    "execution_files",
    "find_execution_file",
    "load_execution",
    "read_execution",
    "nothing_reported",
    "reported_quarters",
    "reporters_at",
    "validate_execution",
]

XLSX_FILE = "seguimiento.xlsx"
CSV_FILE = "seguimiento.csv"
FOLDER = "seguimiento"  # a folder of seguimiento files, one per dependency, consolidated
REQUIRED = ("indicador", "anio", "trimestre", "valor")
FIELDS = (*REQUIRED, "comentario")
COLUMNS = ("fila", *FIELDS)
SHEET_NAME = "seguimiento"

# Headings people write for each column, normalised (see `_normal`): lower case, no accents,
# punctuation and parenthesised notes removed. Earlier names win where two columns match one
# field: `Código` is the id and `Indicador` beside it is then the indicator's name.
HEADINGS: dict[str, tuple[str, ...]] = {
    "indicador": (
        "codigo indicador", "codigo del indicador", "cod indicador", "codigo", "id indicador",
        "id del indicador", "indicador id", "id", "codigo meta", "id meta", "codigo meta producto", "cod meta producto",
        "codigo de la meta", "cod meta", "indicador", "indicator",
    ),
    "anio": ("anio", "ano", "vigencia", "year", "ano de reporte", "ano del reporte"),
    "trimestre": ("trimestre", "trim", "quarter", "numero de trimestre", "trimestre de reporte", "trimestre reportado"),
    "valor": (
        "valor", "valor ejecutado", "ejecutado", "ejecucion", "valor reportado", "valor alcanzado",
        "valor logrado", "logro", "resultado", "value", "ejecucion del trimestre", "valor del trimestre",
        "magnitud ejecutada", "avance cuantitativo", "ejecucion fisica", "avance fisico", "meta ejecutada",
        "cantidad ejecutada", "ejecucion fisica del trimestre", "avance fisico del trimestre",
    ),
    "comentario": (
        "comentario", "comentarios", "observacion", "observaciones", "nota", "notas", "analisis",
        "analisis cualitativo", "avance cualitativo", "comentario cualitativo", "descripcion del avance",
        "justificacion", "explicacion", "explicacion del avance", "explicacion avance retroceso", "analisis del avance",
        "avances y logros", "comment", "comments",
    ),
}
# Words that make a heading a comment column even among other words ("Observaciones del trimestre").
_COMMENT_WORDS = ("observ", "coment", "cualitativ", "justific", "explicac", "analisis")
# A percentage of attainment ("% de avance", "Cumplimiento"): what the report computes, never the
# executed value, whatever other words the heading has ("% avance físico").
_PERCENT_WORDS = ("porcentaje", "porcentual", "cumplimiento", "pct")
# Words that say a heading is the plan's side of a quarter or year ("T1 PLANEADO 2025"), or its
# executed side ("T1 EJECUTADO 2025").
_PLAN_WORDS = ("planeado", "planeada", "programado", "programada", "programacion", "meta", "metas", "esperado", "plan")
_EXECUTED_WORDS = ("ejecutado", "ejecutada", "ejecucion", "fisica", "fisico", "valor", "real")
# Columns offices keep beside the data for reference: recognised, read by nobody, not warned about.
REFERENCE = (
    "nombre", "nombre del indicador", "nombre indicador", "indicador nombre", "nombre de la meta", "meta",
    "meta vigencia", "meta anual", "meta trimestral", "meta del trimestre", "meta cuatrienio",
    "meta programada", "programado", "programacion", "unidad", "unidad de medida", "responsable",
    "dependencia", "dependencia responsable", "area responsable", "eje", "linea estrategica",
    "objetivo", "programa", "linea base", "anualizacion", "tipo de anualizacion", "etiqueta",
    "no", "n", "nro", "numero", "item", "consecutivo",
    # What public PDM and plan de acción matrices keep beside the figures (a plan indicativo's
    # products of investment projects): the plan's context, never the quarter's figures. Evidence
    # (soportes, links) and states are not context the plan has: they are reported as not used.
    "meta de producto", "meta producto", "meta de resultado", "indicador de producto", "indicador de resultado",
    "proyecto", "nombre del proyecto", "proyecto de inversion", "bpin", "codigo bpin", "programa pdt", "subprograma",
    "sector", "producto", "componente", "actividad", "actividades", "ponderador", "ponderacion", "peso", "tendencia",
    "tendencia indicador", "valor esperado", "valor esperado cuatrienio",
)
# The data-entry template's context columns are reference columns too (pipeline.ingest.template_schema).
REFERENCE = (*REFERENCE, *(name for name in REFERENCE_HEADINGS if name not in REFERENCE))
# How far down a title block may push the header row.
HEADER_SEARCH_ROWS = 30
_NOT_APPLICABLE = {"n/a", "na", "n.a.", "n.a", "no aplica", "-", "--", "—", "–", "nd", "n/d", "s/d", "sin dato", "sin datos", "x"}
_QUARTER = re.compile(r"^(?:t|q|trim(?:estre)?\.?)?\s*([1-4])\s*(?:t|trim(?:estre)?)?$")
# Quarters as offices also write them: roman numerals and ordinals ("II", "Segundo trimestre",
# "2º trimestre", which `_normal` makes "2o trimestre").
_QUARTER_WORDS = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4,
    "1er": 1, "1ro": 1, "1ero": 1, "2do": 2, "3er": 3, "3ro": 3, "3ero": 3, "4to": 4,
    "1o": 1, "2o": 2, "3o": 3, "4o": 4,
}
# Words around a quarter's number: "Trimestre II", "II trim", "T2".
_QUARTER_MARKS = ("trimestre", "trim", "t", "q")
# Months as a quarter's range is written ("Abr-Jun", "abril a junio", "julio - setiembre").
_MONTHS = {
    "ene": 1, "enero": 1, "jan": 1, "feb": 2, "febrero": 2, "mar": 3, "marzo": 3, "abr": 4, "abril": 4, "apr": 4,
    "may": 5, "mayo": 5, "jun": 6, "junio": 6, "jul": 7, "julio": 7, "ago": 8, "agosto": 8, "aug": 8,
    "sep": 9, "sept": 9, "set": 9, "septiembre": 9, "setiembre": 9, "oct": 10, "octubre": 10,
    "nov": 11, "noviembre": 11, "dic": 12, "diciembre": 12, "dec": 12,
}
_MONTH_NAMES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                "noviembre", "diciembre")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_RANGE = re.compile(rf"(?:^|\s)(?:de\s+|del\s+)?({_MONTH})\s+(?:(?:a|al|hasta|to)\s+)?({_MONTH})$")
# Value headings that may carry more words after them ("Valor ejecutado en el trimestre").
_VALUE_PREFIXES = (
    "valor ejecutado", "valor reportado", "valor alcanzado", "valor logrado", "ejecucion fisica", "avance fisico",
    "magnitud ejecutada", "meta ejecutada", "cantidad ejecutada",
)
_TOTAL = re.compile(r"^(sub)?total\b")
_EXCEL_ERROR = re.compile(r"^#(N/A|[A-Z0-9/]+[!?])$", re.I)
_EXCEL_ERROR_HINT = "La celda muestra un error de una fórmula de Excel: corrija la fórmula o escriba el valor."


class Uncomputed:
    """A formula cell whose result was never saved (the file was written by a program)."""

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self) -> str:
        return self.formula


class MergedPart:
    """A cell covered by a merged range, other than the range's first cell (which holds its value)."""

    def __init__(self, cells: str, anchor: str):
        self.cells = cells
        self.anchor = anchor


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


@dataclass(frozen=True)
class Execution:
    """A validated seguimiento: the clean table, the file it came from and what to tell the office.

    `warnings` are things the report does not stop for but the planning office must see (a column
    whose data is not used, values that look like fractions of a percentage).
    """

    path: Path  # the seguimiento file, or the seguimiento/ folder whose files were consolidated
    table: pd.DataFrame
    warnings: tuple[Problem, ...] = field(default=())
    suspect_fractions: tuple[str, ...] = ()  # porcentaje indicators whose values look like fractions
    sheet: str | None = None
    # Where each row of `table` took its value: (file, sheet, column heading, column letter), for messages.
    cells: tuple[tuple[Path, str | None, str, str | None], ...] = ()


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
        "que no hay archivo de seguimiento",
        f"{XLSX_FILE} o {CSV_FILE} con la ejecución trimestral (o una carpeta {FOLDER}/ con un archivo por dependencia)",
    )


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


# --- headings -----------------------------------------------------------------------------------


def _normal(value: object) -> str:
    """`Año (vigencia)` -> `ano`: lower case, no accents, no notes in brackets, words only."""
    text = unicodedata.normalize("NFKD", str(value if value is not None else "")).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", text).split())


_FIELD_OF = {name: f for f, names in HEADINGS.items() for name in names}
_RANK = {name: k for names in HEADINGS.values() for k, name in enumerate(names)}


def _field_of(heading: object) -> str | None:
    name = _normal(heading)
    if name in _FIELD_OF:
        found = _FIELD_OF[name]
    elif any(word in name for word in _COMMENT_WORDS):
        return "comentario"
    elif name.startswith(_VALUE_PREFIXES):
        found = "valor"
    else:
        return None
    return None if found == "valor" and _percentage_heading(heading) else found


def _percentage_heading(heading: object) -> bool:
    """A percentage of attainment (`% de avance`, `Avance (%)`, `Cumplimiento`): what the report computes."""
    return "%" in str(heading or "") or any(word in _PERCENT_WORDS for word in _normal(heading).split())


def _bare_advance(heading: object) -> bool:
    """`Avance`, `Avance del trimestre`, `AVANCE 2025`: an executed value or a percentage of attainment,
    as different offices mean it; the reader does not guess which."""
    words = [w for w in _normal(heading).split() if not _FOUR_DIGITS.match(w) and w not in ("del", "de", "el")]
    return bool(words) and words[0] == "avance" and set(words[1:]) <= {"trimestre", "trimestral", "acumulado", "anual"}


def _planned_period(heading: object) -> bool:
    """The plan's side of a quarter or a year in a matrix (`T1 PLANEADO 2025`, `TOTAL PROGRAMADO 2025`)."""
    words = _normal(heading).split()
    return (any(w in _PLAN_WORDS for w in words) and not any(w in _EXECUTED_WORDS for w in words)
            and any(_FOUR_DIGITS.match(w) or _QUARTER.match(w) for w in words))


def _reference(heading: object) -> bool:
    """A column kept for reference: read by nobody, not warned about."""
    return _normal(heading) in REFERENCE or _planned_period(heading)


@dataclass(frozen=True)
class _Header:
    positions: dict[str, int]  # field -> 0-based column
    others: dict[int, str]  # 0-based column -> heading, for columns no field took
    ambiguous: dict[str, list[int]]  # field -> columns that all claim it

    @property
    def missing(self) -> list[str]:
        return [f for f in REQUIRED if f not in self.positions]


def _header(cells: list[object]) -> _Header:
    cells = [None if isinstance(c, MergedPart) else c for c in cells]
    claims: dict[str, list[int]] = {}
    for pos, heading in enumerate(cells):
        field_name = _field_of(heading)
        if field_name:
            claims.setdefault(field_name, []).append(pos)
    positions, others, ambiguous = {}, {}, {}
    for field_name, columns in claims.items():
        ranked = sorted(columns, key=lambda c: _RANK.get(_normal(cells[c]), len(_RANK)))
        best = ranked[0]
        tied = [c for c in ranked if _RANK.get(_normal(cells[c])) == _RANK.get(_normal(cells[best]))]
        if len(tied) > 1:
            ambiguous[field_name] = tied
        positions[field_name] = best
        for c in ranked[1:]:
            others[c] = str(cells[c])
    taken = set(positions.values())
    for pos, heading in enumerate(cells):
        if pos not in taken and pos not in others and not _blank(heading):
            others[pos] = str(heading).strip()
    return _Header(positions, others, ambiguous)


def _find_header(rows: list[tuple[int, list[object]]]) -> tuple[int, _Header] | None:
    """The first row (within the first `HEADER_SEARCH_ROWS` with content) naming every required
    column; failing that, the row naming most of them (at least two)."""
    best: tuple[int, int, _Header] | None = None
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        header = _header(cells)
        score = len(REQUIRED) - len(header.missing)
        if score == len(REQUIRED):
            return number, header
        if score >= 2 and (best is None or score > best[0]):
            best = (score, number, header)
    return (best[1], best[2]) if best else None


def _letter(path: Path, pos: int) -> str | None:
    return get_column_letter(pos + 1) if path.suffix.lower() == ".xlsx" else None


def _header_problem(path: Path, rows: list[tuple[int, list[object]]], found: tuple[int, _Header] | None) -> Problem:
    expected = (
        "una fila de encabezados con las columnas indicador, año, trimestre, valor y, si quiere, comentario "
        "(también se reconocen Código, Vigencia, Valor ejecutado, Ejecutado, Observaciones, entre otros)"
    )
    if found is None:
        first = next((cells for _, cells in rows), [])
        shown = ", ".join(f"«{str(c).strip()}»" for c in first if not _blank(c)) or "ninguno"
        return Problem(
            f"que ninguna de las primeras {HEADER_SEARCH_ROWS} filas tiene esos encabezados (la primera con datos dice {shown})",
            expected,
            row=rows[0][0] if rows else None,
            hint="Escriba los encabezados en una fila, encima de los datos.",
        )
    number, header = found
    cells = next(c for n, c in rows if n == number)
    shown = ", ".join(f"«{str(c).strip()}»" for c in cells if not _blank(c))
    names = {"anio": "año"}
    advance = [str(c).strip() for c in cells if not _blank(c) and (_percentage_heading(c) or _bare_advance(c))]
    hint = "Renombre la columna que corresponda o agréguela."
    if "valor" in header.missing and advance:
        hint = f"La columna «{advance[0]}» no se toma por el valor. {_ADVANCE_HINT}"
    missing_names = [name for f in header.missing for name in HEADINGS[f]]
    close = [
        f"«{str(c).strip()}»: {text.replace('¿Quiso', '¿quiso', 1)}" for c in cells
        if isinstance(c, str) and not _blank(c) and _field_of(c) is None and (text := did_you_mean(_normal(c), missing_names))
    ]
    if close:
        hint = f"{' '.join(close)} {hint}"
    return Problem(
        f"los encabezados {shown} (faltan: {', '.join(names.get(m, m) for m in header.missing)})",
        expected,
        row=number,
        hint=hint,
    )


# --- reading ------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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


# Quarter headings of a wide matrix, normalised (see `_normal`): `2025 t1`, `2025t1`, `2025 q1`,
# `t1 2025`, `trimestre 1 2025`, `1t 2025`.
_PERIOD_YEAR_FIRST = re.compile(r"^(\d{4})\s*(?:t|q|trim(?:estre)?)\s*([1-4])$")
_PERIOD_QUARTER_FIRST = re.compile(r"^(?:(?:t|q|trim(?:estre)?)\s*([1-4])|([1-4])\s*t)\s*(?:de\s*)?(\d{4})$")
_YEAR_HEADING = re.compile(r"^(?:vigencia|ano|year)?\s*(\d{4})$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")


def _period_of(heading: object) -> tuple[int, int] | None:
    """(year, quarter) of a one-cell quarter heading (`2025-T1`, `T1 2025`, `Trimestre 1 2025`,
    `Abr-Jun 2025`); months beside a year that make no quarter raise `_NotAQuarter`."""
    if not isinstance(heading, str):
        return None
    text = _normal(heading)
    if match := _PERIOD_YEAR_FIRST.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
    elif match := _PERIOD_QUARTER_FIRST.match(text):
        year, quarter = int(match.group(3)), int(match.group(1) or match.group(2))
    else:
        # A quarter in words beside its year: `Abr-Jun 2025`, `2025-II`, `II trimestre de 2025`.
        words = _normal(re.sub(r"[()\[\]]", " ", heading)).split()
        at = 0 if words and _FOUR_DIGITS.match(words[0]) else -1 if words and _FOUR_DIGITS.match(words[-1]) else None
        if at is None or len(words) < 2:
            return None
        year = int(words.pop(at))
        if any(w in _PLAN_WORDS for w in words) and not any(w in _EXECUTED_WORDS for w in words):
            return None  # the plan's side of the quarter (`T1 PLANEADO 2025`): a reference column
        words = [w for w in words if w not in _EXECUTED_WORDS]  # `T1 EJECUTADO 2025`
        if words and words[-1] in ("de", "del"):
            words.pop()
        quarter = _quarter_in(" ".join(words)) if 1900 < year < 2200 else None  # _NotAQuarter for Ene-Jun 2025
        if quarter is None:
            return None
    return (year, quarter) if 1900 < year < 2200 else None


def _year_of(heading: object) -> int | None:
    """The year of a heading over a year's quarters (`2025`, `Vigencia 2025`)."""
    if isinstance(heading, (int, float)) and not isinstance(heading, bool) and float(heading).is_integer():
        year = int(heading)
    elif isinstance(heading, str) and (match := _YEAR_HEADING.match(_normal(heading))):
        year = int(match.group(1))
    else:
        return None
    return year if 1900 < year < 2200 else None


def _quarter_of(heading: object) -> int | None:
    """The quarter of a sub-heading under a year (`T1`, `Trimestre 1`, `I`, `Primer trimestre`,
    `Abr-Jun`); months that make no quarter raise `_NotAQuarter`."""
    if not isinstance(heading, str):
        return None
    return _quarter_in(_normal(re.sub(r"[()\[\]]", " ", heading)))


# A wide matrix's header: (header row, indicator column, its heading, column -> (year, quarter),
# column -> heading as shown, column -> (heading, why) for the headings of months that make no quarter).
_Wide = tuple[int, int, str, dict[int, tuple[int, int]], dict[int, str], dict[int, tuple[str, str]]]


def _periods(cells: list[object], read: Callable[[object], object]) -> tuple[dict[int, object], dict[int, tuple[str, str]]]:
    """What `read` makes of each cell, and the cells of months that make no quarter (`Ene-Jun 2025`)."""
    found, bad = {}, {}
    for pos, c in enumerate(cells):
        try:
            p = read(c)
        except _NotAQuarter as error:
            bad[pos] = (" ".join(str(c).split()), error.found)
            continue
        if p is not None:
            found[pos] = p
    return found, bad


def _find_wide(rows: list[tuple[int, list[object]]]) -> _Wide | None:
    """A wide matrix's header (see `_Wide`). The quarters are one-cell headings (`2025-T1`) in the
    indicator's row, or quarters (`T1`) in the row under years (`2025`, often merged over its quarters)."""
    top = rows[:HEADER_SEARCH_ROWS]
    for at, (number, cells) in enumerate(top):
        cells = [None if isinstance(c, MergedPart) else c for c in cells]
        indicator = next((pos for pos, c in enumerate(cells) if _field_of(c) == "indicador"), None)
        periods, bad = _periods(cells, _period_of)
        if indicator is not None and periods:
            shown_as = {pos: " ".join(str(cells[pos]).split()) for pos in periods}
            return number, indicator, str(cells[indicator]).strip(), periods, shown_as, bad
        below = top[at + 1] if at + 1 < len(top) else None
        if below is None or below[0] != number + 1:
            continue
        under = [None if isinstance(c, MergedPart) else c for c in below[1]]
        name = cells[indicator] if indicator is not None else None
        if indicator is None:
            indicator = next((pos for pos, c in enumerate(under) if _field_of(c) == "indicador"), None)
            name = under[indicator] if indicator is not None else None
        quarters, bad_quarters = _periods(under, _quarter_of)
        periods, shown_as, bad, year = {}, {}, {}, None
        for pos in range(max(len(cells), len(under))):
            over = cells[pos] if pos < len(cells) else None
            if not _blank(over):  # a year carries over the blank or merged cells to its right
                year = _year_of(over)
            if year is None:
                continue
            over_shown = " ".join(str(over if not _blank(over) else year).split())
            if pos in quarters:
                periods[pos] = (year, quarters[pos])
                shown_as[pos] = f"{over_shown} / {' '.join(str(under[pos]).split())}"
            elif pos in bad_quarters:
                heading, why = bad_quarters[pos]
                bad[pos] = (f"{over_shown} / {heading}", why)
        if indicator is not None and periods:
            return below[0], indicator, str(name).strip(), periods, shown_as, bad
    return None


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


def _sub_headings(rows: list[tuple[int, list[object]]], header_row: int) -> tuple[int, list[object]] | None:
    """The row right under the header row when it continues it (a two-row header, with titles
    merged over their sub-headings): it has merged parts, and text only, every text a heading the
    reader knows."""
    below = next(((n, cells) for n, cells in rows if n > header_row), None)
    if below is None or not any(isinstance(c, MergedPart) for c in below[1]):
        return None
    texts = [c for c in below[1] if not _blank(c) and not isinstance(c, MergedPart)]
    known = all(isinstance(c, str) and (_field_of(c) or _normal(c) in REFERENCE) for c in texts)
    return below if texts and known else None


_ADVANCE_HINT = (
    "Un porcentaje de avance no se lee: el reporte lo calcula a partir del valor ejecutado y la meta. Si la columna "
    "tiene el valor ejecutado (en las unidades del indicador), llámela «Valor ejecutado» o «Avance físico»."
)


def _unused_columns(path: Path, header: _Header, header_row: int, data: list[tuple[int, list[object]]]) -> Iterator[Problem]:
    for pos, heading in sorted(header.others.items()):
        filled = [n for n, cells in data if pos < len(cells) and not _blank(cells[pos])]
        if not filled or _reference(heading):
            continue
        rows = f"con datos en {len(filled)} fila{'s' if len(filled) > 1 else ''}"
        if _percentage_heading(heading) or _bare_advance(heading):
            what = ("que parece el porcentaje de avance o de cumplimiento" if _percentage_heading(heading) else
                    "que puede ser el valor ejecutado o el porcentaje de avance (cada oficina la usa para uno de los dos)")
            yield Problem(
                f"la columna «{heading}» {rows}, {what}: el reporte no la lee",
                "el valor ejecutado en una columna «valor» (o «Valor ejecutado», «Ejecución física», «Avance físico»)",
                row=header_row, column=heading, column_letter=_letter(path, pos),
                hint=_ADVANCE_HINT,
            )
            continue
        close = did_you_mean(_normal(heading), [*_FIELD_OF, *REFERENCE])
        yield Problem(
            f"la columna «{heading}» {rows}, que el reporte no usa",
            "que cada columna con datos sea una de las que se leen (indicador, año, trimestre, valor y "
            "comentario) o una de referencia (nombre, meta, unidad, responsable...)",
            row=header_row,
            column=heading,
            column_letter=_letter(path, pos),
            hint=(f"{close} " if close else "") + "Si son comentarios del trimestre, llámela «comentario»; si es el "
            "valor ejecutado, «valor». Si no, sus datos no entran al reporte.",
        )


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


class Percent(float):
    """A number from a cell formatted as a percentage: Excel keeps 45 % as 0,45; read as 45."""

    def points(self) -> float:
        # round away the binary noise of x * 100 (0.57 * 100 = 56.99999999999999)
        return round(float(self) * 100, 9)


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


_DELIMITERS = (";", ",", "\t")


def csv_dialect(text: str) -> tuple[str, str]:
    """A seguimiento CSV's delimiter and decimal mark, taken from the header row as Excel's and
    LibreOffice's import do: the delimiter under which a line of the first `HEADER_SEARCH_ROWS`
    reads as the headings (every required column, or a wide matrix's indicator and quarters),
    the earliest such line winning, so a narrative comment full of commas below a semicolon
    header does not decide. Failing that, a line naming two of the columns; failing that, the
    delimiter a line uses most. Semicolons mean the Spanish Excel export, with decimal comma and
    thousands dots."""
    ranked = []
    for delimiter in _DELIMITERS:
        rows = _first_rows(text, delimiter)
        found = _find_header(rows)
        wide = _find_wide(rows)
        lines = [n for n in (found[0] if found and not found[1].missing else None, wide[0] if wide else None) if n]
        if lines:
            ranked.append(((0, min(lines)), delimiter))
        elif found:
            ranked.append(((1, found[0]), delimiter))
    if ranked:
        delimiter = min(ranked, key=lambda r: (r[0], _DELIMITERS.index(r[1])))[1]
    else:
        lines = [line for line in text.splitlines() if line.strip()]
        delimiter = max(_DELIMITERS, key=lambda d: max((line.count(d) for line in lines[:HEADER_SEARCH_ROWS]), default=0))
    return delimiter, "," if delimiter == ";" else "."


def _first_rows(text: str, delimiter: str) -> list[tuple[int, list[object]]]:
    """The first `HEADER_SEARCH_ROWS` rows with content as `delimiter` splits them, each numbered
    by the line it starts on (the same line for every delimiter)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not all(_blank(c) for c in cells):
                rows.append((start, list(cells)))
                if len(rows) >= HEADER_SEARCH_ROWS:
                    break
    except csv.Error:
        pass  # a quote this delimiter leaves open: its rows so far are all it reads
    return rows


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


# --- cells --------------------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be used: what was expected of it, and what to do."""

    def __init__(self, expected: str, hint: str | None = None, suggestion: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.hint = hint
        # «¿Quiso decir …?», said beside the value found so alike cells still share a line on screen
        self.suggestion = suggestion


def _shown(value: object) -> str:
    if isinstance(value, Uncomputed):
        return f"la fórmula «{value.formula}» sin resultado guardado"
    if isinstance(value, MergedPart):
        return f"una celda combinada ({value.cells}) cuyo valor está solo en {value.anchor}"
    if isinstance(value, Percent):
        return f"«{shown_number(value.points())} %» (celda con formato de porcentaje)"
    if isinstance(value, datetime):
        return f"una fecha ({value:%d/%m/%Y})" if value.time() == time() else f"una fecha y hora ({value:%d/%m/%Y %H:%M})"
    if isinstance(value, (date, time)):
        return f"una fecha u hora ({value})"
    if _blank(value):
        return "una celda vacía"
    raw = str(value)
    # hidden characters written as escapes; a refused one (a vertical tab) is no space to collapse
    text = shown(raw) if refused_at(raw) else shown(" ".join(raw.split()))
    return f"«{text[:57] + '...' if len(text) > 60 else text}»"


def _special(value: object, what: str) -> None:
    """Cells that are never a value, whatever the column: say what they are and what to do."""
    if isinstance(value, Uncomputed):
        raise _Bad(
            what,
            "El archivo se guardó sin calcular sus fórmulas (lo escribió un programa): ábralo en Excel o "
            "LibreOffice y guárdelo, o escriba el valor en lugar de la fórmula.",
        )
    if isinstance(value, MergedPart):
        raise _Bad(what, f"Separe las celdas combinadas ({value.cells}) y escriba el dato en cada fila.")
    if isinstance(value, (datetime, date, time)):
        raise _Bad(
            what,
            "La celda tiene formato de fecha: cámbiele el formato a Número o General y escriba el dato de nuevo.",
        )


def _whole(value: object, decimal: str | None) -> int | None:
    if isinstance(value, Percent):
        return None
    try:
        number = parse_number(value.strip() if isinstance(value, str) else value, decimal)
    except NotANumber:
        return None
    return int(number) if number == int(number) else None


# Distinct mistyped ids a file's messages suggest a close id for; past this many (a file of another
# entity, not typos) no more are looked for, so a large file stays fast.
SUGGESTED_IDS = 200


def _suggester(ids: frozenset[str] | None) -> Callable[[str], str | None]:
    """«¿Quiso decir …?» for an id not in the plan, worked out once per distinct id."""
    found: dict[str, str | None] = {}

    def suggest(text: str) -> str | None:
        if ids is None:
            return None
        if text not in found:
            found[text] = did_you_mean(text, sorted(ids)) if len(found) < SUGGESTED_IDS else None
        return found[text]

    return suggest


@dataclass(frozen=True)
class PlanOutline:
    """What the seguimiento's checks need of a plan: its indicators' ids, which of them are
    percentages (0 to 100), and its period.

    Of a valid plan (`of`) it is the whole plan. Of a plan with field problems
    (`pipeline.ingest.plan.plan_outline`) it holds the parts that are valid: `ids` is None when
    some indicator has no valid id (an unknown id in the seguimiento may be that one), `period`
    None when the plan's period is wrong, and `percent_ids` the indicators whose unit reads. Each
    check of the seguimiento runs where its part is known, so one run lists the plan's problems
    and the seguimiento's together.
    """

    ids: frozenset[str] | None
    percent_ids: frozenset[str]
    period: tuple[int, int] | None

    @classmethod
    def of(cls, plan: Plan) -> PlanOutline:
        percent = frozenset(i for i, ind in plan.indicators.items() if ind.unit is Unit.PORCENTAJE)
        return cls(frozenset(plan.indicators), percent, plan.period)


def _indicator(value: object, ids: frozenset[str] | None, ids_text: str, suggest: Callable[[str], str | None] = lambda _: None) -> str:
    _special(value, "el id de un indicador de plan.yaml")
    if _blank(value):
        raise _Bad("el id de un indicador de plan.yaml", "Toda fila con datos necesita el id de su indicador.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    hidden = control_characters(text)
    if hidden:  # looks like a valid id, and is not one
        position, char = hidden[0]
        clean = "".join(c for n, c in enumerate(text, start=1) if n not in {p for p, _ in hidden})
        kind = "invisible" if char in INVISIBLE else "de control"
        raise _Bad(
            "el id de un indicador de plan.yaml, sin caracteres invisibles",
            f"La celda tiene un carácter {kind} ({describe(char).removeprefix('un ')}) en la posición {position}: "
            f"sin él, el id es «{clean}». Borre el contenido de la celda y escriba el id de nuevo.",
        )
    if _TOTAL.match(_normal(text)):
        raise _Bad("el id de un indicador de plan.yaml", "Borre las filas de totales: el reporte calcula los avances.")
    if ids is not None and text not in ids:
        raise _Bad(f"un id de indicador definido en plan.yaml ({ids_text})", suggestion=suggest(text))
    return text


def _year(value: object, period: tuple[int, int] | None) -> int:
    expected = f"un año del periodo del plan ({period[0]} a {period[1]})" if period else "un año, como 2024"
    _special(value, expected)
    year = _whole(value, None)
    if year is None or (period is not None and not period[0] <= year <= period[1]) or not 1900 < year < 2200:
        raise _Bad(expected, _not_applicable_hint(value, "el año"))
    return year


_QUARTER_EXPECTED = "un trimestre: 1, 2, 3 o 4"


class _NotAQuarter(_Bad):
    """Months that make no quarter (`Ene-Jun`), or a quarter whose months say another one."""

    def __init__(self, found: str):
        super().__init__(
            _QUARTER_EXPECTED,
            "Escriba el trimestre (1 a 4, o sus meses: Ene-Mar, Abr-Jun, Jul-Sep u Oct-Dic); un semestre o un "
            "acumulado se reporta trimestre a trimestre, y el reporte los acumula.",
        )
        self.found = found


def _quarter_in(text: str) -> int | None:
    """The quarter a normalised text names (`ii trimestre`, `trim 2`, `abr jun`, `2o trimestre abril a
    junio`), or None. Months that are no quarter raise `_NotAQuarter`: a semester is not guessed."""
    by_months = None
    if match := _MONTH_RANGE.search(text):
        first, last = _MONTHS[match.group(1)], _MONTHS[match.group(2)]
        months = f"{_MONTH_NAMES[first - 1]} a {_MONTH_NAMES[last - 1]}"
        if first % 3 != 1 or last != first + 2:
            raise _NotAQuarter(f"va de {months}, que no es un trimestre")
        by_months = (first + 2) // 3
        text = text[: match.start()].strip()
        if not text:
            return by_months
    if match := _QUARTER.match(text):
        quarter = int(match.group(1))
    else:
        words = text.split()
        if len(words) > 1 and words[0] in _QUARTER_MARKS:
            words = words[1:]
        elif len(words) > 1 and words[-1] in _QUARTER_MARKS:
            words = words[:-1]
        quarter = _QUARTER_WORDS.get(words[0]) if len(words) == 1 else None
    if by_months is not None and quarter is not None and quarter != by_months:
        raise _NotAQuarter(f"dice el trimestre {quarter} y los meses del trimestre {by_months}")
    return quarter


def _quarter(value: object) -> int:
    expected = _QUARTER_EXPECTED
    _special(value, expected)
    quarter = _whole(value, None)
    if quarter is None and isinstance(value, str):
        try:
            # A note in brackets is read too: "Trimestre 2 (ene-mar)" says two quarters.
            quarter = _quarter_in(_normal(re.sub(r"[()\[\]]", " ", value)))
        except _NotAQuarter as bad:
            raise _Bad(expected, f"«{' '.join(value.split())}» {bad.found}. {bad.hint}") from None
    if quarter not in (1, 2, 3, 4):
        raise _Bad(expected, _not_applicable_hint(value, "el trimestre"))
    return quarter


def _not_applicable_hint(value: object, what: str) -> str | None:
    if isinstance(value, str) and _normal(value) in {_normal(v) for v in _NOT_APPLICABLE} | {""}:
        return f"Cada fila necesita {what}; si la fila sobra, bórrela."
    return None


def _value(value: object, decimal: str | None, percent_indicator: bool) -> float | None:
    """The reported number, or None for an empty cell (a quarter not reported)."""
    expected = "un número (por ejemplo 4.155.036 o 87,5), o la celda vacía si el trimestre no se reportó"
    _special(value, expected)
    if _blank(value):
        return None
    if isinstance(value, str) and value.strip().lower() in _NOT_APPLICABLE:
        raise _Bad(
            expected,
            "Si el trimestre no se reportó, deje la celda vacía (y, si quiere, explique por qué en el comentario); "
            "si lo ejecutado fue cero, escriba 0.",
        )
    try:
        number = value.points() if isinstance(value, Percent) else parse_number(
            value.strip() if isinstance(value, str) else value, decimal
        )
    except NotANumber:
        hint = _EXCEL_ERROR_HINT if isinstance(value, str) and _EXCEL_ERROR.match(value.strip()) else None
        raise _Bad(expected, hint) from None
    if number < 0:
        raise _Bad("un valor mayor o igual que 0: la ejecución no puede ser negativa")
    if percent_indicator and number > 100:
        raise _Bad("un porcentaje entre 0 y 100 (el indicador es un porcentaje)")
    return number


def _comment(value: object) -> str | None:
    _special(value, "el comentario del trimestre como texto")
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    where = refused_at(excel_decoded(text))
    if where:
        raise _Bad("el comentario del trimestre, sin caracteres de control ni no-caracteres", f"El texto {where}. {REFUSED_HINT}")
    return text


def _refused_headings(raw: RawTable) -> Iterator[Problem]:
    """The headings read with a character no output can hold (`characters.refused`)."""
    headings = [(f, h, raw.letters.get(f)) for f, h in raw.headings.items()]
    headings += [(None, h, _letter(raw.path, pos)) for pos, h in (raw.periods or {}).items()]
    for _, heading, letter in headings:
        where = refused_at(excel_decoded(heading))
        if where:
            yield Problem(_shown(heading), "un encabezado sin caracteres de control ni no-caracteres", row=raw.header_row,
                          column=heading, column_letter=letter, hint=f"El encabezado {where}. {REFUSED_HINT}")


# --- validation ---------------------------------------------------------------------------------


def validate_execution(
    raw: RawTable, plan: Plan | None, *, any_plan_version: bool = False, outline: PlanOutline | None = None
) -> Execution:
    """Check every cell (against the plan when there is one) and return the clean, typed table.

    Every problem of the file is raised at once. Without a plan (it is invalid itself), only what
    does not depend on it is checked, and what `outline` (the parts of the invalid plan that are
    valid) knows: the ids, the plan period and percent limits where it has them.
    `any_plan_version` reads a returned template made from an earlier version of the entity's
    plan (for `pei-report plantilla`, whose new template carries its values over).
    """
    if raw.template is not None and plan is not None:
        _check_template_plan(raw, plan, any_plan_version)
    template_cut = _template_cut(raw)
    # A returned template reads only the indicators it was made with (a dependency's, for one per responsable).
    template_ids = {ind for ind, _ in raw.template.meanings} if raw.template is not None else set()
    frame = raw.frame
    outline = PlanOutline.of(plan) if plan is not None else outline or PlanOutline(None, frozenset(), None)
    percent_ids = outline.percent_ids
    ids_text = ", ".join(sorted(outline.ids or ()))
    if len(ids_text) > 300:
        ids_text = ids_text[:297].rsplit(",", 1)[0] + ", ..."
    problems: list[Problem] = list(_refused_headings(raw))
    records = []
    first_row: dict[tuple[str, int, int], int] = {}
    suggest = _suggester(outline.ids)

    # Plain lists: a pandas lookup per cell took 40 of the 70 s of 200 000 rows.
    cells = {column: frame[column].tolist() for column in FIELDS}
    # In a wide matrix the year, quarter and value of a row come from one quarter column.
    read_from = frame["columna"].tolist() if raw.periods is not None else None
    letters = raw.letters
    at = 0

    def place(column: str) -> tuple[str, str | None]:
        """The heading and letter of the column a row's `column` was read from."""
        if read_from is not None and column != "indicador":
            pos = int(read_from[at])
            return raw.periods[pos], _letter(raw.path, pos)
        return raw.headings.get(column, column), letters.get(column)

    def cell(row: int, column: str, read: Callable[[object], object]) -> object:
        value = cells[column][at]
        try:
            return read(value)
        except _Bad as bad:
            heading, letter = place(column)
            found = _shown(value)
            if bad.suggestion:
                found += f" ({bad.suggestion.replace('¿Quiso', '¿quiso', 1)})"
            problems.append(Problem(found, bad.expected, row=row, column=heading, hint=bad.hint, column_letter=letter))
            return _INVALID

    for at, row in enumerate(frame.index):
        row = int(row)
        indicator = cell(row, "indicador", lambda v: _indicator(v, outline.ids, ids_text, suggest))
        year = cell(row, "anio", lambda v: _year(v, outline.period))
        quarter = cell(row, "trimestre", _quarter)
        value = cell(row, "valor", lambda v: _value(v, raw.decimal, indicator in percent_ids))
        comment = cell(row, "comentario", _comment)
        record = (row, indicator, year, quarter, value, comment)
        if _INVALID in record:
            continue
        if template_cut is not None and (year, quarter) != (template_cut.year, template_cut.quarter):
            problems.append(_other_cut(raw, row, year, quarter, template_cut))
            continue
        if template_ids and indicator not in template_ids:
            problems.append(_not_in_template(raw, row, indicator, template_ids))
            continue
        key = (indicator, year, quarter)
        if key in first_row:
            heading, letter = place("trimestre")
            problems.append(
                Problem(
                    f"otra vez el indicador «{indicator}», año {year}, trimestre {quarter} (ya está en la fila {first_row[key]})",
                    "una sola fila por indicador, año y trimestre",
                    row=row,
                    column=heading,
                    column_letter=letter,
                    hint="Deje una sola fila con el valor vigente.",
                )
            )
            continue
        first_row[key] = row
        records.append((*record, place("valor")))
    if problems:
        raise InputError(raw.path, problems, raw.sheet)
    clean = pd.DataFrame.from_records(records, columns=[*COLUMNS, "_celda"])
    clean = clean.astype({"fila": int, "anio": int, "trimestre": int})
    clean["valor"] = pd.to_numeric(clean["valor"], errors="raise").astype(float)
    clean = clean.sort_values(["indicador", "anio", "trimestre"]).reset_index(drop=True)
    value_cells = tuple((raw.path, raw.sheet, heading, letter) for heading, letter in clean.pop("_celda"))
    fractions = dict(_fraction_warnings(raw, clean, plan)) if plan else {}
    warnings = [*raw.warnings, *fractions.values(), *_font_warnings(raw, clean)]
    return Execution(
        raw.path, clean, tuple(replace(w, file=raw.path, sheet=raw.sheet) for w in warnings), tuple(fractions),
        raw.sheet, value_cells,
    )


_INVALID = object()


def _entity_folder(path: Path) -> Path:
    """The entity folder a seguimiento file belongs to (it may sit in the seguimiento/ folder)."""
    return path.parent.parent if path.parent.name == FOLDER else path.parent


def _regenerate(raw: RawTable, cut: str) -> str:
    return f"pei-report plantilla --input {_entity_folder(raw.path)} --period {cut}"


def _check_template_plan(raw: RawTable, plan: Plan, any_plan_version: bool = False) -> None:
    """A returned template must be this entity's, made from its plan as it is now: refused otherwise.

    One exception keeps a year's history readable after the yearly roll-over (a new vigencia is an
    edit of the plan): a template of a year before the plan's vigencia is read when each of its
    indicators still means what it meant (`fingerprint.indicator_meaning`). `any_plan_version`
    reads the entity's templates of any version of its plan.
    """
    from pipeline.core.fingerprint import MEANING_FIELDS, indicator_meaning, plan_fingerprint

    identity = raw.template
    folder = _entity_folder(raw.path)
    if not identity.intact:
        raise InputError.single(
            raw.path,
            f"una plantilla de seguimiento cuya hoja oculta «{IDENTITY_SHEET}» se modificó (dice corte {identity.cut}, "
            f"huella del plan {identity.plan}, y su sello ya no corresponde)",
            "la hoja oculta como la escribió pei-report plantilla",
            sheet=raw.sheet,
            hint="La hoja oculta dice de qué entidad, corte y plan es la plantilla, y no se cambia. Genere la plantilla "
            f"de nuevo con «{_regenerate(raw, identity.cut)}{' --por-responsable' if identity.responsible else ''}» "
            "y copie en ella los valores y comentarios.",
        )
    if identity.slug and identity.slug != folder.name and identity.entity != plan.entity:
        raise InputError.single(
            raw.path,
            f"la plantilla de seguimiento del corte {identity.cut} de otra entidad: «{identity.entity}» "
            f"(carpeta {identity.slug})",
            f"una plantilla de «{plan.entity}» (carpeta {folder.name})",
            sheet=raw.sheet,
            hint=f"Mueva el archivo a la carpeta seguimiento/ de la entidad {identity.slug}, o pida a la dependencia "
            f"la plantilla de {folder.name}.",
        )
    expected = plan_fingerprint(plan)
    if identity.plan == expected or any_plan_version:
        return
    changes = []
    for ind, meaning in identity.meanings:
        now = indicator_meaning(plan, ind)
        if now is None:
            changes.append(f"el indicador «{ind}» ya no está en el plan")
            continue
        changes.extend(
            f"«{ind}» tenía {name} «{before}» y ahora tiene «{after}»"
            for name, before, after in zip(MEANING_FIELDS, meaning, now) if before != after
        )
    cut = _template_cut(raw)
    if cut is not None and cut.year < plan.vigencia and identity.meanings and not changes:
        return
    changed = f"; desde entonces {', '.join(changes)}" if changes else ""
    per_dependency = " --por-responsable" if identity.responsible else ""
    raise InputError.single(
        raw.path,
        f"una plantilla de seguimiento del corte {identity.cut} hecha a partir de otra versión del plan "
        f"(huella del plan {identity.plan}){changed}",
        f"una plantilla generada a partir del plan actual de la entidad (huella {expected})",
        sheet=raw.sheet,
        hint="El plan cambió después de generar la plantilla. Genere la plantilla de nuevo con "
        f"«{_regenerate(raw, identity.cut)}{per_dependency}»: la nueva ya trae los valores y comentarios de este "
        "archivo; revísela y póngala en lugar de este.",
    )


def _template_cut(raw: RawTable) -> Cut | None:
    if raw.template is None:
        return None
    try:
        return parse_period(raw.template.cut)
    except PipelineError:
        raise InputError.single(
            raw.path, f"una plantilla cuya hoja oculta dice que es del corte «{raw.template.cut}»",
            "una plantilla generada por pei-report plantilla, sin cambios en su hoja oculta", sheet=raw.sheet,
            hint="Genere la plantilla de nuevo con pei-report plantilla y copie en ella los valores.",
        ) from None


def _other_cut(raw: RawTable, row: int, year: int, quarter: int, cut: Cut) -> Problem:
    """A row of a returned template for a quarter other than the template's cut."""
    return Problem(
        f"el año {year}, trimestre {quarter}, en una plantilla del corte {cut}",
        f"solo filas del corte de la plantilla ({cut.year}, trimestre {cut.quarter})",
        row=row,
        column=raw.headings.get("trimestre", "trimestre"),
        column_letter=raw.letters.get("trimestre"),
        hint=f"Los valores de {year}-T{quarter} van en la plantilla de ese corte: genérela con "
        f"«{_regenerate(raw, f'{year}-T{quarter}')}» y copie en ella los valores.",
    )


def _not_in_template(raw: RawTable, row: int, indicator: str, template_ids: set[str]) -> Problem:
    """A row of a returned template for an indicator the template was not made with."""
    whose = f" de «{raw.template.responsible}»" if raw.template.responsible else ""
    listed = ", ".join(i for i, _ in raw.template.meanings)
    return Problem(
        f"el indicador «{indicator}», que no está en esta plantilla{whose}",
        f"solo los indicadores de la plantilla ({listed[:200] + ', ...' if len(listed) > 200 else listed})",
        row=row,
        column=raw.headings.get("indicador", "indicador"),
        column_letter=raw.letters.get("indicador"),
        hint="Cada dependencia reporta sus indicadores en su propia plantilla: pase el valor a la plantilla de la "
        "dependencia del indicador y borre esta fila.",
    )


def _font_warnings(raw: RawTable, clean: pd.DataFrame) -> Iterator[Problem]:
    """Comments with characters the report's font cannot draw (Arabic, CJK, emoji ...)."""
    for row, comment in zip(clean["fila"], clean["comentario"]):
        missing = missing_glyphs(comment) if isinstance(comment, str) else ""
        if missing:
            yield font_problem(
                missing, "el comentario", row=int(row), column=raw.headings.get("comentario", "comentario"),
                column_letter=raw.letters.get("comentario"),
            )


# A porcentaje value of 1 or less is taken for a fraction typed by mistake when the indicator's
# other values are at least this many times larger.
FRACTION_GAP = 20


def _fraction_warnings(raw: RawTable, clean: pd.DataFrame, plan: Plan) -> Iterator[tuple[str, Problem]]:
    """A porcentaje indicator whose every value is at most 1 against a target above 1: the values
    are probably fractions (0,97 for 97 %) typed into cells not formatted as percentages."""
    reported = clean[clean["valor"].notna()]

    def problem(found: str, row: int, example: str) -> Problem:
        return Problem(
            found,
            "porcentajes de 0 a 100",
            row=row,
            column=raw.headings.get("valor", "valor"),
            column_letter=raw.letters.get("valor"),
            hint=f"Si 0,{example} quiere decir {example} %, escriba {example} o dé a la celda formato de porcentaje. "
            "Revise el avance de este indicador antes de publicarlo.",
        )

    for ind_id, rows in reported.groupby("indicador", sort=False):
        indicator = plan.indicators[ind_id]
        if indicator.unit is not Unit.PORCENTAJE:
            continue
        values = rows["valor"]
        target = max(indicator.plan_target, indicator.year_target)
        if (values <= 1).all() and (values > 0).any() and target > 1:
            shown = ", ".join(shown_number(v) for v in values.head(4)) + (", ..." if len(values) > 4 else "")
            found = (f"que todos los valores del indicador «{ind_id}» (un porcentaje, meta {shown_number(target)}) "
                     f"son 1 o menos ({shown}): parecen fracciones (0,97 por 97 %)")
            yield ind_id, problem(found, int(rows["fila"].iloc[0]), "97")
            continue
        # One value typed as a fraction among the others (0,88 where 85 and 90 stand beside it).
        small = rows[(values > 0) & (values <= 1)]
        big = values[values > 1]
        if len(small) and len(big) and target > 1 and big.min() >= FRACTION_GAP * small["valor"].max():
            cells = ", ".join(f"{shown_number(v)} ({y}-T{q})" for v, y, q in zip(small["valor"], small["anio"], small["trimestre"]))
            found = (f"que el indicador «{ind_id}» (un porcentaje) tiene {cells} entre valores de "
                     f"{shown_number(big.min())} a {shown_number(big.max())}: parece una fracción (0,88 por 88 %)")
            yield ind_id, problem(found, int(small["fila"].iloc[0]), "88")


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
        raise InputError.combine(directory, errors)
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


def reported_quarters(table: pd.DataFrame) -> Iterator[tuple[int, int]]:
    """(year, quarter) of every row that reports a value."""
    rows = table[table["valor"].notna()]
    return zip(rows["anio"].astype(int), rows["trimestre"].astype(int))


def reporters_at(table: pd.DataFrame, year: int, quarter: int) -> int:
    """How many indicators reported a value for that quarter."""
    rows = table[table["valor"].notna() & (table["anio"] == year) & (table["trimestre"] == quarter)]
    return rows["indicador"].nunique()


def nothing_reported(execution: Execution, year: int, quarter: int) -> Problem | None:
    """A warning when the seguimiento has no value for `year` up to `quarter`: the report would
    show every indicator "Sin reporte" (often the wrong file, or one not filled in yet)."""
    table = execution.table
    rows = table[table["valor"].notna() & (table["anio"] == year) & (table["trimestre"] <= quarter)]
    if len(rows):
        return None
    return Problem(
        f"que el seguimiento no tiene ningún valor reportado para {year} hasta el corte {year}-T{quarter}",
        f"algún valor ejecutado de {year}",
        hint="Todos los indicadores saldrán «Sin reporte»: revise que sea el archivo correcto y que esté diligenciado.",
        file=execution.path,
    )
