"""pipeline/report/chart_layout.py: which form each chart takes, how it is split over slides and how its
labels are shortened; and the charts of the content model that follow those rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.attainment import plan_attainment
from pipeline.report.chart_layout import (
    BAR_LABEL_SIZE, BAR_LABEL_W, BARS_PER_SLIDE, COLUMN_MAX_OBJECTIVES, LINE_MAX_INDICATORS, axis_ticks, bar_order,
    SCALE_CAP, objectives_form, pages, quarterly_form, shorten,
)
from pipeline.ingest import load_execution, load_plan, load_settings
from pipeline.core.periods import Cut
from pipeline.report.layout import ChartSlide, build_report
from pipeline.core.text import width

ELLIPSIS = "…"


# --- shortening -----------------------------------------------------------------------------------


def test_a_label_that_fits_is_left_alone():
    assert shorten("Indicador sectorial 545", 10, 200) == "Indicador sectorial 545"


def test_a_long_label_is_cut_at_a_word_with_an_ellipsis():
    text = "Porcentaje de avance en la implementación de la estrategia distrital de gestión pública"
    short = shorten(text, 10, 200)
    assert short.endswith(ELLIPSIS) and width(short, 10) <= 200
    assert text.startswith(short[:-1]) and text[len(short) - 1] == " "  # ends where a word ends
    assert short[-2] not in " ,.;:"


def test_an_unbroken_string_is_cut_inside_it():
    short = shorten("x" * 80, 10, 120)
    assert short.endswith(ELLIPSIS) and width(short, 10) <= 120 and len(short) > 10


@given(st.text(min_size=0, max_size=200), st.floats(min_value=20, max_value=400))
def test_a_shortened_label_always_fits(text, room):
    short = shorten(text, 10, room)
    assert width(short, 10) <= room or short == ELLIPSIS
    assert "\n" not in short


# --- forms, order and pages -------------------------------------------------------------------------


def test_lines_only_for_a_few_series_and_at_least_two_quarters():
    names = ["Indicador 1", "Indicador 2", "Indicador 3"]
    assert quarterly_form(names, 3) == "line"
    assert quarterly_form(names, 2) == "line"
    assert quarterly_form(names, 1) == "hbar"  # a single quarter draws no one-point lines
    assert quarterly_form([f"Indicador {n}" for n in range(LINE_MAX_INDICATORS)], 4) == "line"
    assert quarterly_form([f"Indicador {n}" for n in range(LINE_MAX_INDICATORS + 1)], 4) == "hbar"
    assert quarterly_form([f"Indicador {n}" for n in range(143)], 4) == "hbar"


def test_a_legend_that_would_take_too_much_room_picks_bars():
    long = ["Porcentaje de avance en la implementación de la estrategia distrital número " + str(n) for n in range(6)]
    assert quarterly_form(long, 4) == "hbar"


def test_objectives_as_columns_up_to_ten_then_bars():
    assert objectives_form(8) == "bar" and objectives_form(COLUMN_MAX_OBJECTIVES) == "bar"
    assert objectives_form(COLUMN_MAX_OBJECTIVES + 1) == "hbar" and objectives_form(34) == "hbar"


@pytest.mark.parametrize(("count", "slides"), [(1, 1), (15, 1), (16, 2), (34, 3), (78, 6), (143, 10), (150, 10)])
def test_bars_are_spread_evenly_over_as_few_slides_as_fit(count, slides):
    split = pages(count)
    assert len(split) == slides
    sizes = [len(p) for p in split]
    assert max(sizes) <= BARS_PER_SLIDE and max(sizes) - min(sizes) <= 1
    assert [i for p in split for i in p] == list(range(count))


def test_bars_lowest_first_and_no_data_last_in_plan_order():
    assert bar_order([50.0, None, 10.0, 50.0, None, -5.0]) == [5, 2, 0, 3, 1, 4]


@pytest.mark.parametrize(("lo", "hi"), [(0, 100), (0, 131.25), (-12, 80), (0, 0), (0, 3.2), (0, 2500)])
def test_axis_ticks_are_round_and_cover_the_values(lo, hi):
    ticks = axis_ticks([lo, hi])
    assert ticks[0] <= min(lo, 0) and ticks[-1] >= min(hi, SCALE_CAP) and 0 in ticks  # past the cap: marked, not covered
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1 and 2 <= len(ticks) <= 9


# --- the content model's charts -------------------------------------------------------------------------


def _report(folder, sizes, quarter, *, pdm=False, drop=()):
    from benchmarks.make_inputs import make_entity, make_pdm

    (make_pdm if pdm else make_entity)(folder, sum(sizes), seed=sum(sizes), sizes=sizes)
    plan = load_plan(folder)
    execution = load_execution(folder, plan).table
    if drop:
        execution = execution[~execution["indicador"].isin(drop)]
    settings = load_settings(folder)
    result = plan_attainment(plan, execution, Cut(2025 if pdm else 2024, quarter), settings.bands)
    return plan, build_report(plan, execution, result, settings.bands, settings.theme)


def _quarterly(report, objective: int) -> list[ChartSlide]:
    title = f"Avance trimestral Objetivo {objective}"
    return [s for s in report.slides if isinstance(s, ChartSlide) and s.title.split(" (continuación")[0] == title]


@pytest.fixture(scope="module")
def three_by_three(tmp_path_factory):
    """Two objectives of three indicators at 2024-T3 (three quarters)."""
    return _report(tmp_path_factory.mktemp("p") / "tres", (3, 3), 3)


@pytest.fixture(scope="module")
def three_by_one(tmp_path_factory):
    """The same plan at 2024-T1, with one indicator that reported nothing."""
    return _report(tmp_path_factory.mktemp("p") / "tres", (3, 3), 1, drop=("IND-0002",))


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A PDM with an objective of 30 indicators and one of 143, at 2025-T3."""
    return _report(tmp_path_factory.mktemp("p") / "grande", (30, 143), 3, pdm=True)


