"""What changed since the previous cut: per indicator, the quarter's movement, the data revisions
of a published previous cut, and the published cuts the current inputs would change.

Pure: from the plan, the execution table, the cut, the semáforo's scale and, where a previous cut
was published, what it said (`PublishedCut`, made from its manifest's fields and avance.csv's
bytes by the caller). No files, no Prefect, no rendering. The rules are docs/rules.md's «What
changed since the previous cut»; the document (`pipeline.report.document`) words them.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import Enum

import pandas as pd

from pipeline.core.attainment import IndicatorResult, PlanResult, plan_attainment
from pipeline.core.fingerprint import bands_fingerprint, plan_fingerprint, plan_structure
from pipeline.core.model import Plan
from pipeline.core.periods import Cut
from pipeline.core.settings import Meaning, TrafficLight, TrafficLightBands
from pipeline.report.tables import CAMBIOS_COLUMNS, avance_table

__all__ = [
    "Trend", "FigureChange", "IndicatorChange", "Comparison", "PublishedCut", "StaleCut",
    "previous_cut", "compare", "concern", "trend", "stale_cuts", "REVISED_COLUMNS", "TARGET_COLUMNS",
    "TOLERANCE", "DELTA", "cambios_table", "fingerprints",
]

TOLERANCE = 1e-6
"""avance.csv keeps 6 decimals (`publish.csv_bytes`): a published number is revised when it
differs from the recomputation rounded to 6 decimals by more than this."""

DELTA = 0.05
"""Percentage points: a smaller movement of the attainment within the same level is «igual»
(the outputs show one decimal)."""

REVISED_COLUMNS = ("ejecutado_vigencia", "avance_vigencia", "ejecutado_cuatrienio", "avance_cuatrienio", "semaforo")
"""avance.csv's columns whose published value, changed since, is a data revision."""

TARGET_COLUMNS = ("meta_vigencia", "meta_cuatrienio", "esperado")
"""avance.csv's columns whose published value, changed since, is a reprogramming."""


class Trend(str, Enum):
    """Whether an indicator is better or worse than at the previous cut (docs/rules.md)."""

    WORSE = "empeora"
    BETTER = "mejora"
    SAME = "igual"
    STILL_OVER = "sigue en sobreejecución"  # over-executed at both cuts, with another attainment


@dataclass(frozen=True)
class FigureChange:
    """One avance.csv figure of the previous cut: as published, and as the current inputs give it
    now (numbers as floats, the semáforo by its id; None for an empty cell)."""

    column: str
    published: float | str | None
    now: float | str | None


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator, previous cut against current cut.

    `year_delta` and `plan_delta` are percentage points (current − previous), None where either
    attainment is not computable, and `year_delta` also across a year change. `jump` is the change
    of the semáforo's concern (positive: worse). `rank` is the severity rule's number (1 most
    severe ... 8 unchanged). `revisions` and `reprogrammed` are empty unless the previous cut was
    published; `published` is its avance.csv row then (cells as written).
    """

    indicator_id: str
    previous: IndicatorResult
    current: IndicatorResult
    year_delta: float | None
    plan_delta: float | None
    trend: Trend
    jump: int
    newly_unreported: tuple[Cut, ...]
    new_comment: str | None
    revisions: tuple[FigureChange, ...] = ()
    reprogrammed: tuple[FigureChange, ...] = ()
    published: Mapping[str, str] | None = None
    rank: int = 8

    @property
    def size(self) -> float:
        """The movement the order uses: the year's, or the plan's across a year change."""
        delta = self.year_delta if self.year_delta is not None else self.plan_delta
        return delta or 0.0


@dataclass(frozen=True)
class Comparison:
    """The cut against its previous cut: each indicator once, most severe first.

    `refusal` says why there is no comparison (the plan's first cut, or cuts not comparable):
    then `changes` is empty. `published` says the previous cut was published and its figures were
    checked for revisions; `remarks` are lines the outputs add (revisions that could not be checked).
    """

    cut: Cut
    previous: Cut | None
    changes: tuple[IndicatorChange, ...] = ()
    refusal: str | None = None
    published: bool = False
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishedCut:
    """What a published cut says: its avance.csv rows by indicator (the first row of each; an
    indicator under two objectives has the same figures in both) with the cells as written, and
    its manifest's plan fingerprint, structure and semáforo (None in a manifest written before
    they were recorded)."""

    cut: Cut
    rows: Mapping[str, Mapping[str, str]]
    fingerprint: str | None = None
    structure: str | None = None
    bands: str | None = None

    @classmethod
    def from_files(cls, cut: Cut, manifest: Mapping[str, object], avance: bytes) -> PublishedCut:
        """From a published cut's manifest (as parsed JSON) and its avance.csv's bytes."""
        rows: dict[str, dict[str, str]] = {}
        for row in csv.DictReader(io.StringIO(avance.decode("utf-8"), newline="")):
            rows.setdefault(row["indicador"], dict(row))
        plan = manifest.get("plan")
        plan = plan if isinstance(plan, Mapping) else {}
        bands = manifest.get("semaforo")
        return cls(
            cut, rows, _text(plan.get("huella")), _text(plan.get("estructura")),
            bands if isinstance(bands, str) else None,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class StaleCut:
    """A published cut whose figures the current inputs would change: the indicators whose
    avance.csv figures differ (or that were added or removed since)."""

    cut: Cut
    indicators: tuple[str, ...]

    @property
    def needs_approval(self) -> bool:
        """Hook for the approval work: a stale cut, once regenerated, must be approved again."""
        return True


def previous_cut(cut: Cut, plan_period: tuple[int, int]) -> Cut | None:
    """The cut before `cut` inside the plan period: T4 of the year before for a T1; None for the
    plan's first cut."""
    before = cut.previous
    return before if before.year >= plan_period[0] else None


