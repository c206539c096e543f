"""The attainment tables (avance.csv, objetivos.csv) as data frames, from the computed results.

Column names and order are the contract's (docs/contract.md). Figures are unrounded
floats; `None` marks "not computable" and is written as an empty cell. Columns are only ever
added at the end: `responsable` closes avance.csv when some indicator names one.
"""

from __future__ import annotations

import pandas as pd

from pipeline.attainment import Attainment, PlanResult
from pipeline.model import Plan

__all__ = ["AVANCE_COLUMNS", "RESPONSABLE_COLUMN", "OBJETIVOS_COLUMNS", "avance_table", "objetivos_table"]

AVANCE_COLUMNS = (
    "objetivo",
    "indicador",
    "nombre",
    "anualizacion",
    "meta_vigencia",
    "ejecutado_vigencia",
    "avance_vigencia",
    "meta_cuatrienio",
    "ejecutado_cuatrienio",
    "avance_cuatrienio",
    "esperado",
    "semaforo",
)
RESPONSABLE_COLUMN = "responsable"  # after AVANCE_COLUMNS, only when some indicator names one
OBJETIVOS_COLUMNS = (
    "objetivo",
    "indicadores",
    "reportados",
    "avance_vigencia",
    "avance_cuatrienio",
    "semaforo",
)


def _percent(attainment: Attainment) -> float | None:
    return attainment.percent if attainment.ok else None


def avance_table(plan: Plan, result: PlanResult) -> pd.DataFrame:
    """One row per (objective, indicator) pair, in the plan's order; a last column
    `responsable` when some indicator names the dependency that reports it."""
    with_responsible = any(i.responsible for i in plan.indicators.values())
    columns = [*AVANCE_COLUMNS, RESPONSABLE_COLUMN] if with_responsible else list(AVANCE_COLUMNS)
    rows = []
    for objective in plan.objectives:
        for ind_id in objective.indicator_ids:
            indicator = plan.indicators[ind_id]
            r = result.indicators[ind_id]
            rows.append(
                {
                    "objetivo": objective.id,
                    "indicador": ind_id,
                    "nombre": indicator.name,
                    "anualizacion": indicator.annualization.value,
                    "meta_vigencia": r.year_target,
                    "ejecutado_vigencia": r.executed_year,
                    "avance_vigencia": _percent(r.year),
                    "meta_cuatrienio": r.plan_target,
                    "ejecutado_cuatrienio": r.executed_plan,
                    "avance_cuatrienio": _percent(r.plan),
                    "esperado": r.expected,
                    "semaforo": r.traffic_light.value,
                    RESPONSABLE_COLUMN: indicator.responsible,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def objetivos_table(result: PlanResult) -> pd.DataFrame:
    """One row per objective, then one per eje (`objetivo` = "eje:<id>"), then the whole plan
    (`objetivo` = "plan")."""
    labelled = [
        *((str(o.objective_id), o) for o in result.objectives),
        *((f"eje:{a.axis_id}", a) for a in result.axes),
        ("plan", result.overall),
    ]
    rows = [
        {
            "objetivo": label,
            "indicadores": o.indicators,
            "reportados": o.reported,
            "avance_vigencia": _percent(o.year),
            "avance_cuatrienio": _percent(o.plan),
            "semaforo": o.traffic_light.value,
        }
        for label, o in labelled
    ]
    return pd.DataFrame(rows, columns=list(OBJETIVOS_COLUMNS))
