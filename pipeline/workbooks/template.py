"""The data-entry template of a cut: an Excel workbook the dependencies fill in and return.

Built from the same plan and the same column schema (`pipeline.ingest.template_schema`) the seguimiento
reader validates: one row per indicator, grouped by eje and objective, with the plan's figures
and the quarters already reported locked for context and only the cut's value and comment
editable, under Excel data validation that states the reader's own rules (a number, not
negative, 0 to 100 for percentages). The sheet is protected without a password; a hidden sheet
says which entity, cut and plan (its fingerprint) the template is for.

Pure apart from openpyxl objects: `build_template` returns a Workbook and writes nothing
(`pipeline.workbooks.template_files` writes it). Values only, no formulas: a formula written by a program
has no saved result, and the reader refuses it; every cell is written with `pipeline.outputs.cells.put`,
so a plan text or comment that begins with «=» stays a text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from pipeline.outputs.cells import put
from pipeline.core.fingerprint import indicator_meaning, plan_fingerprint
from pipeline.core.formatting import long_date
from pipeline.core.model import Indicator, Objective, Plan, Unit
from pipeline.core.periods import Cut
from pipeline.ingest.template_schema import (
    COLUMNS, DATA_SHEET, IDENTITY_SHEET, INSTRUCTIONS_SHEET, Column, TemplateIdentity, identity_rows,
)

__all__ = ["build_template", "responsibles", "NO_RESPONSIBLE", "HEADER_ROW"]

NO_RESPONSIBLE = "Sin responsable"  # how the indicators that name no dependency are grouped
HEADER_ROW = 4  # rows 1-3: title, cut and dependency, what to do
# Arial (Liberation Sans where it is missing has the same metrics) so that the row heights set
# here fit the wrapped text in Excel and in LibreOffice alike: neither sizes a row written by a
# program to its wrapped text.
_FONT, _SIZE = "Arial", 9
_CHARS_PER_WIDTH = 1.4  # Arial 9 characters per unit of column width (the width of a Calibri 11 "0"), with room
_LINE_HEIGHT = 11.5  # points per line of Arial 9
_INSTRUCTIONS_WIDTH = 68  # one column of text inside an A4 portrait page (about 6,7 pt per unit in LibreOffice)
_PRIMARY, _SOFT, _BORDER = "7A1E3A", "F5F1EE", "D9D2CC"
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_EDIT_FILL = PatternFill("solid", fgColor="FFF5CC")  # "celdas de fondo amarillo claro"
_AXIS_FILL = PatternFill("solid", fgColor="E8DDE1")
_OBJECTIVE_FILL = PatternFill("solid", fgColor=_SOFT)
_HEADER_FILL = PatternFill("solid", fgColor=_PRIMARY)
_THIN = Side(style="thin", color=_BORDER)
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*", re.S)
_MONTHS = {1: ("enero", "marzo"), 2: ("abril", "junio"), 3: ("julio", "septiembre"), 4: ("octubre", "diciembre")}


def responsibles(plan: Plan) -> list[str | None]:
    """The dependencies that report the plan's indicators, in the plan's order; None (last) for
    indicators that name none."""
    names = list(dict.fromkeys(i.responsible for i in plan.indicators.values() if i.responsible))
    return names + ([None] if any(i.responsible is None for i in plan.indicators.values()) else [])


def _plain(text: str) -> str:
    """Plan text without its **emphasis** marks, on one line."""
    return " ".join(_EMPHASIS.sub(r"\1", text).split())


def quarter_span(cut: Cut) -> str:
    """`julio a septiembre de 2024`."""
    first, last = _MONTHS[cut.quarter]
    return f"{first} a {last} de {cut.year}"


@dataclass(frozen=True)
class _Row:
    """A row of the data sheet: a group title (eje, objective, a note) or an indicator."""

    kind: str  # "axis" | "objective" | "note" | "indicator"
    label: str = ""
    text: str = ""
    indicator: Indicator | None = None


def _rows(plan: Plan, selected: set[str]) -> Iterator[_Row]:
    """Eje and objective titles, each followed by its selected indicators, in the plan's order.

    An indicator that serves several objectives is filled in once, under the first; under the
    others a note without id says where (two rows for one indicator and quarter would conflict).
    """
    shown_under: dict[str, Objective] = {}

    def objective_rows(objective: Objective) -> Iterator[_Row]:
        ids = [i for i in objective.indicator_ids if i in selected]
        if not ids:
            return
        yield _Row("objective", f"Objetivo {objective.id}", _plain(objective.text))
        for ind_id in ids:
            if ind_id in shown_under:
                first = shown_under[ind_id]
                yield _Row("note", ind_id, f"{_plain(plan.indicators[ind_id].name)} · se reporta en el objetivo {first.id}, arriba")
                continue
            shown_under[ind_id] = objective
            yield _Row("indicator", indicator=plan.indicators[ind_id])

    if plan.axes:
        for axis in plan.axes:
            inner = [row for objective in plan.objectives_of(axis) for row in objective_rows(objective)]
            if inner:
                yield _Row("axis", f"Eje {axis.id}", _plain(axis.name))
                yield from inner
    else:
        for objective in plan.objectives:
            yield from objective_rows(objective)


def _columns(plan: Plan, cut: Cut, per_dependency: bool) -> list[tuple[Column, Cut | None]]:
    """The data sheet's columns: the schema's, the reported column once per earlier quarter of the
    year, the responsible column only where the plan names dependencies and the workbook is not
    one dependency's own."""
    with_responsible = not per_dependency and any(i.responsible for i in plan.indicators.values())
    out: list[tuple[Column, Cut | None]] = []
    for column in COLUMNS:
        if column.key == "responsible" and not with_responsible:
            continue
        if column.key == "reported":
            out.extend((column, Cut(cut.year, k)) for k in range(1, cut.quarter))
            continue
        out.append((column, None))
    return out


