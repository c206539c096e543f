"""pipeline/core/fingerprint.py: what a plan says hashed, not the file it was read from; what makes
two cuts comparable; the traffic-light scale's hash."""

from __future__ import annotations

import dataclasses

from pipeline.core.fingerprint import bands_fingerprint, indicator_meaning, plan_fingerprint, plan_structure
from pipeline.ingest import load_plan
from tests.conftest import SAMPLE
from tests.workbooks.test_template import pdm_folder  # noqa: F401  (a fixture: a PDM entity folder)


def test_the_fingerprint_is_the_plans_content_not_its_file(pdm_folder, tmp_path):
    plan = load_plan(pdm_folder)
    plan_file = pdm_folder / "plan.yaml"
    again = tmp_path / "again"
    again.mkdir()
    # the same plan written otherwise: a comment, a target as a decimal
    (again / "plan.yaml").write_text("# copia\n" + plan_file.read_text(encoding="utf-8").replace("meta_cuatrienio: 40", "meta_cuatrienio: 40.0"), encoding="utf-8")
    assert plan_fingerprint(load_plan(again)) == plan_fingerprint(plan)
    (again / "plan.yaml").write_text(plan_file.read_text(encoding="utf-8").replace("Vías.", "Vías rurales."), encoding="utf-8")
    assert plan_fingerprint(load_plan(again)) != plan_fingerprint(plan)


def test_the_fingerprint_is_stable_across_loads_and_sixteen_hex_digits(sample_plan):
    again = load_plan(SAMPLE)
    assert plan_fingerprint(again) == plan_fingerprint(sample_plan)
    assert len(plan_fingerprint(sample_plan)) == 16 and int(plan_fingerprint(sample_plan), 16) >= 0


def test_a_new_target_changes_the_fingerprint_but_not_the_structure(sample_plan):
    ind_id, ind = next(iter(sample_plan.indicators.items()))
    retargeted = dataclasses.replace(
        sample_plan, indicators={**sample_plan.indicators, ind_id: dataclasses.replace(ind, year_target=(ind.year_target or 0) + 7)}
    )
    assert plan_fingerprint(retargeted) != plan_fingerprint(sample_plan)
    assert plan_structure(retargeted) == plan_structure(sample_plan)  # a reprogramming, still comparable
    moved = dataclasses.replace(sample_plan, period=(sample_plan.period[0], sample_plan.period[1] + 1))
    assert plan_structure(moved) != plan_structure(sample_plan)


def test_the_bands_hash_tells_two_scales_apart(default_bands):
    assert bands_fingerprint(default_bands) == bands_fingerprint(dataclasses.replace(default_bands))
    first, *rest = default_bands.bands
    shifted = dataclasses.replace(default_bands, bands=(dataclasses.replace(first, limit=first.limit - 1), *rest))
    assert bands_fingerprint(shifted) != bands_fingerprint(default_bands)


def test_an_indicator_s_meaning_is_its_annualization_unit_and_reading_of_targets(sample_plan):
    ind_id, ind = next(iter(sample_plan.indicators.items()))
    annualization, unit, targets_as = indicator_meaning(sample_plan, ind_id)
    assert (annualization, targets_as) == (ind.annualization.value, ind.targets_as.value) and unit
    assert indicator_meaning(sample_plan, "NO-EXISTE") is None
