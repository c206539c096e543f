"""pipeline/report/layout.py: the content model both renderers draw."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.report.document import lowered
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.attainment import plan_attainment
from pipeline.ingest import load_execution, load_settings
from pipeline.core.periods import Cut
from pipeline.report.layout import (
    TABLE_BOTTOM, Cards, ChartSlide, Closing, Comments, Cover, Detail, Prose, Summary, build_report, slide_titles,
)
from tests.conftest import SAMPLE
from tests.plans import long_text


@pytest.fixture(scope="session")
def sample_settings():
    return load_settings(SAMPLE)


@pytest.fixture(scope="session")
def sample_execution(sample_plan):
    return load_execution(SAMPLE, sample_plan).table


def build(plan, execution, settings, quarter=3):
    result = plan_attainment(plan, execution, Cut(2024, quarter), settings.bands)
    return build_report(plan, execution, result, settings.bands, settings.theme)


@pytest.fixture(scope="session")
def sample_report(sample_plan, sample_execution, sample_settings):
    return build(sample_plan, sample_execution, sample_settings)


def test_slides_follow_the_seed_with_the_quarterly_additions(sample_report):
    from pipeline.report.layout import Changes

    # At 2024-T3 the changes take two slides: IS-546, over-executed at both cuts with +39,0 p. p.,
    # is listed («sigue en sobreejecución»), no longer counted among the unchanged.
    kinds = [type(s) for s in sample_report.slides]
    assert kinds[:4] == [Cover, Summary, Changes, Changes]
    assert kinds[4:7] == [Prose, Prose, Prose]
    assert kinds[7:9] == [Cards, Cards]
    assert kinds[-2:] == [Comments, Closing]
    titles = slide_titles(sample_report)
    assert titles[:9] == [
        "Plan Estratégico Institucional 2024", "Resumen ejecutivo", "Cambios desde el corte anterior",
        "Cambios desde el corte anterior (continuación 2 de 2)", "Objetivo del Plan y normatividad asociada", "Misión", "Visión", "Objetivos estratégicos",
        "Objetivos estratégicos",
    ]
    details = [t for t in titles if t.startswith("Metas e indicadores Objetivo")]
    assert details == [f"Metas e indicadores Objetivo {n}" for n in range(1, 9)]
    assert titles[-1] == "GRACIAS"


def test_cover_and_cards_carry_the_cut_and_computed_attainment(sample_report):
    cover = sample_report.slides[0]
    assert (cover.subtitle, cover.date_line) == ("Seguimiento 2024-T3", "Corte al 30 de septiembre de 2024")
    cards = [c for s in sample_report.slides if isinstance(s, Cards) for c in s.cards]
    assert [c.heading for c in cards] == [f"Objetivo {n}" for n in range(1, 9)]
    counts = [c.count_label.split(" · ")[0] for c in cards]
    assert counts == ["2 indicadores"] * 5 + ["1 indicador", "2 indicadores", "1 indicador"]


def test_a_traffic_light_is_never_shown_by_colour_alone(sample_report):
    """Cards, detail slides and attention items say the semáforo in words beside its colour."""

    cards = [c for s in sample_report.slides if isinstance(s, Cards) for c in s.cards]
    assert all(c.count_label.endswith(" · " + c.light.label) for c in cards)
    details = [s for s in sample_report.slides if isinstance(s, Detail)]
    assert all(d.attainment_label.endswith(" · " + d.light.label) for d in details)
    items = [(light, "".join(r.text for r in parts)) for s in sample_report.slides if isinstance(s, Summary) for light, parts in s.attention]
    assert items and all(lowered(light.label) in text or "n/a" in text for light, text in items)
    assert cards[0].attainment == "47,5\u00a0%"  # (70 % + 25 %) / 2 at 2024-T3


def test_key_figures_and_eje_lines_say_their_semaforo_in_words(sample_report, tmp_path):
    """The KPI boxes (summary and eje slides) and each objective's line on its eje's slide carry
    the word beside the colour."""
    from pipeline.report.layout import Section

    kpis = [k for s in sample_report.slides if isinstance(s, Summary) for k in s.kpis]
    lit = [k for k in kpis if k.light is not None]
    assert lit and all(k.light_word == k.light.label for k in lit)
    assert all(k.light_word is None for k in kpis if k.light is None)
    sections = [s for s in _pdm_report(tmp_path).slides if isinstance(s, Section)]
    assert all(k.light_word == k.light.label for s in sections for k in s.kpis if k.light is not None)
    for s in sections:
        for light, parts in s.items:
            assert f" · {lowered(light.label)} · " in "".join(r.text for r in parts)


def test_emphasis_comes_from_plan_yaml(sample_report):
    mission = next(s for s in sample_report.slides if s.title == "Misión")
    bold = [r.text for r in mission.body if r.bold]
    assert bold == ["líder del sector Gestión Pública", "valor público", "ciudad moderna", "gobierno abierto",
                    "la paz y la reconciliación", "calidad de vida de la ciudadanía"]


def test_detail_table_extends_the_seed_table(sample_report):
    detail = next(s for s in sample_report.slides if isinstance(s, Detail) and s.title.endswith("Objetivo 5"))
    assert [c.heading for c in detail.table.columns] == [
        "Nombre meta", "Anualización", "Programación 2020-2024", "Programación 2024", "Ejecutado 2024",
        "Avance 2024", "Ejecutado 2020-2024", "Avance 2020-2024", "Semáforo",
    ]
    cells = ["".join(r.text for r in c.parts) for c in detail.table.rows[0].cells]
    assert cells[0].startswith("Indicador sectorial 545 Número de orientaciones")
    assert cells[1:4] == ["Suma", "23.669.955", "4.155.036"]
    assert cells[-1] == "Verde"


def test_attention_lists_red_orange_gaps_and_inconsistencies(sample_report):
    summary = sample_report.slides[1]
    texts = ["".join(r.text for r in parts) for _, parts in summary.attention]
    assert any("Indicador sectorial 554" in t and "Retraso crítico" in t for t in texts)
    assert any("Indicador sectorial 546" in t and "Sobreejecución" in t for t in texts)
    assert any("Indicador sectorial 552" in t and "No reportó T2" in t for t in texts)
    assert any("inconsistencia: el nivel bajó de 93\u00a0% (2024-T2) a 92,5\u00a0% (2024-T3)" in t for t in texts)


def test_comments_of_the_cut_only(sample_report):
    comments = next(s for s in sample_report.slides if isinstance(s, Comments))
    labels = {c.heading[0].text.strip() for c in comments.items if not c.group}
    assert labels == {"Meta proyecto 04, proy. 7871", "Indicador sectorial 554",
                      "Indicador sectorial 552", "Indicador sectorial 514"}
    # each under its objective's heading, the indicator by label and name
    assert comments.items[0].group and comments.items[0].title.startswith("Objetivo ")
    assert all(len(c.heading) == 2 and c.heading[0].bold and not c.heading[1].bold for c in comments.items if not c.group)


def test_comments_slides_start_with_their_objective_and_never_end_with_a_heading(long_report):
    slides = [s for s in long_report.slides if isinstance(s, Comments)]
    assert len(slides) > 2
    for s in slides:
        assert s.items[0].group, s.title  # a slide that continues a group repeats its heading
        assert not s.items[-1].group, s.title
    continued = [s.items[0].title for s in slides[1:]]
    assert any(t.endswith("(continuación)") for t in continued)


def test_charts_have_alt_text(sample_report):
    charts = [s for s in sample_report.slides if isinstance(s, ChartSlide)]
    assert len(charts) == 1 + 2 + 8  # objectives, the plan's path (continued), each objective's quarters
    assert all(len(c.chart.alt) > 40 for c in charts)
    assert "Objetivo 1: 47,5\u00a0%" in charts[0].chart.alt


def _long_plan(plan, length: int, count: int = 6):
    base = "Porcentaje de avance en la implementación de la estrategia distrital de gestión pública, "
    long_name = (base * (length // len(base) + 1))[:length]
    indicators = dict(plan.indicators)
    ids = []
    for n in range(count):
        ind_id = f"L-{n}"
        indicators[ind_id] = dataclasses.replace(plan.indicators["IS-545"], id=ind_id, label=f"Indicador largo {n}", name=long_name)
        ids.append(ind_id)
    objective = dataclasses.replace(plan.objectives[0], indicator_ids=tuple(ids), weights=(1.0,) * count)
    return dataclasses.replace(plan, objectives=(objective, *plan.objectives[1:]), indicators=indicators)


@pytest.mark.parametrize("length", [600, 1200])
def test_long_names_continue_on_more_slides_and_never_overflow(length, sample_plan, sample_execution, sample_settings):
    report = build(_long_plan(sample_plan, length), sample_execution, sample_settings)
    details = [s for s in report.slides if isinstance(s, Detail) and "Objetivo 1" in s.title]
    assert len(details) > 1
    assert details[1].title.startswith("Metas e indicadores Objetivo 1 (continuación 2 de")
    assert sum(len(d.table.rows) for d in details) == 6
    for d in details:
        assert d.table_top + d.table.header_height + sum(r.height for r in d.table.rows) <= TABLE_BOTTOM


@pytest.fixture(scope="session")
def ten_per_objective_report(tmp_path_factory):
    """A synthetic plan of three objectives with ten indicators each, as a content model."""
    from benchmarks.make_inputs import make_entity
    from pipeline.ingest import load_plan

    folder = tmp_path_factory.mktemp("grande") / "grande"
    make_entity(folder, 30, seed=30)
    plan = load_plan(folder)
    return build(plan, load_execution(folder, plan).table, load_settings(folder))


def test_a_comment_on_a_quarter_not_reported_is_shown(tmp_path):
    """Its row has no value, so the quarter is sin reporte; the comment explains why and is kept."""
    from pipeline.ingest import load_plan
    from tests.messy_workbook import COMMENT_NOT_REPORTED, write_entity

    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    plan = load_plan(folder)
    report = build(plan, load_execution(folder, plan).table, load_settings(folder), quarter=2)
    comments = [item for s in report.slides if isinstance(s, Comments) for item in s.items]
    assert any(c.title.startswith("C-03 ") and c.text == COMMENT_NOT_REPORTED for c in comments)
    detail = next(s for s in report.slides if isinstance(s, Detail) and s.title.endswith("Objetivo 2"))
    c03 = next(r for r in detail.table.rows if r.cells[0].parts[-1].text.startswith("Porcentaje de avance"))
    assert c03.cells[4].parts[0].text == "+2 p.\u00a0p."  # executed 2024: level 12 over 10 at the close of 2023 (T1), in points


# --- real plans: units, ejes, responsables, flags ---------------------------------------------


def _pdm_report(tmp_path, vigencia=2024, cut=Cut(2024, 4), execution=None):
    from pipeline.ingest import load_plan
    from tests.plans import PDM_EXECUTION, execution_table, write_pdm

    folder = write_pdm(tmp_path / f"pdm-{vigencia}", vigencia, execution or PDM_EXECUTION)
    plan = load_plan(folder)
    settings = load_settings(folder)
    result = plan_attainment(plan, execution_table(folder, plan), cut, settings.bands)
    return build_report(plan, execution_table(folder, plan), result, settings.bands, settings.theme)


def _cells(report, title_end):
    detail = next(s for s in report.slides if isinstance(s, Detail) and s.title.endswith(title_end))
    return [["".join(r.text for r in c.parts) for c in row.cells] for row in detail.table.rows]


def _attention(report):
    return ["".join(r.text for r in parts) for _, parts in report.slides[1].attention]


def test_figures_show_their_unit(tmp_path, sample_report):
    report = _pdm_report(tmp_path)
    (km,) = _cells(report, "Objetivo 1")
    assert km[2:5] == ["40 km", "10 km", "9 km"] and km[6] == "9 km"
    (ha,) = _cells(report, "Objetivo 2")
    # creciente: what the year programmes and added, signed; the level to reach with metas_como: nivel
    assert ha[2:5] == ["30 hectáreas", "+6 hectáreas (de 20 a 26 hectáreas)", "+5 hectáreas"]
    (pct,) = _cells(report, "Objetivo 3")
    assert pct[2:5] == ["6\u00a0%", "6\u00a0%", "6\u00a0%"]
    sample = _cells(sample_report, "Objetivo 1")[0]  # IS-321, porcentaje
    assert sample[2:5] == ["100\u00a0%", "+10 p.\u00a0p.", "+7 p.\u00a0p."]  # a level's change in points
    assert _cells(sample_report, "Objetivo 5")[0][2:4] == ["23.669.955", "4.155.036"]  # numero: none


def test_each_eje_opens_its_objectives_and_the_summary_lists_the_ejes(tmp_path):
    from pipeline.report.layout import Section

    report = _pdm_report(tmp_path)
    kinds = [(type(s).__name__, getattr(s, "title", "")) for s in report.slides]
    sections = [n for n, (kind, _) in enumerate(kinds) if kind == "Section"]
    assert [kinds[n][1] for n in sections] == ["Eje 1. Infraestructura", "Eje 2. Ambiente y salud"]
    assert kinds[sections[0] + 1][1] == "Metas e indicadores Objetivo 1"
    assert kinds[sections[1] + 1][1] == "Metas e indicadores Objetivo 2"
    e1 = report.slides[sections[0]]
    assert isinstance(e1, Section)
    assert [(k.label, k.value) for k in e1.kpis][:2] == [("Avance de la vigencia 2024", "90,0\u00a0%"), ("Avance del plan 2024-2027", "22,5\u00a0%")]
    assert any("Objetivo 1" in "".join(r.text for r in parts) for _, parts in e1.items)
    summary = report.slides[1]
    lines = ["".join(r.text for r in parts) for _, parts in summary.axes]
    assert lines[0].startswith("Eje 1. Infraestructura: avance 2024 90,0\u00a0%")
    assert len(lines) == 2 and summary.axes_title == "Avance por eje"
    assert summary.attention_top > 246 + 24  # below the ejes


def test_attention_names_the_responsable_negative_attainment_and_missing_targets(tmp_path):
    report = _pdm_report(tmp_path, cut=Cut(2024, 3))
    item = next(t for t in _attention(report) if t.startswith("H-1"))
    assert "responsable: Secretaría de Ambiente" in item and "No reportó T3 de 2024" in item
    negative = "indicador,anio,trimestre,valor\nH-1,2024,1,18\n"
    report = _pdm_report(tmp_path, cut=Cut(2024, 1), execution=negative)
    item = next(t for t in _attention(report) if t.startswith("H-1"))
    assert "Avance negativo en 2024: el nivel bajó a 18 hectáreas desde 20 hectáreas al inicio del año" in item
    report = _pdm_report(tmp_path, vigencia=2025, cut=Cut(2026, 1))
    item = next(t for t in _attention(report) if t.startswith("V-1"))
    assert "sin meta para 2026: agréguela en metas_anuales" in item


@pytest.fixture(scope="session")
def pdm_300_report(tmp_path_factory):
    """The 300-meta synthetic PDM at 2025-T3, as a content model."""
    from benchmarks.make_inputs import make_pdm
    from pipeline.ingest import load_plan

    folder = tmp_path_factory.mktemp("pdm") / "pdm"
    make_pdm(folder, 300)
    plan = load_plan(folder)
    execution = load_execution(folder, plan).table
    settings = load_settings(folder)
    result = plan_attainment(plan, execution, Cut(2025, 3), settings.bands)
    return build_report(plan, execution, result, settings.bands, settings.theme), result


def test_the_executive_summary_fits_one_slide_and_the_annex_lists_every_item(pdm_300_report):
    """Real plans have hundreds of attention items: the summary shows the most severe that fit,
    then "y N más", and the annex at the end has them all, most severe first."""
    from pipeline.report.layout import ATTENTION_SIZE, ATTENTION_W, SUMMARY_FIRST_ROOM, height

    report, result = pdm_300_report
    summaries = [s for s in report.slides if isinstance(s, Summary)]
    first, annex = summaries[0], summaries[1:]  # «Cambios desde el corte anterior» is a slide of its own kind
    assert [s.title for s in report.slides if isinstance(s, Summary) and s.kpis] == ["Resumen ejecutivo"]
    assert annex and all(s.title.startswith("Anexo: indicadores que requieren atención") for s in annex)
    assert report.slides.index(annex[0]) > max(i for i, s in enumerate(report.slides) if isinstance(s, Comments))
    assert isinstance(report.slides[-1], Closing)
    listed = [item for s in annex for item in s.attention]
    assert list(first.attention) == listed[: len(first.attention)]
    rest = len(listed) - len(first.attention)
    assert rest > 0 and first.more_note.startswith(f"y {rest:,}".replace(",", ".") + " indicadores más")
    used = sum(height(parts, ATTENTION_SIZE, ATTENTION_W) + 6.0 for _, parts in first.attention)
    axes = sum(height(parts, ATTENTION_SIZE, ATTENTION_W) + 6.0 for _, parts in first.axes) + 24.0 + 8.0
    assert used + axes + 40.0 <= SUMMARY_FIRST_ROOM
    # most severe first: every critical delay before any over-execution or missing report
    lights = [light for light, _ in listed]
    assert lights[0].value == "rojo"
    last_red = max(i for i, light in enumerate(lights) if light.value == "rojo")
    assert all(light.value != "naranja" for light in lights[:last_red])


def test_nothing_programmed_for_the_year_is_not_an_attention_item(tmp_path):
    """A meta with target 0 this year (N/A) is not a delay, reported or not."""
    from tests.messy_workbook import write_entity
    from pipeline.ingest import load_plan

    folder = write_entity(tmp_path / "ejemplo", fixed=True)
    plan_file = folder / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8").replace(
        "    meta_cuatrienio: 40\n    meta_vigencia: 10\n", "    meta_cuatrienio: 40\n    meta_vigencia: 0\n"), encoding="utf-8")
    plan = load_plan(folder)
    settings = load_settings(folder)
    execution = load_execution(folder, plan).table
    for table in (execution, execution[execution["indicador"] != "K-04"]):
        result = plan_attainment(plan, table, Cut(2024, 3), settings.bands)
        report = build_report(plan, table, result, settings.bands, settings.theme)
        texts = [" ".join(r.text for r in parts) for s in report.slides if isinstance(s, Summary) for _, parts in s.attention]
        assert not [t for t in texts if t.startswith("K-04")], texts


def test_an_entity_without_its_own_logo_gets_its_name_not_bogota_s(tmp_path):
    from pipeline.ingest import load_plan
    from pipeline.report.layout import entity_logo
    from tests.messy_workbook import write_entity

    folder = write_entity(tmp_path / "ejemplo", fixed=True)  # no configuracion.yaml
    plan = load_plan(folder)
    report = build(plan, load_execution(folder, plan).table, load_settings(folder))
    cover, closing = report.slides[0], report.slides[-1]
    assert cover.logo == closing.logo == (("SECRETARÍA DE", "PLANEACIÓN DE", "EJEMPLO"),)
    assert "BOGOTÁ" not in str(cover.logo)
    name = "Secretaría Distrital de Desarrollo Económico, Industria y Turismo de la Ciudad"
    long = entity_logo(name)  # four longer lines, whole: never cut with «…»
    assert len(long[0]) == 4 and " ".join(long[0]) == name.upper()


def test_the_sample_keeps_its_own_logo(sample_report):
    assert sample_report.slides[0].logo == (("ALCALDÍA MAYOR", "DE BOGOTÁ D.C."), ("SECRETARÍA", "GENERAL"))


# --- long texts: nothing overflows, nothing is lost ---------------------------------------------


@pytest.fixture(scope="session")
def long_report(tmp_path_factory):
    """The long-texts entity (tests/plans.py) at 2024-T4, as a content model."""
    from pipeline.ingest import load_plan
    from tests.plans import write_long_entity

    folder = write_long_entity(tmp_path_factory.mktemp("largo") / "integracion-social")
    plan = load_plan(folder)
    return build(plan, load_execution(folder, plan).table, load_settings(folder), quarter=4)


def _flat(parts) -> str:
    return " ".join("".join(r.text for r in parts).split())


def test_the_long_texts_entity_fits_every_box_on_every_slide(long_report):
    from tests.layout import overflows

    assert overflows(long_report) == []


def test_a_prose_text_too_long_for_a_slide_continues_on_labelled_slides(long_report):
    from tests.plans import long_texts_plan

    mission = [s for s in long_report.slides if isinstance(s, Prose) and s.title.startswith("Misión")]
    total = len(mission)
    assert total > 1 and [s.title for s in mission] == ["Misión"] + [f"Misión (continuación {n} de {total})" for n in range(2, total + 1)]
    assert {s.body_size for s in mission} == {12.0}  # the smallest size, the same on every slide
    whole = " ".join(_flat(s.body) for s in mission)
    assert whole == " ".join(long_texts_plan()["mision"].replace("**", "").split())
    normative = [s for s in long_report.slides if isinstance(s, Prose) and s.title.startswith("Objetivo del Plan")]
    assert [s.source is not None for s in normative] == [False] * (len(normative) - 1) + [True]


def test_an_objective_too_long_for_its_detail_slide_comes_whole_on_its_own_slide(long_report):
    from tests.plans import long_texts_plan

    slides = list(long_report.slides)
    first = next(n for n, s in enumerate(slides) if isinstance(s, Detail) and s.title == "Metas e indicadores Objetivo 1")
    own = slides[first - 1]
    assert isinstance(own, Prose) and own.title == "Objetivo 1" and own.kicker == "Metas e indicadores"
    assert _flat(own.body) == " ".join(long_texts_plan()["objetivos"][0]["texto"].replace("**", "").split())
    assert _flat(slides[first].text).endswith("… (texto completo en la diapositiva anterior)")
    # the cards shorten it, and say where it is whole
    card = next(c for s in slides if isinstance(s, Cards) for c in s.cards if c.heading == "Objetivo 1")
    assert _flat(card.text).endswith("… (texto completo en la sección del Objetivo 1)")


def test_a_comment_longer_than_a_slide_continues_and_a_name_longer_than_a_slide_continues_in_rows(long_report):
    comments = [c for s in long_report.slides if isinstance(s, Comments) for c in s.items]
    lt1 = [c for c in comments if c.title.startswith("Indicador sectorial 321") and not c.group]
    assert len(lt1) > 1 and lt1[1].title.endswith("… (continuación)")
    assert len(" ".join(c.text for c in lt1)) >= 7900
    rows = [row for s in long_report.slides if isinstance(s, Detail) and "Objetivo 1" in s.title for row in s.table.rows]
    names = [_flat(row.cells[0].parts) for row in rows]
    assert names[0].startswith("Indicador sectorial 321 ") and len(rows) > 2
    assert all(_flat(row.cells[-1].parts) for row in rows)  # every piece repeats the semáforo's word


_TEXT = st.builds(
    lambda length, seed, token, sentence: long_text(length, seed, token=token, sentence=sentence) if length else "",
    st.integers(0, 8000), st.integers(0, 1000), st.integers(0, 300), st.integers(1, 40),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=8, max_size=8), name=st.integers(0, 3000), etiqueta=st.integers(0, 200))
def test_generated_texts_fit_every_box_on_every_slide(texts, name, etiqueta, sample_plan, sample_execution, sample_settings):
    """Any length from 0 to 8 000 characters, unbroken strings up to 300, sentences of 1 to 40
    words, in every text of the plan and the comments: every text box fits its box."""
    from tests.layout import overflows

    normative, mission, vision, objective, detail, comment, entity, title = texts
    first = sample_plan.objectives[0]
    ind_id = first.indicator_ids[0]
    indicator = dataclasses.replace(
        sample_plan.indicators[ind_id], name=long_text(name, 7, token=min(name, 250)) if name else "N",
        label="E" * etiqueta,
    )
    plan = dataclasses.replace(
        sample_plan, normative_basis=normative, mission=mission, vision=vision,
        entity=entity[:300] or "E", title=title[:300] or "T",
        objectives=(dataclasses.replace(first, text=objective, detail_text=detail or None), *sample_plan.objectives[1:]),
        indicators={**sample_plan.indicators, ind_id: indicator},
    )
    execution = sample_execution.copy()
    execution.loc[execution["indicador"] == ind_id, "comentario"] = comment or None
    report = build(plan, execution, sample_settings)
    assert overflows(report) == []


def test_the_cover_keeps_its_own_sizes_for_a_long_title_and_entity(long_report):
    """A 150-character title and a 110-character entity: smaller than the seed's 40 and 22 pt,
    but not the slides' title sizes, and nothing runs into the cut line or the logo."""
    from pipeline.report.layout import COVER_ENTITY_SIZES, COVER_TITLE_SIZES
    from tests.layout import overflows

    cover = long_report.slides[0]
    assert cover.title_size in COVER_TITLE_SIZES and cover.title_size >= 28
    assert cover.entity_size in COVER_ENTITY_SIZES and cover.entity_size >= 18
    assert [o for o in overflows(long_report) if "Cover" in o] == []


