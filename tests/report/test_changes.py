"""pipeline/report/changes.py: what changed since the previous cut, revisions, stale cuts (docs/rules.md,
«What changed since the previous cut»)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.attainment import plan_attainment
from pipeline.report.changes import (
    Trend, PublishedCut, compare, concern, previous_cut, stale_cuts,
)
from pipeline.core.fingerprint import bands_fingerprint, plan_fingerprint, plan_structure
from pipeline.ingest import load_plan, load_settings
from pipeline.core.model import Objective, Plan
from pipeline.core.periods import Cut
from pipeline.delivery.publish import csv_bytes
from pipeline.report.tables import avance_table
from tests.conftest import make_indicator
from tests.plans import execution_table, write_pdm


def _plan(*indicators, period=(2024, 2027), vigencia=2024) -> Plan:
    return Plan(
        entity="Entidad", title="Plan", vigencia=vigencia, period=period, normative_basis="", normative_source="",
        mission="", vision="",
        objectives=(Objective(1, "Objetivo.", tuple(i.id for i in indicators), tuple(1.0 for _ in indicators)),),
        indicators={i.id: i for i in indicators},
    )


def _execution(rows) -> pd.DataFrame:
    """(indicador, anio, trimestre, valor[, comentario]) rows as the execution table."""
    full = [(*r, None) if len(r) == 4 else r for r in rows]
    frame = pd.DataFrame(full, columns=["indicador", "anio", "trimestre", "valor", "comentario"])
    frame["valor"] = frame["valor"].astype(float)
    return frame


def published(plan, execution, cut, bands, *, fingerprint=True) -> PublishedCut:
    """A cut as the flow would have published it: avance.csv's bytes and the manifest's fields."""
    avance = csv_bytes(avance_table(plan, plan_attainment(plan, execution, cut, bands)))
    manifest = {"period": str(cut)}
    if fingerprint:
        manifest |= {"plan": {"huella": plan_fingerprint(plan), "estructura": plan_structure(plan)},
                     "semaforo": bands_fingerprint(bands)}
    return PublishedCut.from_files(cut, manifest, avance)


def test_the_previous_cut_of_t1_is_t4_of_the_year_before_inside_the_plan():
    assert previous_cut(Cut(2024, 3), (2024, 2027)) == Cut(2024, 2)
    assert previous_cut(Cut(2025, 1), (2024, 2027)) == Cut(2024, 4)
    assert previous_cut(Cut(2024, 1), (2024, 2027)) is None


def test_the_plans_first_cut_has_no_previous_cut_and_says_so(default_bands):
    plan = _plan(make_indicator("suma", id="S-1"))
    comparison = compare(plan, _execution([("S-1", 2024, 1, 2)]), Cut(2024, 1), default_bands)
    assert comparison.changes == ()
    assert comparison.refusal == "2024-T1 es el primer corte del plan: no hay corte anterior con qué comparar."


def test_a_decreciente_indicator_whose_level_falls_improves(default_bands):
    """rules.md's worked example: LB 100, M_Y 20, level 100 at the end of 2023, 90 at T2, 85 at T3."""
    ind = make_indicator("decreciente", id="D-1", baseline=100, year_target=20, plan_target=40)
    execution = _execution([("D-1", 2023, 4, 100), ("D-1", 2024, 2, 90), ("D-1", 2024, 3, 85)])
    plan = _plan(ind, period=(2023, 2026))
    (change,) = compare(plan, execution, Cut(2024, 3), default_bands).changes
    assert change.previous.year.percent == pytest.approx(50.0)
    assert change.current.year.percent == pytest.approx(75.0)
    assert change.year_delta == pytest.approx(25.0)
    assert change.trend is Trend.BETTER
    assert (change.previous.traffic_light.value, change.current.traffic_light.value) == ("verde", "verde")