def test_three_indicators_over_three_quarters_are_lines(three_by_three):
    _, report = three_by_three
    for objective in (1, 2):
        (slide,) = _quarterly(report, objective)
        assert slide.chart.kind == "line"
        assert slide.chart.categories == ("T1 2024", "T2 2024", "T3 2024")
        assert len(slide.chart.series) == 3 + 1  # and the objective's expected line


def test_one_quarter_draws_bars_of_the_year_against_the_expected(three_by_one):
    plan, report = three_by_one
    (slide,) = _quarterly(report, 1)
    chart = slide.chart
    assert chart.kind == "hbar" and len(chart.categories) == 3
    achieved, expected = chart.series
    assert achieved.name == "Avance 2024" and achieved.fill == "solid"
    assert expected.name == "Esperado al corte" and expected.fill == "outline"
    # IND-0002 reported nothing: no zero bar, "sin reporte" in its place, last
    assert achieved.values[-1] is None and achieved.labels[-1] == "sin reporte"
    assert chart.categories[-1] == "Indicador 2"
    shown = [v for v in achieved.values if v is not None]
    assert shown == sorted(shown)  # lowest first
    assert all(label.endswith("\u00a0%") and "," in label for label in achieved.labels[:-1])
    assert chart.ticks[0] == 0 and chart.ticks[-1] >= max(shown)
    assert "sin reporte" in chart.alt and "Indicador 2" in chart.alt


def test_143_indicators_continue_over_ten_slides_of_bars(large):
    plan, report = large
    slides = _quarterly(report, 2)
    assert len(slides) == 10
    assert slides[0].title == "Avance trimestral Objetivo 2"
    assert [s.title for s in slides[1:]] == [f"Avance trimestral Objetivo 2 (continuación {n} de 10)" for n in range(2, 11)]
    assert all(s.chart.kind == "hbar" and len(s.chart.categories) <= BARS_PER_SLIDE for s in slides)
    assert sum(len(s.chart.categories) for s in slides) == 143
    assert len({s.chart.ticks for s in slides}) == 1  # one scale for the whole objective
    values = [v for s in slides for v in s.chart.series[0].values if v is not None]
    assert values == sorted(values)
    for s in slides:
        assert all(width(c, BAR_LABEL_SIZE) <= BAR_LABEL_W for c in s.chart.categories)
        assert any(c.endswith(ELLIPSIS) for c in s.chart.categories)  # the PDM's names are long


def test_30_indicators_are_bars_and_the_two_objectives_are_columns(large):
    _, report = large
    slides = _quarterly(report, 1)
    assert len(slides) == 2 and all(s.chart.kind == "hbar" for s in slides)
    objectives = [s for s in report.slides if isinstance(s, ChartSlide) and s.title.startswith("Avance por objetivo")]
    assert len(objectives) == 1 and objectives[0].chart.kind == "bar"


def test_many_objectives_are_sorted_bars_continued(tmp_path):
    _, report = _report(tmp_path / "muchos", (3,) * 34, 3)
    slides = [s for s in report.slides if isinstance(s, ChartSlide) and s.title.startswith("Avance por objetivo")]
    assert len(slides) == 3 and all(s.chart.kind == "hbar" for s in slides)
    assert slides[2].title == "Avance por objetivo (continuación 3 de 3)"
    categories = [c for s in slides for c in s.chart.categories]
    assert len(categories) == 34 and all(c.startswith("Objetivo ") for c in categories)
    values = [v for s in slides for v in s.chart.series[0].values]
    assert values == sorted(values)


def test_one_outlier_does_not_flatten_the_scale():
    """An attainment of 3.000 % beside others near 50 %: the scale stops at SCALE_CAP, and the bar
    that runs past it is marked (`past_cap`)."""
    from pipeline.report.chart_layout import SCALE_CAP, axis_ticks, past_cap

    ticks = axis_ticks([3000.0, 45.0, 60.0, None])
    assert ticks[-1] == SCALE_CAP
    assert past_cap([3000.0, 45.0, None], ticks) == [True, False, False]
    assert axis_ticks([150.0, 20.0])[-1] < SCALE_CAP + 1e-9  # below the cap, as before
    assert axis_ticks([150.0, 20.0]) == axis_ticks([150.0, 20.0, None])


@given(st.lists(st.one_of(st.none(), st.floats(-500, 1e6)), max_size=30))
def test_the_scale_never_passes_the_cap_and_holds_every_value_below_it(values):
    from pipeline.report.chart_layout import SCALE_CAP, axis_ticks, past_cap

    ticks = axis_ticks(values)
    assert ticks[-1] <= SCALE_CAP + 1e-9 or ticks[-1] <= 100.0
    for v, past in zip(values, past_cap(values, ticks)):
        assert past == (v is not None and v > ticks[-1] + 1e-9)


@given(st.lists(st.tuples(st.text(max_size=12), st.text(min_size=1, max_size=60)), min_size=1, max_size=8))
def test_a_chart_names_every_indicator_by_label_or_every_one_by_name(pairs):
    """`series_names`: never some series by code and others by name."""
    from pipeline.report.chart_layout import series_names

    labels, names = [p[0] for p in pairs], [p[1] for p in pairs]
    out = series_names(labels, names)
    assert len(out) == len(pairs)
    by_label = [" ".join(l.split()) for l in labels]
    if out != by_label:
        assert all(" ".join(n.split())[:10].rstrip(",.;:") in o or o.endswith("…") or not " ".join(n.split())
                   for n, o in zip(names, out))
