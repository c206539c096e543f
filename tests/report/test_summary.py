"""pipeline/report/summary.py: the cut's attainment as Markdown for the Prefect UI."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.core.attainment import plan_attainment
from pipeline.report.document import build_document
from pipeline.ingest import load_execution
from pipeline.core.periods import Cut
from pipeline.report.summary import attainment_markdown
from tests.conftest import SAMPLE


def _markdown(plan, execution, cut, bands) -> str:
    result = plan_attainment(plan, execution, cut, bands)
    return attainment_markdown(build_document(plan, execution, result, bands))


@pytest.fixture(scope="module")
def sample_execution(sample_plan):
    return load_execution(SAMPLE, sample_plan).table


def test_headline_figures_and_one_table_per_objective(sample_plan, sample_execution, default_bands):
    text = _markdown(sample_plan, sample_execution, Cut(2024, 3), default_bands)
    lines = text.splitlines()
    assert lines[0] == "# Plan Estratégico Institucional: Secretaría General de la Alcaldía Mayor de Bogotá"
    assert "Seguimiento **2024-T3**, corte al 30 de septiembre de 2024." in lines
    assert "- Avance de la vigencia 2024: **66,3\u00a0%** · 🟢 Verde" in lines
    assert "- Esperado al corte: **73,4\u00a0%**" in lines
    headings = [line for line in lines if line.startswith("## Objetivo ")]
    assert len(headings) == len(sample_plan.objectives)
    rows = [line for line in lines if line.startswith("| **")]
    assert len(rows) == sum(len(o.indicator_ids) for o in sample_plan.objectives)
    assert "| **Indicador sectorial 554** Porcentaje de lineamientos" in text
    assert "| 20,0\u00a0% | 92\u00a0% | 92,0\u00a0% | 🔴 Rojo |" in text


def test_figures_are_labelled_with_the_cut_year_not_the_vigencia(sample_plan, sample_execution, default_bands):
    """A 2023-T4 cut of a plan whose vigencia is 2024 speaks of 2023, as the deck does."""
    text = _markdown(sample_plan, sample_execution, Cut(2023, 4), default_bands)
    assert "- Avance de la vigencia 2023: " in text
    assert "| Programación 2023 | Ejecutado 2023 | Avance 2023 |" in text
    assert "vigencia 2024" not in text and "Avance 2024" not in text and "avance 2024" not in text


def test_plan_text_cannot_break_the_tables(sample_plan, sample_execution, default_bands):
    indicator = sample_plan.indicators["IS-554"]
    tricky = replace(indicator, name="Uno | dos\n<b>tres</b> *cuatro*")
    plan = replace(sample_plan, indicators={**sample_plan.indicators, "IS-554": tricky})
    text = _markdown(plan, sample_execution, Cut(2024, 3), default_bands)
    row = next(line for line in text.splitlines() if line.startswith("| **Indicador sectorial 554"))
    assert r"Uno \| dos \<b\>tres\</b\> \*cuatro\*" in row
    assert row.count(" | ") == 8  # still nine cells


def test_units_and_ejes_in_the_markdown(tmp_path, default_bands):
    from pipeline.ingest import load_plan
    from tests.plans import execution_table, write_pdm

    folder = write_pdm(tmp_path / "pdm", 2024)
    plan = load_plan(folder)
    text = _markdown(plan, execution_table(folder, plan), Cut(2024, 4), default_bands)
    assert "Kilómetros de vías terciarias mejorados | Suma | 40 km | 10 km | 9 km | 90,0\u00a0% |" in text
    assert "| +6 hectáreas (de 20 a 26 hectáreas) | +5 hectáreas |" in text and "| 6\u00a0% | 6\u00a0% |" in text
    assert "- Eje 1. Infraestructura: avance 2024 90,0\u00a0% · plan 2024-2027 22,5\u00a0% · verde 🟢" in text


def test_the_summary_says_what_changed_and_which_published_cuts_are_stale(sample_plan, default_bands):
    from pipeline.core.attainment import plan_attainment
    from pipeline.report.document import build_document
    from pipeline.ingest import load_execution
    from pipeline.core.periods import Cut
    from pipeline.report.summary import attainment_markdown
    from tests.conftest import SAMPLE

    execution = load_execution(SAMPLE, sample_plan).table
    document = build_document(sample_plan, execution, plan_attainment(sample_plan, execution, Cut(2024, 3), default_bands),
                              default_bands)
    stale = ["2024-T1: cambiarían IS-321; regenérelo con pei-report run --input inputs/sg --period 2024-T1"]
    text = attainment_markdown(document, stale)
    section = text.split("## Cambios desde el corte anterior", 1)[1].split("\n## ", 1)[0]
    assert "Frente al corte 2024-T2" in section
    first = document.changes.items[0]
    assert f"**{first.indicator}** ({first.how})" in section
    assert "## Cortes publicados que cambiarían con los datos de hoy" in text
    assert "pei-report run --input inputs/sg --period 2024-T1" in text
