"""Read and validate an entity's quarterly execution (seguimiento.xlsx or seguimiento.csv).

Reading keeps every row's number as the user's editor shows it (Excel's row, the text editor's
line), so the pandera schema's failure cases can name the exact cell. The clean table has the
columns `fila, indicador, anio, trimestre, valor, comentario`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.errors import InputError, Problem
from pipeline.model import Plan, Unit
from pipeline.numbers import NotANumber, parse_number

__all__ = ["load_execution", "find_execution_file", "read_execution", "validate_execution", "COLUMNS"]

XLSX_FILE = "seguimiento.xlsx"
CSV_FILE = "seguimiento.csv"
REQUIRED = ("indicador", "anio", "trimestre", "valor")
COLUMNS = ("fila", "indicador", "anio", "trimestre", "valor", "comentario")
# Headings people write for the same columns.
_ALIASES = {"ano": "anio", "year": "anio", "quarter": "trimestre", "value": "valor", "comentarios": "comentario"}


@dataclass(frozen=True)
class RawTable:
    """The cells of a seguimiento file as read, indexed by the row number the user sees."""

    path: Path
    frame: pd.DataFrame  # object columns indicador, anio, trimestre, valor, comentario
    letters: dict[str, str]  # column name -> spreadsheet letter (xlsx only)
    sheet: str | None
    decimal: str | None  # the source's decimal mark when known (csv)


def find_execution_file(folder: Path) -> Path:
    """The one seguimiento file of an entity folder."""
    xlsx, csv_path = folder / XLSX_FILE, folder / CSV_FILE
    if xlsx.exists() and csv_path.exists():
        raise InputError.single(
            folder,
            f"dos archivos de seguimiento ({XLSX_FILE} y {CSV_FILE})",
            "uno solo de los dos",
            hint="Deje el que tiene los datos vigentes y mueva el otro fuera de la carpeta.",
        )
    if xlsx.exists():
        return xlsx
    if csv_path.exists():
        return csv_path
    raise InputError.single(
        folder,
        "que no hay archivo de seguimiento",
        f"{XLSX_FILE} o {CSV_FILE} con la ejecución trimestral",
    )


def _heading(value: object) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    name = text.strip().lower().replace(" ", "_")
    return _ALIASES.get(name, name)


def _frame(path: Path, header: list[object], rows: list[tuple[int, list[object]]]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows keyed by their number; check the required columns are there."""
    names = [_heading(h) for h in header]
    positions = {}
    for pos, name in enumerate(names):
        if name and name not in positions:
            positions[name] = pos
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        shown = ", ".join(f"«{h}»" for h in header if str(h or "").strip()) or "ninguna"
        raise InputError.single(
            path,
            f"las columnas {shown} (faltan: {', '.join(missing)})",
            "las columnas indicador, anio, trimestre, valor y, si quiere, comentario",
            row=rows[0][0] - 1 if rows else 1,
            hint="La primera fila debe tener los nombres de las columnas.",
        )
    wanted = [*REQUIRED, "comentario"]
    data = {
        name: [cells[positions[name]] if name in positions and positions[name] < len(cells) else None for _, cells in rows]
        for name in wanted
    }
    frame = pd.DataFrame(data, index=pd.Index([n for n, _ in rows], name="fila"), dtype=object)
    return frame, positions


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_xlsx(path: Path) -> RawTable:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as exc:
        raise InputError.single(
            path,
            f"un archivo que no se puede abrir como libro de Excel ({type(exc).__name__}: {exc})",
            "un libro de Excel (.xlsx) válido",
            hint="Ábralo en Excel y guárdelo de nuevo como .xlsx, o expórtelo como seguimiento.csv.",
        ) from exc
    try:
        sheet = book.worksheets[0]
        header: list[object] | None = None
        rows: list[tuple[int, list[object]]] = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(cells)
            if all(_blank(v) for v in values):
                continue
            if header is None:
                header = values
            else:
                rows.append((number, values))
        title = sheet.title
    finally:
        book.close()
    if header is None:
        raise InputError.single(path, "una hoja vacía", "una fila de encabezados y una fila por trimestre reportado", sheet=title)
    frame, positions = _frame(path, header, rows)
    letters = {name: get_column_letter(pos + 1) for name, pos in positions.items()}
    return RawTable(path, frame, letters, title, None)


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # What Excel in Spanish writes for "CSV (delimitado por comas)".
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> RawTable:
    try:
        text = _decode(path)
    except OSError as exc:
        raise InputError.single(path, f"que no se puede leer ({exc.strerror})", "un archivo legible") from exc
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([";", ",", "\t"], key=first_line.count) if first_line else ","
    # Semicolons mean the Spanish Excel export: decimal comma and thousands dots.
    decimal = "," if delimiter == ";" else "."
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[object] | None = None
    rows: list[tuple[int, list[object]]] = []
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if all(_blank(c) for c in cells):
                continue
            if header is None:
                header = list(cells)
                continue
            if len(cells) > len(header) and any(not _blank(c) for c in cells[len(header):]):
                raise InputError.single(
                    path,
                    f"{len(cells)} celdas separadas por «{delimiter}»",
                    f"{len(header)}, como en el encabezado",
                    row=start,
                    hint="Si un comentario lleva el separador, póngalo entre comillas dobles.",
                )
            rows.append((start, list(cells)))
    except csv.Error as exc:
        raise InputError.single(path, f"un CSV mal formado ({exc})", "un CSV válido", row=reader.line_num) from exc
    if header is None:
        raise InputError.single(path, "un archivo vacío", "una fila de encabezados y una fila por trimestre reportado")
    frame, _ = _frame(path, header, rows)
    return RawTable(path, frame, {}, None, decimal)


