"""Read plan.xlsx, the plan as an Excel workbook, into the plain data plan.yaml gives.

The workbook has the sheets Plan (two columns, campo | valor), Ejes, Objetivos and Indicadores
(one row per item, headed by plan.yaml's field names). The reader turns it into the same dict
as plan.yaml, and `pipeline.ingest.plan` validates that dict with the same models and rules, so
plan.yaml and plan.xlsx accept the same plans and say the same things about them. The
`PlanWorkbook` document knows the cell of every field, so a message names the sheet, the row
(as Excel numbers it) and the column (its heading and letter).

What does not fit plan.yaml's fields is said, never dropped: an unknown sheet or a column that
holds data but is not a field, a formula whose result was never saved, a quarter missing from a
year's four quarterly targets.

`SHEETS` is the one description of the layout: the template writer (`pipeline.workbooks.plan_workbook`)
builds its headings, instructions and lists of allowed values from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from pipeline.core.characters import REFUSED_HINT, excel_decoded, refused_at, shown
from pipeline.errors import InputError, Problem, close_choices, did_you_mean
from pipeline.ingest.cells import MergedPart, Percent, _normal
from pipeline.ingest.files import _check_inflation, _open_workbook, _sheet_rows, sheet_formulas
from pipeline.ingest.source import read_source
from pipeline.ingest.limits import limits

__all__ = [
    "Column",
    "EJE_FIELDS",
    "INDICADOR_FIELDS",
    "NOTES_SHEET",
    "OBJETIVO_FIELDS",
    "PLAN_FIELDS",
    "PlanWorkbook",
    "QUARTER_COLUMN",
    "SHEETS",
    "YEAR_COLUMN",
    "YEAR_HELP",
    "read_plan_workbook",
]

Loc = Sequence[str | int]


@dataclass(frozen=True)
class Column:
    """A field of the workbook: its heading (plan.yaml's field name), whether every row needs
    it, what it means (for the Instrucciones sheet) and the values it takes when they are a list."""

    name: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    free: bool = False  # choices are suggestions: other text is accepted (unidad)
    width: int = 14
    kind: str = "text"  # text | number | integer | period | list (a number text fields read as text)


ANUALIZACION = ("suma", "creciente", "decreciente", "constante")

PLAN_FIELDS = (
    Column("entidad", "Nombre de la entidad, en una línea.", True, width=60),
    Column("titulo", "Título del plan (p. ej. Plan de Desarrollo Municipal), en una línea.", True),
    Column("titulo_reporte", "Opcional: el título del reporte tal cual (por defecto, el título y el año)."),
    Column("vigencia", "El año que se reporta (p. ej. 2024).", True, kind="integer"),
    Column("periodo_plan", "Primer y último año del plan, separados por un guion: 2020-2024.", True, kind="period"),
    Column("normatividad", "Texto de la base normativa. **Texto entre dobles asteriscos** sale en negrilla.", True),
    Column("fuente_normatividad", "Fuente de la base normativa.", True),
    Column("mision", "Misión de la entidad.", True),
    Column("vision", "Visión de la entidad.", True),
    Column("agregacion", "Opcional: cómo se promedia el avance del plan: objetivos (por defecto) o indicadores.",
           choices=("objetivos", "indicadores")),
    Column("sigla", "Opcional: la sigla del plan (p. ej. PDM) en los nombres de archivo y el asunto del correo; "
           "por defecto, las iniciales del título (Plan de Desarrollo Municipal → PDM)."),
)
EJE_FIELDS = (
    Column("id", "Código del eje (p. ej. E1).", True, width=10),
    Column("nombre", "Nombre del eje.", True, width=50),
    Column("peso", "Opcional: peso del eje en el plan (por defecto, todos iguales).", kind="number", width=10),
)
OBJETIVO_FIELDS = (
    Column("id", "Número del objetivo (1, 2, 3...). El orden de las filas es el orden del reporte.", True,
           kind="integer", width=8),
    Column("texto", "Texto del objetivo. **Texto entre dobles asteriscos** sale en negrilla.", True, width=60),
    Column("texto_detalle", "Opcional: el texto en la diapositiva de detalle del objetivo (otra negrilla).", width=40),
    Column("encabezado_tabla", "Opcional: encabezado de la tabla de metas (por defecto «Nombre meta»).", width=18),
    Column("eje", "El id del eje al que pertenece (solo si el plan tiene ejes).", width=10),
    Column("peso", "Opcional: peso del objetivo en su eje o en el plan (por defecto, todos iguales).",
           kind="number", width=10),
)
INDICADOR_FIELDS = (
    Column("id", "Código del indicador (p. ej. IS-321), distinto para cada indicador.", True, width=14),
    Column("etiqueta", "Opcional: cómo se rotula en la tabla (p. ej. Indicador sectorial 321).", width=24),
    Column("nombre", "Nombre del indicador o de la meta.", True, width=50),
    Column("anualizacion", "Cómo se acumula en el año: suma, creciente, decreciente o constante.", True,
           choices=ANUALIZACION),
    Column("unidad", "porcentaje (puntos de 0 a 100), numero, o cualquier unidad: km, hectáreas, personas...",
           True, choices=("porcentaje", "numero"), free=True),
    Column("linea_base", "Opcional: línea base. Vacía = «sin línea base» (obligatoria si es decreciente).",
           kind="number"),
    Column("meta_cuatrienio", "Meta del periodo del plan.", True, kind="number"),
    Column("meta_vigencia", "Meta del año que se reporta (la vigencia).", True, kind="number"),
    Column("metas_como", "Opcional: incremento (por defecto) o nivel: las metas de un indicador creciente o "
           "decreciente son niveles a alcanzar.", choices=("incremento", "nivel")),
    Column("responsable", "Opcional: la dependencia que lo reporta.", width=30),
    Column("objetivo", "El id del objetivo al que pertenece; si está en varios, sepárelos con punto y coma: 1; 3. "
           "El orden de las filas es el orden del indicador en cada objetivo.", True, kind="list", width=10),
    Column("peso", "Opcional: peso del indicador en su objetivo (por defecto, todos iguales). Si está en varios "
           "objetivos, un peso por objetivo en el mismo orden: 2; 1.", kind="list", width=10),
    Column("metas_trimestrales", "Opcional: las cuatro metas trimestrales de la vigencia separadas por punto y "
           "coma: 2; 3; 2; 3.", kind="list", width=18),
)
YEAR_COLUMN = "meta_{year}"  # a year's target (metas_anuales): meta_2025
QUARTER_COLUMN = "meta_{year}_T{quarter}"  # a quarter's target (metas_trimestrales): meta_2025_T1
YEAR_HELP = (
    "Opcional: agregue una columna meta_AAAA por cada año con meta propia (meta_2024, meta_2025...) y "
    "columnas meta_AAAA_T1 a meta_AAAA_T4 con las metas trimestrales de ese año (las cuatro, o ninguna)."
)

SHEETS: dict[str, tuple[Column, ...]] = {
    "Plan": PLAN_FIELDS,
    "Ejes": EJE_FIELDS,
    "Objetivos": OBJETIVO_FIELDS,
    "Indicadores": INDICADOR_FIELDS,
}
OPTIONAL_SHEETS = ("Ejes",)
NOTES_SHEET = "Instrucciones"  # the template's instructions: not read
EXPECTED_SHEETS = "las hojas Plan, Objetivos e Indicadores, y Ejes si el plan tiene ejes (las de la plantilla: pei-report plantilla --plan)"

_YEAR = re.compile(r"^metas? (\d{4})$")
_QUARTER = re.compile(r"^metas? (\d{4}) t([1-4])$")
_PERIOD = re.compile(r"^\[?\s*(\d{4})\s*(?:-|–|—|a|,|;|/)\s*(\d{4})\s*\]?$")
_SEPARATOR = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Cell:
    """Where a field is: its sheet, row, column heading and letter, and how messages name it."""

    sheet: str
    row: int | None
    column: str | None = None
    letter: str | None = None
    name: str = ""


@dataclass
class PlanWorkbook:
    """plan.xlsx as the plain data of plan.yaml, and the cell of each field (see `Document`)."""

    workbook = True  # a class attribute, not a field

    path: Path
    data: dict[str, Any]
    cells: dict[tuple, Cell]
    sheet_order: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)  # cells that could not become fields

    def _cell(self, loc: Loc) -> Cell | None:
        loc = tuple(loc)
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.cells:
                return self.cells[loc[:end]]
        return None

    def field_name(self, loc: Loc) -> str:
        cell = self._cell(loc)
        if cell is None:
            return ".".join(str(p) for p in loc) or "(libro)"
        return cell.name

    def place(self, loc: Loc) -> dict[str, Any]:
        cell = self._cell(loc)
        if cell is None:
            return {}
        return {"row": cell.row, "column": cell.column, "column_letter": cell.letter, "sheet": cell.sheet}

    def order(self, problems: list[Problem]) -> list[Problem]:
        """By sheet (in the workbook's order), then row."""
        rank = {name: k for k, name in enumerate(self.sheet_order)}
        return sorted(problems, key=lambda p: (rank.get(p.sheet or "", -1), p.row or 0))


# --- cells ----------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value(value: object) -> object:
    """A cell as plan.yaml would hold it: percent cells as points, whole numbers as int, text stripped."""
    if isinstance(value, Percent):
        value = value.points()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return value


def _text(value: object, column: Column) -> object:
    """A number typed in a text field (an etiqueta 321, an eje 1) as its text, as plan.yaml reads it."""
    if column.kind == "text" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _parts(value: object) -> list[object]:
    """`1; 3` -> [1, 3]; a single number -> [it]; empty parts kept as None (`2; ` -> [2, None])."""
    if isinstance(value, str):
        return [_value(_number_text(p)) if p.strip() else None for p in _SEPARATOR.split(value.strip())]
    return [_value(value)]


def _key(value: object) -> object:
    """An objective id as the sheets may write it (1, "1"): the same key."""
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


def _number_text(text: str) -> object:
    """A list element: a whole number as int (objective ids), anything else as written."""
    text = text.strip()
    return int(text) if text.isdigit() else text


def _close(found: object, choices, hint: str) -> str:
    """`hint`, after «¿Quiso decir …?» when one of `choices` is close to `found`."""
    suggestion = did_you_mean(found, choices)
    return f"{suggestion} {hint}" if suggestion else hint


# --- reading ------------------------------------------------------------------------------------


@dataclass
class _Reader:
    path: Path
    cells: dict[tuple, Cell] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    layout: bool = False  # a problem with the sheets or headings: the rows are not read

    def problem(self, sheet: str, row: int | None, found: str, expected: str, *, column: str | None = None,
                letter: str | None = None, hint: str | None = None, layout: bool = False) -> None:
        self.problems.append(Problem(found, expected, row, column, hint, letter, sheet=sheet))
        self.layout = self.layout or layout

    def cell(self, sheet: str, row: int, pos: int, heading: str, value: object, formulas: dict) -> object:
        """The value of a cell; a formula without a saved result is a problem (and no value)."""
        if value is None and (row, pos) in formulas:
            self.problem(
                sheet, row, f"la fórmula {formulas[(row, pos)]} sin resultado guardado",
                "un valor (la fórmula nunca se calculó: el archivo lo escribió un programa)",
                column=heading, letter=get_column_letter(pos + 1),
                hint="Abra el archivo en Excel o LibreOffice y guárdelo, o escriba el valor.",
            )
        if isinstance(value, MergedPart):
            self.problem(
                sheet, row, f"una celda combinada ({value.cells})", "un valor en cada celda, sin combinar",
                column=heading, letter=get_column_letter(pos + 1),
                hint="Separe las celdas combinadas y escriba el valor en cada fila.",
            )
            return None
        where = refused_at(excel_decoded(value)) if isinstance(value, str) else None
        if where:
            self.problem(
                sheet, row, f"«{shown(value)[:57] + '...' if len(shown(value)) > 60 else shown(value)}»",
                "un texto sin caracteres de control ni no-caracteres", column=heading,
                letter=get_column_letter(pos + 1), hint=f"El texto {where}. {REFUSED_HINT}",
            )  # the value is still read, so that its field is not also said to be missing
        return None if _blank(value) else _value(value)


def _formulas(path: Path, data: bytes, titles: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Every formula of the sheets, by sheet and (row, 0-based column), without opening the book again."""
    return sheet_formulas(path, data, titles)


def read_plan_workbook(path: Path) -> PlanWorkbook:
    """plan.xlsx as a `PlanWorkbook`; a workbook whose layout cannot be read raises `InputError`."""
    bounds = limits()
    data, _ = read_source(
        path, bounds.table_bytes, "table_bytes",
        "Un plan ocupa unas decenas de kilobytes: revise que sea el archivo correcto y que no tenga hojas o "
        "imágenes que no son del plan.",
    )
    _check_inflation(path, data, bounds)
    book = _open_workbook(path, data, data_only=True)
    try:
        sheets: dict[str, tuple[str, list[tuple[int, list[object]]]]] = {}
        reader = _Reader(path)
        known = {_normal(name): name for name in SHEETS}
        for sheet in book.worksheets:
            rows = _sheet_rows(sheet, path, bounds)
            name = known.get(_normal(sheet.title))
            if name is not None and name not in sheets:
                sheets[name] = (sheet.title, rows)
            elif _normal(sheet.title) != _normal(NOTES_SHEET) and rows:
                reader.problem(
                    sheet.title, rows[0][0], f"la hoja «{sheet.title}» con datos, que el plan no usa",
                    EXPECTED_SHEETS,
                    hint=_close(sheet.title, [n for n in SHEETS if n not in sheets],
                                "Si es una hoja del plan, dele uno de esos nombres; si no, bórrela o muévala a otro libro."),
                    layout=True,
                )
    finally:
        book.close()
    missing = [name for name in SHEETS if name not in sheets and name not in OPTIONAL_SHEETS]
    if missing:
        found = ", ".join(f"«{s.title}»" for s in book.worksheets)
        titles = [s.title for s in book.worksheets if s.title not in {title for title, _ in sheets.values()}]
        renames = [f"¿La hoja «{close[0]}» es «{m}»? Cámbiele el nombre a «{m}»."
                   for m in missing if (close := close_choices(m, titles))]
        raise InputError.single(
            path,
            f"un libro sin la hoja {', '.join(f'«{m}»' for m in missing)} (sus hojas son {found})",
            EXPECTED_SHEETS,
            hint=" ".join([*renames, "Genere un libro vacío con «pei-report plantilla --plan» y copie ahí el plan."]),
        )
    formulas = _formulas(path, data, [title for title, _ in sheets.values()])
    plan = _plan_sheet(reader, *sheets["Plan"], formulas[sheets["Plan"][0]])
    tables = {}
    for name in ("Ejes", "Objetivos", "Indicadores"):
        if name in sheets:
            title, rows = sheets[name]
            tables[name] = _table(reader, title, rows, SHEETS[name], formulas[title])
    if reader.layout:  # unknown sheets or columns, missing headings: say so before reading the rows
        raise InputError(path, reader.problems)
    _build(reader, plan, tables, {name: title for name, (title, _) in sheets.items()})
    order = tuple(title for title, _ in sheets.values())
    return PlanWorkbook(path, plan, reader.cells, order, reader.problems)


def _plan_sheet(reader: _Reader, title: str, rows: list[tuple[int, list[object]]], formulas: dict) -> dict[str, Any]:
    """The Plan sheet: one field a row, its name in the first column and its value in the second."""
    fields = {_normal(c.name): c for c in PLAN_FIELDS}
    out: dict[str, Any] = {}
    if rows and [_normal(c) for c in rows[0][1][:2]] == ["campo", "valor"]:
        rows = rows[1:]
    for number, cells in rows:
        key = cells[0] if cells else None
        column = fields.get(_normal(key)) if not _blank(key) else None
        value = reader.cell(title, number, 1, "valor", cells[1] if len(cells) > 1 else None, formulas)
        extra = [v for v in cells[2:] if not _blank(v)]
        if column is None:
            if not _blank(key) or value is not None:
                reader.problem(
                    title, number, f"el campo «{key}»" if not _blank(key) else "un valor sin nombre de campo",
                    f"uno de los campos del plan en la columna A ({', '.join(c.name for c in PLAN_FIELDS)})",
                    column="campo", letter="A",
                    hint=_close(key, [c.name for c in PLAN_FIELDS], "Revise cómo está escrito el nombre del campo.")
                    if not _blank(key) else "Revise cómo está escrito el nombre del campo.",
                )
            continue
        if extra:
            reader.problem(
                title, number, f"más de un valor para «{column.name}» (en las columnas C y siguientes)",
                "un solo valor por campo, en la columna B", column="valor", letter="B",
            )
        if column.name in out:
            reader.problem(title, number, f"el campo «{column.name}» repetido", "cada campo una sola vez",
                           column="campo", letter="A")
            continue
        reader.cells[(column.name,)] = Cell(title, number, "valor", "B", column.name)
        if value is None:
            continue
        if column.kind == "period":
            value = _period(reader, title, number, value)
            if value is None:
                continue
        out[column.name] = _text(value, column)
    return out


def _period(reader: _Reader, title: str, number: int, value: object) -> list[int] | None:
    match = _PERIOD.match(str(value).strip())
    if match is None:
        reader.problem(
            title, number, f"«{value}» como periodo del plan", "el primer y el último año separados por un guion, "
            "p. ej. 2020-2024", column="valor", letter="B",
        )
        return None
    return [int(match.group(1)), int(match.group(2))]


@dataclass
class _Row:
    number: int
    values: dict[str, object]  # field -> value (absent when empty)
    years: dict[int, object]  # meta_AAAA
    quarters: dict[int, dict[int, object]]  # meta_AAAA_Tq: year -> quarter -> value


@dataclass
class _Table:
    title: str
    header_row: int
    columns: dict[str, tuple[int, str]]  # field (or meta_AAAA, meta_AAAA_Tq) -> 0-based column, heading
    rows: list[_Row]


def _table(reader: _Reader, title: str, rows: list[tuple[int, list[object]]], fields: tuple[Column, ...],
           formulas: dict) -> _Table:
    """A sheet of items: the first row with content holds the headings, one item a row below."""
    if not rows:
        return _Table(title, 1, {}, [])
    header_row, headings = rows[0]
    known = {_normal(c.name): c.name for c in fields}
    kinds = {c.name: c for c in fields}
    yearly = any(c.name == "meta_vigencia" for c in fields)  # only Indicadores has targets by year
    columns: dict[str, tuple[int, str]] = {}
    ignored: dict[int, str] = {}
    for pos, heading in enumerate(headings):
        if _blank(heading):
            ignored[pos] = ""
            continue
        text = str(heading).strip()
        name = _normal(text)
        key = known.get(name)
        if key is None and yearly and (m := _QUARTER.match(name)):
            key = QUARTER_COLUMN.format(year=int(m.group(1)), quarter=int(m.group(2)))
        elif key is None and yearly and (m := _YEAR.match(name)):
            key = YEAR_COLUMN.format(year=int(m.group(1)))
        if key is None:
            ignored[pos] = text
        elif key in columns:
            reader.problem(
                title, header_row, f"la columna «{text}» repetida (ya está en la columna "
                f"{get_column_letter(columns[key][0] + 1)})", "cada campo en una sola columna",
                column=text, letter=get_column_letter(pos + 1), layout=True,
            )
        else:
            columns[key] = (pos, text)
    data = rows[1:]
    for pos, heading in ignored.items():
        filled = [n for n, cells in data if pos < len(cells) and not _blank(cells[pos])]
        if filled:
            names = ", ".join(c.name for c in fields) + (", meta_AAAA, meta_AAAA_T1..T4" if yearly else "")
            reader.problem(
                title, header_row,
                f"la columna «{heading}» con datos en {len(filled)} fila{'s' if len(filled) > 1 else ''}, que no es un campo del plan"
                if heading else f"una columna sin encabezado con datos en {len(filled)} fila{'s' if len(filled) > 1 else ''}",
                f"encabezados que sean campos del plan ({names})",
                column=heading or None, letter=get_column_letter(pos + 1),
                hint=_close(heading, [c.name for c in fields if c.name not in columns] if heading else [],
                            "Corrija el encabezado si es un campo mal escrito; si no, borre la columna: sus datos no "
                            "entrarían al plan."),
                layout=True,
            )
    missing = [c.name for c in fields if c.required and c.name not in columns]
    if missing and data:
        reader.problem(
            title, header_row, f"los encabezados sin {', '.join(f'«{m}»' for m in missing)}",
            f"las columnas {', '.join(c.name for c in fields if c.required)} (y las opcionales que use)",
            hint="Agregue la columna, con ese nombre en la primera fila.", layout=True,
        )
    out = []
    for number, cells in data:
        row = _Row(number, {}, {}, {})
        for key, (pos, heading) in columns.items():
            value = reader.cell(title, number, pos, heading, cells[pos] if pos < len(cells) else None, formulas)
            if value is None:
                continue
            if (m := re.fullmatch(r"meta_(\d{4})_T([1-4])", key)):
                row.quarters.setdefault(int(m.group(1)), {})[int(m.group(2))] = value
            elif (m := re.fullmatch(r"meta_(\d{4})", key)):
                row.years[int(m.group(1))] = value
            else:
                row.values[key] = _text(value, kinds[key])
        out.append(row)
    return _Table(title, header_row, columns, out)


def _place(reader: _Reader, table: _Table, loc: tuple, row: int, key: str, name: str | None = None) -> None:
    """Record where `loc` is: the row's cell in column `key` (the row alone if there is no such column)."""
    if key in table.columns:
        pos, heading = table.columns[key]
        reader.cells[loc] = Cell(table.title, row, heading, get_column_letter(pos + 1), name or key)
    else:
        reader.cells[loc] = Cell(table.title, row, None, None, name or key)


def _build(reader: _Reader, plan: dict[str, Any], tables: dict[str, _Table], titles: dict[str, str]) -> None:
    """Ejes, objectives and indicators into `plan`, as plan.yaml lists them."""
    objectives_sheet, indicators_sheet = tables["Objetivos"], tables["Indicadores"]
    objectives: list[dict[str, Any]] = []
    by_id: dict[object, int] = {}
    for k, row in enumerate(objectives_sheet.rows):
        item = {key: value for key, value in row.values.items() if key != "eje"}
        loc = ("objetivos", k)
        reader.cells[loc] = Cell(objectives_sheet.title, row.number, None, None, f"objetivo de la fila {row.number}")
        for column in OBJETIVO_FIELDS:
            _place(reader, objectives_sheet, (*loc, column.name), row.number, column.name)
        _place(reader, objectives_sheet, (*loc, "indicadores"), row.number, "id",
               "indicadores (columna «objetivo» de la hoja «Indicadores»)")
        _place(reader, objectives_sheet, (*loc, "pesos"), row.number, "id",
               "peso de sus indicadores (columna «peso» de la hoja «Indicadores»)")
        item["indicadores"] = []
        objectives.append(item)
        by_id.setdefault(_key(row.values.get("id")), k)

    indicators = []
    for k, row in enumerate(indicators_sheet.rows):
        loc = ("indicadores", k)
        reader.cells[loc] = Cell(indicators_sheet.title, row.number, None, None, f"indicador de la fila {row.number}")
        item = {key: value for key, value in row.values.items() if key not in ("objetivo", "peso", "metas_trimestrales")}
        for column in INDICADOR_FIELDS:
            _place(reader, indicators_sheet, (*loc, column.name), row.number, column.name)
        if "metas_trimestrales" in row.values:
            parts = _parts(row.values["metas_trimestrales"])
            if len(parts) == 1 and isinstance(parts[0], str) and "," in parts[0] and " " in parts[0]:
                pos, heading = indicators_sheet.columns["metas_trimestrales"]
                reader.problem(
                    indicators_sheet.title, row.number, f"«{parts[0]}»",
                    "las cuatro metas trimestrales separadas por punto y coma (2; 3; 2; 3): la coma es la de los decimales",
                    column=heading, letter=get_column_letter(pos + 1),
                )
            else:
                item["metas_trimestrales"] = parts if len(parts) > 1 else parts[0]
        if row.years:
            item["metas_anuales"] = dict(row.years)
            for year in row.years:
                _place(reader, indicators_sheet, (*loc, "metas_anuales", year), row.number,
                       YEAR_COLUMN.format(year=year))
        _quarters(reader, indicators_sheet, row, loc, item)
        indicators.append(item)
        _memberships(reader, indicators_sheet, row, item.get("id"), objectives, by_id)
    plan["objetivos"] = objectives
    plan["indicadores"] = indicators
    for name, table in (("objetivos", objectives_sheet), ("indicadores", indicators_sheet)):
        reader.cells[(name,)] = Cell(table.title, table.header_row + 1, None, None, f"{name} (filas de la hoja «{table.title}»)")
    _ejes(reader, plan, tables.get("Ejes"), objectives_sheet)


def _quarters(reader: _Reader, table: _Table, row: _Row, loc: tuple, item: dict[str, Any]) -> None:
    """meta_AAAA_T1..T4 into metas_trimestrales {year: [four]}: the four quarters, or none."""
    if not row.quarters:
        return
    if "metas_trimestrales" in item:
        pos, heading = table.columns["metas_trimestrales"]
        reader.problem(
            table.title, row.number, "metas trimestrales en la columna «metas_trimestrales» y en columnas meta_AAAA_T1..T4",
            "una sola de las dos formas: la lista de la vigencia o las columnas por año y trimestre",
            column=heading, letter=get_column_letter(pos + 1),
        )
        return
    by_year = {}
    for year, quarters in sorted(row.quarters.items()):
        empty = [q for q in range(1, 5) if q not in quarters]
        for q in range(1, 5):
            _place(reader, table, (*loc, "metas_trimestrales", year, q - 1), row.number,
                   QUARTER_COLUMN.format(year=year, quarter=q))
        reader.cells[(*loc, "metas_trimestrales", year)] = reader.cells[(*loc, "metas_trimestrales", year, 0)]
        if empty:
            q = empty[0]
            cell = reader.cells[(*loc, "metas_trimestrales", year, q - 1)]
            reader.problem(
                table.title, row.number, f"vacía la meta del trimestre {q} de {year}",
                f"las cuatro metas trimestrales de {year} (escriba 0 en un trimestre sin meta) o ninguna",
                column=cell.column or QUARTER_COLUMN.format(year=year, quarter=q), letter=cell.letter,
            )
            continue
        by_year[year] = [quarters[q] for q in range(1, 5)]
    if by_year:
        item["metas_trimestrales"] = by_year


def _memberships(reader: _Reader, table: _Table, row: _Row, indicator_id: object,
                 objectives: list[dict[str, Any]], by_id: dict[object, int]) -> None:
    """The objectives the row's `objetivo` names get the indicator, in row order; `peso` its weights."""
    if "objetivo" not in row.values:
        return
    pos, heading = table.columns["objetivo"]
    letter = get_column_letter(pos + 1)
    named = _parts(row.values["objetivo"])
    weights = _parts(row.values["peso"]) if "peso" in row.values else []
    if len(weights) == 1 and len(named) > 1:
        weights = weights * len(named)
    if weights and len(weights) != len(named):
        wpos, wheading = table.columns["peso"]
        reader.problem(
            table.title, row.number, f"{len(weights)} pesos para {len(named)} objetivos",
            "un peso, o un peso por cada objetivo de la columna «objetivo» y en su orden (2; 1)",
            column=wheading, letter=get_column_letter(wpos + 1),
        )
        weights = []
    ids = ", ".join(str(i) for i in by_id if i is not None)
    for n, objective_id in enumerate(named):
        k = by_id.get(_key(objective_id))
        if k is None:
            reader.problem(
                table.title, row.number,
                f"el objetivo «{objective_id}» en el indicador «{indicator_id}», que no está en la hoja «Objetivos»"
                if objective_id is not None else "un objetivo vacío en la lista",
                f"el id de un objetivo de la hoja «Objetivos» ({ids}); si son varios, separados por punto y coma",
                column=heading, letter=letter,
                hint=_close(objective_id, [i for i in by_id if i is not None], "Agregue el objetivo en la hoja «Objetivos» o "
                            "corrija el id.") if objective_id is not None else "Agregue el objetivo en la hoja «Objetivos» o corrija el id.",
            )
            continue
        objective = objectives[k]
        position = len(objective["indicadores"])
        objective["indicadores"].append(indicator_id)
        loc = ("objetivos", k, "indicadores", position)
        reader.cells[loc] = Cell(table.title, row.number, heading, letter, "objetivo")
        weight = weights[n] if weights else None
        if weight is not None:
            objective.setdefault("pesos", {})[indicator_id] = weight
            wpos, wheading = table.columns["peso"]
            reader.cells[("objetivos", k, "pesos", indicator_id)] = Cell(
                table.title, row.number, wheading, get_column_letter(wpos + 1), "peso"
            )


def _ejes(reader: _Reader, plan: dict[str, Any], table: _Table | None, objectives_sheet: _Table) -> None:
    """The Ejes sheet, each eje with the objectives whose `eje` names it, in row order."""
    objectives = plan["objetivos"]
    named = [(k, row) for k, row in enumerate(objectives_sheet.rows) if "eje" in row.values]
    if table is None or not table.rows:
        if named:
            k, row = named[0]
            pos, heading = objectives_sheet.columns["eje"]
            reader.problem(
                objectives_sheet.title, row.number, f"el eje «{row.values['eje']}» en el objetivo {row.values.get('id')}, "
                "pero ninguna fila en la hoja «Ejes»", "los ejes en la hoja «Ejes» (id, nombre, peso), o la columna «eje» vacía",
                column=heading, letter=get_column_letter(pos + 1),
            )
        return
    ejes = []
    by_id: dict[str, int] = {}
    for k, row in enumerate(table.rows):
        loc = ("ejes", k)
        reader.cells[loc] = Cell(table.title, row.number, None, None, f"eje de la fila {row.number}")
        for column in EJE_FIELDS:
            _place(reader, table, (*loc, column.name), row.number, column.name)
        _place(reader, table, (*loc, "objetivos"), row.number, "id", "objetivos (columna «eje» de la hoja «Objetivos»)")
        ejes.append({**row.values, "objetivos": []})
        by_id.setdefault(str(row.values.get("id")), k)
    ids = ", ".join(by_id)
    pos, heading = objectives_sheet.columns.get("eje", (None, None))
    for k, row in named:
        eje = str(row.values["eje"])
        if eje not in by_id:
            reader.problem(
                objectives_sheet.title, row.number, f"el eje «{eje}» en el objetivo {row.values.get('id')}, que no está "
                "en la hoja «Ejes»", f"el id de un eje de la hoja «Ejes» ({ids})",
                column=heading, letter=get_column_letter(pos + 1) if pos is not None else None,
                hint=did_you_mean(eje, by_id),
            )
            continue
        members = ejes[by_id[eje]]["objetivos"]
        reader.cells[("ejes", by_id[eje], "objetivos", len(members))] = Cell(
            objectives_sheet.title, row.number, heading, get_column_letter(pos + 1) if pos is not None else None, "eje"
        )
        members.append(objectives[k].get("id"))
    plan["ejes"] = ejes
