"""Check an entity's inputs without reporting: every problem at once, the cut, who has not reported.

`pei-report validar` is this module plus the annotated copies (`pipeline.workbooks.annotate`) and the
terminal's text: nothing here writes, imports Prefect or the renderers. The cut is chosen exactly
as `pei-report run` chooses it (`pipeline.core.periods.choose_cut`), so an entity that checks clean
is one `run` reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError, PipelineError, Problem, screen_lines
from pipeline.ingest.entities import Entity, find_entities, load_inputs, select_entities
from pipeline.ingest.checks import Execution, nothing_reported, reported_quarters, reporters_at
from pipeline.ingest.execution import load_execution
from pipeline.ingest.plan import PLAN_FILES, read_plan
from pipeline.ingest.sectors import load_sectors, sectors_file
from pipeline.ingest.settings import SETTINGS_FILE
from pipeline.ingest.shapes import FOLDER as EXECUTION_FOLDER, NO_EXECUTION_YET, first_execution_step
from pipeline.ingest.source import recording
from pipeline.core.model import Plan
from pipeline.core.command import suggest
from pipeline.core.periods import Cut, CutOutsidePlan, PeriodError, choose_cut, parse_period, today_in_bogota
from pipeline.core.settings import ReviewRule

__all__ = [
    "NO_RESPONSIBLE",
    "EntityCheck",
    "Missing",
    "check_entities",
    "check_entity",
    "check_lines",
    "closing_line",
    "missing_reports",
    "unreported_reports",
]

NO_RESPONSIBLE = "Sin responsable asignado"
"""The group of the indicators whose plan names no `responsable`."""


@dataclass(frozen=True)
class Missing:
    """An indicator of the plan with no value for the cut; `comment` is the seguimiento's note for
    that quarter when a row without value gives one (often why it was not reported)."""

    id: str
    name: str
    comment: str | None = None


@dataclass(frozen=True)
class EntityCheck:
    """What checking an entity's inputs found.

    `problems` each name their file and sheet (`InputError.located`); `ok` is False when there is
    a problem or the cut cannot be reported (`cut_error`, the message `run` would stop with).
    `cut` is None only when it cannot be chosen. `missing` (responsable -> indicators without a
    value for the cut's quarter, both in plan order: whom the office chases) and `unreported`
    (the indicators with no report in the cut's year up to the cut, which the report shows
    «Sin reporte»: `pipeline.core.attainment.unreported`, the report's own rule) are worked out
    (`counted`) when the plan and the seguimiento can be read.
    """

    entity: Entity
    name: str  # the plan's entidad, or the folder's name when the plan cannot be read
    files: tuple[Path, ...]  # the input files read, in reading order, and any other a problem names
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    cut: Cut | None = None
    cut_error: str | None = None
    cut_notes: tuple[str, ...] = ()  # why a default cut was chosen, as `run` says it
    missing: Mapping[str, tuple[Missing, ...]] = field(default_factory=dict)
    indicators: int = 0  # how many indicators the plan has (0 when it cannot be read)
    counted: bool = False  # whether `missing` was worked out (the plan and the seguimiento were read)
    unreported: tuple[Missing, ...] = ()
    outside: bool = False  # `cut_error` says the cut is outside the plan period
    skipped: str | None = None  # why a batch leaves the entity out (`run` does the same: docs/rules.md)
    next_step: str | None = None  # a valid plan and no seguimiento yet: what to do next (not ok: nothing to report)

    @property
    def ok(self) -> bool:
        return not self.problems and self.cut_error is None and self.next_step is None

    @property
    def missing_count(self) -> int:
        """How many indicators lack the cut quarter's figure (some may have reported earlier in the year)."""
        return sum(len(group) for group in self.missing.values())

    @property
    def unreported_count(self) -> int:
        """How many indicators the report will show «Sin reporte»."""
        return len(self.unreported)


def check_entities(input_dir: Path, period: str | None, entity: str | None, today: date | None = None) -> list[EntityCheck]:
    """Check every entity under `input_dir` (or only `entity`); one that cannot be read does not
    stop the others. A bad `input_dir` or `entity` is an `InputError`; a malformed period a `PeriodError`."""
    if period:
        parse_period(period)  # a malformed period fails before any work
    entities = select_entities(find_entities(input_dir), entity, input_dir)
    today = today or today_in_bogota()
    return _skip_outside(entities, period, [check_entity(e, period, today) for e in entities])


def _skip_outside(entities: list[Entity], period: str | None, checks: list[EntityCheck]) -> list[EntityCheck]:
    """In a batch, an entity whose only trouble is a cut outside its plan is skipped, as `run`
    skips it; unless no entity of the batch covers the cut."""
    outside = [c.outside and not c.problems for c in checks]
    if len(entities) < 2 or all(outside):
        return checks
    return [
        replace(c, cut_error=None, skipped=f"Corte {period} omitido en este lote: {c.cut_error}") if out else c
        for c, out in zip(checks, outside)
    ]


def check_sectors(input_dir: Path) -> InputError | None:
    """sectores.yaml's problems, checked against the entity folders of `input_dir` (None: no file,
    or a valid one; a single entity's folder has no sectors)."""
    if not sectors_file(input_dir).exists():
        return None
    try:
        load_sectors(input_dir, [e.slug for e in find_entities(input_dir)])
    except InputError as error:
        return error
    return None


def check_entity(entity: Entity, period: str | None, today: date | None = None) -> EntityCheck:
    """Read and check one entity's plan.yaml, configuracion.yaml and seguimiento, and the cut `run`
    would report at `period` (None: the default cut on `today`, a date in Bogotá)."""
    today = today or today_in_bogota()
    with recording() as read:
        try:
            inputs = load_inputs(entity.folder)
        except InputError as error:
            inputs, problems, read_warnings = None, tuple(error.located()), error.warnings
        else:
            problems = ()
    files = _files(entity.folder, [s.path for s in read], problems)
    if inputs is not None:
        return _readable(entity, period, today, inputs.plan, inputs.execution, inputs.warnings, files,
                         review=inputs.settings.review)
    try:
        plan, plan_warnings = read_plan(entity.folder)
    except PipelineError:
        plan, plan_warnings = None, ()
    if plan is not None and problems and all(p.found == NO_EXECUTION_YET for p in problems):
        return _waiting(entity, period, plan, _files(entity.folder, [s.path for s in read], ()), plan_warnings)
    if plan is not None and all(Path(p.file).name == SETTINGS_FILE for p in problems):
        # Only the report's settings are wrong: the seguimiento still says the cut and who reported.
        try:
            execution = load_execution(entity.folder, plan)
        except InputError:
            pass
        else:
            warnings = (*plan_warnings, *execution.warnings)
            return _readable(entity, period, today, plan, execution, warnings, files, problems)
    # What could be read still says its warnings (docs: validar lists problems and warnings at once).
    return replace(_unreadable(entity, period, plan, files, problems), warnings=tuple(read_warnings))


def _readable(
    entity: Entity, period: str | None, today: date, plan: Plan, execution: Execution, warnings: tuple[Problem, ...],
    files: tuple[Path, ...], problems: tuple[Problem, ...] = (), review: ReviewRule = ReviewRule(),
) -> EntityCheck:
    """An entity whose plan and seguimiento can be read: the cut, and who has not reported at it."""
    base = EntityCheck(entity, plan.entity, files, problems, warnings, indicators=len(plan.indicators))
    try:
        choice = choose_cut(period, plan.vigencia, plan.period, reported_quarters(execution.table), today)
    except PeriodError as error:
        return replace(base, cut_error=str(error), outside=isinstance(error, CutOutsidePlan))
    cut = choice.cut
    empty = nothing_reported(execution, cut.year, cut.quarter)
    return replace(
        base,
        warnings=(*warnings, *([empty] if empty else []), *plausibility_warnings(plan, execution, cut, review)),
        cut=cut,
        cut_notes=tuple(choice.explained(reporters_at(execution.table, cut.year, cut.quarter), len(plan.indicators))),
        missing=missing_reports(plan, execution.table, cut),
        unreported=unreported_reports(plan, execution.table, cut),
        counted=True,
    )


def plausibility_warnings(plan: Plan, execution: Execution, cut: Cut, review: ReviewRule = ReviewRule()) -> list[Problem]:
    """What the report will flag for the office to check, said at the cell where it shows: a
    creciente level that fell (a decreciente one that rose) between two reports up to the cut, a
    negative attainment of the cut's year, a «dato por revisar» (a value many times its year's
    target or its own history, `pipeline.core.plausibility`), or an attainment of the year with two
    starting points (a level target without the year before's report). Warnings, not problems: the level may
    really have moved that way, and then the comment should say why."""
    from pipeline.core.attainment import plan_attainment
    from pipeline.report.document import (
        REVIEW_HINT, REVIEW_WORDS, amount_text, level_change_text, mixed_start_text, outlier_text, wrong_way,
    )
    from pipeline.core.plausibility import mixed_starts, outliers
    from pipeline.ingest.settings import load_settings
    from pipeline.core.model import Annualization

    bands = load_settings().bands  # the flags do not depend on the bands
    result = plan_attainment(plan, execution.table, cut, bands)
    warnings = []
    for ind_id, found in outliers(plan, execution.table, result, review).items():
        ind = plan.indicators[ind_id]
        for o in found:
            warnings.append(Problem(
                f"en el indicador «{ind_id}» {outlier_text(ind, o)}",
                "un valor del orden de la meta del año y de lo que el indicador reportó antes",
                hint=(f"{REVIEW_HINT[0].upper()}{REVIEW_HINT[1:]}: si está errado, corríjalo; si es cierto, explique en "
                      f"el comentario por qué. El reporte lo marca «{REVIEW_WORDS}»."),
                **_value_cell(execution, ind_id, o.quarter),
            ))
    for ind_id, m in mixed_starts(plan, execution.table, result).items():
        ind, level = plan.indicators[ind_id], result.indicators[ind_id].executed_plan
        at = _latest_report(execution, ind_id, cut)
        warnings.append(Problem(
            f"que en el indicador «{ind_id}» ({ind.annualization.value}, metas como nivel) "
            f"{mixed_start_text(ind, m, level)}: su avance {cut.year} mezcla dos puntos de partida",
            f"el nivel de cierre de {m.year - 1} en el seguimiento (el de {m.year - 1}-T4, o el último trimestre "
            f"que se reportó)",
            hint=(f"Reporte el nivel de {ind_id} al cierre de {m.year - 1}; mientras falte, el reporte muestra el "
                  "avance tal como lo calculan las reglas y lo marca para revisar."),
            **(_value_cell(execution, ind_id, at) if at else {"file": execution.path}),
        ))
    for ind_id, r in result.indicators.items():
        if not r.flagged:
            continue
        ind = plan.indicators[ind_id]
        ought = "no baje" if ind.annualization is Annualization.CRECIENTE else "no suba"
        kind = f"«{ind_id}» ({ind.annualization.value})"
        hint = ("Revise el dato con la dependencia: si está errado, corríjalo; si es cierto, explique en el "
                "comentario por qué. El reporte lo marca para revisar.")
        for inc in r.inconsistencies:
            warnings.append(Problem(
                f"que el nivel del indicador {kind} {level_change_text(ind, inc)}",
                f"un nivel que {ought} de un trimestre a otro", hint=hint,
                **_value_cell(execution, ind_id, inc.current),
            ))
        if r.negative and not r.inconsistencies and r.start_level is not None and r.executed_plan is not None:
            at = _latest_report(execution, ind_id, cut)
            warnings.append(Problem(
                f"que el nivel del indicador {kind} {wrong_way(ind)} en {cut.year} a {amount_text(r.executed_plan, unit=ind.unit)} "
                f"desde {amount_text(r.start_level, unit=ind.unit)} al inicio del año: un avance negativo",
                f"un nivel que {ought} en el año", hint=hint,
                **(_value_cell(execution, ind_id, at) if at else {"file": execution.path}),
            ))
    return warnings


def _latest_report(execution: Execution, ind_id: str, cut: Cut) -> tuple[int, int] | None:
    """(year, quarter) of the indicator's latest value in the cut's year, up to the cut."""
    t = execution.table
    rows = t[(t["indicador"] == ind_id) & (t["anio"] == cut.year) & (t["trimestre"] <= cut.quarter) & t["valor"].notna()]
    return (cut.year, int(rows["trimestre"].max())) if len(rows) else None


def _value_cell(execution: Execution, ind_id: str, quarter: tuple[int, int]) -> dict:
    """Where an indicator's value of (year, quarter) is: file, sheet, row, column and letter."""
    t = execution.table
    at = t.index[(t["indicador"] == ind_id) & (t["anio"] == quarter[0]) & (t["trimestre"] == quarter[1])]
    if not len(at):
        return {"file": execution.path}
    k = int(at[0])
    path, sheet, heading, letter = execution.cells[k]
    return {"file": path, "sheet": sheet, "row": int(t["fila"].iat[k]), "column": heading, "column_letter": letter}


def _waiting(
    entity: Entity, period: str | None, plan: Plan, files: tuple[Path, ...], warnings: tuple[Problem, ...]
) -> EntityCheck:
    """A new entity with a valid plan and no seguimiento yet: the plan checks, and the next step is
    the dependencies' templates (for the cut asked, or the one `run` would choose)."""
    check = replace(_unreadable(entity, period, plan, files, ()), warnings=warnings)
    return replace(check, next_step=f"Aún no hay seguimiento: {first_execution_step(entity.folder, check.cut)}.")


def _unreadable(
    entity: Entity, period: str | None, plan: Plan | None, files: tuple[Path, ...], problems: tuple[Problem, ...]
) -> EntityCheck:
    """An entity whose plan or seguimiento cannot be read: the plan, if it can, still names the
    entity and checks a given period."""
    base = EntityCheck(entity, plan.entity if plan else entity.slug, files, problems,
                       indicators=len(plan.indicators) if plan else 0)
    if not period:  # the default cut needs a seguimiento that can be read
        return base
    try:
        cut = choose_cut(period, plan.vigencia, plan.period, [], date.min).cut if plan else parse_period(period)
    except PeriodError as error:
        return replace(base, cut_error=str(error), outside=isinstance(error, CutOutsidePlan))
    return replace(base, cut=cut)


def _files(folder: Path, read: list[Path], problems: tuple[Problem, ...]) -> tuple[Path, ...]:
    """The entity's input files read (not the packaged defaults), then any other file or folder a problem names."""
    own = [p for p in read if p.parent in (folder, folder / EXECUTION_FOLDER)]
    named = [Path(p.file) for p in problems if p.file is not None]
    return tuple(dict.fromkeys([*own, *named]))


def missing_reports(plan: Plan, table: pd.DataFrame, cut: Cut) -> dict[str, tuple[Missing, ...]]:
    """The plan's indicators with no value for the cut's year and quarter, grouped by responsable
    (`NO_RESPONSIBLE` for those without one); groups and indicators in the plan's order."""
    at = table[(table["anio"] == cut.year) & (table["trimestre"] == cut.quarter)]
    reported = set(at.loc[at["valor"].notna(), "indicador"])
    comments = {i: c for i, c in zip(at["indicador"], at["comentario"]) if isinstance(c, str) and c.strip()}
    groups: dict[str, list[Missing]] = {}
    for indicator in plan.indicators.values():
        if indicator.id not in reported:
            group = groups.setdefault(indicator.responsible or NO_RESPONSIBLE, [])
            group.append(Missing(indicator.id, indicator.name, comments.get(indicator.id)))
    return {responsible: tuple(group) for responsible, group in groups.items()}


def unreported_reports(plan: Plan, table: pd.DataFrame, cut: Cut) -> tuple[Missing, ...]:
    """The indicators the report shows «Sin reporte» at `cut` (nothing reported in its year up to
    it), in plan order, with the cut quarter's comment when a row without value gives one."""
    from pipeline.core.attainment import unreported

    at = table[(table["anio"] == cut.year) & (table["trimestre"] == cut.quarter)]
    comments = {i: c for i, c in zip(at["indicador"], at["comentario"]) if isinstance(c, str) and c.strip()}
    return tuple(Missing(i, plan.indicators[i].name, comments.get(i)) for i in unreported(plan, table, cut))


# --- what the terminal says ------------------------------------------------------------------------


def _shown(path: Path, folder: Path) -> str:
    """An input's name as the office knows it: its path inside the entity folder."""
    try:
        relative = Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return str(path)
    if relative == Path("."):
        return f"carpeta {Path(folder).resolve().name}/"
    return f"carpeta {relative.as_posix()}/" if Path(path).is_dir() else relative.as_posix()


def _count(n: int, word: str) -> str:
    """`1 problema`, `30.000 problemas`, `3 indicadores`: Spanish plurals (a word ending in a
    consonant takes -es)."""
    plural = word + ("s" if word[-1] in "aeiouáéó" else "es")
    return f"{n:,}".replace(",", ".") + f" {word if n == 1 else plural}"


def check_lines(check: EntityCheck, copies: Mapping[Path, Path] | None = None) -> list[str]:
    """The terminal's lines for one entity: each file with its problems (alike ones grouped, as
    `run` shows them) and warnings, the annotated copy of each (`copies`: input -> copy), the cut,
    and who has not reported, by responsable."""
    copies = copies or {}
    folder = check.entity.folder
    cut = f"corte {check.cut}" if check.cut else ("omitida" if check.skipped else "corte por definir")
    lines = [f"{check.name} ({check.entity.slug}) · {cut}"]
    lines += [f"  {note}" for note in check.cut_notes]
    sections: dict[tuple[Path, str | None], list[Problem]] = {}
    for p in check.problems:
        sections.setdefault((Path(p.file), p.sheet), []).append(p)
    warned: dict[Path, list[Problem]] = {}
    for w in check.warnings:
        warned.setdefault(Path(w.file) if w.file is not None else folder, []).append(w)
    plan_broken = any(Path(p.file).name in PLAN_FILES for p in check.problems if p.file is not None)
    for path in dict.fromkeys([*check.files, *warned]):
        mine = [(sheet, problems) for (file, sheet), problems in sections.items() if file == path]
        if not mine and plan_broken and path.name not in (*PLAN_FILES, SETTINGS_FILE):
            lines.append(f"  {_shown(path, folder)}: sin problemas frente a lo que se pudo leer del plan (los "
                         "indicadores, años y porcentajes de la parte válida; el resto se revisa cuando se corrija el plan)")
        elif not mine:
            lines.append(f"  {_shown(path, folder)}: sin problemas")
        for sheet, problems in mine:
            place = _shown(path, folder) + (f" (hoja «{sheet}»)" if sheet else "")
            lines.append(f"  {place}: {_count(len(problems), 'problema')}")
            lines += [f"    - {line}" for line in screen_lines(problems)]
        lines += [f"    Aviso: {w.line()}" for w in warned.get(path, [])]
        if path in copies:
            lines.append(f"    Copia marcada para revisar: {copies[path]}")
    if check.skipped:
        return [*lines, f"  {check.skipped}"]
    if check.next_step and check.cut_error is None:
        return [*lines, f"  {check.next_step}"]
    if check.cut_error:
        lines.append(f"  Corte: {check.cut_error}")
    elif check.cut is None:
        lines.append("  El corte por defecto se elige cuando el seguimiento se pueda leer (o indíquelo con --period).")
    if check.counted:
        lines += _missing_lines(check)
    elif check.cut is not None:
        lines.append("  La lista de indicadores sin reporte sale cuando se corrijan los problemas.")
    return lines


def _missing_lines(check: EntityCheck) -> list[str]:
    """Who the report will show «Sin reporte» (the report's count), then, under its own heading,
    who still lacks the cut quarter's figure, by responsable (whom the office chases)."""
    total, year = check.indicators, check.cut.year if check.cut else ""
    if check.unreported:
        lines = [
            f"  Sin reporte en {year} al corte {check.cut}: {check.unreported_count} de {total} indicadores "
            f"(no impide generar el reporte: saldrán como «Sin reporte»)."
        ]
        lines += [f"    - {m.id} {m.name}" + (f" (comentario: «{m.comment}»)" if m.comment else "") for m in check.unreported]
    else:
        lines = [f"  Todos los indicadores tienen reporte en {year} al corte {check.cut} ({total} de {total})."]
    if not check.missing:
        return [*lines, f"  Todos tienen el dato de {check.cut}."]
    earlier = check.missing_count - check.unreported_count
    lines.append(
        f"  Sin el dato de {check.cut}: {check.missing_count} de {total} indicadores"
        + (f" ({earlier} reportaron antes en {year}: el reporte usa su último dato)" if earlier else "")
        + "; pídalo a cada responsable:"
    )
    for responsible, group in check.missing.items():
        lines.append(f"    {responsible} ({len(group)}):")
        for m in group:
            note = f" (comentario: «{m.comment}»)" if m.comment else ""
            lines.append(f"      - {m.id} {m.name}{note}")
    return lines


def closing_line(checks: list[EntityCheck], run_options: str = "", marked: bool = True, given: str | None = None) -> str:
    """The last line: what to fix, or the `run` command that will now work (with `run_options`,
    the options of this check that `run` takes too). `marked`: whether marked copies were written;
    `given`: the --period this check was given, repeated in the `validar` command to run again."""
    bad = [c for c in checks if not c.ok]
    if bad and all(c.next_step and not c.problems and c.cut_error is None for c in bad):
        cuts = {str(c.cut) for c in bad if c.cut}
        again = suggest("validar" + run_options + (f" --period {cuts.pop()}" if len(cuts) == 1 else ""))
        names = ", ".join(c.entity.slug for c in bad)
        plans = ("El plan está" if len(checks) == 1 else f"El plan de {names} está") if len(bad) == 1 else f"Los planes de {names} están"
        return (f"{plans} sin problemas; falta el seguimiento (el paso siguiente está arriba). "
                f"Cuando los libros estén en su carpeta, revíselos con `{again}`.")
    if bad:
        problems = sum(len(c.problems) + (c.cut_error is not None) for c in bad)
        entities = f" en {len(bad)} de {len(checks)} entidades" if len(checks) > 1 else ""
        if all(c.outside and not c.problems for c in bad):  # the files are fine: the option is what to change
            return (
                f"El corte pedido (--period {given}) está fuera del periodo del plan{entities}: no hay nada que corregir "
                f"en los archivos. Vuelva a ejecutar con un --period dentro del plan (la línea «Corte» de arriba dice "
                f"cuáles), o sin --period para revisar el corte que elegiría run: `{suggest('validar' + run_options)}`."
            )
        where = " (las copias marcadas dicen dónde)" if marked else ""
        again = suggest("validar" + run_options + (f" --period {given}" if given else ""))
        return (
            f"Hay {_count(problems, 'problema')} por corregir{entities}: {'corríjalo' if problems == 1 else 'corríjalos'} "
            f"en los archivos originales{where} y vuelva a ejecutar `{again}`."
        )
    cuts = {str(c.cut) for c in checks if not c.skipped}
    period = f" --period {cuts.pop()}" if len(cuts) == 1 else ""
    text = f"Todo listo para `{suggest('run' + run_options + period)}`"
    if len(checks) > 1 and not period:
        text += " (cada entidad con el corte indicado arriba)"
    missing = sum(c.unreported_count for c in checks)
    if missing:
        text += f"; {_count(missing, 'indicador')} sin reporte saldrá{'' if missing == 1 else 'n'} como «Sin reporte»"
    return text + "."