def test_an_indicator_on_the_expected_line_stays_visible(sample_report):
    """The expected line of a quarterly chart is dashed and drawn thinner than the indicators'
    lines, so an indicator exactly on schedule (objective 7's second indicator) still shows."""
    from pipeline.report.layout import ChartSlide

    lines = [s.chart for s in sample_report.slides
             if isinstance(s, ChartSlide) and s.chart.kind == "line" and s.title.startswith("Avance trimestral")]
    assert lines
    for chart in lines:
        expected = [s for s in chart.series if s.name == "Esperado del objetivo"]
        assert len(expected) == 1 and expected[0].line == "dash"
        assert all(s.line == "solid" for s in chart.series if s is not expected[0])


# --- «Cambios desde el corte anterior» (issue 21) -------------------------------------------------


def test_the_changes_slide_follows_the_summary_with_a_word_beside_each_dot(sample_report):
    from pipeline.report.layout import Changes

    slide, *more = [s for s in sample_report.slides if isinstance(s, Changes)]
    assert slide.attention_title.startswith("Frente al corte 2024-T2")
    assert slide.attention and slide.empty_note is None
    for light, parts in [a for s in (slide, *more) for a in s.attention]:
        text = "".join(r.text for r in parts)
        assert lowered(light.label) in text and (" · de " in text or "sigue" in text)
        assert parts[1].text.strip("(): ").split(" · ")[0] in ("empeora", "mejora", "igual", "sigue en sobreejecución")