def _reported(execution: pd.DataFrame | None, year: int) -> dict[tuple[str, int], tuple[float | None, str | None]]:
    """(indicator, quarter) -> (value, comment) reported for `year`."""
    if execution is None or execution.empty:
        return {}
    rows = execution[execution["anio"] == year]
    return {
        (ind, int(q)): (None if pd.isna(v) else float(v), c if isinstance(c, str) else None)
        for ind, q, v, c in zip(rows["indicador"], rows["trimestre"], rows["valor"], rows["comentario"])
    }


def _number_format(value: float) -> str:
    return "#,##0" if float(value).is_integer() else "#,##0.0##"


def _unit_words(unit: Unit) -> str:
    if unit.is_percent:
        return "en puntos de 0 a 100"
    return "" if unit is Unit.NUMERO else f"en {unit.name}"


_PROMPT_LIMIT = 255  # characters of a data validation's input message, in Excel


def _value_rule(indicator: Indicator, cut: Cut) -> tuple[str, str, str, str]:
    """(input title, input message, error title, error message) of an indicator's value cell."""
    unit = _unit_words(indicator.unit)
    if indicator.annualization.is_level:
        what = f"El nivel alcanzado al cierre de {cut} (no lo que aumentó o disminuyó)"
    else:
        what = f"Lo ejecutado en {cut}, solo en ese trimestre (no el acumulado del año)"
    if indicator.unit.is_percent:
        rule = "Escriba 45 para 45 %."
        error = "Escriba un porcentaje de 0 a 100, sin el signo: 45 para 45 %. Vacío si no se reporta."
    else:
        rule = "Un número mayor o igual que 0."
        error = "Escriba un número mayor o igual que 0, sin texto ni unidades. Vacío si no se reporta."
    prompt = f"{what}{', ' + unit if unit else ''}. {rule} Vacío si no hubo reporte."
    if len(prompt) > _PROMPT_LIMIT:  # Excel refuses a longer input message; only a very long unit gets here
        prompt = f"{what}. {rule} Vacío si no hubo reporte."
    return f"Valor {cut}", prompt, "Valor no válido", error


def _style(cell, *, bold: bool = False, wrap: bool = False, fill: PatternFill | None = None, size: float = _SIZE,
           color: str | None = None, locked: bool = True, border: bool = True, align: str | None = None) -> None:
    cell.font = Font(name=_FONT, size=size, bold=bold, color=color)
    cell.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal=align)
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = _GRID
    cell.protection = Protection(locked=locked)


