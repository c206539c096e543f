"""What the report says, before any output lays it out: the document model.

Key figures, the traffic-light tally, the attention items, the plan's texts, one section per eje
and per objective with its indicators' table, each figure with its data and its description, and
the comments of the cut. Every Spanish word and every formatted number of the report is decided
here, once; the slide layout (`pipeline.report.layout`), the web page and the Prefect summary draw from
this model and add no wording of their own beyond their own navigation. Nothing here knows of
slides, points or files.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from pipeline.core.approval import WATERMARK, Decision
from pipeline.core.attainment import (
    Attainment, Inconsistency, IndicatorResult, PlanResult, Status, objective_attainment, plan_series,
)
from pipeline.report.chart_layout import series_names
from pipeline.report.changes import Comparison, FigureChange, IndicatorChange, compare
from pipeline.core.formatting import long_date, number, percent
from pipeline.core.model import Annualization, Indicator, Objective, Plan, Unit
from pipeline.core.periods import Cut
from pipeline.core.plausibility import MixedStart, Outlier, mixed_starts, outliers
from pipeline.core.settings import ReviewRule, TrafficLight, TrafficLightBands
from pipeline.core.text import Run, plain, runs

__all__ = [
    "ReportStatus",
    "Document", "KeyFigure", "LightTally", "AttentionItem", "Column", "TableRow", "DataTable", "FigureSeries",
    "Figure", "ObjectiveSection", "AxisSection", "Comment", "CommentGroup", "build_document", "indicator_name",
    "TABLE_COLUMNS", "attainment_text", "value_text", "amount_text", "light_label", "indicators_label", "count_text", "short",
    "ANNEX_TITLE", "continued", "Headings", "HEADINGS", "lowered", "ChangeItem", "ChangesSection", "points_text",
    "CHANGES_TITLE", "cut_label", "PATH_TITLE",
]

NBSP = "\u00a0"

_ANNUALIZATION = {
    Annualization.SUMA: "Suma",
    Annualization.CRECIENTE: "Creciente",
    Annualization.DECRECIENTE: "Decreciente",
    Annualization.CONSTANTE: "Constante",
}
TABLE_COLUMNS = (
    "{heading}", "Anualización", "Programación {plan}", "Programación {year}",
    "Ejecutado {year}", "Avance {year}", "Ejecutado {plan}", "Avance {plan}", "Semáforo",
)
TABLE_ALIGN = ("left", "left", "right", "right", "right", "right", "right", "right", "center")
# What each column holds, for the layout's widths; a one-year plan may leave out PLAN_COLUMNS.
TABLE_KEYS = (
    "name", "annualization", "plan_target", "year_target", "year_executed", "year_attainment", "plan_executed",
    "plan_attainment", "light",
)
PLAN_COLUMNS = frozenset({"plan_target", "plan_executed", "plan_attainment"})
POINTS = "p.\u00a0p."  # percentage points: what a porcentaje level's change is measured in
MINUS = "\u2212"
ANNEX_TITLE = "Indicadores que requieren atención"
REVIEW_KIND = "dato_por_revisar"
REVIEW_WORDS = "dato por revisar"
REVIEW_HINT = "revise con la dependencia si se digitó en otra unidad (metros por kilómetros, pesos por millones)"


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """A headline figure: `Avance de la vigencia 2024` `80,0 %`, with its light when it has one."""

    label: str
    value: str
    light: TrafficLight | None = None

    @property
    def light_word(self) -> str | None:
        return self.light.label if self.light is not None else None


@dataclass(frozen=True)
class LightTally:
    """How many indicators have one level of the scale: its word, what it means, the count.
    The document's tallies cover every level, sin reporte and N/A included, and add up to the
    plan's indicators."""

    light: TrafficLight
    label: str
    meaning: str
    count: int


@dataclass(frozen=True)
class AttentionItem:
    """An indicator the office must look at: who, where, every reason (one sentence), how severe
    (0 most). `where` names the light in words, so colour is never the only signal."""

    indicator: str
    light: TrafficLight
    where: str
    reasons: str
    severity: int
    kinds: tuple[str, ...] = ()  # what it is about, for whoever sorts them: REVIEW_KIND for a value to check

    @property
    def parts(self) -> tuple[Run, ...]:
        return (Run(f"{self.indicator} ", bold=True), Run(f"({self.where}): "), Run(self.reasons))


@dataclass(frozen=True)
class Column:
    heading: str
    align: str  # "left" | "right" | "center"
    numeric: bool = False
    key: str = ""  # what it holds (one of TABLE_KEYS in an objective's table)


@dataclass(frozen=True)
class TableRow:
    """A row of cells (each a run of text); `header` is the cell that names the row."""

    cells: tuple[tuple[Run, ...], ...]
    light: TrafficLight | None = None
    header: int = 0


@dataclass(frozen=True)
class DataTable:
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class FigureSeries:
    """One series of a figure. `role` is "indicator", "achieved" or "expected"; `name` is short
    (for a legend or an axis), `full_name` is the whole name (for tables and descriptions)."""

    name: str
    values: tuple[float | None, ...]
    role: str
    full_name: str = ""
    labels: tuple[str, ...] = ()  # each value as said: `87,5 %`, `sin reporte`, `N/A` (empty: not given)


@dataclass(frozen=True)
class Figure:
    """A chart's content: what it shows (title, subtitle), its categories and series in percent,
    a description that says every value (alternative text) and a note. No form, no colours: each
    output chooses how to draw it."""

    key: str
    title: str
    subtitle: str
    categories: tuple[str, ...]
    series: tuple[FigureSeries, ...]
    description: str
    note: str | None = None
    missing: str = "sin dato"
    long_categories: tuple[str, ...] = ()  # each category in full (`Objetivo 3: Fortalecer ...`), where there is room
    at_cut: Figure | None = None  # a quarterly figure's indicators at the cut, each against its own expected
    category_heading: str = "Categoría"  # what a category is, for the data table: «Objetivo», «Indicador»

    def _said(self, series: FigureSeries, n: int) -> str:
        if series.labels:
            return series.labels[n]
        value = series.values[n]
        return percent(value) if value is not None else self.missing

    def table(self) -> DataTable:
        """The figure's data as a table, long side down: one row per series and a column per
        category (an objective's indicators over the quarters), or one row per category and a
        column per series (34 objectives against what was expected of each)."""
        caption = f"Datos del gráfico: {self.title}"
        if len(self.series) >= len(self.categories):
            columns = (Column("Serie", "left"), *(Column(c, "right", numeric=True) for c in self.categories))
            rows = tuple(
                TableRow(((Run(s.full_name or s.name),), *((Run(self._said(s, n)),) for n in range(len(self.categories)))))
                for s in self.series
            )
            return DataTable(caption, columns, rows)
        names = self.long_categories or self.categories
        columns = (Column(self.category_heading, "left"), *(Column(s.name, "right", numeric=True) for s in self.series))
        rows = tuple(
            TableRow(((Run(name),), *((Run(self._said(s, n)),) for s in self.series)))
            for n, name in enumerate(names)
        )
        return DataTable(caption, columns, rows)