def test_the_plans_first_cut_has_a_line_instead_of_an_empty_changes_slide(sample_plan, sample_execution, sample_settings):
    from pipeline.report.layout import Changes

    plan = dataclasses.replace(sample_plan, period=(2024, 2024))
    (slide,) = [s for s in build(plan, sample_execution, sample_settings, quarter=1).slides if isinstance(s, Changes)]
    assert slide.attention == ()
    assert slide.empty_note == "2024-T1 es el primer corte del plan: no hay corte anterior con qué comparar."


def test_many_changes_continue_on_more_slides_within_the_slide(pdm_300_report):
    from tests.layout import overflows
    from pipeline.report.layout import Changes

    report, result = pdm_300_report
    slides = [s for s in report.slides if isinstance(s, Changes)]
    assert len(slides) > 1 and slides[1].title.startswith("Cambios desde el corte anterior (continuación 2 de")
    listed = [("".join(r.text for r in parts)) for s in slides for _, parts in s.attention]
    # 300 indicators: what needs attention is listed, the improvements are counted
    assert listed and not any("(mejora · " in text and "comentario nuevo" not in text for text in listed)
    assert slides[-1].more_note.startswith("Además, ") and "indicadores mejoraron" in slides[-1].more_note
    assert not [p for p in overflows(report) if "Cambios" in p]
    index = report.slides.index(slides[0])
    assert isinstance(report.slides[index - 1], Summary)


