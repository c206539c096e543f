"""pipeline/report/document.py: what the report says, before any output lays it out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.core.attainment import plan_attainment
from pipeline.report.document import build_document, report_title
from pipeline.ingest import load_execution
from pipeline.core.periods import Cut
from pipeline.core.text import plain
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def sample_document(sample_plan, default_bands):
    execution = load_execution(SAMPLE, sample_plan).table
    result = plan_attainment(sample_plan, execution, Cut(2024, 3), default_bands)
    return build_document(sample_plan, execution, result, default_bands)


def test_key_figures_and_the_tally_in_words(sample_document):
    assert [(f.label, f.value) for f in sample_document.key_figures] == [
        ("Avance de la vigencia 2024", "66,3\u00a0%"),
        ("Avance del plan 2020-2024", "86,4\u00a0%"),
        ("Esperado al corte", "73,4\u00a0%"),
        ("Indicadores con reporte", "13 de 13"),
    ]
    assert sample_document.key_figures[0].light_word == "Verde"
    assert {t.label: t.count for t in sample_document.lights} == {
        "Rojo": 2, "Amarillo": 0, "Verde": 10, "Naranja": 1, "Sin reporte": 0, "N/A": 0,
    }


def test_each_objective_has_its_table_and_quarterly_figure(sample_plan, sample_document):
    assert [o.id for o in sample_document.objectives] == [o.id for o in sample_plan.objectives]
    first = sample_document.objectives[0]
    assert [c.heading for c in first.table.columns][-3:] == ["Ejecutado 2020-2024", "Avance 2020-2024", "Semáforo"]
    assert len(first.table.rows) == len(sample_plan.objectives[0].indicator_ids)
    figure = first.quarterly
    assert figure.categories == ("T1 2024", "T2 2024", "T3 2024")
    assert figure.series[-1].role == "expected"
    # the figure's data as a table: a row per series, a column per quarter, every value said
    table = figure.table()
    assert [c.heading for c in table.columns] == ["Serie", "T1 2024", "T2 2024", "T3 2024"]
    assert len(table.rows) == len(figure.series)
    for series in figure.series:
        assert series.name in figure.description


def test_attention_items_name_their_light_in_words_most_severe_first(sample_document):
    items = sample_document.attention
    assert [i.severity for i in items] == sorted(i.severity for i in items)
    assert items[0].where.startswith("rojo")
    assert plain(items[0].parts).startswith(items[0].indicator)


def test_the_title_is_not_followed_by_a_year_it_already_has(sample_plan):
    assert report_title(sample_plan, 2024) == "Plan Estratégico Institucional 2024"
    assert report_title(replace(sample_plan, title="Plan de Desarrollo Municipal 2024-2027"), 2025) == (
        "Plan de Desarrollo Municipal 2024-2027"
    )
    assert report_title(replace(sample_plan, title="PEI 2024"), 2024) == "PEI 2024"


def test_each_quarterly_figure_says_its_indicators_at_the_cut(sample_document):
    """What an output draws when lines would not read: each indicator's attainment at the cut
    against what was expected of it, with every value as it is said."""
    from pipeline.core.formatting import percent

    for objective in sample_document.objectives:
        indicators = [s for s in objective.quarterly.series if s.role == "indicator"]
        at_cut = objective.quarterly.at_cut
        assert at_cut.categories == tuple(s.name for s in indicators)
        assert at_cut.long_categories == tuple(s.full_name for s in indicators)
        achieved, expected = at_cut.series
        assert (achieved.role, expected.role) == ("achieved", "expected")
        assert achieved.values == tuple(s.values[-1] for s in indicators)
        assert achieved.labels == tuple(percent(v) if v is not None else "sin reporte" for v in achieved.values)
        assert all(label.endswith("\u00a0%") for label in expected.labels)
        assert all(name in at_cut.description for name in at_cut.categories)
    objectives = sample_document.objectives_figure
    assert objectives.long_categories[0].startswith("Objetivo 1: ")
    assert objectives.series[0].labels[0] == "47,5\u00a0%"


def test_titulo_reporte_replaces_the_title_and_its_year(sample_plan, tmp_path):
    """plan.yaml's optional `titulo_reporte` is the report's title as written (cover, footer,
    metadata), validated like `titulo`: one line."""
    import shutil

    from pipeline.errors import InputError
    from pipeline.ingest import load_plan

    assert report_title(replace(sample_plan, report_title="Seguimiento al PEI"), 2024) == "Seguimiento al PEI"
    folder = tmp_path / "sg"
    shutil.copytree(SAMPLE, folder)
    plan_file = folder / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("titulo: Plan Estratégico Institucional\n",
                                      "titulo: Plan Estratégico Institucional\ntitulo_reporte: PEI 2020-2024, cuarto año\n"),
                         encoding="utf-8")
    assert report_title(load_plan(folder), 2024) == "PEI 2020-2024, cuarto año"
    plan_file.write_text(text.replace("titulo: Plan Estratégico Institucional\n",
                                      "titulo: Plan Estratégico Institucional\ntitulo_reporte: \"dos\\nlíneas\"\n"),
                         encoding="utf-8")
    with pytest.raises(InputError, match="titulo_reporte"):
        load_plan(folder)


# --- «Cambios desde el corte anterior» (issue 21) -------------------------------------------------


def test_the_changes_section_lists_each_change_with_words_beside_the_colour(sample_document):
    changes = sample_document.changes
    assert changes.title == "Cambios desde el corte anterior"
    assert changes.intro == "Frente al corte 2024-T2 (recalculado con los datos de hoy), los más graves primero"
    assert changes.note is None
    first = changes.items[0]
    # a word and an arrow beside the dot: never the colour alone
    assert first.how.split(" · ")[0] in ("empeora", "mejora", "igual", "sigue en sobreejecución")
    assert first.how.split(" · ")[1].startswith(("de ", "sigue "))
    assert "p.\u00a0p." in first.what and first.what.endswith(".")
    # every indicator is in the table, once
    assert len(changes.table.rows) == 13
    assert [c.heading for c in changes.table.columns][:3] == ["Indicador", "Cambio", "Semáforo en 2024-T2 y 2024-T3"]


def test_the_changes_are_most_severe_first(sample_plan, default_bands):
    from pipeline.report.changes import compare

    execution = load_execution(SAMPLE, sample_plan).table
    comparison = compare(sample_plan, execution, Cut(2024, 3), default_bands)
    ranks = [c.rank for c in comparison.changes]
    assert ranks == sorted(ranks)


def test_the_plans_first_cut_says_there_is_no_previous_cut(sample_plan, default_bands):
    from pipeline.report.changes import compare

    execution = load_execution(SAMPLE, sample_plan).table
    plan = replace(sample_plan, period=(2024, 2024))
    result = plan_attainment(plan, execution, Cut(2024, 1), default_bands)
    document = build_document(plan, execution, result, default_bands, comparison=compare(plan, execution, Cut(2024, 1), default_bands))
    assert document.changes.items == () and document.changes.table is None
    assert document.changes.note == "2024-T1 es el primer corte del plan: no hay corte anterior con qué comparar."


def test_points_are_signed_with_one_decimal():
    from pipeline.report.document import points_text

    assert points_text(12.46) == "+12,5\u00a0p.\u00a0p."
    assert points_text(-3.0) == "\u22123,0\u00a0p.\u00a0p."
    assert points_text(0.04) == "0,0\u00a0p.\u00a0p."
    assert points_text(None, "cambio de vigencia") == "cambio de vigencia"


# --- issue 18: real data, round 2 ---------------------------------------------------------------


@pytest.fixture(scope="module")
def action_inputs(tmp_path_factory):
    from pipeline.ingest import load_inputs
    from tests.plans import write_action_plan

    return load_inputs(write_action_plan(tmp_path_factory.mktemp("accion") / "dagma"))


def action_document(inputs, quarter=2, **kwargs):
    result = plan_attainment(inputs.plan, inputs.execution.table, Cut(2025, quarter), inputs.settings.bands)
    return build_document(inputs.plan, inputs.execution.table, result, inputs.settings.bands, **kwargs)


def test_comments_are_grouped_by_eje_and_objective_and_name_the_indicator(action_inputs):
    """Two indicators with the same MGA product code as label: each comment says its objective
    (under its eje) and the indicator's label and name, so the two can be told apart."""
    document = action_document(action_inputs)
    groups = [(g.heading, [(plain(c.indicator), c.text) for c in g.comments]) for g in document.comment_groups]
    assert groups == [
        ("Eje 1. Cali verde · Objetivo 1: Recuperar los corredores ambientales.", [
            ("Producto 3202005 Corredores ambientales intervenidos", "Se intervino el corredor de la comuna 22."),
            ("E-1 Porcentaje de colegios con educación ambiental", "Talleres en colegios públicos."),
        ]),
        ("Eje 2. Agua · Objetivo 2: Restaurar los humedales.", [
            ("Producto 3202005 Hectáreas de humedales restauradas", "Se intervino el corredor de la comuna 22."),
        ]),
    ]


