"""The sector's figures against docs/rules.md's worked example 11, computed by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from pipeline.core.consolidation import (
    Covered, EntityCut, IndicatorPart, Sector, State, consolidate, indicator_records, weighted_mean,
)

SECTOR = Sector(
    "gestion-publica", "Sector Gestión Pública", "secretaria-general",
    ("secretaria-general", "dascd", "idpac", "imprenta"),
    {"secretaria-general": 2, "dascd": 1, "idpac": 1, "imprenta": 1},
)


def part(entity, ind, annualization="suma", unit="numero", *, lb=None, my=None, ey=None, ay=None, mc=None, c=None, ac=None,
         targets_as="incremento"):
    return IndicatorPart(entity, ind, f"Indicador {ind}", annualization, unit, targets_as, lb, my, ey, ay, mc, c, ac)


def published(slug, year, plan, indicators=(), tally=None):
    return EntityCut(slug, slug.upper(), State.PUBLISHED, year=year, plan=plan, light="verde",
                     tally=tally or {"verde": 2, "rojo": 1}, labels={"verde": "Verde", "rojo": "Rojo"},
                     indicators=tuple(indicators))


def example_cuts():
    return {
        "secretaria-general": published("secretaria-general", 60.0, 80.0, [
            part("secretaria-general", "IS-100", my=1000, ey=600, ay=60, mc=4000, c=3000, ac=75),
            part("secretaria-general", "IS-200", "creciente", "sedes", lb=20, my=10, ey=4, ay=40, mc=60, c=44, ac=60),
            part("secretaria-general", "IS-321", "creciente", "porcentaje", my=10, ey=5, ay=50, mc=100, c=90, ac=90),
            part("secretaria-general", "IS-300", "suma", "porcentaje", my=10, ey=5, ay=50, mc=10, c=5, ac=50),
        ]),
        "dascd": published("dascd", 90.0, 50.0, [
            part("dascd", "IS-100", my=500, ey=400, ay=80, mc=2000, c=1500, ac=75),
            part("dascd", "IS-200", "creciente", "sedes", my=5, ey=5, ay=100, mc=20, c=15, ac=75),
            part("dascd", "IS-321", "creciente", "porcentaje", my=30, ey=24, ay=80, mc=60, c=30, ac=50),
            part("dascd", "IS-300", "suma", "numero", my=10, ey=5, ay=50, mc=10, c=5, ac=50),
        ], tally={"verde": 1, "gris": 1}),
        "idpac": published("idpac", None, 40.0),
        "imprenta": EntityCut("imprenta", "imprenta", State.FAILED, "plan.yaml, línea 3: falta el campo «entidad»"),
    }


def shared(result, ind):
    return next(s for s in result.shared if s.id == ind)


def test_sector_figure_is_the_weighted_mean_of_the_entities_that_have_one():
    result = consolidate(SECTOR, "2024-T3", example_cuts())
    assert result.year.value == pytest.approx(70.0)  # (2·60 + 90) / 3
    assert result.year.coverage == "2 de 4 entidades"
    assert result.plan.value == pytest.approx(62.5)  # (2·80 + 50 + 40) / 4
    assert result.plan.coverage == "3 de 4 entidades"


def test_every_entity_is_a_row_with_its_state_failed_and_missing_included():
    cuts = example_cuts()
    del cuts["idpac"]  # no published cut
    result = consolidate(SECTOR, "2024-T3", cuts)
    states = {e.slug: (e.state, e.reason) for e in result.entities}
    assert [e.slug for e in result.entities] == list(SECTOR.entities)
    assert states["imprenta"][0] is State.FAILED and "entidad" in states["imprenta"][1]
    assert states["idpac"] == (State.NO_CUT, "no hay un corte 2024-T3 publicado")
    assert result.plan.coverage == "2 de 4 entidades"
    assert result.plan.value == pytest.approx((2 * 80 + 50) / 3)


def test_tally_adds_the_published_entities_levels():
    result = consolidate(SECTOR, "2024-T3", example_cuts())
    assert result.tally == {"verde": 2 + 1 + 2, "rojo": 1 + 1, "gris": 1}
    assert result.head.slug == "secretaria-general"


def test_shared_suma_adds_values_and_targets():
    s = shared(consolidate(SECTOR, "2024-T3", example_cuts()), "IS-100")
    assert s.rule == "suma"
    assert (s.executed_year, s.target_year, s.year.value) == (1000, 1500, pytest.approx(66.6667, abs=1e-3))
    assert (s.executed_plan, s.target_plan, s.plan.value) == (4500, 6000, pytest.approx(75.0))
    assert [p.entity for p in s.parts] == ["secretaria-general", "dascd"]


def test_shared_counted_levels_are_added_with_their_baselines():
    s = shared(consolidate(SECTOR, "2024-T3", example_cuts()), "IS-200")
    assert s.rule == "niveles sumados"
    assert s.year.value == pytest.approx(60.0)  # 9 / 15
    assert s.plan.value == pytest.approx(65.0)  # (59 - 20) / (80 - 20)


def test_shared_percentages_are_a_target_weighted_mean():
    s = shared(consolidate(SECTOR, "2024-T3", example_cuts()), "IS-321")
    assert s.rule == "media ponderada por la meta"
    assert s.year.value == pytest.approx(72.5)  # (10·50 + 30·80) / 40
    assert s.plan.value == pytest.approx(75.0)  # (100·90 + 60·50) / 160


def test_shared_indicator_with_other_units_is_listed_with_the_reason_not_averaged():
    s = shared(consolidate(SECTOR, "2024-T3", example_cuts()), "IS-300")
    assert not s.consolidated and s.year is None
    assert s.reason == "unidades distintas (porcentaje en secretaria-general, numero en dascd)"


def test_decreciente_levels_and_type_and_reading_mismatches():
    cuts = {
        "secretaria-general": published("secretaria-general", 50, 50, [
            part("secretaria-general", "D-1", "decreciente", "casos", lb=100, my=20, ey=15, mc=40, c=55),
            part("secretaria-general", "T-1", "creciente", "sedes", my=1, ey=1, mc=1, c=1),
            part("secretaria-general", "N-1", "creciente", "sedes", my=1, ey=1, mc=1, c=1, targets_as="nivel"),
        ]),
        "dascd": published("dascd", 50, 50, [
            part("dascd", "D-1", "decreciente", "casos", lb=50, my=10, ey=10, mc=30, c=40),
            part("dascd", "T-1", "suma", "sedes", my=1, ey=1, mc=1, c=1),
            part("dascd", "N-1", "creciente", "sedes", my=1, ey=1, mc=1, c=1),
        ]),
    }
    result = consolidate(SECTOR, "2024-T3", cuts)
    d = shared(result, "D-1")
    assert d.year.value == pytest.approx(25 / 30 * 100)
    assert d.plan.value == pytest.approx((150 - 95) / (150 - 70) * 100)
    assert shared(result, "T-1").reason.startswith("anualizaciones distintas (creciente en secretaria-general")
    assert shared(result, "N-1").reason.startswith("metas leídas de otra forma (nivel en secretaria-general")


def test_a_part_without_a_report_is_left_out_and_counted():
    cuts = {
        "secretaria-general": published("secretaria-general", 50, 50, [part("secretaria-general", "S", my=10, ey=5, mc=20, c=10)]),
        "dascd": published("dascd", 50, 50, [part("dascd", "S", my=10, ey=None, mc=20, c=4)]),
    }
    s = shared(consolidate(SECTOR, "2024-T3", cuts), "S")
    assert s.year == Covered(50.0, 1, 2)
    assert s.plan.value == pytest.approx(35.0)


def test_a_cut_published_without_the_meanings_is_not_consolidated():
    cuts = {
        "secretaria-general": published("secretaria-general", 50, 50, [part("secretaria-general", "S", my=10, ey=5)]),
        "dascd": published("dascd", 50, 50, [part("dascd", "S", None, None, my=10, ey=5)]),
    }
    assert "el corte publicado de dascd no registra" in shared(consolidate(SECTOR, "2024-T3", cuts), "S").reason


def test_nothing_computable_is_sin_dato_never_zero():
    cuts = {slug: EntityCut(slug, slug, State.NOT_APPROVED, "borrador") for slug in SECTOR.entities}
    result = consolidate(SECTOR, "2024-T3", cuts)
    assert result.year == Covered(None, 0, 4) and result.plan.value is None and result.shared == ()


def test_indicator_records_of_a_plan(sample_plan):
    records = {r["id"]: r for r in indicator_records(sample_plan)}
    assert records["IS-321"] == {"id": "IS-321", "anualizacion": "creciente", "unidad": "porcentaje",
                                 "metas_como": "incremento", "linea_base": None}


values = st.floats(min_value=-50, max_value=300, allow_nan=False)
weights = st.floats(min_value=0.01, max_value=100, allow_nan=False)


@given(st.lists(st.tuples(st.one_of(st.none(), values), weights), min_size=1, max_size=8))
def test_weighted_mean_lies_between_the_counted_values_and_ignores_order(pairs):
    mean, counted = weighted_mean(pairs)
    present = [v for v, _ in pairs if v is not None]
    assert counted == len(present)
    if not present:
        assert mean is None
        return
    assert min(present) - 1e-9 <= mean <= max(present) + 1e-9
    assert weighted_mean(list(reversed(pairs)))[0] == pytest.approx(mean)
    assert weighted_mean([(v, w * 3) for v, w in pairs])[0] == pytest.approx(mean)


@given(st.lists(st.tuples(st.floats(0, 10_000), st.floats(1, 10_000)), min_size=2, max_size=6))
def test_shared_suma_of_equal_attainments_keeps_that_attainment(figures):
    # Each entity at exactly 50 % of its target: the sector is at 50 % whatever the sizes.
    slugs = [f"e{n}" for n in range(len(figures))]
    sector = Sector("s", "S", slugs[0], tuple(slugs))
    cuts = {slug: published(slug, 1, 1, [part(slug, "X", my=m, ey=m / 2, mc=m, c=m / 2)]) for slug, (_, m) in zip(slugs, figures)}
    s = shared(consolidate(sector, "2024-T3", cuts), "X")
    assert s.year.value == pytest.approx(50.0) and s.year.counted == len(slugs)
