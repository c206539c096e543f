"""pipeline/runs/batch.py: a batch's entities gathered in input order, one entity's failure kept
its own so the others are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import EntitiesFailed, InputError, UnexpectedFailure
from pipeline.ingest import Entity
from pipeline.runs.batch import EntityReport, gather, largest_first


class _Finished:
    """A finished task run's future as `prefect.futures.as_completed` sees one: final, with its outcome."""

    _final_state = True

    def __init__(self, outcome):
        self.outcome = outcome

    def result(self, raise_on_failure=True):
        return self.outcome


def _entities(*slugs):
    return [Entity(slug, Path("inputs") / slug) for slug in slugs]


def _report(slug):
    return EntityReport(slug, f"Entidad {slug}", "2024-T3", Path("outputs") / slug / "2024-T3")


def test_reports_come_in_the_entities_order():
    entities = _entities("b", "a", "c")
    assert [r.slug for r in gather(entities, [_Finished(_report(e.slug)) for e in entities])] == ["b", "a", "c"]


def test_a_batch_starts_the_largest_entities_first_and_reports_in_input_order(tmp_path):
    sizes = {"pequena": 100, "grande": 5000, "mediana": 900, "otra-mediana": 900}
    entities = []
    for slug, size in sizes.items():
        (tmp_path / slug / "seguimiento").mkdir(parents=True)
        (tmp_path / slug / "plan.yaml").write_text("x" * size, encoding="utf-8")
        (tmp_path / slug / "seguimiento" / "2024-T1.csv").write_text("y" * size, encoding="utf-8")
        entities.append(Entity(slug, tmp_path / slug))
    started = largest_first(entities)
    assert [e.slug for e in started] == ["grande", "mediana", "otra-mediana", "pequena"]  # ties keep input order
    reports = gather(started, [_Finished(_report(e.slug)) for e in started], listed=entities)
    assert [r.slug for r in reports] == list(sizes)


def test_one_failing_entity_names_itself_and_the_others_are_reported():
    entities = _entities("alcaldia", "hacienda", "salud")
    bad = InputError.single("inputs/hacienda/plan.yaml", "«x»", "un número")
    futures = [_Finished(_report("alcaldia")), _Finished(bad), _Finished(_report("salud"))]
    with pytest.raises(EntitiesFailed) as raised:
        gather(entities, futures)
    assert raised.value.failures == {"hacienda": bad} and raised.value.done == ["alcaldia", "salud"]
    assert [r.slug for r in raised.value.reports] == ["alcaldia", "salud"]
    assert "Fallaron 1 de 3 entidades (hacienda)" in str(raised.value)


def test_an_unexpected_error_is_that_entity_s_failure_and_a_single_entity_raises_its_own():
    entities = _entities("alcaldia", "hacienda")
    with pytest.raises(EntitiesFailed) as raised:
        gather(entities, [_Finished(_report("alcaldia")), _Finished(KeyError("meta"))])
    failure = raised.value.failures["hacienda"]
    assert isinstance(failure, UnexpectedFailure) and str(failure) == "Falla inesperada en hacienda: KeyError: 'meta'"
    bad = InputError.single("inputs/hacienda/plan.yaml", "«x»", "un número")
    with pytest.raises(InputError):
        gather(_entities("hacienda"), [_Finished(bad)])


def test_an_entity_the_batch_skips_counts_as_skipped_with_its_reason_not_as_done(caplog):
    import logging

    from pipeline.core.periods import CutOutsidePlan
    from pipeline.runs.batch import skipped
    from pipeline.runs.progress import PROGRESS

    entities = _entities("alcaldia", "sg", "salud")
    reason = CutOutsidePlan("El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024).")
    bad = InputError.single("inputs/salud/plan.yaml", "«x»", "un número")
    futures = [_Finished(_report("alcaldia")), _Finished(skipped(entities[1], "2025-T1", reason)), _Finished(bad)]
    with caplog.at_level(logging.INFO, logger=PROGRESS.name), pytest.raises(EntitiesFailed):
        gather(entities, futures)
    records = [r for r in caplog.records if getattr(r, "batch", None) is not None]
    final = records[-1].batch
    assert (final.done, final.failed, final.skipped, final.total) == (3, 1, 1, 3)
    assert final.detail == "listas 1 · omitidas 1 · fallidas 1 · faltan 0"
    (omitted,) = [r for r in records if r.entity == "sg"]
    assert omitted.skipped == "El periodo 2025-T1 está fuera del periodo del plan (2020 a 2024)."