def test_an_indicator_serving_two_objectives_has_its_comment_under_each(action_inputs):
    plan = action_inputs.plan
    objectives = (plan.objectives[0], replace(plan.objectives[1], indicator_ids=("H-1", "V-1"), weights=(1.0, 1.0)))
    inputs = replace(action_inputs, plan=replace(plan, objectives=objectives))
    groups = action_document(inputs).comment_groups
    assert [[plain(c.indicator) for c in g.comments] for g in groups] == [
        ["Producto 3202005 Corredores ambientales intervenidos", "E-1 Porcentaje de colegios con educación ambiental"],
        ["Producto 3202005 Hectáreas de humedales restauradas", "Producto 3202005 Corredores ambientales intervenidos"],
    ]


def test_a_chart_names_all_its_indicators_the_same_way(action_inputs):
    """One indicator without a label beside labelled ones: every series of the chart is named by
    its name, not some by code and some by name."""
    document = action_document(action_inputs)
    first = document.objective(1).quarterly
    names = [s.name for s in first.series if s.role == "indicator"]
    assert names == ["Corredores ambientales intervenidos", "Porcentaje de colegios con educación ambiental"]
    assert first.at_cut.categories == tuple(names)
    # where every label is there and tells the indicators apart, the labels are used
    second = document.objective(2).quarterly
    assert [s.name for s in second.series if s.role == "indicator"] == ["Producto 3202005"]