def read_execution(path: Path) -> RawTable:
    """The cells of a seguimiento file, unvalidated."""
    return _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)


def _number_or_none(value: object, decimal: str | None) -> float | None:
    try:
        return parse_number(value.strip() if isinstance(value, str) else value, decimal)
    except NotANumber:
        return None


def _whole(value: object) -> int | None:
    number = _number_or_none(value, None)
    return int(number) if number is not None and number == int(number) else None


def _schema(plan: Plan, decimal: str | None) -> pa.DataFrameSchema:
    """Rules for the raw cells; each check's `error` is the Spanish 'expected' of its message."""
    first, last = plan.period
    ids = sorted(plan.indicators)
    percent_ids = {i for i, ind in plan.indicators.items() if ind.unit is Unit.PORCENTAJE}

    def number(v: object) -> float | None:
        return _number_or_none(v, decimal)

    def percent_ok(frame: pd.DataFrame) -> pd.Series:
        values = frame["valor"].map(number)
        over = frame["indicador"].isin(percent_ids) & values.map(lambda v: v is not None and v > 100)
        return ~over

    return pa.DataFrameSchema(
        {
            "indicador": pa.Column(
                object,
                pa.Check(lambda v: str(v).strip() in plan.indicators, element_wise=True,
                         error=f"un id de indicador definido en plan.yaml ({', '.join(ids)})"),
                nullable=False,
            ),
            "anio": pa.Column(
                object,
                pa.Check(lambda v: (y := _whole(v)) is not None and first <= y <= last, element_wise=True,
                         error=f"un año del periodo del plan ({first} a {last})"),
                nullable=False,
            ),
            "trimestre": pa.Column(
                object,
                pa.Check(lambda v: _whole(v) in (1, 2, 3, 4), element_wise=True, error="un trimestre: 1, 2, 3 o 4"),
                nullable=False,
            ),
            "valor": pa.Column(
                object,
                [
                    pa.Check(lambda v: number(v) is not None, element_wise=True,
                             error="un número (por ejemplo 4.155.036 o 87,5)"),
                    pa.Check(lambda v: (n := number(v)) is None or n >= 0, element_wise=True,
                             error="un valor mayor o igual que 0: la ejecución no puede ser negativa"),
                ],
                nullable=False,
            ),
            "comentario": pa.Column(object, nullable=True),
        },
        checks=[pa.Check(percent_ok, error="un porcentaje entre 0 y 100 (el indicador es un porcentaje)")],
        unique=["indicador", "anio", "trimestre"],
        report_duplicates="exclude_first",
        coerce=False,
    )


def _shown(value: object) -> str:
    if _blank(value):
        return "una celda vacía"
    text = str(value).strip()
    return f"«{text[:57] + '...' if len(text) > 60 else text}»"


def _problems(raw: RawTable, failures: pd.DataFrame) -> list[Problem]:
    """pandera's failure cases as problems, one per cell, in reading order."""
    frame = raw.frame
    order = {c: k for k, c in enumerate(COLUMNS)}
    seen: set[tuple[int, str]] = set()
    problems = []
    for case in failures.itertuples(index=False):
        if pd.isna(case.index):
            continue
        row = int(case.index)
        check = str(case.check)
        if check == "multiple_fields_uniqueness":
            column = "trimestre"
            key = tuple(frame.loc[row, c] for c in ("indicador", "anio", "trimestre"))
            first = next(
                n for n in frame.index
                if tuple(frame.loc[n, c] for c in ("indicador", "anio", "trimestre")) == key
            )
            found = f"otra vez el indicador «{key[0]}», año {key[1]}, trimestre {key[2]} (ya está en la fila {first})"
            expected = "una sola fila por indicador, año y trimestre"
        else:
            column = str(case.column) if case.schema_context == "Column" else "valor"
            if check == "not_nullable":
                expected = {"indicador": "un id de indicador", "anio": "un año", "trimestre": "un trimestre (1 a 4)"}.get(
                    column, "un valor"
                )
            else:
                expected = check
            found = _shown(frame.loc[row, column])
        if (row, column) in seen:
            continue
        seen.add((row, column))
        problems.append(
            Problem(found, expected, row=row, column=column, column_letter=raw.letters.get(column))
        )
    return sorted(problems, key=lambda p: (p.row or 0, order.get(p.column or "", 99)))


def validate_execution(raw: RawTable, plan: Plan) -> pd.DataFrame:
    """Check every cell against the plan and return the clean, typed table."""
    # An empty `valor` is a quarter not reported yet (templates carry a row per quarter).
    frame = raw.frame[~raw.frame["valor"].map(_blank).astype(bool)]
    failures = None
    try:
        _schema(plan, raw.decimal).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    if failures is not None:
        # Raised outside the `except`: the problems carry everything, and the error travels to
        # other processes (process and Dask task runners) without pandera's, which pickle badly.
        raise InputError(raw.path, _problems(raw, failures), raw.sheet)
    clean = pd.DataFrame(
        {
            "fila": frame.index.astype(int),
            "indicador": frame["indicador"].map(lambda v: str(v).strip()),
            "anio": frame["anio"].map(_whole).astype(int),
            "trimestre": frame["trimestre"].map(_whole).astype(int),
            "valor": frame["valor"].map(lambda v: _number_or_none(v, raw.decimal)).astype(float),
            "comentario": frame["comentario"].map(lambda v: None if _blank(v) else str(v).strip()),
        }
    )
    return clean.sort_values(["indicador", "anio", "trimestre"]).reset_index(drop=True)


def load_execution(folder: Path, plan: Plan) -> tuple[Path, pd.DataFrame]:
    """Find, read and validate an entity's seguimiento; returns its path and the clean table."""
    path = find_execution_file(folder)
    return path, validate_execution(read_execution(path), plan)
