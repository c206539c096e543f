"""pipeline/report/chart_slides.py: the document's charts as chart slides: columns or sorted bars
for the objectives, the plan's path on slides of at most five members, each objective's quarters,
every series told apart by more than its colour."""

from __future__ import annotations

from pipeline.report.layout import ChartSlide, slide_titles
from tests.report.test_layout import (  # noqa: F401  (fixtures: the sample's and a synthetic plan's reports)
    sample_execution, sample_report, sample_settings, ten_per_objective_report,
)


def test_ten_indicators_are_bars_and_the_lines_of_a_few_never_look_alike(ten_per_objective_report, sample_report):
    """Ten indicators in one objective are too many lines: bars, one slide each. The lines of a
    few indicators each keep their own colour, line and marker."""
    charts = [s.chart for s in ten_per_objective_report.slides if isinstance(s, ChartSlide) and s.title.startswith("Avance trimestral")]
    assert len(charts) == 3 and all(c.kind == "hbar" and len(c.categories) == 10 for c in charts)
    lines = [s.chart for s in sample_report.slides if isinstance(s, ChartSlide) and s.chart.kind == "line"]
    assert len(lines) == 2 + 8  # the plan's path on two slides, then each objective's quarters
    for chart in lines:
        looks = [(s.color, s.line, s.marker) for s in chart.series]
        assert len(set(looks)) == len(looks)


def test_series_styles_are_distinct_for_21_series():
    from pipeline.report.chart_slides import _series_style

    assert len({_series_style(n) for n in range(21)}) == 21


def test_the_plan_path_follows_the_objectives_chart_as_lines_at_most_five_objectives_a_slide(sample_report):
    titles = slide_titles(sample_report)
    n = titles.index("Avance por objetivo")
    assert titles[n + 1 : n + 3] == ["Evolución del avance del plan", "Evolución del avance del plan (continuación 2 de 2)"]
    first, second = sample_report.slides[n + 1 : n + 3]
    assert isinstance(first, ChartSlide) and isinstance(second, ChartSlide)
    assert first.chart.kind == second.chart.kind == "line"
    assert [s.name for s in first.chart.series] == ["Plan", *(f"Objetivo {k}" for k in range(1, 5))]
    assert [s.name for s in second.chart.series] == ["Plan", *(f"Objetivo {k}" for k in range(5, 9))]
    assert first.chart.categories[0] == "T1 2020" and len(first.chart.categories) == 19
    assert first.chart.ticks == second.chart.ticks  # one scale on every slide
    assert first.subtitle.startswith("Avance del plan 2020-2024 al cierre de cada trimestre, de T1 2020 a T3 2024")
    assert first.chart.alt.startswith("Gráfico de líneas de la evolución del avance del plan 2020-2024")
    assert "Plan: T1 2020 " in first.chart.alt and "Objetivo 4: T1 2020" in first.chart.alt
    assert "Objetivo 5:" not in first.chart.alt and "Objetivo 5: T1 2020" in second.chart.alt
    assert "parte 2 de 2" in second.chart.alt
    plan = first.chart.series[0]
    assert plan.line == "solid"
    for chart in (first.chart, second.chart):  # each line its own colour and also its own stroke and marker
        assert len({s.color for s in chart.series}) == len({(s.line, s.marker) for s in chart.series}) == len(chart.series)
