"""The attainment tables (avance.csv, objetivos.csv, serie.csv) as data frames, from the computed results.

Column names and order are the contract's (docs/contract.md). Figures are unrounded
floats; `None` marks "not computable" and is written as an empty cell. Columns are only ever
added at the end: `responsable` closes avance.csv when some indicator names one.

Each table's columns are declared once, as `Column`s: the builders below take their names and
order from them, and `pipeline.outputs.datapackage` describes the published CSV files with them, so a
column cannot reach a CSV without its description.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from pipeline.core.attainment import Attainment, PlanResult
from pipeline.core.model import Annualization, Plan
from pipeline.core.settings import DEFAULT_LEVELS, NOT_REPORTED_ID, UNDEFINED_ID, TrafficLight, default_light

__all__ = [
    "Column", "AVANCE_SCHEMA", "RESPONSABLE", "OBJETIVOS_SCHEMA", "AVANCE_KEY", "OBJETIVOS_KEY",
    "AVANCE_COLUMNS", "RESPONSABLE_COLUMN", "OBJETIVOS_COLUMNS", "avance_table", "objetivos_table",
    "CAMBIOS_SCHEMA", "CAMBIOS_KEY", "CAMBIOS_COLUMNS",
    "SERIE_SCHEMA", "SERIE_KEY", "SERIE_COLUMNS", "SERIE_LEVELS", "serie_table",
]


@dataclass(frozen=True)
class Column:
    """A column of a published table: its CSV name and what it holds, as a Table Schema field.

    `type` is a Table Schema type (string, integer, number); `unit` is "%" for percentages
    (87.5 means 87,5 %) and None where the unit is each indicator's own or there is none;
    `required` columns are never empty; `values` lists the only values a column takes.
    """

    name: str
    type: str
    title: str
    description: str
    unit: str | None = None
    required: bool = False
    values: tuple[str, ...] = ()
    minimum: float | None = None
    pattern: str | None = None  # a regular expression every value matches (Table Schema's `pattern`)


_PERCENT = "Porcentaje (87.5 significa 87,5 %), sin redondear; vacío si no se puede calcular"
_LIGHTS = (*DEFAULT_LEVELS, NOT_REPORTED_ID, UNDEFINED_ID)  # the default scale's ids


def light_text(levels: Sequence[TrafficLight] = ()) -> str:
    """What the `semaforo` column holds: each level's id and word (the default scale's when
    none are given)."""
    levels = tuple(levels) or tuple(default_light(i) for i in _LIGHTS)
    said = "; ".join(f"{t.value}: {t.label} ({t.description})" for t in levels)
    return f"Semáforo, por el id de su nivel: {said}"


_LIGHT_TEXT = light_text()

AVANCE_SCHEMA = (
    Column("objetivo", "integer", "Objetivo", "Número del objetivo estratégico en plan.yaml", required=True),
    Column("indicador", "string", "Indicador", "Código del indicador en plan.yaml", required=True),
    Column("nombre", "string", "Nombre", "Nombre del indicador o meta", required=True),
    Column(
        "anualizacion", "string", "Anualización", "Cómo se acumula la ejecución trimestral en el año y en el plan",
        required=True, values=tuple(a.value for a in Annualization),
    ),
    Column("meta_vigencia", "number", "Meta de la vigencia",
           "Meta programada para el año del corte, en la unidad del indicador; vacío si no hay meta para el año"),
    Column("ejecutado_vigencia", "number", "Ejecutado en la vigencia",
           "Ejecución del año hasta el corte, en la unidad del indicador; vacío si no se ha reportado"),
    Column("avance_vigencia", "number", "Avance de la vigencia",
           f"Ejecutado de la vigencia sobre su meta. {_PERCENT}", unit="%"),
    Column("meta_cuatrienio", "number", "Meta del plan",
           "Meta del periodo completo del plan, en la unidad del indicador", required=True),
    Column("ejecutado_cuatrienio", "number", "Ejecutado en el plan",
           "Ejecución acumulada del plan hasta el corte, en la unidad del indicador; vacío si no se ha reportado"),
    Column("avance_cuatrienio", "number", "Avance del plan", f"Ejecutado del plan sobre su meta. {_PERCENT}", unit="%"),
    Column("esperado", "number", "Avance esperado",
           "Parte de la meta del año que se espera cumplida al corte, en porcentaje (75 significa 75 %)",
           unit="%", required=True),
    Column("semaforo", "string", "Semáforo", _LIGHT_TEXT, required=True, values=_LIGHTS),
)
RESPONSABLE = Column(
    "responsable", "string", "Responsable",
    "Dependencia que reporta el indicador; vacío si el plan no la nombra (la columna existe solo si algún indicador la nombra)",
)
AVANCE_KEY = ("objetivo", "indicador")
OBJETIVOS_SCHEMA = (
    Column("objetivo", "string", "Objetivo",
           "Número del objetivo; «eje:<id>» para un eje; «plan» para el plan completo", required=True),
    Column("indicadores", "integer", "Indicadores", "Indicadores del objetivo, del eje o del plan",
           required=True, minimum=0),
    Column("reportados", "integer", "Reportados", "De ellos, los que tienen ejecución reportada en la vigencia hasta el corte",
           required=True, minimum=0),
    Column("avance_vigencia", "number", "Avance de la vigencia",
           "Promedio ponderado del avance de la vigencia de sus indicadores (cada uno con tope de 100 %), "
           f"de sus objetivos o de sus ejes. {_PERCENT}", unit="%"),
    Column("avance_cuatrienio", "number", "Avance del plan",
           "Promedio ponderado del avance del plan de sus indicadores (cada uno con tope de 100 %), "
           f"de sus objetivos o de sus ejes. {_PERCENT}", unit="%"),
    Column("semaforo", "string", "Semáforo", _LIGHT_TEXT, required=True, values=_LIGHTS),
)
OBJETIVOS_KEY = ("objetivo",)
SERIE_LEVELS = ("indicador", "objetivo", "eje", "plan")
SERIE_SCHEMA = (
    Column("nivel", "string", "Nivel", "Qué se mide: un indicador, un objetivo, un eje o el plan completo",
           required=True, values=SERIE_LEVELS),
    Column("id", "string", "Identificador",
           "Código del indicador, número del objetivo o código del eje en el plan; «plan» para el plan completo",
           required=True),
    Column("corte", "string", "Corte", "Trimestre al que corresponden las cifras, como 2023-T2", required=True,
           pattern=r"[0-9]{4}-T[1-4]"),
    Column("fecha_corte", "date", "Fecha de corte", "Último día del trimestre del corte", required=True),
    Column("avance_vigencia", "number", "Avance de la vigencia",
           f"Avance del año del corte, a ese corte, con las metas de ese año. {_PERCENT}", unit="%"),
    Column("avance_cuatrienio", "number", "Avance del plan", f"Avance del plan a ese corte. {_PERCENT}", unit="%"),
    Column("esperado", "number", "Avance esperado",
           "Parte de la meta del año del corte que se espera cumplida a ese corte, en porcentaje (75 significa 75 %); "
           "vacío para un objetivo, eje o plan sin avance de la vigencia", unit="%"),
    Column("semaforo", "string", "Semáforo", _LIGHT_TEXT, required=True, values=_LIGHTS),
)
SERIE_KEY = ("nivel", "id", "corte")

_POINTS = "Diferencia en puntos porcentuales (actual menos anterior; 2.5 significa +2,5 p. p.), sin redondear"
_PREVIOUS = "del corte anterior, recalculado con los datos y el plan de hoy"
_SHOWN = "del corte anterior tal como se publicó en su avance.csv; vacío si no se publicó o no se compara"
_TREND = ("empeora", "mejora", "igual", "sigue en sobreejecución")
CAMBIOS_SCHEMA = (
    Column("indicador", "string", "Indicador", "Código del indicador en plan.yaml (una fila por indicador)", required=True),
    Column("nombre", "string", "Nombre", "Nombre del indicador o meta", required=True),
    Column("corte_anterior", "string", "Corte anterior", "El corte con que se compara (el T4 del año anterior para un T1)",
           required=True),
    Column("corte", "string", "Corte", "El corte del reporte", required=True),
    Column("cambio", "string", "Cambio",
           "empeora, mejora o igual: por el semáforo primero y, en el mismo nivel, por el avance; sigue en "
           "sobreejecución: sobreejecutado en los dos cortes, con otro avance (docs/rules.md)",
           required=True, values=_TREND),
    Column("gravedad", "integer", "Gravedad",
           "Regla de orden que aplica, 1 la más grave: 1 semáforo peor, 2 revisión de datos publicados, 3 trimestre "
           "nuevo sin reporte, 4 avance menor en el mismo nivel, 5 meta reprogramada, 6 comentario nuevo o sigue en "
           "sobreejecución con otro avance, 7 mejora, "
           "8 sin cambios. Las filas van en este orden", required=True, minimum=1),
    Column("semaforo_anterior", "string", "Semáforo anterior", f"Semáforo {_PREVIOUS}", required=True, values=_LIGHTS),
    Column("semaforo", "string", "Semáforo", _LIGHT_TEXT, required=True, values=_LIGHTS),
    Column("avance_vigencia_anterior", "number", "Avance de la vigencia anterior", f"Avance de la vigencia {_PREVIOUS}. {_PERCENT}",
           unit="%"),
    Column("avance_vigencia", "number", "Avance de la vigencia", f"Avance de la vigencia al corte. {_PERCENT}", unit="%"),
    Column("diferencia_vigencia", "number", "Diferencia de la vigencia",
           f"{_POINTS}; vacío entre dos vigencias (un T1 frente al T4 anterior) o si alguno no se puede calcular",
           unit="p. p."),
    Column("avance_cuatrienio_anterior", "number", "Avance del plan anterior", f"Avance del plan {_PREVIOUS}. {_PERCENT}", unit="%"),
    Column("avance_cuatrienio", "number", "Avance del plan", f"Avance del plan al corte. {_PERCENT}", unit="%"),
    Column("diferencia_cuatrienio", "number", "Diferencia del plan", f"{_POINTS}; vacío si alguno no se puede calcular",
           unit="p. p."),
    Column("sin_reporte_nuevo", "string", "Sin reporte nuevo",
           "Trimestres del año no reportados que no faltaban en el corte anterior (2024-T3), separados por coma"),
    Column("comentario_nuevo", "string", "Comentario nuevo",
           "Comentario del trimestre del corte, si no es el mismo texto del trimestre del corte anterior"),
    Column("publicado", "boolean", "Comparado con lo publicado",
           "true si el corte anterior estaba publicado y sus cifras se compararon con el recálculo", required=True),
    Column("revisado", "boolean", "Revisión de datos",
           "true si alguna cifra publicada del corte anterior (ejecutado, avance o semáforo) cambió desde entonces; "
           "vacío si no se comparó con lo publicado"),
    Column("ejecutado_vigencia_publicado", "number", "Ejecutado de la vigencia publicado", f"Ejecutado de la vigencia {_SHOWN}"),
    Column("ejecutado_vigencia_anterior", "number", "Ejecutado de la vigencia anterior", f"Ejecutado de la vigencia {_PREVIOUS}"),
    Column("avance_vigencia_publicado", "number", "Avance de la vigencia publicado", f"Avance de la vigencia {_SHOWN}. {_PERCENT}",
           unit="%"),
    Column("ejecutado_cuatrienio_publicado", "number", "Ejecutado del plan publicado", f"Ejecutado del plan {_SHOWN}"),
    Column("ejecutado_cuatrienio_anterior", "number", "Ejecutado del plan anterior", f"Ejecutado del plan {_PREVIOUS}"),
    Column("avance_cuatrienio_publicado", "number", "Avance del plan publicado", f"Avance del plan {_SHOWN}. {_PERCENT}",
           unit="%"),
    Column("semaforo_publicado", "string", "Semáforo publicado", f"Semáforo {_SHOWN}", values=_LIGHTS),
    Column("reprogramado", "boolean", "Meta reprogramada",
           "true si la meta de la vigencia, la del plan o el avance esperado del corte anterior cambiaron desde que se "
           "publicó; vacío si no se comparó con lo publicado"),
    Column("meta_vigencia_publicada", "number", "Meta de la vigencia publicada", f"Meta de la vigencia {_SHOWN}"),
    Column("meta_vigencia_anterior", "number", "Meta de la vigencia anterior", f"Meta de la vigencia {_PREVIOUS}"),
    Column("meta_cuatrienio_publicada", "number", "Meta del plan publicada", f"Meta del plan {_SHOWN}"),
    Column("meta_cuatrienio", "number", "Meta del plan", "Meta del plan hoy", required=True),
    Column("esperado_publicado", "number", "Esperado publicado", f"Avance esperado {_SHOWN}", unit="%"),
    Column("esperado_anterior", "number", "Esperado anterior", f"Avance esperado {_PREVIOUS}", unit="%", required=True),
)
CAMBIOS_KEY = ("indicador",)
CAMBIOS_COLUMNS = tuple(c.name for c in CAMBIOS_SCHEMA)

AVANCE_COLUMNS = tuple(c.name for c in AVANCE_SCHEMA)
RESPONSABLE_COLUMN = RESPONSABLE.name  # after AVANCE_COLUMNS, only when some indicator names one
OBJETIVOS_COLUMNS = tuple(c.name for c in OBJETIVOS_SCHEMA)
SERIE_COLUMNS = tuple(c.name for c in SERIE_SCHEMA)


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


def _serie_rows(plan: Plan, series: Sequence[PlanResult]) -> Iterator[tuple[str, str, PlanResult, object]]:
    """(level, id, point, that point's result) level by level, id by id, cut after cut."""
    for ind_id in plan.indicators:
        for point in series:
            yield "indicador", ind_id, point, point.indicators[ind_id]
    for n, objective in enumerate(plan.objectives):
        for point in series:
            yield "objetivo", str(objective.id), point, point.objectives[n]
    for n, axis in enumerate(plan.axes):
        for point in series:
            yield "eje", axis.id, point, point.axes[n]
    for point in series:
        yield "plan", "plan", point, point.overall


def serie_table(plan: Plan, series: Sequence[PlanResult]) -> pd.DataFrame:
    """serie.csv: every indicator (once, in the plan's order), objective, eje and the plan at
    every cut of `series` (`pipeline.core.attainment.plan_series`), one row per (level, id, cut);
    each id's rows are contiguous and in the order of the cuts."""
    rows = [
        {
            "nivel": level,
            "id": key,
            "corte": str(point.cut),
            "fecha_corte": point.cut.end.isoformat(),
            "avance_vigencia": _percent(r.year),
            "avance_cuatrienio": _percent(r.plan),
            "esperado": r.expected,
            "semaforo": r.traffic_light.value,
        }
        for level, key, point, r in _serie_rows(plan, series)
    ]
    return pd.DataFrame(rows, columns=list(SERIE_COLUMNS))