def concern(light: TrafficLight, bands: TrafficLightBands) -> int:
    """How much attention a level asks for: cumplido and N/A 0, sobreejecución 1, the levels below
    cumplido from 2 up (the scale's lowest the highest), sin reporte above them all."""
    below = [b.light.value for b in bands.bands if b.light.meaning in (Meaning.RETRASO, Meaning.EN_RIESGO)]
    if light.value == bands.not_reported.value:
        return 2 + len(below)
    if light.value in below:
        return 2 + len(below) - 1 - below.index(light.value)
    return 1 if light.meaning is Meaning.SOBREEJECUCION else 0


def _delta(before, after) -> float | None:
    if not (before.ok and after.ok):
        return None
    return after.percent - before.percent


def trend(previous: IndicatorResult, current: IndicatorResult, bands: TrafficLightBands, same_year: bool) -> tuple[Trend, int]:
    """Better or worse, and the change of concern: by the semáforo first, then by the attainment
    (the year's within a year, the plan's across a year change)."""
    jump = concern(current.traffic_light, bands) - concern(previous.traffic_light, bands)
    if jump:
        return (Trend.WORSE if jump > 0 else Trend.BETTER), jump
    delta = _delta(previous.year, current.year) if same_year else _delta(previous.plan, current.plan)
    if delta is None or abs(delta) < DELTA:
        return Trend.SAME, 0
    if current.traffic_light.meaning is Meaning.SOBREEJECUCION:
        # Further over, or less over: neither better nor worse (it needs its justification either
        # way), but not «igual» either: the figure moved.
        return Trend.STILL_OVER, 0
    return (Trend.WORSE if delta < 0 else Trend.BETTER), 0


def _comments(execution: pd.DataFrame, cut: Cut) -> dict[str, str]:
    if "comentario" not in execution:
        return {}
    rows = execution[(execution["anio"] == cut.year) & (execution["trimestre"] == cut.quarter)]
    return {
        str(ind): " ".join(str(text).split())
        for ind, text in rows[["indicador", "comentario"]].itertuples(index=False)
        if not pd.isna(text) and str(text).strip()
    }


def _number(cell: str | None) -> float | None:
    if cell is None or cell == "":
        return None
    return float(cell)


def _now(value: object) -> float | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return float(value)  # type: ignore[arg-type]


def _differ(published: float | None, now: float | None) -> bool:
    if published is None or now is None:
        return (published is None) != (now is None)
    return abs(published - round(now, 6)) > TOLERANCE + 1e-12 * abs(now)