def test_an_indicator_label_shared_by_several_is_followed_by_its_id(sample_report):
    from pipeline.report.layout import Changes

    names = [parts[0].text.strip() for s in sample_report.slides if isinstance(s, Changes) for _, parts in s.attention]
    assert "Indicador de gestión (IG-07-02)" in names and "Indicador de gestión" not in names


@pytest.mark.parametrize("entity", [
    "Departamento Administrativo de Gestión del Medio Ambiente (DAGMA) de Santiago de Cali",
    "Secretaría Distrital de Integración Social — Subdirección para la Identificación, Caracterización e Integración",
])
def test_a_long_entity_name_without_a_logo_is_never_cut(sample_plan, sample_execution, sample_settings, entity):
    """With no logo configured, the cover's and the closing slide's logo text is the entity's name
    in capitals: wrapped and made smaller to fit its box, never ended with «…»."""
    from tests.layout import overflows

    theme = dataclasses.replace(sample_settings.theme, logo=())
    settings = dataclasses.replace(sample_settings, theme=theme)
    report = build(dataclasses.replace(sample_plan, entity=entity), sample_execution, settings)
    cover, closing = report.slides[0], report.slides[-1]
    for s in (cover, closing):
        words = " ".join(line for block in s.logo for line in block)
        assert words == entity.upper() and "…" not in words
    assert closing.entity == entity and cover.entity == entity
    assert overflows(report) == []