@dataclass(frozen=True)
class ObjectiveSection:
    id: int
    heading: str  # "Objetivo 1"
    text: tuple[Run, ...]
    detail_text: tuple[Run, ...]
    indicators: int
    attainment: str
    plan_attainment: str
    light: TrafficLight
    table: DataTable
    quarterly: Figure
    review_note: str | None = None  # what its «dato por revisar» does to its attainment
    path: Figure | None = None  # its attainment of the plan and of the year at every cut of the plan period

    @property
    def light_word(self) -> str:
        return self.light.label

    @property
    def count_label(self) -> str:
        return f"{indicators_label(self.indicators)} · {self.light_word}"


@dataclass(frozen=True)
class AxisSection:
    id: str
    name: str
    key_figures: tuple[KeyFigure, ...]
    light: TrafficLight
    year_attainment: str
    plan_attainment: str
    objective_ids: tuple[int, ...]

    @property
    def light_word(self) -> str:
        return self.light.label


@dataclass(frozen=True)
class Headings:
    """The names of the report's parts, the same in every output (a slide's title, a page's
    heading, the Prefect summary's section)."""

    summary: str = "Resumen ejecutivo"
    lights: str = "Indicadores por semáforo"
    axes: str = "Avance por eje"
    attention: str = "Requieren atención"
    framework: str = "Marco estratégico"
    normative: str = "Objetivo del Plan y normatividad asociada"
    mission: str = "Misión"
    vision: str = "Visión"
    objectives: str = "Objetivos estratégicos"
    axis_kicker: str = "Eje estratégico"
    details: str = "Metas e indicadores"
    comments: str = "Comentarios"
    downloads: str = "Descargas"
    changes: str = "Cambios desde el corte anterior"


HEADINGS = Headings()


@dataclass(frozen=True)
class Comment:
    """A comment of the cut: the indicator it is about (its label in bold, then its name) and its text."""

    indicator: tuple[Run, ...]
    text: str

    @property
    def heading(self) -> str:
        return plain(self.indicator)


@dataclass(frozen=True)
class CommentGroup:
    """The comments of one objective's indicators, headed by the objective (and its eje, with ejes)."""

    heading: str
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class ChangeItem:
    """One indicator's change since the previous cut, as a line: who, how (`empeora · de amarillo
    a rojo`: the trend and the semáforo in words beside the dot of its current colour), and what
    changed (one sentence)."""

    indicator: str
    light: TrafficLight
    how: str
    what: str
    rank: int = 8  # the severity rule's number (`pipeline.report.changes.IndicatorChange.rank`): 7 an improvement

    @property
    def parts(self) -> tuple[Run, ...]:
        return (Run(f"{self.indicator} ", bold=True), Run(f"({self.how}): "), Run(self.what))


@dataclass(frozen=True)
class ChangesSection:
    """«Cambios desde el corte anterior»: `items` are the indicators with something to say, most
    severe first; `unchanged` counts the others; `note` replaces the list when there is no
    comparison (the plan's first cut, cuts not comparable) and says why; `remarks` are lines
    about the comparison itself; `table` has every indicator (the web page, the summary)."""

    title: str
    intro: str | None
    items: tuple[ChangeItem, ...]
    unchanged: str | None
    note: str | None
    remarks: tuple[str, ...]
    table: DataTable | None
    improvements_elsewhere: str | None = None  # what an output that lists only the items before the improvements says of them


@dataclass(frozen=True)
class ReportStatus:
    """Where the report stands in its approval (docs/contract.md): a draft carries `watermark` on
    every slide and PDF page and as the web page's banner; an approved report states `approval`
    («Aprobado por …») on the closing slide and the web page. Neither: no approval workflow."""

    watermark: str | None = None
    approval: str | None = None

    @classmethod
    def draft(cls) -> ReportStatus:
        return cls(watermark=WATERMARK)

    @classmethod
    def approved(cls, decision: Decision) -> ReportStatus:
        return cls(approval=decision.line)


@dataclass(frozen=True)
class Document:
    """The whole report of one cut, as data."""

    title: str  # the report's title, "Plan Estratégico Institucional 2024"
    plan_title: str
    entity: str
    period: str  # "2024-T3"
    year: int
    plan_period: tuple[int, int]
    subtitle: str  # "Seguimiento 2024-T3"
    date_line: str  # "Corte al 30 de septiembre de 2024"
    created: date
    language: str
    key_figures: tuple[KeyFigure, ...]
    lights: tuple[LightTally, ...]
    attention: tuple[AttentionItem, ...]
    normative: tuple[Run, ...]
    normative_source: str
    mission: tuple[Run, ...]
    vision: tuple[Run, ...]
    objectives: tuple[ObjectiveSection, ...]
    axes: tuple[AxisSection, ...]
    objectives_figure: Figure
    comment_groups: tuple[CommentGroup, ...]
    comments_title: str
    no_comments: str
    no_attention: str = "Ningún indicador requiere atención en este corte."
    headings: Headings = HEADINGS
    objectives_note: str = "Cada indicador cuenta hasta 100 % en el avance del objetivo."
    changes: ChangesSection | None = None
    plan_path: Figure | None = None  # the plan's and its ejes' (or objectives') attainment of the plan at every cut
    status: ReportStatus = ReportStatus()  # draft or approved (approval before publishing)

    @property
    def description(self) -> str:
        return f"{self.title}. {self.entity}. Seguimiento {self.period}."

    @property
    def comments(self) -> tuple[Comment, ...]:
        """Every comment of the cut, group after group."""
        return tuple(c for g in self.comment_groups for c in g.comments)

    @property
    def footer(self) -> str:
        return f"{self.entity} · {self.title} · {self.subtitle}"

    def objective(self, objective_id: int) -> ObjectiveSection:
        return next(o for o in self.objectives if o.id == objective_id)

    def groups(self) -> list[tuple[AxisSection | None, list[ObjectiveSection]]]:
        """The objectives under their ejes, in the plan's order (one group with no eje without ejes)."""
        if not self.axes:
            return [(None, list(self.objectives))]
        return [(a, [self.objective(i) for i in a.objective_ids]) for a in self.axes]


# --- wording ------------------------------------------------------------------------------------


def attainment_text(a: Attainment) -> str:
    if a.ok:
        assert a.percent is not None
        return percent(a.percent)
    return "Sin reporte" if a.status is Status.NOT_REPORTED else "N/A"