def _figure_changes(plan: Plan, result: PlanResult, rows: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[tuple[FigureChange, ...], tuple[FigureChange, ...]]]:
    """Per indicator of `rows`: (revisions, reprogrammings) of the published row against `result`."""
    now = avance_table(plan, result).drop_duplicates("indicador").set_index("indicador")
    out = {}
    for ind_id, row in rows.items():
        if ind_id not in now.index:
            continue
        current = now.loc[ind_id]
        found: dict[str, list[FigureChange]] = {"revision": [], "target": []}
        for column in (*REVISED_COLUMNS, *TARGET_COLUMNS):
            kind = "revision" if column in REVISED_COLUMNS else "target"
            if column == "semaforo":
                if row.get(column, "") != current[column]:
                    found[kind].append(FigureChange(column, row.get(column) or None, current[column]))
                continue
            before, after = _number(row.get(column)), _now(current[column])
            if _differ(before, after):
                found[kind].append(FigureChange(column, before, after))
        out[ind_id] = (tuple(found["revision"]), tuple(found["target"]))
    return out


def _refusal(plan: Plan, bands: TrafficLightBands, published: PublishedCut) -> str | None:
    """Why a published previous cut cannot be compared with this one, if it cannot."""
    again = f"Regenere {published.cut} con pei-report run para comparar."
    if published.structure is not None and published.structure != plan_structure(plan):
        return (
            f"No se compara con {published.cut}: el plan cambió de estructura (indicadores, objetivos, anualización, "
            f"unidad o línea base) desde que se publicó. {again}"
        )
    if published.bands is not None and published.bands != bands_fingerprint(bands):
        return (
            f"No se compara con {published.cut}: las bandas del semáforo cambiaron desde que se publicó, y un mismo "
            f"avance tendría otro color. {again}"
        )
    return None


def _rank(change: IndicatorChange) -> int:
    if change.jump > 0:
        return 1
    if change.revisions:
        return 2
    if change.newly_unreported:
        return 3
    if change.trend is Trend.WORSE:
        return 4
    if change.reprogrammed:
        return 5
    if change.new_comment or change.trend is Trend.STILL_OVER:
        return 6
    return 7 if change.trend is Trend.BETTER else 8


def _order(change: IndicatorChange) -> tuple[int, float, float]:
    if change.rank == 1:
        return 1, -change.jump, change.size
    if change.rank == 4:
        return 4, 0, change.size
    if change.rank == 7:
        return 7, change.jump, -change.size
    return change.rank, 0, 0


def compare(
    plan: Plan,
    execution: pd.DataFrame,
    cut: Cut,
    bands: TrafficLightBands,
    published: PublishedCut | None = None,
    current: PlanResult | None = None,
) -> Comparison:
    """The cut against its previous cut, recomputed from the same inputs; and, when the previous cut
    was published (`published`), its figures as published against that recomputation."""
    before = previous_cut(cut, plan.period)
    if before is None:
        return Comparison(cut, None, refusal=f"{cut} es el primer corte del plan: no hay corte anterior con qué comparar.")
    remarks: tuple[str, ...] = ()
    if published is not None and published.cut != before:
        published = None  # only the previous cut's publication says what was shown before
    if published is not None:
        refusal = _refusal(plan, bands, published)
        if refusal:
            return Comparison(cut, before, refusal=refusal, published=True)
        if published.structure is None or published.bands is None:
            remarks = (
                f"El corte {before} publicado no registra la huella del plan ni las bandas del semáforo (se generó con "
                f"una versión anterior de la herramienta): no se buscaron revisiones de sus cifras. Regenere {before} "
                "para compararlo.",
            )
    now = current if current is not None else plan_attainment(plan, execution, cut, bands)
    then = plan_attainment(plan, execution, before, bands)
    checked = published is not None and not remarks
    figures = _figure_changes(plan, then, published.rows) if checked and published is not None else {}
    comments_now, comments_then = _comments(execution, cut), _comments(execution, before)
    same_year = before.year == cut.year
    changes = []
    for index, ind_id in enumerate(plan.indicators):
        a, b = then.indicators[ind_id], now.indicators[ind_id]
        direction, jump = trend(a, b, bands, same_year)
        missing_before = set(a.missing_quarters) if same_year else set()
        programmed = b.year_target is not None and abs(b.year_target) >= 1e-12
        newly = tuple(Cut(cut.year, k) for k in b.missing_quarters if k not in missing_before) if programmed else ()
        comment = comments_now.get(ind_id)
        revisions, reprogrammed = figures.get(ind_id, ((), ()))
        change = IndicatorChange(
            indicator_id=ind_id,
            previous=a,
            current=b,
            year_delta=_delta(a.year, b.year) if same_year else None,
            plan_delta=_delta(a.plan, b.plan),
            trend=direction,
            jump=jump,
            newly_unreported=newly,
            new_comment=comment if comment and comment != comments_then.get(ind_id) else None,
            revisions=revisions,
            reprogrammed=reprogrammed,
            published=published.rows.get(ind_id) if checked and published is not None else None,
        )
        changes.append((change, index))
    ranked = [(replace(c, rank=_rank(c)), i) for c, i in changes]
    ranked.sort(key=lambda pair: (*_order(pair[0]), pair[1]))
    return Comparison(cut, before, tuple(c for c, _ in ranked), published=checked, remarks=remarks)