def test_a_one_year_plan_says_its_year_once_and_has_no_duplicate_columns(action_inputs):
    document = action_document(action_inputs)
    labels = [f.label for f in document.key_figures]
    assert labels[:2] == ["Avance de la vigencia 2025", "Avance del plan 2025"]
    headings = [c.heading for c in document.objective(1).table.columns]
    assert headings == ["Nombre meta", "Anualización", "Programación 2025", "Ejecutado 2025", "Avance 2025", "Semáforo"]
    assert all(len(r.cells) == len(headings) for o in document.objectives for r in o.table.rows)
    assert not any("2025-2025" in text for text in _all_text(document))


def _all_text(document) -> list[str]:
    out = [f.label for f in document.key_figures]
    for o in document.objectives:
        out += [c.heading for c in o.table.columns] + [o.table.caption]
        out += [plain(cell) for r in o.table.rows for cell in r.cells]
    for a in document.axes:
        out += [f.label for f in a.key_figures]
    return out


def test_a_level_target_of_a_percentage_says_points_and_the_level(action_inputs):
    """`metas_como: nivel` from 90 to 92: the year programmes 2 points to reach 92 %, not «2 %»;
    what the year added is in points too."""
    document = action_document(action_inputs)
    row = document.objective(1).table.rows[1]
    cells = {c.heading: plain(cell) for c, cell in zip(document.objective(1).table.columns, row.cells)}
    assert cells["Programación 2025"] == "+2 p.\u00a0p. (de 90 a 92\u00a0%)"
    assert cells["Ejecutado 2025"] == "+0,5 p.\u00a0p. (nivel 90,5\u00a0%)"
    assert cells["Avance 2025"] == "25,0\u00a0%"


def test_an_increment_target_of_a_percentage_says_points(sample_plan, sample_document):
    """The seed's creciente porcentaje indicators programme points for the year (+10 to reach 100)."""
    rows = [(sample_plan.indicators[i], row) for o, s in zip(sample_plan.objectives, sample_document.objectives)
            for i, row in zip(o.indicator_ids, s.table.rows)]
    levels = [(ind, row) for ind, row in rows if ind.annualization.value == "creciente" and ind.unit.is_percent]
    assert levels
    for ind, row in levels:
        target = plain(row.cells[3])
        assert target.endswith("p.\u00a0p.") and target.startswith("+"), target


def test_a_value_many_times_its_target_is_flagged_and_still_shown(action_inputs):
    """«Dato por revisar»: the figure is computed and shown, flagged in its cell and in the
    attention list with its own kind; the objective says what it would be without it."""
    document = action_document(action_inputs)
    (item,) = [i for i in document.attention if i.indicator == "Producto 3202005" and "dato_por_revisar" in i.kinds]
    assert item.severity == 1 and "dato por revisar" in item.where
    assert "1.200,5 km" in item.reasons and "2025-T2" in item.reasons and "veces la meta de 2025 (4 km)" in item.reasons
    objective = document.objective(1)
    row = objective.table.rows[0]
    cells = {c.key: plain(cell) for c, cell in zip(objective.table.columns, row.cells)}
    assert cells["year_attainment"] == "30.037,5\u00a0% (dato por revisar)"
    # the objective counts it at 100 % (so verde); the note says what it is without it
    assert objective.light.value == "verde"
    assert objective.review_note == (
        "Incluye un dato por revisar (Producto 3202005), que cuenta hasta 100\u00a0% en el avance del objetivo: "
        "sin él, el avance sería 25,0\u00a0% (amarillo)."
    )
    assert document.objective(2).review_note is None