@pytest.fixture(scope="module")
def action_report(tmp_path_factory):
    from pipeline.ingest import load_inputs
    from tests.plans import write_action_plan

    inputs = load_inputs(write_action_plan(tmp_path_factory.mktemp("accion") / "dagma"))
    result = plan_attainment(inputs.plan, inputs.execution.table, Cut(2025, 2), inputs.settings.bands)
    return build_report(inputs.plan, inputs.execution.table, result, inputs.settings.bands, inputs.settings.theme)


def test_a_one_year_plan_with_a_value_to_review_lays_out_whole(action_report):
    """The one-year Plan de Acción: six columns whose widths fill the table, the objective's
    «dato por revisar» note on its detail slide, the quarterly chart's scale capped, the comments
    under their objectives, and every text in its box."""
    from pipeline.report.chart_layout import SCALE_CAP
    from pipeline.report.layout import SLIDE_W, MARGIN
    from tests.layout import overflows

    assert overflows(action_report) == []
    detail = next(s for s in action_report.slides if isinstance(s, Detail) and s.title.endswith("Objetivo 1"))
    assert len(detail.table.columns) == 6
    assert abs(sum(c.width for c in detail.table.columns) - (SLIDE_W - 2 * MARGIN)) < 1e-6
    assert "sin él, el avance sería 25,0" in _flat(detail.text) and _flat(detail.text).endswith("(amarillo).")
    chart = next(s.chart for s in action_report.slides if isinstance(s, ChartSlide) and s.title == "Avance trimestral Objetivo 1")
    assert chart.ticks[-1] == SCALE_CAP
    # a native chart labels no point off its plot: the slide says it under the chart
    note = next(s.note for s in action_report.slides if isinstance(s, ChartSlide) and s.title == "Avance trimestral Objetivo 1")
    assert note == "Fuera de la escala de 200\u00a0%: Corredores ambientales intervenidos, T2 2025: 30.037,5\u00a0%."
    comments = next(s for s in action_report.slides if isinstance(s, Comments))
    assert [c.title for c in comments.items if c.group] == [
        "Eje 1. Cali verde · Objetivo 1: Recuperar los corredores ambientales.",
        "Eje 2. Agua · Objetivo 2: Restaurar los humedales.",
    ]
    cover = action_report.slides[0]
    assert " ".join(cover.logo[0]).endswith("DE SANTIAGO DE CALI")


