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


def test_a_district_has_sectors_of_entities_sharing_indicators(tmp_path):
    from benchmarks.make_inputs import make_district
    from pipeline.ingest import find_entities
    from pipeline.ingest.sectors import load_sectors

    sizes = make_district(tmp_path, sectors=2, per_sector=2, smallest=20, largest=26)
    assert sorted(sizes) == [20, 22, 24, 26]
    entities = find_entities(tmp_path)
    grouping = load_sectors(tmp_path, [e.slug for e in entities])
    assert grouping.district == "Distrito sintético" and len(grouping.sectors) == 2
    assert all(len(s.entities) == 2 and s.head == s.entities[0] for s in grouping.sectors)
    plans = {e.slug: load_plan(e.folder) for e in entities}
    first = grouping.sectors[0].entities
    shared = set(plans[first[0]].indicators) & set(plans[first[1]].indicators)
    assert len(shared) >= 20
    assert all(plans[first[0]].indicators[i].unit == plans[first[1]].indicators[i].unit for i in shared)


def test_a_districts_entities_run_from_20_to_300_indicators(tmp_path):
    from benchmarks.make_inputs import make_district

    assert sorted(make_district(tmp_path, sectors=1, per_sector=3)) == [20, 160, 300]
    assert sorted(len(load_plan(f).indicators) for f in tmp_path.iterdir() if f.is_dir()) == [20, 160, 300]