def amount_text(value: float | None, missing: str = "Sin reporte", unit: Unit | None = None) -> str:
    """A figure as Colombian Spanish writes it, with its unit beside it (`45 %`, `5,3 km`;
    none for numero); `missing` when there is none. `%` is kept on the figure's line (a
    no-break space, as `percent` does); a unit word may wrap below a long figure in a narrow
    table column instead of being split."""
    if value is None:
        return missing
    suffix = unit.suffix if unit is not None else ""
    if not suffix:
        return number(value)
    return f"{number(value)}{NBSP if suffix == '%' else ' '}{suffix}"


def light_label(r: IndicatorResult) -> str:
    """An indicator's semáforo in words: its level's (`Rojo`, `Retraso crítico`, `Sin reporte`, `N/A`)."""
    return r.traffic_light.label


def lowered(word: str) -> str:
    """A level's word inside a sentence: `rojo`, `retraso crítico`, but `N/A` as it is."""
    return word if word.isupper() else word.lower()


def indicators_label(n: int) -> str:
    return "1 indicador" if n == 1 else f"{n} indicadores"


def count_text(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{number(n)} {many}"


def short(text: str, limit: int = 48) -> str:
    """A name short enough for a chart or a list, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit - 1]
    return cut.rstrip(",.;:") + "…"


def continued(title: str, n: int, total: int) -> str:
    """The title of the n-th (0-based) of `total` pages that share it."""
    return title + (f" (continuación {n + 1} de {total})" if n else "")


def _annualization(ind: Indicator) -> str:
    label = _ANNUALIZATION[ind.annualization]
    if ind.annualization in (Annualization.CRECIENTE, Annualization.DECRECIENTE):
        label += " sin línea base" if ind.baseline is None else f" (línea base {amount_text(ind.baseline, unit=ind.unit)})"
    return label


def period_text(plan_period: tuple[int, int]) -> str:
    """The plan's period as the report says it: `2020-2024`, or `2025` for a one-year plan (an
    annual Plan de Acción), never `2025-2025`."""
    first, last = plan_period
    return str(first) if first == last else f"{first}-{last}"


def _key_figures(r, year: int, plan_period: tuple[int, int]) -> tuple[KeyFigure, ...]:
    return (
        KeyFigure(f"Avance de la vigencia {year}", attainment_text(r.year), r.traffic_light),
        KeyFigure(f"Avance del plan {period_text(plan_period)}", attainment_text(r.plan)),
        KeyFigure("Esperado al corte", percent(r.expected) if r.expected is not None else "N/A"),
        KeyFigure("Indicadores con reporte", f"{r.reported} de {r.indicators}"),
    )


# --- the objective's table ----------------------------------------------------------------------


def change_text(value: float | None, ind: Indicator, missing: str = "Sin reporte") -> str:
    """A creciente or decreciente change of level, as every output says it: signed (`+2`, what a
    creciente adds; `−2`, what a decreciente takes off) and, for porcentaje, in percentage points
    (`+2 p. p.`, never `2 %`, which would read as a share); other units as `amount_text` writes them."""
    if value is None:
        return missing
    shown = value if ind.annualization is Annualization.CRECIENTE else -value
    sign = "+" if shown > 1e-12 else MINUS if shown < -1e-12 else ""
    if ind.unit.is_percent:
        return f"{sign}{number(abs(shown))} {POINTS}"
    return sign + amount_text(abs(shown), unit=ind.unit)


def _year_target_text(ind: Indicator, r: IndicatorResult, year: int, reporting_year: int) -> str:
    """«Programación» of the year: `M_Y`; for creciente and decreciente the change programmed, with
    the level to reach when the plan states levels (`+2 p. p. (de 90 a 92 %)`)."""
    if ind.annualization not in (Annualization.CRECIENTE, Annualization.DECRECIENTE):
        return amount_text(r.year_target, "N/A", ind.unit)
    text = change_text(r.year_target, ind, "N/A")
    level = ind.stated_target(year, reporting_year) if ind.targets_are_levels else None
    if r.year_target is not None and level is not None:
        before = level - r.year_target if ind.annualization is Annualization.CRECIENTE else level + r.year_target
        text += f" (de {number(before)} a {amount_text(level, unit=ind.unit)})"
    return text


def _executed_year_text(ind: Indicator, r: IndicatorResult, with_level: bool) -> str:
    """«Ejecutado» of the year; for creciente and decreciente the change since the year began,
    with the level reached when the table has no column of the plan's (a one-year plan)."""
    if ind.annualization not in (Annualization.CRECIENTE, Annualization.DECRECIENTE):
        return amount_text(r.executed_year, unit=ind.unit)
    text = change_text(r.executed_year, ind)
    if with_level and r.executed_year is not None and r.executed_plan is not None:
        text += f" (nivel {amount_text(r.executed_plan, unit=ind.unit)})"
    return text


def one_year_columns(plan: Plan, result: PlanResult) -> bool:
    """Whether the tables leave out the plan's columns: a one-year plan (`periodo_plan: [2025,
    2025]`, an annual Plan de Acción) in which every indicator's attainment of the plan says the
    same as its year's, so those columns would repeat the year's."""
    first, last = plan.period
    return first == last and all(
        attainment_text(r.plan) == attainment_text(r.year) for r in result.indicators.values()
    )


def _table(plan: Plan, objective: Objective, result: PlanResult, year: int, year_only: bool = False,
           flagged: Collection[str] = ()) -> DataTable:
    first, last = plan.period
    plan_words = period_text(plan.period) if first != last else f"plan {first}"  # never the year's heading twice
    headings = tuple(h.format(heading=objective.table_heading, plan=plan_words, year=year) for h in TABLE_COLUMNS)
    kept = [n for n, key in enumerate(TABLE_KEYS) if not (year_only and key in PLAN_COLUMNS)]
    columns = tuple(
        Column(headings[n], TABLE_ALIGN[n], numeric=TABLE_ALIGN[n] == "right", key=TABLE_KEYS[n]) for n in kept
    )
    rows = []
    for ind_id in objective.indicator_ids:
        ind, r = plan.indicators[ind_id], result.indicators[ind_id]
        name = indicator_name(ind)
        values = (
            _annualization(ind),
            amount_text(r.plan_target, unit=ind.unit),
            _year_target_text(ind, r, year, plan.vigencia),
            _executed_year_text(ind, r, with_level=year_only),
            attainment_text(r.year) + (f" ({REVIEW_WORDS})" if ind_id in flagged else ""),
            amount_text(r.executed_plan, unit=ind.unit),
            attainment_text(r.plan),
            light_label(r),
        )
        cells = (name, *((Run(v),) for v in values))
        rows.append(TableRow(tuple(cells[n] for n in kept), r.traffic_light))
    return DataTable(
        f"Metas e indicadores del objetivo {objective.id}: programación, ejecución y avance", columns, tuple(rows)
    )


# --- attention ----------------------------------------------------------------------------------