# --- the plan's path over the cuts (issue 21) -------------------------------------------------


def test_with_ejes_the_path_slide_shows_the_plan_and_each_eje_and_no_legend_covers_a_line(tmp_path):
    from pipeline.outputs.charts import chart_geometry

    report = _pdm_report(tmp_path, 2025, Cut(2025, 1))
    (path,) = [s for s in report.slides if isinstance(s, ChartSlide) and s.title.startswith("Evolución del avance")]
    assert [s.name for s in path.chart.series] == ["Plan", "Eje 1. Infraestructura", "Eje 2. Ambiente y salud"]
    assert path.chart.categories == ("T1 2024", "T2 2024", "T3 2024", "T4 2024", "T1 2025")
    geometry = chart_geometry(path.chart, 880, 380)
    assert len(geometry.legend) == 3  # every series named
    assert not any(box.intersects(geometry.plot) for box in geometry.legend)
    assert all(box.inside(geometry.viewport) for box in (*geometry.legend, *geometry.labels))


def test_a_long_eje_name_is_shortened_in_the_path_legend_and_whole_in_its_alt_text(long_report):
    from pipeline.report.chart_layout import CHART_W, LEGEND_MAX_ROWS, LEGEND_NAME_W, LEGEND_PAD, LEGEND_SIZE, legend_rows
    from pipeline.core.text import width
    from tests.plans import long_texts_plan

    (path,) = [s for s in long_report.slides if isinstance(s, ChartSlide) and s.title.startswith("Evolución del avance")]
    full = " ".join(long_texts_plan()["ejes"][0]["nombre"].split())
    e1 = path.chart.series[1].name
    assert e1.startswith("Eje 1.") and e1.endswith("…") and width(e1, LEGEND_SIZE) <= LEGEND_NAME_W
    assert f"{full}: T1 2024" in path.chart.alt
    assert len(legend_rows([s.name for s in path.chart.series], CHART_W - 2 * LEGEND_PAD)) <= LEGEND_MAX_ROWS