def test_a_worse_semaforo_and_a_quarter_newly_not_reported_come_first(default_bands):
    """rules.md's worked example: 40 % at T2 (verde) and still 40 % at T3 with nothing reported (amarillo)."""
    stalled = make_indicator("suma", id="S-1", year_target=10)
    rising = make_indicator("suma", id="S-2", year_target=10)
    same = make_indicator("suma", id="S-3", year_target=0)
    execution = _execution([
        ("S-1", 2024, 1, 2), ("S-1", 2024, 2, 2),
        ("S-2", 2024, 1, 2), ("S-2", 2024, 2, 3), ("S-2", 2024, 3, 3),
        ("S-3", 2024, 1, 0), ("S-3", 2024, 2, 0), ("S-3", 2024, 3, 0),
    ])
    comparison = compare(_plan(rising, same, stalled), execution, Cut(2024, 3), default_bands)
    assert [c.indicator_id for c in comparison.changes] == ["S-1", "S-2", "S-3"]
    worse, better, unchanged = comparison.changes
    assert worse.trend is Trend.WORSE
    assert (worse.previous.traffic_light.value, worse.current.traffic_light.value) == ("verde", "amarillo")
    assert worse.newly_unreported == (Cut(2024, 3),)
    assert worse.year_delta == pytest.approx(0.0)
    assert better.trend is Trend.BETTER and better.year_delta == pytest.approx(30.0)
    assert unchanged.trend is Trend.SAME and unchanged.newly_unreported == ()
    assert comparison.previous == Cut(2024, 2)


def test_across_a_year_change_the_years_difference_is_not_computed(tmp_path, default_bands):
    folder = write_pdm(tmp_path / "pdm", 2025)
    plan = load_plan(folder)
    comparison = compare(plan, execution_table(folder, plan), Cut(2025, 1), load_settings(folder).bands)
    assert comparison.previous == Cut(2024, 4)
    assert {c.indicator_id for c in comparison.changes} == {"V-1", "H-1", "P-1"}
    for change in comparison.changes:
        assert change.year_delta is None
        assert change.plan_delta is not None
    km = next(c for c in comparison.changes if c.indicator_id == "V-1")
    assert km.plan_delta == pytest.approx(5.0)  # 9 of 40 km, then 11 of 40


def test_a_comment_is_new_only_when_its_text_differs(default_bands):
    a, b = make_indicator("suma", id="A-1"), make_indicator("suma", id="B-1")
    execution = _execution([
        ("A-1", 2024, 1, 1, "Contrato firmado."), ("A-1", 2024, 2, 1, "Contrato firmado."),
        ("B-1", 2024, 1, 1, "Inicio."), ("B-1", 2024, 2, 1, "Obra  en\nejecución."),
    ])
    changes = {c.indicator_id: c for c in compare(_plan(a, b), execution, Cut(2024, 2), default_bands).changes}
    assert changes["A-1"].new_comment is None
    assert changes["B-1"].new_comment == "Obra en ejecución."


def test_nothing_programmed_is_not_newly_not_reported(default_bands):
    ind = make_indicator("suma", id="N-1", year_target=0)
    changes = compare(_plan(ind), _execution([("N-1", 2024, 1, 0)]), Cut(2024, 2), default_bands).changes
    assert changes[0].newly_unreported == ()


def test_a_figure_changed_after_publication_is_a_revision_with_both_values(default_bands):
    ind = make_indicator("suma", id="S-1", year_target=10)
    before = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 3)])
    plan = _plan(ind)
    shown = published(plan, before, Cut(2024, 2), default_bands)
    corrected = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 4), ("S-1", 2024, 3, 2)])
    comparison = compare(plan, corrected, Cut(2024, 3), default_bands, shown)
    (change,) = comparison.changes
    assert comparison.published and comparison.refusal is None
    revised = {r.column: (r.published, r.now) for r in change.revisions}
    assert revised["ejecutado_vigencia"] == (5.0, 6.0)
    assert revised["avance_vigencia"] == (pytest.approx(50.0), pytest.approx(60.0))
    assert change.reprogrammed == ()
    assert change.rank == 2  # a revision, the semáforo did not get worse (verde both)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0, max_value=1e7, allow_nan=False), st.floats(min_value=0.1, max_value=1e6, allow_nan=False))