def _not_programmed(r: IndicatorResult) -> bool:
    """Nothing programmed for the year (target 0): N/A, not a delay."""
    return r.year_target is not None and abs(r.year_target) < 1e-12


def _severity(r: IndicatorResult, suspect: bool) -> int:
    """0 delay (a level that means retraso) or a level going backwards, 1 data to fix (fractions,
    no target for the year), 2 over-execution (a level that means sobreejecución), 3 no report,
    4 the rest (quarters missing, inconsistencies)."""
    if r.traffic_light.delayed or r.negative:
        return 0
    if suspect or r.year_target is None:
        return 1
    if r.traffic_light.over_executed:
        return 2
    if not r.reported:
        return 3
    return 4


def wrong_way(ind: Indicator) -> str:
    """How a level went the wrong way: `bajó` for creciente, `subió` for decreciente."""
    return "bajó" if ind.annualization is Annualization.CRECIENTE else "subió"


def level_change_text(ind: Indicator, inc: Inconsistency) -> str:
    """`bajó de 93 % (2024-T2) a 92,5 % (2024-T3)`: an inconsistency, as every output says it."""
    return (
        f"{wrong_way(ind)} de {amount_text(inc.previous_value, unit=ind.unit)} ({inc.previous[0]}-T{inc.previous[1]}) "
        f"a {amount_text(inc.current_value, unit=ind.unit)} ({inc.current[0]}-T{inc.current[1]})"
    )


def times_text(times: float) -> str:
    """`300,4 veces`: how many times, with one decimal at most."""
    return f"{number(times, 1)} veces"


def outlier_text(ind: Indicator, o: Outlier) -> str:
    """`1.200,5 km en 2025-T2: lo ejecutado en 2025 hasta ese trimestre es 300,4 veces la meta de
    2025 (4 km)`: a «dato por revisar», as validar and the report say it."""
    year, quarter = o.quarter
    said = f"{amount_text(o.value, unit=ind.unit)} en {year}-T{quarter}"
    if o.basis == "meta":
        target = (change_text(o.reference, ind) if ind.annualization in (Annualization.CRECIENTE, Annualization.DECRECIENTE)
                  else amount_text(o.reference, unit=ind.unit))
        return f"{said}: lo ejecutado en {year} hasta ese trimestre es {times_text(o.times)} la meta de {year} ({target})"
    at = f", {o.reference_quarter[0]}-T{o.reference_quarter[1]}" if o.reference_quarter else ""
    return f"{said}: {times_text(o.times)} el mayor valor reportado antes ({amount_text(o.reference, unit=ind.unit)}{at})"


def mixed_start_text(ind: Indicator, m: MixedStart, level: float) -> str:
    """`la meta de 2025 (+2 p. p., de 88 a 90 %) parte de la meta de 2024, pero lo ejecutado
    (+4 p. p., de 85 a 89 %) parte de la línea base porque 2024 no tiene reporte`: an attainment
    with two starting points (`pipeline.core.plausibility.mixed_starts`), as validar and the report
    say it; `level` is the level reached at the cut."""
    creciente = ind.annualization is Annualization.CRECIENTE
    target = m.target_to - m.target_from if creciente else m.target_from - m.target_to
    executed = level - m.start if creciente else m.start - level
    base = "la línea base" if ind.baseline is not None else "0 (sin línea base)"
    return (
        f"la meta de {m.year} ({change_text(target, ind)}, de {number(m.target_from)} a "
        f"{amount_text(m.target_to, unit=ind.unit)}) parte de la meta de {m.year - 1}, pero lo ejecutado "
        f"({change_text(executed, ind)}, de {number(m.start)} a {amount_text(level, unit=ind.unit)}) parte de "
        f"{base} porque {m.year - 1} no tiene reporte"
    )


MIXED_HINT = "reporte el nivel de cierre del año anterior en el seguimiento"
"""What to do about an attainment with two starting points."""


def _review_note(plan: Plan, objective: Objective, result: PlanResult, flagged: Collection[str],
                 bands: TrafficLightBands) -> str | None:
    """What an objective's «datos por revisar» do to it: each counts up to 100 % in its mean (the
    rule is unchanged), so the note says the attainment and light without them."""
    ids = [i for i in objective.indicator_ids if i in flagged]
    if not ids:
        return None
    names = ", ".join(plan.indicators[i].label or i for i in ids)
    kept = [(i, w) for i, w in zip(objective.indicator_ids, objective.weights) if i not in flagged]
    one = len(ids) == 1
    head = (f"Incluye {'un dato' if one else f'{len(ids)} datos'} por revisar ({names}), que "
            f"{'cuenta' if one else 'cuentan'} hasta 100{NBSP}% en el avance del objetivo")
    without = "sin él" if one else "sin ellos"
    if not kept:
        return f"{head}: {without}, el objetivo no tendría avance calculado."
    rest = objective_attainment(
        replace(objective, indicator_ids=tuple(i for i, _ in kept), weights=tuple(w for _, w in kept)),
        result.indicators, bands,
    )
    if not rest.year.ok:
        return f"{head}: {without}, el objetivo no tendría avance calculado ({attainment_text(rest.year)})."
    return f"{head}: {without}, el avance sería {attainment_text(rest.year)} ({lowered(rest.traffic_light.label)})."


