"""pipeline/document.py: what the report says, before any output lays it out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.attainment import plan_attainment
from pipeline.document import build_document, report_title
from pipeline.ingest import load_execution
from pipeline.periods import Cut
from pipeline.text import plain
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
    from pipeline.formatting import percent

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
    from tests.test_series import example_9

    plan, execution = example_9()
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
