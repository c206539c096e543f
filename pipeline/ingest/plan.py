"""Read and validate an entity's plan.yaml into a `Plan`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from pipeline.errors import InputError, Problem
from pipeline.ingest.yaml_source import YamlDocument, read_yaml, validate
from pipeline.model import Annualization, Indicator, Objective, Plan, Unit
from pipeline.numbers import NotANumber, parse_number

__all__ = ["load_plan", "PLAN_FILE"]

PLAN_FILE = "plan.yaml"


def _number(value: object) -> object:
    """Accept `4.155.036` or `87,5` written in the YAML, as people copy them from Excel."""
    if isinstance(value, str):
        try:
            return parse_number(value)
        except NotANumber:
            return value  # let pydantic report it as "not a number"
    return value


Number = Annotated[float, BeforeValidator(_number), Field(ge=0, allow_inf_nan=False)]
Text = Annotated[str, Field(min_length=1)]


def _id(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


IndicatorId = Annotated[str, BeforeValidator(_id), Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class IndicatorIn(_Strict):
    id: IndicatorId
    etiqueta: str = ""
    nombre: Text
    anualizacion: Literal["suma", "creciente", "decreciente", "constante"]
    linea_base: Annotated[float | None, BeforeValidator(_number)] = None
    unidad: Literal["porcentaje", "numero"]
    meta_cuatrienio: Number
    meta_vigencia: Number
    metas_trimestrales: list[Number] | None = Field(default=None, min_length=4, max_length=4)
    metas_anuales: dict[int, Number] | None = None

    @field_validator("anualizacion", "unidad", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("metas_trimestrales")
    @classmethod
    def _positive_total(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and sum(value) <= 0:
            raise ValueError("cuatro metas trimestrales con suma mayor que 0")
        return value


class ObjetivoIn(_Strict):
    id: int
    texto: Text
    texto_detalle: str | None = None
    encabezado_tabla: Text = "Nombre meta"
    indicadores: list[IndicatorId] = Field(min_length=1)
    pesos: dict[IndicatorId, Annotated[float, BeforeValidator(_number), Field(gt=0)]] | None = None


class PlanIn(_Strict):
    entidad: Text
    titulo: Text
    vigencia: int
    periodo_plan: tuple[int, int]
    normatividad: Text
    fuente_normatividad: Text
    mision: Text
    vision: Text
    objetivos: list[ObjetivoIn] = Field(min_length=1)
    indicadores: list[IndicatorIn] = Field(min_length=1)


def _duplicates(ids: list, loc: str) -> list[tuple[tuple, str]]:
    seen: dict = {}
    out = []
    for pos, value in enumerate(ids):
        if value in seen:
            out.append(((loc, pos, "id"), f"el id «{value}» repetido (ya está en la posición {seen[value] + 1})"))
        seen.setdefault(value, pos)
    return out


def _reference_problems(plan: PlanIn, doc: YamlDocument) -> list[Problem]:
    """Checks across fields: ids, references, the period, baselines, weights."""
    first, last = plan.periodo_plan
    problems: list[Problem] = []

    def add(loc: tuple, found: str, expected: str, hint: str | None = None) -> None:
        problems.append(Problem(found, expected, row=doc.line_of(loc), hint=hint, row_label="línea"))

    if first > last:
        add(("periodo_plan",), f"[{first}, {last}]", "[primer año, último año] con el primero antes del último")
    elif not first <= plan.vigencia <= last:
        add(("vigencia",), str(plan.vigencia), f"un año del periodo del plan ({first} a {last})")

    for loc, found in _duplicates([i.id for i in plan.indicadores], "indicadores"):
        add(loc, found, "un id distinto para cada indicador")
    for loc, found in _duplicates([o.id for o in plan.objetivos], "objetivos"):
        add(loc, found, "un id distinto para cada objetivo")

    for pos, ind in enumerate(plan.indicadores):
        if ind.anualizacion == "decreciente" and ind.linea_base is None:
            add(
                ("indicadores", pos, "linea_base"),
                f"el indicador decreciente «{ind.id}» sin línea base",
                "una línea base (linea_base) para medir cuánto se redujo",
            )
        for year in ind.metas_anuales or {}:
            if not first <= year <= last:
                add(
                    ("indicadores", pos, "metas_anuales", year),
                    f"una meta para {year}",
                    f"años del periodo del plan ({first} a {last})",
                )

    defined = {i.id for i in plan.indicadores}
    names = ", ".join(sorted(defined))
    for pos, obj in enumerate(plan.objetivos):
        for k, ind_id in enumerate(obj.indicadores):
            if ind_id not in defined:
                add(
                    ("objetivos", pos, "indicadores", k),
                    f"el indicador «{ind_id}» en el objetivo {obj.id}, que no está definido",
                    f"un id de la lista «indicadores» ({names})",
                    hint="Defínalo en «indicadores» o corrija el id.",
                )
        repeated = {i for i in obj.indicadores if obj.indicadores.count(i) > 1}
        if repeated:
            add(
                ("objetivos", pos, "indicadores"),
                f"el indicador «{sorted(repeated)[0]}» repetido en el objetivo {obj.id}",
                "cada indicador una sola vez por objetivo",
            )
        if obj.pesos is not None and set(obj.pesos) != set(obj.indicadores):
            add(
                ("objetivos", pos, "pesos"),
                f"pesos para {', '.join(sorted(obj.pesos))}",
                f"un peso para cada indicador del objetivo ({', '.join(obj.indicadores)})",
            )
    return problems


def _to_plan(plan: PlanIn) -> Plan:
    indicators = {
        i.id: Indicator(
            id=i.id,
            label=i.etiqueta,
            name=i.nombre,
            annualization=Annualization(i.anualizacion),
            unit=Unit(i.unidad),
            baseline=i.linea_base,
            plan_target=i.meta_cuatrienio,
            year_target=i.meta_vigencia,
            quarterly_targets=tuple(i.metas_trimestrales) if i.metas_trimestrales else None,
            annual_targets=dict(i.metas_anuales or {}),
        )
        for i in plan.indicadores
    }
    objectives = tuple(
        Objective(
            id=o.id,
            text=o.texto,
            indicator_ids=tuple(o.indicadores),
            weights=tuple(o.pesos[i] if o.pesos else 1.0 for i in o.indicadores),
            detail_text=o.texto_detalle,
            table_heading=o.encabezado_tabla,
        )
        for o in plan.objetivos
    )
    return Plan(
        entity=plan.entidad,
        title=plan.titulo,
        vigencia=plan.vigencia,
        period=plan.periodo_plan,
        normative_basis=plan.normatividad,
        normative_source=plan.fuente_normatividad,
        mission=plan.mision,
        vision=plan.vision,
        objectives=objectives,
        indicators=indicators,
    )


def load_plan(folder: Path) -> Plan:
    """Read `folder/plan.yaml`; any problem raises one `InputError` naming file and line."""
    doc = read_yaml(folder / PLAN_FILE, what="el plan de la entidad (plan.yaml)")
    plan_in = validate(PlanIn, doc)
    problems = _reference_problems(plan_in, doc)
    if problems:
        raise InputError(doc.path, sorted(problems, key=lambda p: p.row or 0))
    return _to_plan(plan_in)