def build_template(
    plan: Plan,
    execution: pd.DataFrame | None,
    cut: Cut,
    slug: str,
    *,
    responsible: str | None = None,
    per_dependency: bool = False,
    deadline: date | None = None,
) -> Workbook:
    """The data-entry workbook of `cut` for the whole plan, or, with `per_dependency`, for the
    indicators of `responsible` only (None: those that name no dependency).

    `execution` is the seguimiento already reported (the reader's clean table; None or empty when
    there is none yet): the earlier quarters of the cut's year are shown, and a value or comment
    already reported for the cut is filled in. `deadline`, when given, is stated on both sheets.
    """
    selected = {
        i for i, ind in plan.indicators.items() if not per_dependency or ind.responsible == responsible
    }
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    columns = _columns(plan, cut, per_dependency)
    last_letter = get_column_letter(len(columns))
    dependency = (responsible or NO_RESPONSIBLE) if per_dependency else None
    _title_block(sheet, plan, cut, dependency, deadline)
    for at, (column, period) in enumerate(columns, start=1):
        cell = put(sheet, HEADER_ROW, at, column.title(cut, period))
        _style(cell, bold=True, wrap=True, fill=_HEADER_FILL, color="FFFFFF", align="center")
        sheet.column_dimensions[get_column_letter(at)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = 42
    reported = _reported(execution, cut.year)
    rules: dict[tuple[str, ...], DataValidation] = {}
    comment_rule = DataValidation(
        type=None, allow_blank=True, showInputMessage=True, promptTitle=f"Comentario {cut}",
        prompt="El avance cualitativo del trimestre: qué se hizo, por qué no se cumplió lo programado o por qué "
        "no hay reporte. Texto libre.",
    )
    row = HEADER_ROW
    for item in _rows(plan, selected):
        row += 1
        if item.kind != "indicator":
            _group_row(sheet, row, item, columns)
            fit_row_height(sheet, row)
            continue
        ind = item.indicator
        for at, (column, period) in enumerate(columns, start=1):
            value = _cell_value(column, period, ind, plan, cut, reported)
            cell = put(sheet, row, at, value)
            editable = column.editable
            _style(cell, wrap=column.wrap, fill=_EDIT_FILL if editable else _LOCKED_FILL, locked=not editable)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and column.key not in ("year", "quarter"):
                cell.number_format = "General" if editable else _number_format(value)
            if column.key == "value":
                rule = _value_rule(ind, cut)
                key = (str(ind.unit.is_percent), *rule)
                if key not in rules:
                    rules[key] = DataValidation(
                        type="decimal", operator="between" if ind.unit.is_percent else "greaterThanOrEqual",
                        formula1="0", formula2="100" if ind.unit.is_percent else None, allow_blank=True,
                        showInputMessage=True, showErrorMessage=True, errorStyle="stop",
                        promptTitle=rule[0], prompt=rule[1], errorTitle=rule[2], error=rule[3],
                    )
                rules[key].add(cell)
            elif column.key == "comment":
                comment_rule.add(cell)
        fit_row_height(sheet, row)
    for rule in rules.values():
        sheet.add_data_validation(rule)
    if comment_rule.sqref:
        sheet.add_data_validation(comment_rule)
    name_at = next(i for i, (c, _) in enumerate(columns, start=1) if c.key == "name")
    sheet.freeze_panes = f"{get_column_letter(name_at + 1)}{HEADER_ROW + 1}"  # the header and id, label, name stay
    _page_setup(sheet, f"A1:{last_letter}{max(row, HEADER_ROW)}")
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET), plan, cut, dependency, deadline, columns)
    identity = book.create_sheet(IDENTITY_SHEET)
    meanings = tuple(
        (item.indicator.id, indicator_meaning(plan, item.indicator.id))
        for item in _rows(plan, selected) if item.kind == "indicator"
    )
    identity_of = TemplateIdentity(slug, plan.entity, str(cut), plan_fingerprint(plan), dependency, meanings=meanings)
    for row, values in enumerate(identity_rows(identity_of), start=1):
        for at, value in enumerate(values, start=1):
            put(identity, row, at, value)
    identity.sheet_state = "veryHidden"
    identity.protection.sheet = True
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)  # sheets are not added, renamed or shown
    return book


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` wide (words kept whole)."""
    per_line = max(1, int(width * _CHARS_PER_WIDTH))
    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0
            used += (1 if used else 0) + len(word)
            while used > per_line:  # a word longer than the line breaks where it must
                count, used = count + 1, used - per_line
        lines += count
    return lines


def fit_row_height(sheet, row: int) -> None:
    """Give the row the height its tallest wrapped cell needs."""
    lines = 1
    for cell in sheet[row]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            width = sheet.column_dimensions[cell.column_letter].width
            lines = max(lines, _lines(cell.value, width))
    sheet.row_dimensions[row].height = lines * _LINE_HEIGHT + 3


def _cell_value(column: Column, period: Cut | None, ind: Indicator, plan: Plan, cut: Cut, reported) -> object:
    key = column.key
    if key == "id":
        return ind.id
    if key == "label":
        return ind.label
    if key == "name":
        return _plain(ind.name)
    if key == "responsible":
        return ind.responsible or ""
    if key == "annualization":
        return ind.annualization.value + (" (metas como nivel)" if ind.targets_are_levels else "")
    if key == "unit":
        return "número" if ind.unit is Unit.NUMERO else ind.unit.name
    if key == "baseline":
        return ind.baseline if ind.baseline is not None else "Sin línea base"
    if key == "year_target":
        return ind.stated_target(cut.year, plan.vigencia)
    if key == "quarter_target":
        quarterly = ind.quarterly_for(cut.year)
        return quarterly[cut.quarter - 1] if quarterly else None
    if key == "reported":
        value, _ = reported.get((ind.id, period.quarter), (None, None))
        return value
    if key == "year":
        return cut.year
    if key == "quarter":
        return cut.quarter
    if key == "value":
        return reported.get((ind.id, cut.quarter), (None, None))[0]
    if key == "comment":
        return reported.get((ind.id, cut.quarter), (None, None))[1]
    raise AssertionError(key)


def _group_row(sheet, row: int, item: _Row, columns) -> None:
    """An eje's or objective's title (or a note): no id, so the reader skips it."""
    fill = _AXIS_FILL if item.kind == "axis" else _OBJECTIVE_FILL
    at_label = next(i for i, (c, _) in enumerate(columns, start=1) if c.key == "label")
    at_name = next(i for i, (c, _) in enumerate(columns, start=1) if c.key == "name")
    for at in range(1, len(columns) + 1):
        cell = sheet.cell(row, at)
        _style(cell, fill=fill)
    label, text = put(sheet, row, at_label, item.label), put(sheet, row, at_name, item.text)
    italic = item.kind == "note"
    for cell in (label, text):
        _style(cell, bold=not italic, wrap=True, fill=fill)
        if italic:
            cell.font = Font(name=_FONT, size=_SIZE, italic=True)


def _title_block(sheet, plan: Plan, cut: Cut, dependency: str | None, deadline: date | None) -> None:
    lines = [
        (f"{_plain(plan.report_title or plan.title)} · {plan.entity}", 14, True),
        (
            f"Plantilla de seguimiento · corte {cut} ({quarter_span(cut)})"
            + (f" · Dependencia: {dependency}" if dependency else "")
            + (f" · Plazo para devolverla: {long_date(deadline)}" if deadline else ""),
            11, True,
        ),
        ("Escriba solo en las celdas de fondo amarillo claro (valor y comentario del trimestre); las demás están "
         f"protegidas. Cómo llenarla: hoja «{INSTRUCTIONS_SHEET}».", 10, False),
    ]
    for row, (text, size, bold) in enumerate(lines, start=1):
        cell = put(sheet, row, 1, text)
        _style(cell, bold=bold, size=size, border=False, color=_PRIMARY if row == 1 else None)
        sheet.row_dimensions[row].height = 20 if row == 1 else 16


def _page_setup(sheet, area: str) -> None:
    """A4 landscape, fit to the page's width, the header row on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = area
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Página &P de &N"
    sheet.oddFooter.center.size = 8


def instruction_lines(plan: Plan, cut: Cut, dependency: str | None, deadline: date | None, columns) -> list[tuple[str, str]]:
    """The instructions sheet's text: (style, line), style one of title, heading, text."""
    heading = {c.key: c.title(cut) for c, _ in columns}
    reported = [c.title(cut, p) for c, p in columns if c.key == "reported"]
    lines = [
        ("title", "Cómo llenar la plantilla de seguimiento"),
        ("text", f"{plan.entity} · {_plain(plan.report_title or plan.title)}"),
        ("text", f"Corte {cut}: trimestre de {quarter_span(cut)}."
         + (f" Dependencia: {dependency}." if dependency else "")),
    ]
    if deadline:
        lines.append(("text", f"Plazo: devuelva la plantilla diligenciada a más tardar el {long_date(deadline)}."))
    lines += [
        ("heading", "Qué llenar"),
        ("text", f"En la hoja «{DATA_SHEET}» cada indicador tiene una fila, agrupada por eje y objetivo. Escriba solo "
         f"en las celdas de fondo amarillo claro: «{heading['value']}» y «{heading['comment']}». Las demás celdas "
         "están protegidas: son el plan y lo ya reportado, como referencia."),
        ("text", "Si no hay dato para el trimestre, deje el valor vacío y explique en el comentario por qué. Si lo "
         "ejecutado fue cero, escriba 0."),
        ("heading", "Qué valor escribir según la anualización"),
        ("text", "suma: lo ejecutado en el trimestre, solo en él (no el acumulado del año). Si entre julio y "
         "septiembre se mejoraron 3 km de vías, escriba 3."),
        ("text", "creciente, decreciente y constante: el nivel alcanzado al cierre del trimestre (el valor del "
         "indicador el último día del trimestre), no lo que aumentó o disminuyó. Si la cobertura pasó de 90 % a "
         "95 %, escriba 95."),
        ("heading", "Las metas"),
        ("text", f"«{heading['year_target']}» es la meta del año como la escribe el plan. En los indicadores suma es "
         "lo que se debe ejecutar en el año; en los creciente y decreciente es lo que el año debe aumentar o "
         "disminuir el nivel, salvo que la anualización diga «metas como nivel»: entonces es el nivel que se debe "
         "alcanzar al final del año; en los constante, el nivel que se debe tener."),
        ("text", f"«{heading['quarter_target']}», cuando el plan la programa: lo que el trimestre debe aportar "
         "(suma, creciente, decreciente) o el nivel programado a su cierre (constante)."),
        ("heading", "Unidades"),
        ("text", "Porcentajes: escriba los puntos de 0 a 100, sin el signo (45 para 45 %); si escribe 45 % también "
         "se lee como 45. Números: con coma decimal (12,5). Otras unidades: en la unidad de la columna «Unidad de "
         "medida» (km, hectáreas, pesos ...). Ningún valor es negativo. Escriba números, no fórmulas."),
    ]
    if reported:
        lines.append(("text", f"Las columnas {', '.join('«' + r + '»' for r in reported)} muestran lo ya reportado en "
                      "el año: no se cambian aquí. Si uno está errado, avise a la oficina de planeación."))
    lines += [
        ("heading", "Devolución"),
        ("text", "Guarde el archivo como libro de Excel (.xlsx) y entréguelo a la oficina de planeación. No copie las "
         "filas a otro libro ni cambie los nombres de las hojas: el archivo lleva una hoja oculta que dice de qué "
         "plan y de qué corte es. Una plantilla de otro corte, o de una versión del plan que ya cambió, se rechaza "
         "con un mensaje que dice cómo generarla de nuevo."),
    ]
    return lines


def _instructions(sheet, plan: Plan, cut: Cut, dependency: str | None, deadline: date | None, columns) -> None:
    sheet.column_dimensions["A"].width = _INSTRUCTIONS_WIDTH
    sizes = {"title": (14, True), "heading": (11, True), "text": (10, False)}
    for row, (kind, text) in enumerate(instruction_lines(plan, cut, dependency, deadline, columns), start=1):
        cell = put(sheet, row, 1, text)
        size, bold = sizes[kind]
        _style(cell, bold=bold, size=size, wrap=True, border=False, color=_PRIMARY if kind != "text" else None)
        if kind == "heading":
            cell.alignment = Alignment(vertical="bottom")
            sheet.row_dimensions[row].height = 24
        elif kind == "text":  # 10 pt: a tenth fewer characters per line than the data sheet's 9 pt
            sheet.row_dimensions[row].height = _lines(text, _INSTRUCTIONS_WIDTH * 0.9) * (_LINE_HEIGHT + 1.5) + 4
    sheet.print_area = f"A1:A{sheet.max_row}"  # LibreOffice fits a sheet to the page only inside a print area
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.protection.sheet = True