def _attention(
    plan: Plan, result: PlanResult, cut: Cut, suspect: Collection[str] = (), bands: TrafficLightBands | None = None,
    review: dict[str, tuple[Outlier, ...]] | None = None, mixed: dict[str, MixedStart] | None = None,
) -> tuple[AttentionItem, ...]:
    """Indicators the planning office must look at, with every reason, the most severe first
    (see `_severity`; among delays, the scale's lowest level first), in the plan's order within
    the same severity.

    `suspect` names porcentaje indicators whose reported values look like fractions (0,97 for
    97 %): their figures are shown, and flagged here. `mixed` names those whose attainment of the
    year has two starting points (`pipeline.core.plausibility.mixed_starts`): data to fix, too. An
    indicator with nothing programmed for the year (target 0: N/A) is not an attention item for
    that alone.
    """
    items: list[AttentionItem] = []
    objectives_of: dict[str, list[int]] = {}
    for o in plan.objectives:
        for i in o.indicator_ids:
            objectives_of.setdefault(i, []).append(o.id)
    for ind_id, r in result.indicators.items():
        ind = plan.indicators[ind_id]
        flagged = (review or {}).get(ind_id, ())
        where = f"{lowered(light_label(r))}{f' · {REVIEW_WORDS}' if flagged else ''} · objetivo {', '.join(map(str, objectives_of.get(ind_id, [])))}"
        if ind.responsible:
            where += f" · responsable: {ind.responsible}"
        reasons = []
        if flagged:
            said = "; ".join(outlier_text(ind, o) for o in flagged)
            reasons.append(f"{REVIEW_WORDS}: {said}; {REVIEW_HINT}")
        if r.negative:
            assert r.start_level is not None and r.executed_plan is not None
            reasons.append(
                f"avance negativo en {cut.year}: el nivel {wrong_way(ind)} a {amount_text(r.executed_plan, unit=ind.unit)} "
                f"desde {amount_text(r.start_level, unit=ind.unit)} al inicio del año ({attainment_text(r.year)}); "
                "revise el dato con la dependencia"
            )
        elif r.traffic_light.delayed or r.traffic_light.over_executed:
            meaning = r.traffic_light.description
            reasons.append(f"{meaning}, avance {cut.year} de {attainment_text(r.year)} frente a {percent(r.expected)} esperado")
        elif not r.reported and not _not_programmed(r):
            reasons.append(f"sin reporte en {cut.year} al corte {cut}")
        if ind_id in suspect:
            reasons.append(
                "sus valores reportados parecen fracciones (0,97 por 97 %): revíselos en el seguimiento antes de publicar"
            )
        two = (mixed or {}).get(ind_id)
        if two is not None and r.executed_plan is not None:
            reasons.append(f"avance {cut.year} con dos puntos de partida: {mixed_start_text(ind, two, r.executed_plan)}; {MIXED_HINT}")
        if r.year_target is None:
            reasons.append(f"sin meta para {cut.year}: agréguela en metas_anuales")
        if r.reported and r.missing_quarters:
            quarters = ", ".join(f"T{k}" for k in r.missing_quarters)
            reasons.append(f"no reportó {quarters} de {cut.year}")
        for inc in r.inconsistencies:
            reasons.append(f"inconsistencia: el nivel {level_change_text(ind, inc)}")
        if reasons:
            text = "; ".join(reasons)
            items.append(
                AttentionItem(ind.label or ind.id, r.traffic_light, where, text[0].upper() + text[1:] + ".",
                              _severity(r, ind_id in suspect or bool(flagged) or two is not None),
                              (REVIEW_KIND,) if flagged else ())
            )

    def order(item: AttentionItem) -> tuple[int, int]:
        if item.severity or bands is None or item.light not in bands.levels:
            return item.severity, 0
        return 0, bands.rank(item.light)

    return tuple(sorted(items, key=order))  # stable: plan order within a rank


# --- figures ------------------------------------------------------------------------------------


def value_text(a: Attainment) -> str:
    """An attainment as a chart labels it: `87,5 %`, or why there is none (`sin reporte`, `N/A`)."""
    if a.ok:
        return attainment_text(a)
    return "sin reporte" if a.status is Status.NOT_REPORTED else "N/A"


def _objectives_figure(plan: Plan, result: PlanResult, year: int) -> Figure:
    by_id = {o.objective_id: o for o in result.objectives}
    categories = tuple(f"Objetivo {o.id}" for o in plan.objectives)
    achieved = tuple(by_id[o.id].year.percent if by_id[o.id].year.ok else None for o in plan.objectives)
    expected = tuple(by_id[o.id].expected for o in plan.objectives)
    described = "; ".join(
        f"{c}: {percent(a) if a is not None else 'sin dato'} (esperado {percent(e) if e is not None else 'sin dato'})"
        for c, a, e in zip(categories, achieved, expected)
    )
    return Figure(
        key="objetivos",
        title="Avance por objetivo",
        subtitle=f"Avance de la vigencia {year} frente a lo esperado al corte",
        categories=categories,
        series=(
            FigureSeries(f"Avance {year}", achieved, "achieved",
                         labels=tuple(value_text(by_id[o.id].year) for o in plan.objectives)),
            FigureSeries("Esperado al corte", expected, "expected",
                         labels=tuple(percent(e) if e is not None else "sin dato" for e in expected)),
        ),
        description=f"Avance {year} de cada objetivo frente al avance esperado al corte. {described}.",
        note="Cada indicador cuenta hasta 100 % en el avance del objetivo.",
        long_categories=tuple(f"Objetivo {o.id}: {plain(runs(o.text))}" for o in plan.objectives),
        category_heading="Objetivo",
    )


def _at_cut_figure(objective: Objective, at_cut: PlanResult, names: list[str], full: list[str]) -> Figure:
    """Each indicator of `objective` at the cut: its attainment of the year against what was
    expected of it by then (its own quarterly profile)."""
    cut = at_cut.cut
    results = [at_cut.indicators[i] for i in objective.indicator_ids]
    achieved = FigureSeries(
        f"Avance {cut.year}", tuple(r.year.percent if r.year.ok else None for r in results), "achieved",
        labels=tuple(value_text(r.year) for r in results),
    )
    expected = FigureSeries(
        "Esperado al corte", tuple(r.expected for r in results), "expected", labels=tuple(percent(r.expected) for r in results)
    )
    described = "; ".join(f"{n}: {a} (esperado {e})" for n, a, e in zip(names, achieved.labels, expected.labels))
    return Figure(
        key=f"corte-{objective.id}",
        title=f"Avance trimestral Objetivo {objective.id}",
        subtitle=f"Avance de la vigencia {cut.year} de cada indicador al corte {cut} frente a lo esperado",
        categories=tuple(names),
        series=(achieved, expected),
        description=f"Avance {cut.year} de cada indicador del objetivo {objective.id} al corte {cut} frente al avance "
                    f"esperado. {described}.",
        missing="sin reporte",
        long_categories=tuple(full),
        category_heading="Indicador",
    )


def _quarterly_figures(plan: Plan, by_quarter: tuple[PlanResult, ...], cut: Cut) -> dict[int, Figure]:
    """Per objective: each indicator's attainment of the year at each quarter up to the cut, and
    (`at_cut`) at the cut against what was expected of it."""
    categories = tuple(f"T{r.cut.quarter} {cut.year}" for r in by_quarter)
    figures = {}
    for objective in plan.objectives:
        series = []
        members = plan.indicators_of(objective)
        names = series_names([i.label for i in members], [i.name for i in members])  # one rule for the chart
        for ind, name in zip(members, names):
            ind_id = ind.id
            values = tuple(
                r.indicators[ind_id].year.percent if r.indicators[ind_id].year.ok else None for r in by_quarter
            )
            full = f"{ind.label}: {ind.name}" if ind.label else ind.name
            series.append(FigureSeries(name, values, "indicator", full,
                                       labels=tuple(value_text(r.indicators[ind_id].year) for r in by_quarter)))
        expected = tuple(
            next(o.expected for o in r.objectives if o.objective_id == objective.id) for r in by_quarter
        )
        at_cut = _at_cut_figure(objective, by_quarter[-1], [s.name for s in series], [s.full_name for s in series])
        series.append(FigureSeries("Esperado del objetivo", expected, "expected"))
        described = "; ".join(
            f"{s.name}: " + ", ".join(f"{c} {percent(v) if v is not None else 'sin reporte'}" for c, v in zip(categories, s.values))
            for s in series
        )
        figures[objective.id] = Figure(
            key=f"trimestral-{objective.id}",
            title=f"Avance trimestral Objetivo {objective.id}",
            subtitle=f"Avance acumulado de la vigencia {cut.year} al cierre de cada trimestre",
            categories=categories,
            series=tuple(series),
            description=f"Avance trimestral del objetivo {objective.id}. {described}.",
            missing="sin reporte",
            at_cut=at_cut,
        )
    return figures


