"""The cut's attainment as Markdown, for the Prefect UI (a markdown artifact per entity and cut).

Same figures and wording as the deck's tables (the helpers of `pipeline.report`); a table per
objective with its indicators' traffic lights.
"""

from __future__ import annotations

from pipeline.attainment import PlanResult
from pipeline.formatting import long_date, percent
from pipeline.model import Plan
from pipeline.report import LIGHT_LABELS, amount_text, attainment_text, light_label
from pipeline.settings import TrafficLight
from pipeline.text import plain, runs

__all__ = ["attainment_markdown", "LIGHT_ICONS"]

LIGHT_ICONS = {
    TrafficLight.ROJO: "🔴",
    TrafficLight.AMARILLO: "🟡",
    TrafficLight.VERDE: "🟢",
    TrafficLight.NARANJA: "🟠",
    TrafficLight.GRIS: "⚪",
}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and markup escaped."""
    text = " ".join(text.split())
    for char in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(char, "\\" + char)
    return text


def _light(light: TrafficLight, label: str) -> str:
    return f"{LIGHT_ICONS[light]} {label}"


def attainment_markdown(plan: Plan, result: PlanResult) -> str:
    cut = result.cut
    first, last = plan.period
    overall = result.overall
    lines = [
        f"# {_cell(plan.title)}: {_cell(plan.entity)}",
        "",
        f"Seguimiento **{cut}**, corte al {long_date(cut.end)}.",
        "",
        f"- Avance del plan en la vigencia {plan.vigencia}: **{attainment_text(overall.year)}**"
        + (f" (esperado al corte: {percent(overall.expected)})" if overall.expected is not None else ""),
        f"- Avance del plan {first}-{last}: **{attainment_text(overall.plan)}**",
        "- Indicadores por semáforo: "
        + ", ".join(f"{_light(light, LIGHT_LABELS[light].lower())}: {n}" for light, n in result.light_counts().items()),
    ]
    if result.inconsistent():
        lines.append(f"- Inconsistencias o avances negativos por revisar: {', '.join(result.inconsistent())}")
    if result.axes:
        lines += ["", "## Avance por eje", ""]
        lines += [
            f"- {_cell(axis.name)}: avance {plan.vigencia} **{attainment_text(r.year)}**, plan {first}-{last} "
            f"**{attainment_text(r.plan)}** · {_light(r.traffic_light, LIGHT_LABELS[r.traffic_light])}"
            for axis, r in zip(plan.axes, result.axes)
        ]
    for objective, rolled in zip(plan.objectives, result.objectives):
        lines += [
            "",
            f"## Objetivo {objective.id} · {_light(rolled.traffic_light, LIGHT_LABELS[rolled.traffic_light])}"
            f" · avance {plan.vigencia}: {attainment_text(rolled.year)}",
            "",
            _cell(plain(runs(objective.text))),
            "",
            f"| Indicador | Meta {plan.vigencia} | Ejecutado {plan.vigencia} | Avance {plan.vigencia} "
            f"| Avance {first}-{last} | Semáforo |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for indicator_id in objective.indicator_ids:
            indicator, r = plan.indicators[indicator_id], result.indicators[indicator_id]
            lines.append(
                f"| **{_cell(indicator.id)}** {_cell(indicator.name)} | {amount_text(r.year_target, 'N/A', indicator.unit)} "
                f"| {amount_text(r.executed_year, unit=indicator.unit)} | {attainment_text(r.year)} | {attainment_text(r.plan)} "
                f"| {_light(r.traffic_light, light_label(r))} |"
            )
    return "\n".join(lines) + "\n"