def test_what_avance_csv_rounds_is_never_a_revision(value, target):
    """avance.csv keeps 6 decimals: the same figure recomputed is not revised, whatever it is."""

    bands = load_settings().bands
    ind = make_indicator("suma", id="S-1", year_target=target, plan_target=target * 4)
    execution = _execution([("S-1", 2024, 1, value)])
    plan = _plan(ind)
    shown = published(plan, execution, Cut(2024, 1), bands)
    (change,) = compare(plan, execution, Cut(2024, 2), bands, shown).changes
    assert change.revisions == () and change.reprogrammed == ()


def test_a_target_reprogrammed_since_publication_is_listed(default_bands):
    execution = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 3)])
    old = _plan(make_indicator("suma", id="S-1", year_target=10))
    new = _plan(make_indicator("suma", id="S-1", year_target=12))
    shown = published(old, execution, Cut(2024, 2), default_bands)
    comparison = compare(new, execution, Cut(2024, 3), default_bands, shown)
    assert comparison.refusal is None
    (change,) = comparison.changes
    assert [(r.column, r.published, r.now) for r in change.reprogrammed] == [("meta_vigencia", 10.0, 12.0)]
    # the avance of the year moved because of the target, not of the data: both are said
    assert {r.column for r in change.revisions} == {"avance_vigencia"}


def test_cuts_of_another_structure_or_other_bands_are_not_compared(tmp_path, default_bands):
    execution = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 3)])
    plan = _plan(make_indicator("suma", id="S-1"))
    other = _plan(make_indicator("suma", id="S-1"), make_indicator("suma", id="S-2"))
    shown = published(other, execution, Cut(2024, 2), default_bands)
    comparison = compare(plan, execution, Cut(2024, 3), default_bands, shown)
    assert comparison.changes == ()
    assert comparison.refusal.startswith("No se compara con 2024-T2: el plan cambió de estructura")
    assert "pei-report run" in comparison.refusal

    entity = tmp_path / "e"
    entity.mkdir()
    (entity / "configuracion.yaml").write_text(
        "semaforo:\n  bandas:\n    - {color: rojo, menor_que: 40}\n    - {color: amarillo, hasta: 75}\n"
        "    - {color: verde, hasta: 125}\n    - {color: naranja}\n",
        encoding="utf-8",
    )
    other_bands = load_settings(entity).bands
    shown = published(plan, execution, Cut(2024, 2), other_bands)
    comparison = compare(plan, execution, Cut(2024, 3), default_bands, shown)
    assert comparison.changes == ()
    assert "bandas del semáforo" in comparison.refusal


def test_a_manifest_without_fingerprints_is_compared_without_revisions(default_bands):
    execution = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 3)])
    plan = _plan(make_indicator("suma", id="S-1"))
    shown = published(plan, _execution([("S-1", 2024, 1, 9)]), Cut(2024, 2), default_bands, fingerprint=False)
    comparison = compare(plan, execution, Cut(2024, 3), default_bands, shown)
    (change,) = comparison.changes
    assert change.revisions == ()
    assert comparison.remarks == (
        "El corte 2024-T2 publicado no registra la huella del plan ni las bandas del semáforo (se generó con una "
        "versión anterior de la herramienta): no se buscaron revisiones de sus cifras. Regenere 2024-T2 para "
        "compararlo.",
    )


def test_stale_cuts_are_the_published_ones_the_current_inputs_would_change(default_bands):
    plan = _plan(make_indicator("suma", id="S-1", year_target=10))
    typed = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 3), ("S-1", 2024, 3, 1)])
    cuts = [published(plan, typed, Cut(2024, q), default_bands) for q in (1, 2, 3)]
    corrected = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 4), ("S-1", 2024, 3, 1)])
    stale = stale_cuts(plan, corrected, default_bands, cuts, current=Cut(2024, 3))
    assert [s.cut for s in stale] == [Cut(2024, 2)]  # T1 is unchanged; T3 is being regenerated now
    assert stale[0].indicators == ("S-1",)
    assert stale[0].needs_approval  # the approval work's hook


