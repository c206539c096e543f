"""pipeline/ingest/yaml_source.py: YAML read with the line of each key and item, and a pydantic
error told in Spanish at its line."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from pipeline.errors import InputError
from pipeline.ingest.yaml_source import read_yaml, validate

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