def cut_label(cut: Cut) -> str:
    """A cut as a chart's category names it: `T3 2024`."""
    return f"T{cut.quarter} {cut.year}"


PATH_TITLE = "Evolución del avance del plan"
PATH_NOTE = "Cada punto es el avance calculado a ese corte con lo reportado hasta él y las metas de su año."


def _said_series(name: str, values: Sequence[float | None], labels: Sequence[str], categories: Sequence[str]) -> str:
    return f"{name}: " + ", ".join(f"{c} {label}" for c, label in zip(categories, labels))


def _plan_path(plan: Plan, series: Sequence[PlanResult]) -> Figure:
    """The plan's attainment of the plan at every cut, and that of each eje (or, without ejes, of
    each objective), as lines over the cuts."""
    period = period_text(plan.period)
    categories = tuple(cut_label(r.cut) for r in series)
    lines: list[FigureSeries] = [
        FigureSeries("Plan", tuple(r.overall.plan.percent if r.overall.plan.ok else None for r in series), "indicator",
                     "Plan completo", tuple(value_text(r.overall.plan) for r in series))
    ]
    if plan.axes:
        for n, axis in enumerate(plan.axes):
            points = [r.axes[n].plan for r in series]
            lines.append(FigureSeries(axis.name, tuple(a.percent if a.ok else None for a in points), "indicator",
                                      axis.name, tuple(value_text(a) for a in points)))
        each = "cada eje"
    else:
        for n, objective in enumerate(plan.objectives):
            points = [r.objectives[n].plan for r in series]
            lines.append(FigureSeries(f"Objetivo {objective.id}", tuple(a.percent if a.ok else None for a in points),
                                      "indicator", f"Objetivo {objective.id}: {plain(runs(objective.text))}",
                                      tuple(value_text(a) for a in points)))
        each = "cada objetivo"
    said = "; ".join(_said_series(s.name, s.values, s.labels, categories) for s in lines)
    return Figure(
        key="evolucion",
        title=PATH_TITLE,
        subtitle=f"Avance del plan {period} al cierre de cada trimestre, de {categories[0]} a {categories[-1]}: "
                 f"el plan y {each}",
        categories=categories,
        series=tuple(lines),
        description=f"Evolución del avance del plan {period} del plan completo y de {each}, al cierre de cada "
                    f"trimestre desde {categories[0]} hasta {categories[-1]}. {said}.",
        note=PATH_NOTE,
        missing="sin reporte",
        category_heading="Corte",
    )


def _objective_path(plan: Plan, n: int, series: Sequence[PlanResult]) -> Figure:
    """Objective `n` (its place in the plan) at every cut: its attainment of the plan and of the
    cut's year, and the share of the year expected by then."""
    objective = plan.objectives[n]
    period = period_text(plan.period)
    categories = tuple(cut_label(r.cut) for r in series)
    points = [r.objectives[n] for r in series]
    expected = tuple(o.expected if o.year.ok else None for o in points)
    lines = (
        FigureSeries("Avance del plan", tuple(o.plan.percent if o.plan.ok else None for o in points), "indicator",
                     f"Avance del plan {period}", tuple(value_text(o.plan) for o in points)),
        FigureSeries("Avance de la vigencia", tuple(o.year.percent if o.year.ok else None for o in points), "indicator",
                     "Avance de la vigencia del corte", tuple(value_text(o.year) for o in points)),
        FigureSeries("Esperado de la vigencia", expected, "expected", "Esperado de la vigencia al corte",
                     tuple(percent(e) if e is not None else "sin dato" for e in expected)),
    )
    said = "; ".join(_said_series(s.name, s.values, s.labels, categories) for s in lines)
    return Figure(
        key=f"evolucion-{objective.id}",
        title=f"Evolución del avance del Objetivo {objective.id}",
        subtitle=f"Avance del plan {period} y de la vigencia al cierre de cada trimestre, de {categories[0]} "
                 f"a {categories[-1]}",
        categories=categories,
        series=lines,
        description=f"Evolución del avance del objetivo {objective.id} al cierre de cada trimestre desde "
                    f"{categories[0]} hasta {categories[-1]}. {said}.",
        note=PATH_NOTE,
        missing="sin reporte",
        category_heading="Corte",
    )


# --- comments -----------------------------------------------------------------------------------


COMMENT_GROUP_LIMIT = 120  # an objective's text in its comments' heading (whole in its section)


def indicator_name(ind: Indicator) -> tuple[Run, ...]:
    """An indicator as a list names it: its label in bold, then its name (the name alone without a label)."""
    return (Run(ind.label + " ", bold=True), Run(ind.name)) if ind.label else (Run(ind.name),)


def _commented(ind: Indicator) -> tuple[Run, ...]:
    """The indicator a comment is about: its label (its id when it has none) in bold, then its name."""
    return (Run(f"{ind.label or ind.id} ", bold=True), Run(ind.name))


def _comments(plan: Plan, execution: pd.DataFrame, cut: Cut) -> tuple[CommentGroup, ...]:
    """The cut's comments under their objective (and eje), in the plan's order: an indicator that
    serves two objectives has its comment under each. Real plans reuse a product code as the label
    of indicators under several objectives, so the objective and the name tell them apart."""
    rows = execution[(execution["anio"] == cut.year) & (execution["trimestre"] == cut.quarter)]
    texts: dict[str, str] = {}
    for ind_id, text in zip(rows["indicador"], rows["comentario"]):
        if not pd.isna(text) and str(text).strip():
            texts[str(ind_id)] = " ".join(str(text).split())
    axis_of = {o_id: a for a in plan.axes for o_id in a.objective_ids}
    ordered = [o for a in plan.axes for o in plan.objectives_of(a)] if plan.axes else list(plan.objectives)
    groups = []
    for o in ordered:
        comments = tuple(Comment(_commented(plan.indicators[i]), texts[i]) for i in o.indicator_ids if i in texts)
        if not comments:
            continue
        heading = f"Objetivo {o.id}: {short(plain(runs(o.text)), COMMENT_GROUP_LIMIT)}"
        if o.id in axis_of:
            heading = f"{axis_of[o.id].name} · {heading}"
        groups.append(CommentGroup(heading, comments))
    return tuple(groups)


# --- changes since the previous cut -------------------------------------------------------------

CHANGES_TITLE = HEADINGS.changes
_MINUS = "\u2212"