def test_concern_puts_sin_reporte_above_the_lowest_level_and_cumplido_at_zero(default_bands):
    by_id = {light.value: concern(light, default_bands) for light in default_bands.levels}
    assert by_id == {"verde": 0, "no_aplica": 0, "naranja": 1, "amarillo": 2, "rojo": 3, "gris": 4}


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=20)), min_size=4, max_size=4),
    st.integers(min_value=2, max_value=4),
)
def test_mejora_and_empeora_are_mirror_images(values, quarter):
    """Whatever the figures, comparing B with A says the opposite of comparing A with B."""
    from pipeline.report.changes import trend

    bands = load_settings().bands
    ind = make_indicator("suma", id="S-1", year_target=10)
    rows = [("S-1", 2024, k + 1, v) for k, v in enumerate(values) if v is not None]
    execution = _execution(rows) if rows else _execution([])
    plan = _plan(ind)
    a = plan_attainment(plan, execution, Cut(2024, quarter - 1), bands).indicators["S-1"]
    b = plan_attainment(plan, execution, Cut(2024, quarter), bands).indicators["S-1"]
    forward, _ = trend(a, b, bands, same_year=True)
    backward, _ = trend(b, a, bands, same_year=True)
    opposite = {Trend.WORSE: Trend.BETTER, Trend.BETTER: Trend.WORSE, Trend.SAME: Trend.SAME, Trend.STILL_OVER: Trend.STILL_OVER}
    assert backward is opposite[forward]


def test_published_cut_reads_the_manifest_fields(default_bands):
    plan = _plan(make_indicator("suma", id="S-1"))
    shown = published(plan, _execution([("S-1", 2024, 1, 2)]), Cut(2024, 1), default_bands)
    assert shown.fingerprint == plan_fingerprint(plan) and shown.structure == plan_structure(plan)
    assert shown.bands == bands_fingerprint(default_bands)
    assert set(shown.rows) == {"S-1"}
    assert json.dumps(shown.rows["S-1"])  # plain cells


def test_cambios_csv_has_one_row_per_indicator_most_severe_first(default_bands):
    from pipeline.report.changes import cambios_table
    from pipeline.report.tables import CAMBIOS_COLUMNS

    stalled, rising = make_indicator("suma", id="S-1"), make_indicator("suma", id="S-2")
    execution = _execution([("S-1", 2024, 1, 2), ("S-1", 2024, 2, 2), ("S-2", 2024, 1, 2), ("S-2", 2024, 2, 3),
                            ("S-2", 2024, 3, 3)])
    plan = _plan(rising, stalled)
    table = cambios_table(plan, compare(plan, execution, Cut(2024, 3), default_bands))
    assert tuple(table.columns) == CAMBIOS_COLUMNS
    assert list(table["indicador"]) == ["S-1", "S-2"]
    first = table.iloc[0]
    assert (first["cambio"], first["gravedad"], first["semaforo_anterior"], first["semaforo"]) == ("empeora", 1, "verde", "amarillo")
    assert first["sin_reporte_nuevo"] == "2024-T3" and first["publicado"] is False
    assert first["revisado"] is None and first["ejecutado_vigencia_publicado"] is None
    csv = csv_bytes(table).decode()
    assert csv.splitlines()[1].startswith("S-1,Nombre de S-1,2024-T2,2024-T3,empeora,1,verde,amarillo,40,40,0,")


