"""Read and validate an entity's plan (plan.yaml, or plan.xlsx) into a `Plan`.

Both files become the same plain data (the fields of plan.yaml) and are checked by the same
models and rules below; each document says where a field is (a line, or a sheet, row and
column), so every message names the place in the file the user wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError,
    field_validator,
)

from pipeline.core.characters import INVISIBLE, control_characters, describe, shown
from pipeline.errors import InputError, Problem, did_you_mean
from pipeline.core.formatting import number
from pipeline.ingest.coverage import font_problem, uncovered
from pipeline.ingest.checks import PlanOutline
from pipeline.ingest.yaml_source import Document, read_yaml, validate
from pipeline.core.model import Aggregation, Annualization, Axis, Indicator, Objective, Plan, TargetReading, Unit
from pipeline.core.numbers import NotANumber, parse_number

__all__ = ["load_plan", "plan_data", "plan_file", "plan_outline", "read_plan", "PLAN_FILE", "PLAN_WORKBOOK", "PLAN_FILES"]

PLAN_FILE = "plan.yaml"
PLAN_WORKBOOK = "plan.xlsx"
PLAN_FILES = (PLAN_FILE, PLAN_WORKBOOK)  # an entity folder holds one of them


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


def _single_line(value: str) -> str:
    """Texts that go into e-mail headers, file metadata and titles: no line break, no control."""
    hidden = control_characters(value)
    if hidden:
        position, char = hidden[0]
        raise ValueError(
            f"un texto de una sola línea, sin saltos de línea ni caracteres de control (tiene {describe(char)} "
            f"en la posición {position}; escríbalo en una línea, entre comillas si lleva «:»)"
        )
    return value


SingleLine = Annotated[str, Field(min_length=1), AfterValidator(_single_line)]
SIGLA_CHARS = 30


def _sigla(value: str) -> str:
    """plan.yaml's sigla goes into file names (`{sigla}`) and e-mail subjects: a plain word."""
    if len(value) > SIGLA_CHARS or not re.fullmatch(r"[^\W_][\w-]*", value):
        raise ValueError(
            f"una sigla de letras, números, «-» o «_», sin espacios ni «/», que empiece por letra o número y de "
            f"a lo sumo {SIGLA_CHARS} caracteres, como «PDM» o «PDM-Tenjo» (tiene «{shown(value)}»)"
        )
    return value


Sigla = Annotated[str, Field(min_length=1), AfterValidator(_sigla)]


