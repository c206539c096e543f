"""The checks of a seguimiento's rows, and the questions asked of the clean table.

`validate_execution` checks every cell of a `RawTable` against the plan (or against the valid
parts of a plan that is not valid, `PlanOutline`) and returns the clean, typed `Execution`, or
raises every `Problem` of the file at once: cells that cannot be read, a quarter reported twice,
a returned template of another entity, cut or version of the plan. What the report does not stop
for is a warning: values that look like fractions of a percentage, comments the report's font
cannot draw. `reported_quarters`, `reporters_at` and `nothing_reported` ask the clean table what
was reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from pipeline.core.characters import REFUSED_HINT, excel_decoded, refused_at
from pipeline.core.formatting import number as shown_number
from pipeline.core.model import Annualization, Indicator, Plan, Unit
from pipeline.core.periods import Cut, parse_period
from pipeline.core.text import missing_glyphs
from pipeline.errors import InputError, PipelineError, Problem
from pipeline.ingest.cells import (
    _Bad, _comment, _indicator, _letter, _quarter, _shown, _suggester, _value, _year,
)
from pipeline.ingest.coverage import font_problem
from pipeline.ingest.headings import COLUMNS, FIELDS
from pipeline.ingest.shapes import RawTable, _entity_folder
from pipeline.ingest.template_schema import IDENTITY_SHEET

__all__ = [
    "FRACTION_GAP",
    "Execution",
    "PlanOutline",
    "nothing_reported",
    "reported_quarters",
    "reporters_at",
    "validate_execution",
]

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


def _refused_headings(raw: RawTable) -> Iterator[Problem]:
    """The headings read with a character no output can hold (`characters.refused`)."""
    headings = [(f, h, raw.letters.get(f)) for f, h in raw.headings.items()]
    headings += [(None, h, _letter(raw.path, pos)) for pos, h in (raw.periods or {}).items()]
    for _, heading, letter in headings:
        where = refused_at(excel_decoded(heading))
        if where:
            yield Problem(_shown(heading), "un encabezado sin caracteres de control ni no-caracteres", row=raw.header_row,
                          column=heading, column_letter=letter, hint=f"El encabezado {where}. {REFUSED_HINT}")


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


def _fraction_reference(indicator: Indicator, year: int, vigencia: int) -> tuple[float, str]:
    """The target a porcentaje's reported values are read against, and its name in the message:
    the target of the values' (latest) year as the plan writes it (a level for constante and for
    creciente/decreciente targets given as levels, what the year adds up for suma); a creciente or
    decreciente whose year targets are increments (2 p. p.) has levels to compare only in the
    plan's target, which is a level."""
    stated = indicator.stated_target(year, vigencia)
    increments = indicator.annualization in (Annualization.CRECIENTE, Annualization.DECRECIENTE) and not indicator.targets_are_levels
    if stated is None or increments:
        return indicator.plan_target, "meta del plan"
    return stated, f"meta de {year}"


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
        target, named = _fraction_reference(indicator, int(rows["anio"].max()), plan.vigencia)
        if (values <= 1).all() and (values > 0).any() and target > 1:
            shown = ", ".join(shown_number(v) for v in values.head(4)) + (", ..." if len(values) > 4 else "")
            found = (f"que todos los valores del indicador «{ind_id}» (un porcentaje, {named}: {shown_number(target)}) "
                     f"son 1 o menos ({shown}): parecen fracciones (0,97 por 97 %)")
            yield ind_id, problem(found, int(rows["fila"].iloc[0]), "97")
            continue
        # One value typed as a fraction among the others (0,88 where 85 and 90 stand beside it).
        small = rows[(values > 0) & (values <= 1)]
        big = values[values > 1]
        if len(small) and len(big) and max(indicator.plan_target, target) > 1 and big.min() >= FRACTION_GAP * small["valor"].max():
            cells = ", ".join(f"{shown_number(v)} ({y}-T{q})" for v, y, q in zip(small["valor"], small["anio"], small["trimestre"]))
            found = (f"que el indicador «{ind_id}» (un porcentaje) tiene {cells} entre valores de "
                     f"{shown_number(big.min())} a {shown_number(big.max())}: parece una fracción (0,88 por 88 %)")
            yield ind_id, problem(found, int(small["fila"].iloc[0]), "88")


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