def points_text(delta: float | None, missing: str = "N/A") -> str:
    """A difference in percentage points with its sign in words' place: `+12,5 p. p.`, `−3,0 p. p.`,
    `0,0 p. p.`; `missing` when there is none."""
    if delta is None:
        return missing
    shown = round(delta, 1)
    sign = "+" if shown > 0 else _MINUS if shown < 0 else ""
    return f"{sign}{percent(abs(shown)).replace(NBSP + '%', '')}{NBSP}p.{NBSP}p."


def _light_word(value: object, levels: dict[str, TrafficLight]) -> str:
    light = levels.get(str(value)) if value is not None else None
    return lowered(light.label) if light is not None else str(value or "vacío")


def _figure_text(change: FigureChange, ind: Indicator, before: Cut, levels: dict[str, TrafficLight]) -> str:
    """`ejecutado 2024 de 5 a 6`, `avance 2024 de 50,0 % a 60,0 %`, `semáforo de verde a amarillo`."""
    names = {
        "ejecutado_vigencia": f"ejecutado {before.year}", "avance_vigencia": f"avance {before.year}",
        "ejecutado_cuatrienio": "ejecutado del plan", "avance_cuatrienio": "avance del plan", "semaforo": "semáforo",
        "meta_vigencia": f"meta {before.year} reprogramada", "meta_cuatrienio": "meta del plan reprogramada",
        "esperado": f"esperado al corte {before} reprogramado",
    }

    def said(value: object) -> str:
        if change.column == "semaforo":
            return _light_word(value, levels)
        if value is None:
            return "vacío"
        if change.column in ("avance_vigencia", "avance_cuatrienio", "esperado"):
            return percent(float(value))  # type: ignore[arg-type]
        return amount_text(float(value), unit=ind.unit)  # type: ignore[arg-type]

    return f"{names[change.column]} de {said(change.published)} a {said(change.now)}"


def _news(plan: Plan, c: IndicatorChange, before: Cut, levels: dict[str, TrafficLight]) -> list[str]:
    """What is new besides the movement: quarters newly not reported, revisions, reprogrammed
    targets, a new comment."""
    ind = plan.indicators[c.indicator_id]
    news = []
    if c.newly_unreported:
        news.append(f"sin reporte nuevo: {', '.join(map(str, c.newly_unreported))}")
    if c.revisions:
        news.append(f"revisión de {before} publicado: " + ", ".join(_figure_text(r, ind, before, levels) for r in c.revisions))
    news.extend(_figure_text(r, ind, before, levels) for r in c.reprogrammed)
    if c.new_comment:
        news.append(f"comentario nuevo: «{short(c.new_comment, 160)}»")
    return news


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "." if text else ""


def _figure(a: Attainment, scope: str) -> str:
    """An attainment in a change's sentence: «N/A» says why (nothing programmed), so it is not read
    as a difference that could not be computed."""
    return f"N/A (nada programado {scope})" if a.status is Status.UNDEFINED else attainment_text(a)


def _movement(before: Attainment, after: Attainment, delta: float | None, scope: str) -> str:
    """«de 40,0 % a 53,3 % (+13,3 p. p.)»; without a difference when one side has no figure: its
    first report («de Sin reporte a 40,0 % (primer reporte)»), nothing programmed («de Sin reporte a
    N/A (nada programado para 2024)»), never «(N/A)» beside a figure."""
    if delta is not None:
        return f"de {attainment_text(before)} a {attainment_text(after)} ({points_text(delta)})"
    if before.status is Status.UNDEFINED and after.status is Status.UNDEFINED:
        return f"sin cambio: {_figure(after, scope)}"
    first = " (primer reporte)" if before.status is Status.NOT_REPORTED and after.ok else ""
    return f"de {_figure(before, scope)} a {_figure(after, scope)}{first}"


def _change_item(
    plan: Plan, c: IndicatorChange, comparison: Comparison, levels: dict[str, TrafficLight], shared: Collection[str] = ()
) -> ChangeItem:
    ind = plan.indicators[c.indicator_id]
    who = ind.label or ind.id
    if who in shared:  # «Indicador de gestión» names three indicators: say which
        who = f"{who} ({ind.id})"
    before, cut = comparison.previous, comparison.cut
    assert before is not None
    was, now = lowered(c.previous.traffic_light.label), lowered(c.current.traffic_light.label)
    # In words, no arrow: the shipped font (Open Sans) has no «→», and a word reads aloud better.
    how = f"{c.trend.value} · de {was} a {now}" if was != now else f"{c.trend.value} · sigue {now}"
    if before.year == cut.year:
        year = f"avance {cut.year} {_movement(c.previous.year, c.current.year, c.year_delta, f'para {cut.year}')}"
    else:
        year = (
            f"avance de la vigencia {_figure(c.previous.year, f'para {before.year}')} en {before} y "
            f"{_figure(c.current.year, f'para {cut.year}')} en {cut} (cambio de vigencia)"
        )
    whole = f"avance del plan {period_text(plan.period)} {_movement(c.previous.plan, c.current.plan, c.plan_delta, 'en el plan')}"
    return ChangeItem(who, c.current.traffic_light, how, _sentence([year, whole, *_news(plan, c, before, levels)]), c.rank)


def _changes_table(plan: Plan, comparison: Comparison, levels: dict[str, TrafficLight]) -> DataTable:
    before, cut = comparison.previous, comparison.cut
    assert before is not None
    same_year = before.year == cut.year
    columns = (
        Column("Indicador", "left"), Column("Cambio", "left"), Column(f"Semáforo en {before} y {cut}", "left"),
        Column(f"Avance {cut.year} en {before} y {cut}" if same_year else f"Avance de la vigencia en {before} y {cut}", "right", True),
        Column("Diferencia", "right", True),
        Column(f"Avance {period_text(plan.period)} en {before} y {cut}", "right", True), Column("Diferencia", "right", True),
        Column("Novedades", "left"),
    )
    rows = []
    for c in comparison.changes:
        ind = plan.indicators[c.indicator_id]
        name = (Run(ind.label + " ", bold=True), Run(ind.name)) if ind.label else (Run(ind.name),)
        news = _sentence(_news(plan, c, before, levels))
        cells = (
            c.trend.value,
            f"de {lowered(c.previous.traffic_light.label)} a {lowered(c.current.traffic_light.label)}",
            f"de {attainment_text(c.previous.year)} a {attainment_text(c.current.year)}",
            points_text(c.year_delta, "cambio de vigencia" if not same_year else "N/A"),
            f"de {attainment_text(c.previous.plan)} a {attainment_text(c.current.plan)}",
            points_text(c.plan_delta),
            news.rstrip(".") or "—",
        )
        rows.append(TableRow((name, *((Run(v),) for v in cells)), c.current.traffic_light))
    return DataTable(f"Cambios de cada indicador entre {before} y {cut}, los más graves primero", columns, tuple(rows))


