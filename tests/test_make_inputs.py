"""benchmarks/make_inputs.py: the synthetic PDM is a real plan's shape and reports end to end."""

from __future__ import annotations

import pytest

from benchmarks.make_inputs import make_pdm
from pipeline.core.attainment import plan_attainment
from pipeline.ingest import load_plan, load_settings
from pipeline.core.model import TargetReading, Unit
from pipeline.core.periods import Cut
from pipeline.report.layout import Detail, Section, build_report
from pipeline.report.tables import AVANCE_COLUMNS, avance_table, objetivos_table
from tests.plans import execution_table


@pytest.fixture(scope="module")
def pdm(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdm") / "pdm-300"
    make_pdm(folder, 300)
    plan = load_plan(folder)
    return plan, execution_table(folder, plan), load_settings(folder)


def test_the_pdm_has_what_real_plans_carry(pdm):
    plan, _, _ = pdm
    assert len(plan.indicators) == 300 and len(plan.axes) == 5
    assert sorted({a.weight for a in plan.axes}) == [0.15, 0.2, 0.3]
    assert {i.unit for i in plan.indicators.values()} == {Unit(u) for u in ("km", "hectáreas", "porcentaje", "numero", "pesos")}
    assert any(i.targets_as is TargetReading.LEVEL for i in plan.indicators.values())
    held = [i for i in plan.indicators.values() if i.annualization.value == "constante"]
    assert all(i.quarterly_for(2025) == (i.year_target,) * 4 for i in held)  # maintenance
    assert any(set(i.quarterly_targets) == {2024, 2025} for i in plan.indicators.values())  # per year
    assert len({o.weight for o in plan.objectives}) > 1


@pytest.mark.parametrize("cut", [Cut(2025, 3), Cut(2024, 4)])
def test_the_pdm_reports_end_to_end(cut, pdm):
    from pipeline.outputs.deck import render_deck

    plan, execution, settings = pdm
    result = plan_attainment(plan, execution, cut, settings.bands)
    avance, objetivos = avance_table(plan, result), objetivos_table(result)
    assert list(avance.columns) == [*AVANCE_COLUMNS, "responsable"]
    assert list(objetivos["objetivo"][-6:]) == ["eje:E1", "eje:E2", "eje:E3", "eje:E4", "eje:E5", "plan"]
    assert avance["avance_vigencia"].notna().all()  # every meta has a target and a report
    report = build_report(plan, execution, result, settings.bands, settings.theme)
    assert sum(isinstance(s, Section) for s in report.slides) == 5
    assert sum(1 for s in report.slides if isinstance(s, Detail)) >= 30
    if cut.year == 2025:
        assert render_deck(report)[:2] == b"PK"


def test_sizes_group_the_indicators_into_objectives_of_those_sizes(tmp_path):
    from benchmarks.make_inputs import make_entity

    make_pdm(tmp_path / "grande", 173, sizes=(30, 143))
    assert [len(o.indicator_ids) for o in load_plan(tmp_path / "grande").objectives] == [30, 143]
    make_entity(tmp_path / "tres", 6, seed=6, sizes=(3, 3))
    assert [len(o.indicator_ids) for o in load_plan(tmp_path / "tres").objectives] == [3, 3]
    with pytest.raises(ValueError, match="do not add up to 6"):
        make_entity(tmp_path / "mal", 6, seed=6, sizes=(3, 4))