def stale_cuts(
    plan: Plan, execution: pd.DataFrame, bands: TrafficLightBands, published: Iterable[PublishedCut], current: Cut
) -> tuple[StaleCut, ...]:
    """The published cuts (other than `current`, being published now) whose avance.csv figures the
    current inputs would change, by the revision rule; in the order given. A cut outside the plan
    period cannot be regenerated with this plan and is not listed."""
    stale = []
    for cut in published:
        if cut.cut == current or not plan.period[0] <= cut.cut.year <= plan.period[1]:
            continue
        result = plan_attainment(plan, execution, cut.cut, bands)
        changed = {i for i, (rev, rep) in _figure_changes(plan, result, cut.rows).items() if rev or rep}
        changed |= set(cut.rows) ^ set(plan.indicators)
        if changed:
            ordered = [i for i in plan.indicators if i in changed] + sorted(changed - set(plan.indicators))
            stale.append(StaleCut(cut.cut, tuple(ordered)))
    return tuple(stale)


def fingerprints(plan: Plan, bands: TrafficLightBands) -> dict[str, object]:
    """The manifest's fields that tell whether a later cut can be compared with this one."""
    return {"plan": {"huella": plan_fingerprint(plan), "estructura": plan_structure(plan)}, "semaforo": bands_fingerprint(bands)}


def _percent(attainment) -> float | None:
    return attainment.percent if attainment.ok else None


def cambios_table(plan: Plan, comparison: Comparison) -> pd.DataFrame:
    """cambios.csv: one row per indicator, most severe first (columns: `pipeline.report.tables.CAMBIOS_SCHEMA`);
    no rows when there is no comparison (the plan's first cut, cuts not comparable)."""
    rows = []
    for c in comparison.changes:
        a, b = c.previous, c.current
        shown = c.published or {}
        checked = comparison.published
        rows.append(
            {
                "indicador": c.indicator_id,
                "nombre": plan.indicators[c.indicator_id].name,
                "corte_anterior": str(comparison.previous),
                "corte": str(comparison.cut),
                "cambio": c.trend.value,
                "gravedad": c.rank,
                "semaforo_anterior": a.traffic_light.value,
                "semaforo": b.traffic_light.value,
                "avance_vigencia_anterior": _percent(a.year),
                "avance_vigencia": _percent(b.year),
                "diferencia_vigencia": c.year_delta,
                "avance_cuatrienio_anterior": _percent(a.plan),
                "avance_cuatrienio": _percent(b.plan),
                "diferencia_cuatrienio": c.plan_delta,
                "sin_reporte_nuevo": ", ".join(map(str, c.newly_unreported)) or None,
                "comentario_nuevo": c.new_comment,
                "publicado": checked,
                "revisado": bool(c.revisions) if checked else None,
                "ejecutado_vigencia_publicado": _number(shown.get("ejecutado_vigencia")),
                "ejecutado_vigencia_anterior": a.executed_year,
                "avance_vigencia_publicado": _number(shown.get("avance_vigencia")),
                "ejecutado_cuatrienio_publicado": _number(shown.get("ejecutado_cuatrienio")),
                "ejecutado_cuatrienio_anterior": a.executed_plan,
                "avance_cuatrienio_publicado": _number(shown.get("avance_cuatrienio")),
                "semaforo_publicado": shown.get("semaforo") or None,
                "reprogramado": bool(c.reprogrammed) if checked else None,
                "meta_vigencia_publicada": _number(shown.get("meta_vigencia")),
                "meta_vigencia_anterior": a.year_target,
                "meta_cuatrienio_publicada": _number(shown.get("meta_cuatrienio")),
                "meta_cuatrienio": b.plan_target,
                "esperado_publicado": _number(shown.get("esperado")),
                "esperado_anterior": a.expected,
            }
        )
    # object columns keep Python's True, False and None (csv_bytes writes true, false and empty)
    return pd.DataFrame(rows, columns=list(CAMBIOS_COLUMNS)).astype({"publicado": object, "revisado": object, "reprogramado": object})