def test_path_members_are_split_so_each_legend_fits_two_rows():
    from pipeline.report.chart_layout import CHART_W, LEGEND_MAX_ROWS, LEGEND_PAD, legend_name, legend_rows, path_pages

    names = [legend_name(f"Eje {n}. " + "Desarrollo económico sostenible e incluyente del territorio " * 3) for n in range(1, 8)]
    parts = path_pages(names)
    assert [i for part in parts for i in part] == list(range(7))  # every member once, in order
    assert len(parts) >= 2 and max(len(p) for p in parts) < 5  # long names: fewer than five a slide
    for part in parts:
        assert len(legend_rows(["Plan", *(names[i] for i in part)], CHART_W - 2 * LEGEND_PAD)) <= LEGEND_MAX_ROWS
    assert [list(p) for p in path_pages([f"Objetivo {n}" for n in range(1, 12)])] == [
        [0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10],  # at most five a slide, spread evenly
    ]
    assert path_pages([]) == [range(0)]


# Every public name pipeline.report.layout defined before the slide kinds moved to
# pipeline.report.slides and the chart slides to pipeline.report.chart_slides (issue 20): the
# outputs, benchmarks and tests import them from here.
PUBLIC_BEFORE_THE_SPLIT = (
    "ATTENTION_SIZE", "ATTENTION_W", "BARS_NOTE", "BARS_ORDER", "Box", "CARD_GAP", "CARD_H", "CARD_SIZES",
    "CARD_TEXT_H", "CARD_TEXT_W", "CARD_TOP", "CARD_VALUE_W", "CARD_W", "CELL_PAD_X", "CELL_PAD_Y",
    "CHANGES_MAX_SLIDES", "CLOSING_ENTITY_BOTTOM", "CLOSING_ENTITY_SIZES", "CLOSING_ENTITY_TOP",
    "CLOSING_LOGO_BOX", "COMMENT_GAP", "COMMENT_GROUP_GAP", "COMMENT_NAME_LINES", "COMMENT_ROOM",
    "COMMENT_SIZE", "COMMENT_TOP", "COMMENT_W", "CONTENT_W", "CONTINUED", "COVER_BOTTOM", "COVER_ENTITY_SIZES",
    "COVER_LOGO_BOX", "COVER_TITLE_SIZES", "COVER_TOP", "COVER_W", "COVER_X", "Card", "Cards", "Cell",
    "Changes", "Chart", "ChartSlide", "Closing", "Column", "CommentItem", "Comments", "Cover", "DETAIL_NOTE",
    "DETAIL_NOTE_MANY", "DETAIL_PREVIEW_SIZE", "DETAIL_TEXT_MAX_H", "DETAIL_TEXT_SIZES", "DETAIL_TEXT_TOP",
    "DETAIL_TEXT_W", "DETAIL_TITLE_W", "Detail", "FOOTER_SIZE", "FOOTER_W", "FOOTER_Y", "HEADER_SIZES",
    "ITEM_GAP", "Item", "KICKER_SIZE", "KPI_GAP", "KPI_H", "KPI_VALUE_SIZES", "KPI_W", "KPI_WORD_H",
    "KPI_WORD_PAD", "KPI_WORD_SIZE", "Kpi", "LIGHTS_TOP", "LIGHT_DOT_X", "LIGHT_GAP", "LIGHT_SIZES",
    "LIGHT_TEXT_X", "LIST_TITLE_H", "LIST_TOP", "LOGO_LINE", "LOGO_LINES", "LOGO_LINE_MAX", "LOGO_SIZES",
    "LightCount", "MARGIN", "MORE_NOTE_H", "NOTE_SIZE", "PROSE_MAX_ROOM", "PROSE_SIZES", "PROSE_TOP", "Prose",
    "Report", "Row", "SECTION_ITEMS_TOP", "SECTION_KPI_TOP", "SECTION_ROOM", "SLIDE_H", "SLIDE_W", "SOURCE_GAP",
    "SOURCE_SIZE", "SUMMARY_FIRST_ROOM", "SUMMARY_FIRST_TOP", "SUMMARY_KPI_TOP", "SUMMARY_ROOM", "SUMMARY_TOP",
    "Section", "Series", "Slide", "Summary", "TABLE_BOTTOM", "TABLE_FONT", "TABLE_MIN_FONT", "TABLE_SIZES",
    "TABLE_WIDTHS", "TITLE_KICKER_TOP", "TITLE_MIN", "TITLE_SIZE", "TITLE_SIZES", "TITLE_TOP", "Table",
    "build_report", "entity_logo", "fit_image", "lay_out", "logo_text_height", "slide_titles", "table_widths",
    "title_lines",
)


def test_the_layout_still_offers_every_public_name_it_had_and_its_re_exports_are_the_slides_own():
    import pipeline.report.chart_slides as chart_slides
    import pipeline.report.layout as layout
    import pipeline.report.slides as slides

    assert [name for name in PUBLIC_BEFORE_THE_SPLIT if not hasattr(layout, name)] == []
    for module in (slides, chart_slides):
        assert module.__doc__ and len(module.__doc__.split()) > 40
        assert set(module.__all__) <= set(layout.__all__)
        assert all(getattr(layout, name) is getattr(module, name) for name in module.__all__)