def test_the_review_thresholds_are_settings(action_inputs):
    from pipeline.core.settings import ReviewRule

    document = action_document(action_inputs, review=ReviewRule(target_times=1000, history_times=2000))
    assert not [i for i in document.attention if "dato_por_revisar" in i.kinds]
    assert document.objective(1).review_note is None


# --- the path over the cuts (issue 21) ----------------------------------------------------------


def test_the_plan_path_has_the_plan_and_each_objective_at_every_cut(sample_document):
    path = sample_document.plan_path
    assert path.key == "evolucion" and path.title == "Evolución del avance del plan"
    assert path.categories[0] == "T1 2020" and path.categories[-1] == "T3 2024" and len(path.categories) == 19
    assert [s.name for s in path.series] == ["Plan", *(f"Objetivo {n}" for n in range(1, 9))]
    plan = path.series[0]
    assert plan.labels[-1] == sample_document.key_figures[1].value == "86,4\u00a0%"  # the report's plan attainment
    assert [s.labels[-1] for s in path.series[1:]] == [o.plan_attainment for o in sample_document.objectives]
    assert path.category_heading == "Corte"
    assert "Plan: T1 2020 " in path.description and "T3 2024 86,4\u00a0%" in path.description


def test_an_objective_s_path_is_its_attainment_of_the_plan_and_of_the_year_at_every_cut(default_bands):
    from tests.test_series import example_10

    plan, execution = example_10()
    result = plan_attainment(plan, execution, Cut(2024, 1), default_bands)
    document = build_document(plan, execution, result, default_bands)
    path = document.objectives[0].path
    assert path.categories == ("T1 2023", "T2 2023", "T3 2023", "T4 2023", "T1 2024")
    by_name = {s.name: s for s in path.series}
    assert list(by_name) == ["Avance del plan", "Avance de la vigencia", "Esperado de la vigencia"]
    assert by_name["Avance del plan"].values == pytest.approx((None, 10.0, 17.5, 32.5, 57.5))
    assert by_name["Avance de la vigencia"].values == pytest.approx((None, 25.0, 37.5, 75.0, 47.5))
    assert by_name["Esperado de la vigencia"].values == pytest.approx((None, 50.0, 75.0, 100.0, 25.0))
    assert by_name["Avance del plan"].labels[0] == "sin reporte"
    table = path.table()  # one row per cut: the text alternative of the chart
    assert [c.heading for c in table.columns] == ["Corte", "Avance del plan", "Avance de la vigencia", "Esperado de la vigencia"]
    assert [plain(r.cells[0]) for r in table.rows] == list(path.categories)
    assert [plain(c) for c in table.rows[0].cells[1:]] == ["sin reporte", "sin reporte", "sin dato"]
    assert [plain(c) for c in table.rows[-1].cells[1:]] == ["57,5\u00a0%", "47,5\u00a0%", "25,0\u00a0%"]


def test_with_ejes_the_plan_path_follows_the_ejes(tmp_path, default_bands):
    from pipeline.ingest import load_plan
    from tests.plans import execution_table, write_pdm

    folder = write_pdm(tmp_path / "pdm", 2025)
    plan = load_plan(folder)
    execution = execution_table(folder, plan)
    result = plan_attainment(plan, execution, Cut(2025, 1), default_bands)
    path = build_document(plan, execution, result, default_bands).plan_path
    assert [s.name for s in path.series] == ["Plan", "Eje 1. Infraestructura", "Eje 2. Ambiente y salud"]
    assert len(path.categories) == 5  # 2024-T1 .. 2025-T1


def test_an_attainment_with_two_starting_points_is_an_attention_item_and_keeps_its_figure(tmp_path):
    """newuser-findings 5: MP-001 at 2025-T1 with 2024 never reported reads 200 % (the rules'
    figure) and the attention list says why, as data to fix, before the over-executions."""
    from pipeline.ingest import load_inputs
    from tests.workbooks.test_validation import _mp001_entity

    inputs = load_inputs(_mp001_entity(tmp_path))
    result = plan_attainment(inputs.plan, inputs.execution.table, Cut(2025, 1), inputs.settings.bands)
    assert result.indicators["MP-001"].year.percent == 200.0
    document = build_document(inputs.plan, inputs.execution.table, result, inputs.settings.bands)
    [item] = [i for i in document.attention if i.indicator == "MP-001"]
    said = item.reasons.replace("\xa0", " ")
    assert "avance 2025 con dos puntos de partida: la meta de 2025 (+2 p. p., de 88 a 90 %) parte de la meta de 2024" in said
    assert "reporte el nivel de cierre del año anterior en el seguimiento" in said
    assert item.severity == 1