def test_cambios_csv_has_no_rows_when_there_is_no_comparison(default_bands):
    from pipeline.report.changes import cambios_table

    plan = _plan(make_indicator("suma", id="S-1"))
    table = cambios_table(plan, compare(plan, _execution([("S-1", 2024, 1, 2)]), Cut(2024, 1), default_bands))
    assert table.empty and csv_bytes(table).decode().count("\n") == 1


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_sample_cambios_match_golden(quarter, sample_plan, default_bands):
    """The sample's cambios.csv at each cut of 2024 (2024-T1 against 2023-T4: a year change)."""
    from pipeline.report.changes import cambios_table
    from pipeline.ingest import load_execution
    from tests.conftest import SAMPLE
    from tests.golden import assert_matches_golden_csv

    execution = load_execution(SAMPLE, sample_plan).table
    comparison = compare(sample_plan, execution, Cut(2024, quarter), default_bands)
    assert_matches_golden_csv(f"secretaria-general-2024-T{quarter}/cambios.csv", csv_bytes(cambios_table(sample_plan, comparison)))


def test_an_indicator_that_stays_over_executed_is_neither_better_nor_worse(default_bands):
    ind = make_indicator("suma", id="S-1", year_target=10)
    execution = _execution([("S-1", 2024, 1, 5), ("S-1", 2024, 2, 4)])  # 50 % of 25 %, then 90 % of 50 %
    (change,) = compare(_plan(ind), execution, Cut(2024, 2), default_bands).changes
    assert (change.previous.traffic_light.value, change.current.traffic_light.value) == ("naranja", "naranja")
    # Neither better nor worse, but not «igual» either: it moved +40 p. p. (newuser-findings 11,
    # the sample's IS-546 at +42,4 p. p.), and it is listed, as it needs its justification.
    assert change.year_delta == pytest.approx(40.0) and change.trend is Trend.STILL_OVER
    assert change.trend.value == "sigue en sobreejecución" and change.rank == 6
    # 100 % at T1 (25 % expected) and still 100 % at T2 (50 % expected): naranja, the same figure.
    (same,) = compare(_plan(ind), _execution([("S-1", 2024, 1, 10), ("S-1", 2024, 2, 0)]), Cut(2024, 2), default_bands).changes
    assert same.current.traffic_light.value == "naranja" and (same.trend, same.rank) == (Trend.SAME, 8)


def test_the_sample_s_is_546_that_moved_within_naranja_is_not_igual(sample_plan, default_bands):
    """newuser-findings 11: on the sample report (2024-T4 against 2024-T3) IS-546 stays naranja
    and moves from 116,1 % to 158,5 % of its year: the slide must not call it «igual»."""
    from pipeline.ingest import load_execution
    from pipeline.report.document import changes_section
    from tests.conftest import SAMPLE

    execution = load_execution(SAMPLE, sample_plan).table
    comparison = compare(sample_plan, execution, Cut(2024, 4), default_bands)
    [change] = [c for c in comparison.changes if c.indicator_id == "IS-546"]
    assert change.trend is not Trend.SAME and round(change.year_delta, 1) == 42.4
    section = changes_section(sample_plan, comparison, default_bands)
    label = sample_plan.indicators["IS-546"].label or "IS-546"
    [item] = [i for i in section.items if i.indicator in (label, f"{label} (IS-546)")]
    assert not item.how.startswith("igual") and item.how.startswith("sigue en sobreejecución")


def test_an_indicator_with_nothing_programmed_says_so_instead_of_a_difference(default_bands):
    """newuser-findings 11: «de Sin reporte a 40,0 % (N/A)» read as if 40 % were not applicable."""
    from pipeline.report.document import changes_section

    na = make_indicator("suma", id="N-1", year_target=0, plan_target=10)
    execution = _execution([("N-1", 2024, 2, 4)])  # nothing at T1, 4 of the plan's 10 at T2
    plan = _plan(na)
    comparison = compare(plan, execution, Cut(2024, 2), default_bands)
    section = changes_section(plan, comparison, default_bands)
    [item] = section.items
    text = item.what.replace("\xa0", " ")
    assert "(N/A)" not in text
    assert "Avance 2024 de Sin reporte a N/A (nada programado para 2024)" in text
    assert "avance del plan 2024-2027 de Sin reporte a 40,0 % (primer reporte)" in text
