"""Write plan.xlsx: the plan as an Excel workbook, empty to start from or filled from a plan.

The sheets, headings, instructions and lists of allowed values come from the reader's own
description of the layout (`pipeline.ingest.plan_xlsx.SHEETS`), so what the workbook offers and
what `pei-report` accepts cannot drift apart. A filled workbook holds exactly the plan it was
written from: reading it back gives the same `Plan` (tests/ingest/test_plan_xlsx.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.outputs.cells import put
from pipeline.errors import PipelineError, PublishError
from pipeline.ingest.plan_xlsx import (
    EJE_FIELDS,
    INDICADOR_FIELDS,
    NOTES_SHEET,
    OBJETIVO_FIELDS,
    PLAN_FIELDS,
    QUARTER_COLUMN,
    SHEETS,
    YEAR_COLUMN,
    YEAR_HELP,
    Column,
)

__all__ = ["NotRepresentable", "plan_workbook", "write_plan_workbook", "TEMPLATE_ROWS"]

TEMPLATE_ROWS = 500  # rows of the tables that carry the lists of allowed values
CELL_CHARACTERS = 32_767  # the most an Excel cell holds
_HEADING = Font(bold=True, color="FFFFFF")
_HEADING_FILL = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")


class NotRepresentable(PipelineError):
    """A plan whose orders a workbook cannot hold (one row per indicator, one order for all objectives)."""


def plan_workbook(plan: dict[str, Any] | None = None) -> Workbook:
    """The plan workbook: with no plan, the empty template; else filled with `plan` (plan.yaml's data)."""
    plan = plan or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    _plan_sheet(sheet, plan)
    axes = {str(obj): eje.get("id") for eje in plan.get("ejes") or [] for obj in eje.get("objetivos", [])}
    _table(book.create_sheet("Ejes"), EJE_FIELDS, [_eje_row(e) for e in plan.get("ejes") or []])
    objectives = plan.get("objetivos") or []
    _check_axis_order(plan)
    _table(book.create_sheet("Objetivos"), OBJETIVO_FIELDS, [_objective_row(o, axes) for o in objectives])
    indicators = _indicator_order(plan)
    years = sorted({int(y) for i in indicators for y in (i.get("metas_anuales") or {})})
    quarter_years = sorted({int(y) for i in indicators if isinstance(i.get("metas_trimestrales"), dict)
                            for y in i["metas_trimestrales"]})
    extra = [Column(YEAR_COLUMN.format(year=y), f"Meta de {y}.", kind="number", width=11) for y in years]
    extra += [Column(QUARTER_COLUMN.format(year=y, quarter=q), f"Meta del trimestre {q} de {y}.", kind="number", width=12)
              for y in quarter_years for q in range(1, 5)]
    rows = [_indicator_row(i, objectives) for i in indicators]
    indicator_sheet = book.create_sheet("Indicadores")
    _table(indicator_sheet, (*INDICADOR_FIELDS, *extra), rows)
    _validations(book)
    _instructions(book.create_sheet(NOTES_SHEET))
    for each in book.worksheets:
        _page_setup(each)
    return book


def _page_setup(sheet) -> None:
    """Printed on A4 landscape, fit to the page's width, the heading row on every page; Arial 9
    everywhere (openpyxl's default Calibri is missing where LibreOffice runs), as the seguimiento
    template, and rows as tall as their wrapped text (no spreadsheet sizes a program's rows)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    from pipeline.workbooks.template import fit_row_height

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if sheet.title != NOTES_SHEET:
        sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "Página &P de &N"
    for row in sheet.iter_rows():
        for cell in row:
            font = cell.font
            cell.font = Font(name="Arial", size=9, bold=font.bold, italic=font.italic, color=font.color)
    for row in range(2, sheet.max_row + 1):
        if any(isinstance(c.value, str) and c.alignment.wrap_text for c in sheet[row]):
            fit_row_height(sheet, row)


def write_plan_workbook(path: Path, plan: dict[str, Any] | None = None) -> Path:
    """Write `plan_workbook(plan)` to `path`, never over an existing file, all at once (a
    temporary file beside it, linked into place), and return `path`."""
    if path.exists():
        raise PublishError(
            f"Ya existe {path}: no se sobrescribe. Bórrelo o muévalo, o indique otra carpeta con --output."
        )
    book = plan_workbook(plan)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not mkstemp: its 0600 would make plan.xlsx readable by its owner alone; the umask decides,
        # as for the templates and every other output.
        temporary = str(path.parent / f".{path.stem}-{secrets.token_hex(6)}.xlsx.tmp")
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise PublishError(f"No se puede escribir en la carpeta {path.parent}: {exc.strerror}.") from exc
    try:
        book.save(temporary)
        try:
            os.link(temporary, path)  # fails if the file appeared meanwhile: never overwritten
        except FileExistsError:
            raise PublishError(f"Ya existe {path}: no se sobrescribe. Bórrelo o muévalo.") from None
        except OSError:
            if path.exists():  # a file system without hard links: check, then replace at once
                raise PublishError(f"Ya existe {path}: no se sobrescribe. Bórrelo o muévalo.") from None
            os.replace(temporary, path)
    except OSError as exc:
        raise PublishError(f"No se pudo escribir {path}: {exc.strerror}.") from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


# --- cells ----------------------------------------------------------------------------------------


def _number_text(value: object) -> str:
    """2 -> `2`, 2.5 -> `2,5`: a list element as the reader takes it (`;` separates, `,` is decimal)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _list(values: list[object]) -> object:
    """One value as itself, several as `1; 3`."""
    return values[0] if len(values) == 1 else "; ".join(_number_text(v) for v in values)


def _set(sheet: Worksheet, row: int, column: int, value: object) -> None:
    if isinstance(value, str) and len(value) > CELL_CHARACTERS:
        raise NotRepresentable(
            f"Un texto de {len(value)} caracteres («{value[:40]}...») no cabe en una celda de Excel "
            f"(a lo sumo {CELL_CHARACTERS}): acórtelo en plan.yaml o siga usando plan.yaml."
        )
    cell = put(sheet, row, column, value)  # a text that begins with «=» is not a formula
    if isinstance(value, str):
        cell.alignment = _WRAP


def _heading(sheet: Worksheet, columns: list[tuple[str, int]]) -> None:
    for pos, (name, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=pos, value=name)
        cell.font, cell.fill = _HEADING, _HEADING_FILL
        sheet.column_dimensions[get_column_letter(pos)].width = width
    sheet.freeze_panes = "A2"


# --- sheets ---------------------------------------------------------------------------------------


def _plan_sheet(sheet: Worksheet, plan: dict[str, Any]) -> None:
    _heading(sheet, [("campo", 22), ("valor", 100)])
    for row, column in enumerate(PLAN_FIELDS, start=2):
        sheet.cell(row=row, column=1, value=column.name).font = Font(bold=column.required)
        value = plan.get(column.name)
        if column.name == "periodo_plan" and value:
            value = f"{value[0]}-{value[1]}"
        if value is not None:
            _set(sheet, row, 2, value)


def _table(sheet: Worksheet, columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> None:
    _heading(sheet, [(c.name, c.width) for c in columns])
    for number, values in enumerate(rows, start=2):
        for pos, column in enumerate(columns, start=1):
            value = values.get(column.name)
            if value is not None:
                _set(sheet, number, pos, value)


def _eje_row(eje: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in eje.items() if k != "objetivos"}


def _objective_row(objective: dict[str, Any], axes: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in objective.items() if k not in ("indicadores", "pesos")}
    row["eje"] = axes.get(str(objective.get("id")))
    return row


def _indicator_row(indicator: dict[str, Any], objectives: list[dict[str, Any]]) -> dict[str, Any]:
    row = {k: v for k, v in indicator.items() if k not in ("metas_anuales", "metas_trimestrales")}
    member = [o for o in objectives if indicator["id"] in o.get("indicadores", [])]
    if member:
        row["objetivo"] = _list([o["id"] for o in member])
    weights = [(o.get("pesos") or {}).get(indicator["id"]) for o in member]
    if any(w is not None for w in weights):
        same = len(set(weights)) == 1
        row["peso"] = weights[0] if same else "; ".join("" if w is None else _number_text(w) for w in weights)
    for year, target in (indicator.get("metas_anuales") or {}).items():
        row[YEAR_COLUMN.format(year=int(year))] = target
    quarterly = indicator.get("metas_trimestrales")
    if isinstance(quarterly, list):
        row["metas_trimestrales"] = "; ".join(_number_text(v) for v in quarterly)
    elif isinstance(quarterly, dict):
        for year, values in quarterly.items():
            for q, value in enumerate(values, start=1):
                row[QUARTER_COLUMN.format(year=int(year), quarter=q)] = value
    return row


def _indicator_order(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicators in one order that keeps every objective's own: a workbook has one row per
    indicator, and an objective lists its indicators in the order of the rows."""
    indicators = plan.get("indicadores") or []
    by_id = {i.get("id"): i for i in indicators}
    order: list[object] = []
    for objective in plan.get("objetivos") or []:
        for ind in objective.get("indicadores", []):
            if ind not in order:
                order.append(ind)
    order += [i.get("id") for i in indicators if i.get("id") not in order]
    rank = {ind: k for k, ind in enumerate(order)}
    for objective in plan.get("objetivos") or []:
        ranks = [rank[i] for i in objective.get("indicadores", [])]
        if ranks != sorted(ranks) or len(set(ranks)) != len(ranks):
            raise NotRepresentable(
                f"El objetivo {objective.get('id')} lista sus indicadores en un orden que otro objetivo contradice: "
                "en plan.xlsx hay una fila por indicador, y cada objetivo los muestra en el orden de las filas. "
                "Ordene los indicadores de los objetivos de plan.yaml en un mismo orden y vuelva a intentarlo."
            )
    return [by_id[i] for i in order if i in by_id]


def _check_axis_order(plan: dict[str, Any]) -> None:
    """An eje's objectives are listed in the order of the Objetivos sheet."""
    rank = {o.get("id"): k for k, o in enumerate(plan.get("objetivos") or [])}
    for eje in plan.get("ejes") or []:
        ranks = [rank.get(o, -1) for o in eje.get("objetivos", [])]
        if ranks != sorted(ranks):
            raise NotRepresentable(
                f"El eje {eje.get('id')} lista sus objetivos en otro orden que la lista «objetivos»: en plan.xlsx "
                "cada eje muestra sus objetivos en el orden de la hoja «Objetivos». Ordénelos igual en plan.yaml."
            )


def _list_validation(values: tuple[str, ...], strict: bool, name: str) -> DataValidation:
    check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    check.showErrorMessage = strict
    check.errorTitle = f"Valor no válido en {name}"
    check.error = f"Escriba uno de estos valores: {', '.join(values)}."
    check.promptTitle = name
    check.prompt = ", ".join(values) + ("" if strict else " u otra unidad (km, hectáreas...)")
    check.showInputMessage = True
    return check


def _validations(book: Workbook) -> None:
    """Lists of allowed values where a field takes a few (free text still allowed for unidad)."""
    for title, columns in SHEETS.items():
        sheet = book[title]
        for pos, column in enumerate(columns, start=1):
            if not column.choices:
                continue
            check = _list_validation(column.choices, not column.free, column.name)
            if title == "Plan":
                row = 2 + [c.name for c in PLAN_FIELDS].index(column.name)
                check.add(f"B{row}")
            else:
                letter = get_column_letter(pos)
                check.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(check)
    objectives = book["Objetivos"]
    eje = DataValidation(type="list", formula1=f"=Ejes!$A$2:$A${TEMPLATE_ROWS}", allow_blank=True)
    eje.errorTitle, eje.error = "Eje no válido", "Escriba el id de un eje de la hoja «Ejes»."
    letter = get_column_letter(1 + [c.name for c in OBJETIVO_FIELDS].index("eje"))
    eje.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    objectives.add_data_validation(eje)


_INTRODUCTION = (
    "Plan de la entidad (plan.xlsx). Este libro reemplaza a plan.yaml: deje en la carpeta de la entidad uno solo de los dos.",
    "Hoja «Plan»: un campo por fila, su nombre en la columna A y su valor en la B.",
    "Hojas «Ejes», «Objetivos» e «Indicadores»: una fila por elemento, en el orden en que salen en el reporte. "
    "Los encabezados (fila 1) son los nombres de los campos; no los cambie.",
    "Cada indicador dice en la columna «objetivo» a qué objetivo pertenece; cada objetivo, en la columna «eje», a qué eje "
    "(si el plan tiene ejes; si no, deje la hoja «Ejes» vacía).",
    "Las celdas vacías son campos que no se usan. Los números pueden ir como números o como texto (4.155.036 o 87,5); "
    "una celda con formato de porcentaje (45 %) se lee como 45.",
    "Metas trimestrales (columna metas_trimestrales, o meta_AAAA_T1 a meta_AAAA_T4): en suma, creciente y decreciente, "
    "lo que se programa aportar en cada trimestre (las cuatro suman la meta del año); en constante, el nivel programado "
    "al cierre de cada trimestre (la cuarta es la meta del año).",
    "Indicadores de mantenimiento (anualizacion constante, un nivel que se sostiene todo el año): sin metas trimestrales "
    "se espera un cuarto de la meta por trimestre (25 % en T1), y un nivel ya alcanzado sale como sobreejecución. "
    "Escriba la meta del año en los cuatro trimestres: con meta_vigencia 6, metas_trimestrales 6; 6; 6; 6 "
    "(se espera completa desde T1).",
    "pei-report avisa cualquier error nombrando la hoja, la fila y la columna. Esta hoja no se lee.",
)


def _instructions(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 13
    sheet.column_dimensions["D"].width = 80
    sheet.column_dimensions["E"].width = 40
    row = 1
    for text in _INTRODUCTION:
        sheet.cell(row=row, column=1, value=text).font = Font(bold=row == 1)
        row += 1
    row += 1
    for pos, name in enumerate(("hoja", "campo", "obligatorio", "qué es", "valores permitidos"), start=1):
        cell = sheet.cell(row=row, column=pos, value=name)
        cell.font, cell.fill = _HEADING, _HEADING_FILL
    sheet.freeze_panes = f"A{row + 1}"
    rows = [(title, c) for title, columns in SHEETS.items() for c in columns]
    rows.append(("Indicadores", Column("meta_AAAA, meta_AAAA_T1..T4", YEAR_HELP, kind="number")))
    for title, column in rows:
        row += 1
        values = ", ".join(column.choices) + (" u otra unidad" if column.free else "") if column.choices else ""
        for pos, value in enumerate((title, column.name, "sí" if column.required else "no", column.help, values), start=1):
            sheet.cell(row=row, column=pos, value=value).alignment = _WRAP