def _id(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _visible_id(value: str) -> str:
    """An id with an invisible character looks like another one: say where it is."""
    hidden = control_characters(value)
    if hidden:
        raise ValueError(invisible_id_problem(value, hidden))
    return value


def invisible_id_problem(value: str, hidden: list[tuple[int, str]]) -> str:
    """What an id with hidden characters should be, saying which and where."""
    position, char = hidden[0]
    kind = "invisible" if char in INVISIBLE else "de control"
    clean = "".join(c for n, c in enumerate(value, start=1) if n not in {p for p, _ in hidden})
    return (
        f"un id sin caracteres invisibles ni de control (tiene un carácter {kind}, {describe(char).removeprefix('un ')}, "
        f"en la posición {position}; sin él, el id es «{clean}»: bórrelo y escriba el id de nuevo)"
    )


IndicatorId = Annotated[str, BeforeValidator(_id), Field(min_length=1), AfterValidator(_visible_id)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _positive_total(value: list[float]) -> list[float]:
    if sum(value) <= 0:
        raise ValueError("cuatro metas trimestrales con suma mayor que 0")
    return value


Quarter4 = Annotated[list[Number], Field(min_length=4, max_length=4), AfterValidator(_positive_total)]
# One list (the vigencia's quarters) or a mapping year -> list; the callable discriminator makes
# pydantic report only the errors of the form actually written.
QuarterlyTargets = Annotated[
    Union[Annotated[Quarter4, Tag("tag-lista")], Annotated[dict[int, Quarter4], Tag("tag-anios")]],
    Discriminator(lambda v: "tag-anios" if isinstance(v, dict) else "tag-lista"),
]
Weight = Annotated[float, BeforeValidator(_number), Field(gt=0, allow_inf_nan=False)]


def _unit(value: object) -> object:
    """Any unit text; porcentaje/numero in any case. An empty one is reported in Spanish."""
    if not isinstance(value, str):
        return value
    Unit(value)  # raises ValueError with the Spanish expectation when empty
    return value


class IndicatorIn(_Strict):
    id: IndicatorId
    etiqueta: str = ""
    nombre: Text
    anualizacion: Literal["suma", "creciente", "decreciente", "constante"]
    linea_base: Annotated[float | None, BeforeValidator(_number)] = None
    unidad: Annotated[str, AfterValidator(_unit)]
    meta_cuatrienio: Number
    meta_vigencia: Number
    metas_trimestrales: QuarterlyTargets | None = None
    metas_anuales: dict[int, Number] | None = None
    metas_como: Literal["incremento", "nivel"] = "incremento"
    responsable: Text | None = None

    @field_validator("anualizacion", "metas_como", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class ObjetivoIn(_Strict):
    id: int
    texto: Text
    texto_detalle: str | None = None
    encabezado_tabla: Text = "Nombre meta"
    indicadores: list[IndicatorId] = Field(min_length=1)
    pesos: dict[IndicatorId, Weight] | None = None
    peso: Weight = 1.0


class EjeIn(_Strict):
    id: IndicatorId
    nombre: Text
    peso: Weight = 1.0
    objetivos: list[int] = Field(min_length=1)


class PlanIn(_Strict):
    entidad: SingleLine
    titulo: SingleLine
    sigla: Sigla | None = None  # the plan's short name (default: the initials of titulo, `model.initials`)
    titulo_reporte: SingleLine | None = None  # the report's title as is (default: titulo and the year)
    vigencia: int
    periodo_plan: tuple[int, int]
    normatividad: Text
    fuente_normatividad: Text
    mision: Text
    vision: Text
    agregacion: Literal["objetivos", "indicadores"] = "objetivos"
    ejes: list[EjeIn] | None = None
    objetivos: list[ObjetivoIn] = Field(min_length=1)
    indicadores: list[IndicatorIn] = Field(min_length=1)

    @field_validator("agregacion", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class _ObjectiveRefs:
    """What the checks across fields need of an objective; None where that field is invalid."""

    id: int | None
    indicadores: list[str] | None
    pesos: dict[str, float] | None


@dataclass(frozen=True)
class _AxisRefs:
    """What the checks across fields need of an eje; None where that field is invalid."""

    id: str | None
    objetivos: list[int] | None


def _valid(adapter: TypeAdapter, value: object) -> object | None:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


_INT = TypeAdapter(int)
_PERIOD = TypeAdapter(tuple[int, int])
_ID = TypeAdapter(IndicatorId)
_IDS = TypeAdapter(list[IndicatorId])
_WEIGHTS = TypeAdapter(dict[IndicatorId, Weight])
_OBJECTIVE_IDS = TypeAdapter(list[int])


@dataclass(frozen=True)
class _Parts:
    """A plan's parts as the checks across fields see them, each valid or None.

    Of a valid plan every part is there. Of a plan with field problems (`partial`), each part
    that validates on its own is: an indicator whose every field is right, each indicator's id
    (also when another of its fields is wrong: it is still defined), each objective's id,
    indicators and weights, each eje's id and objectives. Every check runs where the parts it
    needs are valid and waits otherwise, so one run lists the field problems and the cross
    references together, and never a cross-reference problem that a field problem may explain.
    """

    vigencia: int | None
    periodo_plan: tuple[int, int] | None
    indicadores: list[IndicatorIn | None]
    indicator_ids: list[str | None]
    objetivos: list[_ObjectiveRefs]
    ejes: list[_AxisRefs] | None

    @classmethod
    def of(cls, plan: PlanIn) -> _Parts:
        return cls(
            plan.vigencia, plan.periodo_plan, list(plan.indicadores), [i.id for i in plan.indicadores],
            [_ObjectiveRefs(o.id, list(o.indicadores), o.pesos) for o in plan.objetivos],
            [_AxisRefs(e.id, list(e.objetivos)) for e in plan.ejes] if plan.ejes else None,
        )

    @classmethod
    def partial(cls, data: object) -> _Parts | None:
        """The parts of a plan's plain data that validate; None when it is no set of fields."""
        if not isinstance(data, dict):
            return None

        def items(name: str) -> list[dict]:
            value = data.get(name)
            return [i if isinstance(i, dict) else {} for i in value] if isinstance(value, list) else []

        indicators = []
        for item in items("indicadores"):
            try:
                indicators.append(IndicatorIn.model_validate(item))
            except ValidationError:
                indicators.append(None)
        objectives = [
            _ObjectiveRefs(_valid(_INT, o.get("id")), _valid(_IDS, o.get("indicadores")),
                           _valid(_WEIGHTS, o["pesos"]) if o.get("pesos") is not None else None)
            for o in items("objetivos")
        ]
        ejes = data.get("ejes")
        axes = [_AxisRefs(_valid(_ID, e.get("id")), _valid(_OBJECTIVE_IDS, e.get("objetivos"))) for e in items("ejes")]
        return cls(
            _valid(_INT, data.get("vigencia")), _valid(_PERIOD, data.get("periodo_plan")), indicators,
            [_valid(_ID, i.get("id")) for i in items("indicadores")], objectives,
            axes if isinstance(ejes, list) and ejes else None,
        )


def _duplicates(ids: list, loc: str) -> list[tuple[tuple, str]]:
    seen: dict = {}
    out = []
    for pos, value in enumerate(ids):
        if value is None:
            continue
        if value in seen:
            out.append(((loc, pos, "id"), f"el id «{value}» repetido (ya está en la posición {seen[value] + 1})"))
        seen.setdefault(value, pos)
    return out


def _reference_problems(plan: _Parts, doc: Document) -> list[Problem]:
    """Checks across fields: ids, references, the period, baselines, weights; each where the
    parts it needs are valid (see `_Parts`)."""
    problems: list[Problem] = []

    def add(loc: tuple, found: str, expected: str, hint: str | None = None) -> None:
        problems.append(Problem(found, expected, hint=hint, **doc.place(loc)))

    period = plan.periodo_plan
    dated = period is not None and plan.vigencia is not None  # the checks of targets by year
    if period is not None and period[0] > period[1]:
        add(("periodo_plan",), f"[{period[0]}, {period[1]}]", "[primer año, último año] con el primero antes del último")
        period, dated = None, False
    elif dated and not period[0] <= plan.vigencia <= period[1]:
        add(("vigencia",), str(plan.vigencia), f"un año del periodo del plan ({period[0]} a {period[1]})")
        dated = False  # the vigencia's targets are told once the vigencia is right

    for loc, found in _duplicates(plan.indicator_ids, "indicadores"):
        add(loc, found, "un id distinto para cada indicador")
    for loc, found in _duplicates([o.id for o in plan.objetivos], "objetivos"):
        add(loc, found, "un id distinto para cada objetivo")

    for pos, ind in enumerate(plan.indicadores):
        if ind is None:
            continue
        if ind.anualizacion == "decreciente" and ind.linea_base is None:
            add(
                ("indicadores", pos, "linea_base"),
                f"el indicador decreciente «{ind.id}» sin línea base",
                "una línea base (linea_base) para medir cuánto se redujo",
            )
        for year in (ind.metas_anuales or {}) if period is not None else ():
            if not period[0] <= year <= period[1]:
                add(
                    ("indicadores", pos, "metas_anuales", year),
                    f"una meta para {year}",
                    f"años del periodo del plan ({period[0]} a {period[1]})",
                )

    for pos, ind in enumerate(plan.indicadores):
        if ind is not None and dated:
            _target_problems(pos, ind, plan, add, doc.workbook)

    defined = {i for i in plan.indicator_ids if i is not None}
    names = ", ".join(sorted(defined))
    # An indicator without a valid id may be the one an objective names: then that check waits.
    all_known = None not in plan.indicator_ids
    for pos, obj in enumerate(plan.objetivos):
        shown_id = obj.id if obj.id is not None else pos + 1
        for k, ind_id in enumerate(obj.indicadores or ()):
            if ind_id not in defined and all_known:
                add(
                    ("objetivos", pos, "indicadores", k),
                    f"el indicador «{ind_id}» en el objetivo {shown_id}, que no está definido",
                    f"un id de la lista «indicadores» ({names})",
                    hint=_close(ind_id, defined, "Defínalo en «indicadores» o corrija el id."),
                )
        repeated = {i for i in obj.indicadores or () if obj.indicadores.count(i) > 1}
        if repeated:
            add(
                ("objetivos", pos, "indicadores"),
                f"el indicador «{sorted(repeated)[0]}» repetido en el objetivo {shown_id}",
                "cada indicador una sola vez por objetivo",
            )
        if obj.pesos is not None and obj.indicadores is not None and set(obj.pesos) != set(obj.indicadores):
            add(
                ("objetivos", pos, "pesos"),
                f"los pesos para {', '.join(sorted(obj.pesos))}",
                f"un peso para cada indicador del objetivo ({', '.join(obj.indicadores)})",
            )
    _axis_problems(plan, add, doc.workbook)
    return problems


def _close(found: object, choices, hint: str | None = None) -> str | None:
    """`hint`, after «¿Quiso decir …?» when one of `choices` is close to `found`."""
    suggestion = did_you_mean(found, choices)
    return " ".join(part for part in (suggestion, hint) if part) or None


def _quarterly(ind: IndicatorIn, vigencia: int) -> dict[int, tuple[float, float, float, float]]:
    """The quarterly profiles by year: one list is the vigencia's."""
    given = ind.metas_trimestrales
    if given is None:
        return {}
    if isinstance(given, list):
        given = {vigencia: given}
    return {year: tuple(values) for year, values in given.items()}  # type: ignore[misc]


def _indicator(i: IndicatorIn, vigencia: int) -> Indicator:
    return Indicator(
        id=i.id,
        label=i.etiqueta,
        name=i.nombre,
        annualization=Annualization(i.anualizacion),
        unit=Unit(i.unidad),
        baseline=i.linea_base,
        plan_target=i.meta_cuatrienio,
        year_target=i.meta_vigencia,
        quarterly_targets=_quarterly(i, vigencia),
        annual_targets=dict(i.metas_anuales or {}),
        targets_as=TargetReading(i.metas_como),
        responsible=i.responsable,
    )


# Quarterly targets must add up to the year's target to this relative tolerance (0,5 %).
QUARTERLY_TOLERANCE = 0.005


def _target_problems(
    pos: int, ind: IndicatorIn, plan: _Parts, add_problem: Callable[..., None], workbook: bool = False
) -> None:
    """Targets as levels need the year before's level; quarterly targets must agree with M_Y."""
    first, last = plan.periodo_plan
    indicator = _indicator(ind, plan.vigencia)
    here = ("indicadores", pos)
    if indicator.targets_are_levels:
        years = sorted({plan.vigencia, *indicator.annual_targets})
        for year in years:
            where = (*here, "metas_anuales", year) if year in indicator.annual_targets else (*here, "meta_vigencia")
            if year > first and indicator.stated_target(year - 1, plan.vigencia) is None:
                add_problem(
                    where,
                    f"la meta de {year} del indicador «{ind.id}» escrita como nivel (metas_como: nivel), "
                    f"sin el nivel meta de {year - 1}",
                    f"el nivel meta de {year - 1} {f'en la columna meta_{year - 1}' if workbook else 'en metas_anuales'} "
                    f"(la meta de {year} es el nivel de {year} menos el de {year - 1})",
                    hint=f"Escriba el nivel meta de {year - 1} en la columna meta_{year - 1} de la fila del indicador "
                    f"«{ind.id}» (agregue la columna si no está)." if workbook
                    else f"Agregue {year - 1} a metas_anuales del indicador «{ind.id}».",
                )
                continue
            change = indicator.target_for_year(year, plan.vigencia, first)
            if change is not None and change < 0:
                way = "menor" if ind.anualizacion == "creciente" else "mayor"
                add_problem(
                    where,
                    f"un nivel meta de {year} ({number(indicator.stated_target(year, plan.vigencia) or 0)}) "
                    f"{way} que el del año anterior en el indicador {ind.anualizacion} «{ind.id}»",
                    f"niveles meta que avanzan año a año en la dirección del indicador ({ind.anualizacion})",
                )
    for year, profile in indicator.quarterly_targets.items():
        where = (*here, "metas_trimestrales", year) if isinstance(ind.metas_trimestrales, dict) else (*here, "metas_trimestrales")
        if not first <= year <= last:
            add_problem(where, f"las metas trimestrales para {year}", f"años del periodo del plan ({first} a {last})")
            continue
        target = indicator.target_for_year(year, plan.vigencia, first)
        if target is None and indicator.stated_target(year, plan.vigencia) is not None:
            continue  # a level target without the year before's: reported above
        if target is None:
            add_problem(
                where,
                f"las metas trimestrales de {year} del indicador «{ind.id}», que no tiene meta para {year}",
                f"la meta de {year} en meta_vigencia (si {year} es la vigencia) o en metas_anuales",
            )
            continue
        if ind.anualizacion == "constante":
            found, name = profile[-1], f"una meta del cuarto trimestre de {year} de {number(profile[-1])}"
            expected = f"el nivel programado al cierre de {year}, igual a la meta del año ({number(target)})"
            hint = "Para mantener un nivel todo el año escriba el mismo valor en los cuatro trimestres, p. ej. [6, 6, 6, 6]."
        else:
            found, name = sum(profile), f"las metas trimestrales de {year} que suman {number(sum(profile))}"
            expected = f"que sumen la meta de {year} ({number(target)}), con una diferencia de hasta 0,5 %"
            hint = "Para un indicador suma, creciente o decreciente cada meta trimestral es lo que aporta ese trimestre."
        if abs(found - target) > QUARTERLY_TOLERANCE * abs(target) or (abs(target) == 0 and found != 0):
            add_problem(where, f"{name} en el indicador {ind.anualizacion} «{ind.id}»", expected, hint=hint)


def _axis_problems(plan: _Parts, add: Callable[..., None], workbook: bool = False) -> None:
    """With ejes, every objective is in exactly one of them; ids are known and not repeated (each
    check where the parts it needs are valid)."""
    if not plan.ejes:
        return
    for loc, found in _duplicates([e.id for e in plan.ejes], "ejes"):
        add(loc, found, "un id distinto para cada eje")
    objective_ids = [o.id for o in plan.objetivos]
    known = [i for i in objective_ids if i is not None]
    names = ", ".join(map(str, known))
    home: dict[int, str] = {}
    for pos, eje in enumerate(plan.ejes):
        for k, obj_id in enumerate(eje.objetivos or ()):
            loc = ("ejes", pos, "objetivos", k)
            if obj_id not in known:
                if None not in objective_ids:  # an objective without a valid id may be this one
                    add(loc, f"el objetivo {obj_id} en el eje «{eje.id}», que no está definido",
                        f"un id de la lista «objetivos» ({names})", _close(obj_id, known))
            elif obj_id in home:
                where = "ese mismo eje" if home[obj_id] == eje.id else f"el eje «{home[obj_id]}»"
                add(loc, f"el objetivo {obj_id} en el eje «{eje.id}», que ya está en {where}", "cada objetivo en un solo eje")
            else:
                home[obj_id] = eje.id
    if any(e.objetivos is None for e in plan.ejes):
        return  # an objective in no eje may be in the eje whose list is wrong
    for pos, obj in enumerate(plan.objetivos):
        if obj.id is not None and obj.id not in home:
            add(
                ("objetivos", pos, "id"),
                f"el objetivo {obj.id}, que no está en ningún eje",
                "cada objetivo con su eje (columna «eje» de la hoja «Objetivos»)" if workbook
                else "cada objetivo en uno de los ejes (campo «objetivos» de cada eje)",
                hint=f"Escriba en la columna «eje» el id del eje del objetivo {obj.id}." if workbook
                else f"Agregue {obj.id} a la lista «objetivos» de su eje.",
            )


def _to_plan(plan: PlanIn) -> Plan:
    indicators = {i.id: _indicator(i, plan.vigencia) for i in plan.indicadores}
    objectives = tuple(
        Objective(
            id=o.id,
            text=o.texto,
            indicator_ids=tuple(o.indicadores),
            weights=tuple(o.pesos[i] if o.pesos else 1.0 for i in o.indicadores),
            detail_text=o.texto_detalle,
            table_heading=o.encabezado_tabla,
            weight=o.peso,
        )
        for o in plan.objetivos
    )
    axes = tuple(Axis(id=e.id, name=e.nombre, objective_ids=tuple(e.objetivos), weight=e.peso) for e in plan.ejes or ())
    return Plan(
        entity=plan.entidad,
        title=plan.titulo,
        report_title=plan.titulo_reporte,
        given_acronym=plan.sigla,
        vigencia=plan.vigencia,
        period=plan.periodo_plan,
        normative_basis=plan.normatividad,
        normative_source=plan.fuente_normatividad,
        mission=plan.mision,
        vision=plan.vision,
        objectives=objectives,
        indicators=indicators,
        axes=axes,
        aggregation=Aggregation(plan.agregacion),
    )


def plan_file(folder: Path) -> Path:
    """The plan of an entity folder: plan.xlsx if it holds one, else plan.yaml (which may be
    missing: reading it says so). Both at once is an `InputError`: which one is the plan?"""
    yaml_path, workbook = folder / PLAN_FILE, folder / PLAN_WORKBOOK
    if workbook.exists() and yaml_path.exists():
        raise InputError.single(
            folder,
            f"los dos archivos del plan, {PLAN_FILE} y {PLAN_WORKBOOK}",
            "uno solo de los dos: el plan se lee de plan.yaml o de plan.xlsx",
            hint="Deje el que está al día y borre o mueva el otro fuera de la carpeta de la entidad.",
        )
    return workbook if workbook.exists() else yaml_path


def _read_document(folder: Path) -> Document:
    path = plan_file(folder)
    if path.name == PLAN_WORKBOOK:
        from pipeline.ingest.plan_xlsx import read_plan_workbook

        return read_plan_workbook(path)
    return read_yaml(path, what="el plan de la entidad (plan.yaml)")


def read_plan(folder: Path) -> tuple[Plan, tuple[Problem, ...]]:
    """Read `folder/plan.yaml` or `folder/plan.xlsx`: the plan and warnings about it (text the
    report's font cannot draw). Any problem raises one `InputError` naming file and line (or
    sheet, row and column)."""
    doc = _read_document(folder)
    pending = list(getattr(doc, "problems", ()))  # cells a workbook could not turn into fields
    # A row whose cell could not be read (an objective naming an unknown eje) is not also told
    # what follows from it (that objective in no eje).
    unread = {(p.sheet, p.row) for p in pending}
    try:
        plan_in = validate(PlanIn, doc)
    except InputError as error:
        # The checks across fields still run on the parts that are valid: one run tells everything.
        parts = _Parts.partial(doc.data)
        cross = [p for p in _reference_problems(parts, doc) if (p.sheet, p.row) not in unread] if parts else []
        raise InputError(doc.path, doc.order([*pending, *error.problems, *cross])) from error
    problems = [*pending, *(p for p in _reference_problems(_Parts.of(plan_in), doc) if (p.sheet, p.row) not in unread)]
    if problems:
        raise InputError(doc.path, doc.order(problems))
    plan = _to_plan(plan_in)
    warnings = tuple(
        font_problem(missing, f"«{doc.field_name(loc)}»", file=doc.path, **doc.place(loc))
        for loc, missing in uncovered(doc.data)
    )
    return plan, (*warnings, *_fraction_warnings(plan, doc))


def plan_outline(folder: Path) -> PlanOutline | None:
    """What the seguimiento's checks need of the folder's plan (ids, percentages, period), from
    its parts that are valid (see `_Parts`): for a plan with field problems, whose seguimiento is
    then still checked. None when the plan cannot be read at all."""
    try:
        doc = _read_document(folder)
    except InputError:
        return None
    parts = _Parts.partial(doc.data)
    if parts is None:
        return None
    raw = [i if isinstance(i, dict) else {} for i in doc.data.get("indicadores", None) or []] \
        if isinstance(doc.data.get("indicadores"), list) else []
    percent = set()
    for ind_id, item in zip(parts.indicator_ids, raw):
        unit = item.get("unidad")
        try:
            if ind_id is not None and isinstance(unit, str) and Unit(unit) is Unit.PORCENTAJE:
                percent.add(ind_id)
        except ValueError:
            continue
    ids = None if None in parts.indicator_ids or not parts.indicator_ids else frozenset(parts.indicator_ids)
    period = parts.periodo_plan if parts.periodo_plan and parts.periodo_plan[0] <= parts.periodo_plan[1] else None
    return PlanOutline(ids, frozenset(percent), period)


def plan_data(folder: Path) -> dict:
    """The plain data (plan.yaml's fields) of the folder's plan, once it is known to be valid:
    what `pipeline.workbooks.plan_workbook` writes as plan.xlsx. Any problem raises `InputError`."""
    read_plan(folder)
    return _read_document(folder).data


def load_plan(folder: Path) -> Plan:
    """Read the plan of `folder`; any problem raises one `InputError` naming file and place."""
    return read_plan(folder)[0]


def _fraction_warnings(plan: Plan, doc: Document) -> list[Problem]:
    """Porcentaje targets of 1 or less (0,25 written for 25 %, as spreadsheets keep
    percentages), which would make every attainment of that indicator a hundred times too large."""
    lines = {str(i.get("id")): k for k, i in enumerate(doc.data.get("indicadores", [])) if isinstance(i, dict)}
    warnings = []
    for ind in plan.indicators.values():
        targets = [t for t in (ind.plan_target, ind.year_target, *ind.annual_targets.values()) if t]
        if ind.unit is Unit.PORCENTAJE and targets and all(0 < t <= 1 for t in targets):
            warnings.append(
                Problem(
                    f"que las metas del indicador «{ind.id}», un porcentaje, son 1 o menos "
                    f"({', '.join(number(t) for t in dict.fromkeys(targets))}): parecen fracciones (0,25 por 25 %)",
                    "metas en puntos de 0 a 100 (25 para 25 %)",
                    hint="Si la meta es 25 %, escriba 25; revise también sus valores en el seguimiento.",
                    file=doc.path,
                    **(doc.place(("indicadores", lines[ind.id], "meta_cuatrienio")) if ind.id in lines else {}),
                )
            )
    return warnings
