"""pipeline/ingest/yaml_source.py: YAML read with the line of each key and item, and a pydantic
error told in Spanish at its line."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import InputError
from pipeline.ingest.yaml_source import _problem, read_yaml, validate

PLAN = """\
entidad: Alcaldía de Tenjo
objetivos:
  - id: 1
    meta: 40
  - id: 2
    meta: cuarenta
"""


class _Objective(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    meta: float


class _Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entidad: str
    objetivos: list[_Objective]


def test_each_key_and_item_keeps_its_line(tmp_path):
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    doc = read_yaml(tmp_path / "plan.yaml", what="el plan")
    assert doc.data["objetivos"][1]["meta"] == "cuarenta"
    assert doc.line_of(("entidad",)) == 1 and doc.line_of(("objetivos", 1, "meta")) == 6


def test_a_value_of_the_wrong_kind_is_told_at_its_line(tmp_path):
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        validate(_Plan, read_yaml(tmp_path / "plan.yaml", what="el plan"))
    (problem,) = raised.value.problems
    assert problem.row == 6 and "cuarenta" in problem.found and "Traceback" not in str(raised.value)


def test_a_missing_file_and_a_tab_for_indentation_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no existe"):
        read_yaml(tmp_path / "plan.yaml", what="el plan")
    (tmp_path / "plan.yaml").write_text("entidad: x\nobjetivos:\n\t- id: 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="tabulación"):
        read_yaml(tmp_path / "plan.yaml", what="el plan")


# Values of every kind a user can type where another was expected: each field of every input
# model gets each of them, so every error type those models can raise goes through `_problem`.
_BAD_VALUES = [
    True, "si?", "", "x" * 600, -5, 0, 1.5, 10**30, float("inf"), float("nan"), None, [], [1, "dos"],
    {}, {"bandas": [{"color": "rojo"}]}, "2024-13-45", "#zzz", "uno@", "Mayúsculas Ñ",
]
_ENGLISH = re.compile(r"Input should|\bvalid\b|\bunable\b|\bshould\b|\bexpected\b|\binput\b|Value error|\bfield\b", re.I)


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """`root` and every model its fields hold, however nested (lists, dicts, unions)."""
    seen: list[type[BaseModel]] = []
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            kinds = [field.annotation]
            while kinds:
                kind = kinds.pop()
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    todo.append(kind)
                kinds += list(get_args(kind))
    return seen


def _all_models() -> list[type[BaseModel]]:
    from pipeline.ingest.plan import PlanIn
    from pipeline.ingest.sectors import SectorsIn
    from pipeline.ingest.settings import SettingsIn

    return [m for root in (PlanIn, SettingsIn, SectorsIn) for m in _models(root)]


def test_no_pydantic_english_reaches_the_user_for_any_bad_value_of_any_field(tmp_path):
    (tmp_path / "configuracion.yaml").write_text("campo: 1\n", encoding="utf-8")
    doc = read_yaml(tmp_path / "configuracion.yaml", what="la configuración")
    kinds: set[str] = set()
    for model in _all_models():
        for name in model.model_fields:
            for bad in _BAD_VALUES:
                try:
                    model.model_validate({name: bad})
                except ValidationError as exc:
                    for error in exc.errors(include_url=False):
                        kinds.add(error["type"])
                        problem = _problem(error, doc.with_data({name: bad}), model)
                        text = " ".join(str(t) for t in (problem.found, problem.expected, problem.hint) if t)
                        assert not _ENGLISH.search(text), (model.__name__, name, bad, error["type"], text)
                        assert "{'" not in text and "['" not in text, (model.__name__, name, bad, text)
    assert {"bool_parsing", "missing", "extra_forbidden", "string_pattern_mismatch"} <= kinds


def test_a_mapping_found_is_shown_as_yaml_not_python(tmp_path):
    (tmp_path / "plan.yaml").write_text("entidad:\n  bandas:\n    - color: rojo\n      desde: 0\nobjetivos: []\n",
                                        encoding="utf-8")
    with pytest.raises(InputError) as raised:
        validate(_Plan, read_yaml(tmp_path / "plan.yaml", what="el plan"))
    (problem,) = raised.value.problems
    assert "'" not in problem.found and problem.found.startswith("«bandas: [{color: rojo, desde: 0}]")


def test_yes_no_in_spanish_is_named_as_a_boolean(tmp_path):
    class Approval(BaseModel):
        requerida: bool

    (tmp_path / "c.yaml").write_text("requerida: quizá\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        validate(Approval, read_yaml(tmp_path / "c.yaml", what="la configuración"))
    (problem,) = raised.value.problems
    assert "sí o no" in problem.expected and "Input" not in problem.expected
