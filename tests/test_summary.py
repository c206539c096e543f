"""pipeline/summary.py: the cut's attainment as Markdown for the Prefect UI."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.attainment import plan_attainment
from pipeline.ingest import load_execution
from pipeline.periods import Cut
from pipeline.summary import attainment_markdown
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def sample_result(sample_plan, default_bands):
    execution = load_execution(SAMPLE, sample_plan).table
    return plan_attainment(sample_plan, execution, Cut(2024, 3), default_bands)


def test_headline_figures_and_one_table_per_objective(sample_plan, sample_result):
    text = attainment_markdown(sample_plan, sample_result)
    lines = text.splitlines()
    assert lines[0] == "# Plan Estratégico Institucional: Secretaría General de la Alcaldía Mayor de Bogotá"
    assert "Seguimiento **2024-T3**, corte al 30 de septiembre de 2024." in lines
    assert "- Avance del plan en la vigencia 2024: **66,3\u00a0%** (esperado al corte: 73,4\u00a0%)" in lines
    headings = [line for line in lines if line.startswith("## Objetivo ")]
    assert len(headings) == len(sample_plan.objectives)
    rows = [line for line in lines if line.startswith("| **")]
    assert len(rows) == sum(len(o.indicator_ids) for o in sample_plan.objectives)
    assert "| **IS-554** Porcentaje de lineamientos" in text and "| 20,0\u00a0% | 92,0\u00a0% | 🔴 Rojo |" in text


def test_plan_text_cannot_break_the_tables(sample_plan, sample_result):
    indicator = sample_plan.indicators["IS-554"]
    tricky = replace(indicator, name="Uno | dos\n<b>tres</b> *cuatro*")
    plan = replace(sample_plan, indicators={**sample_plan.indicators, "IS-554": tricky})
    text = attainment_markdown(plan, sample_result)
    row = next(line for line in text.splitlines() if "IS-554" in line)
    assert r"Uno \| dos \<b\>tres\</b\> \*cuatro\*" in row
    assert row.count(" | ") == 5  # still six cells


def test_units_and_ejes_in_the_markdown(tmp_path, default_bands):
    from pipeline.ingest import load_plan
    from tests.plans import execution_table, write_pdm

    folder = write_pdm(tmp_path / "pdm", 2024)
    plan = load_plan(folder)
    result = plan_attainment(plan, execution_table(folder, plan), Cut(2024, 4), default_bands)
    text = attainment_markdown(plan, result)
    assert "| **V-1** Kilómetros de vías terciarias mejorados | 10 km | 9 km | 90,0\u00a0% |" in text
    assert "| 6 hectáreas | 5 hectáreas |" in text and "| 6\u00a0% | 6\u00a0% |" in text
    assert "- Eje 1. Infraestructura: avance 2024 **90,0\u00a0%**, plan 2024-2027 **22,5\u00a0%** · 🟢 Verde" in text