def changes_section(plan: Plan, comparison: Comparison, bands: TrafficLightBands) -> ChangesSection:
    """The comparison as the report says it (docs/rules.md, «What changed since the previous cut»)."""
    title = HEADINGS.changes
    if comparison.refusal or comparison.previous is None:
        return ChangesSection(title, None, (), None, comparison.refusal, comparison.remarks, None)
    levels = {light.value: light for light in bands.levels}
    listed = [c for c in comparison.changes if c.rank < 8]
    names = [i.label or i.id for i in plan.indicators.values()]
    shared = {n for n in names if names.count(n) > 1}
    items = {c.indicator_id: _change_item(plan, c, comparison, levels, shared) for c in comparison.changes}
    quiet = len(comparison.changes) - len(listed)
    improved = sum(1 for c in listed if c.rank == 7)
    against = "publicado y recalculado con los datos de hoy" if comparison.published else "recalculado con los datos de hoy"
    return ChangesSection(
        title=title,
        intro=f"Frente al corte {comparison.previous} ({against}), los más graves primero",
        items=tuple(items[c.indicator_id] for c in listed),
        unchanged=(f"{count_text(quiet, 'indicador', 'indicadores')} sin cambios." if quiet else None),
        note=None if listed else f"Ningún indicador cambió desde el corte {comparison.previous}.",
        remarks=comparison.remarks,
        table=_changes_table(plan, comparison, levels),
        improvements_elsewhere=(
            f"Además, {count_text(improved, 'indicador mejoró', 'indicadores mejoraron')}: cada uno está en cambios.csv "
            f"y en la sección «{title}» de la página web."
        ) if improved else None,
    )


# --- the document -------------------------------------------------------------------------------


def report_title(plan: Plan, year: int) -> str:
    """plan.yaml's `titulo_reporte` when it has one; else the plan's title followed by the cut's
    year, unless the title already ends in a year or a period (`PDM 2024-2027`)."""
    if plan.report_title:
        return plan.report_title
    title = plan.title.rstrip()
    tail = title.rsplit(" ", 1)[-1]
    if any(part.isdigit() and len(part) == 4 for part in tail.replace("–", "-").split("-")):
        return title
    return f"{title} {year}"


def build_document(
    plan: Plan,
    execution: pd.DataFrame,
    result: PlanResult,
    bands: TrafficLightBands,
    suspect_fractions: Collection[str] = (),
    review: ReviewRule = ReviewRule(),
    comparison: Comparison | None = None,
    series: Sequence[PlanResult] | None = None,
) -> Document:
    """Everything the report of `result.cut` says; `review` is when a value is «dato por revisar».

    `comparison` is the cut against its previous cut (`pipeline.report.changes.compare`, with the
    published previous cut where there is one); without it, the previous cut is recomputed from
    the same inputs. `series` is the plan at every cut of the plan period up to `result.cut`
    (`pipeline.core.attainment.plan_series`, computed here when not given): the quarterly figures and
    the paths over the cuts are drawn from it."""
    cut = result.cut
    if comparison is None:
        comparison = compare(plan, execution, cut, bands, current=result)
    if series is None:
        series = plan_series(plan, execution, cut, bands)
    if not series or series[-1].cut != cut:
        raise ValueError(f"the series must end at the report's cut {cut}")
    by_id = {o.objective_id: o for o in result.objectives}
    quarterly = _quarterly_figures(plan, tuple(r for r in series if r.cut.year == cut.year), cut)
    year_only = one_year_columns(plan, result)
    flagged = outliers(plan, execution, result, review)
    objectives = tuple(
        ObjectiveSection(
            id=o.id,
            heading=f"Objetivo {o.id}",
            text=runs(o.text),
            detail_text=runs(o.detail_text or o.text),
            indicators=len(o.indicator_ids),
            attainment=attainment_text(by_id[o.id].year),
            plan_attainment=attainment_text(by_id[o.id].plan),
            light=by_id[o.id].traffic_light,
            table=_table(plan, o, result, cut.year, year_only, flagged),
            quarterly=quarterly[o.id],
            review_note=_review_note(plan, o, result, flagged, bands),
            path=_objective_path(plan, n, series),
        )
        for n, o in enumerate(plan.objectives)
    )
    axes = tuple(
        AxisSection(
            id=a.id,
            name=a.name,
            key_figures=_key_figures(r, cut.year, plan.period),
            light=r.traffic_light,
            year_attainment=attainment_text(r.year),
            plan_attainment=attainment_text(r.plan),
            objective_ids=tuple(o.id for o in plan.objectives_of(a)),
        )
        for a, r in zip(plan.axes, result.axes)
    )
    counts = result.light_counts(bands.levels)
    return Document(
        title=report_title(plan, cut.year),
        plan_title=plan.title,
        entity=plan.entity,
        period=str(cut),
        year=cut.year,
        plan_period=plan.period,
        subtitle=f"Seguimiento {cut}",
        date_line=f"Corte al {long_date(cut.end)}",
        created=cut.end,
        language="es-CO",
        key_figures=_key_figures(result.overall, cut.year, plan.period),
        lights=tuple(LightTally(light, light.label, light.description, n) for light, n in counts.items()),
        attention=_attention(plan, result, cut, suspect_fractions, bands, flagged, mixed_starts(plan, execution, result)),
        normative=runs(plan.normative_basis),
        normative_source=f"Fuente: {plan.normative_source}",
        mission=runs(plan.mission),
        vision=runs(plan.vision),
        objectives=objectives,
        axes=axes,
        objectives_figure=_objectives_figure(plan, result, cut.year),
        plan_path=_plan_path(plan, series),
        comment_groups=_comments(plan, execution, cut),
        comments_title=f"Comentarios del corte {cut}",
        no_comments=f"No se registraron comentarios cualitativos para el corte {cut}.",
        changes=changes_section(plan, comparison, bands),
    )


def objective_line(o: ObjectiveSection, year: int, limit: int = 150) -> tuple[Run, ...]:
    """An objective in one line of a list: `Objetivo 3: texto… · avance 2024 80,0 % · verde · 4
    indicadores` (the semáforo in words beside its dot)."""
    return (
        Run(f"{o.heading}: ", bold=True),
        Run(
            f"{short(plain(o.text), limit)} · avance {year} {o.attainment} · {lowered(o.light_word)} · "
            f"{indicators_label(o.indicators)}"
        ),
    )


def axis_line(a: AxisSection, year: int, plan_period: tuple[int, int]) -> tuple[Run, ...]:
    """`Eje 1. Nombre: avance 2024 80,0 % · plan 2024-2027 45,0 % · verde`."""
    return (
        Run(f"{a.name}: ", bold=True),
        Run(f"avance {year} {a.year_attainment} · plan {period_text(plan_period)} {a.plan_attainment} · {lowered(a.light_word)}"),
    )
