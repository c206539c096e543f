"""Charts of the content model as SVG (matplotlib), for the PDF; the deck draws native charts.

Text is drawn as paths in the shipped font, so the SVG needs no font and renders the same
everywhere; the chart's alt text carries its content for readers and assistive technology.
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from pipeline.formatting import number  # noqa: E402
from pipeline.report import Chart  # noqa: E402
from pipeline.text import FONT_FILES, font_path  # noqa: E402

__all__ = ["chart_svg"]


@lru_cache(maxsize=1)
def _register_fonts() -> str:
    for bold, italic in FONT_FILES:
        font_manager.fontManager.addfont(str(font_path(bold, italic)))
    return "Open Sans"


def _percent_label(value: float, _position: object = None) -> str:
    return f"{number(value, 1)}\u00a0%"


def chart_svg(chart: Chart, width_pt: float, height_pt: float, text_color: str, grid_color: str) -> bytes:
    """The chart as a standalone, deterministic SVG of the given size."""
    family = _register_fonts()
    style = {
        "font.family": family, "font.size": 10, "svg.fonttype": "path", "svg.hashsalt": "pei-report",
        "axes.edgecolor": grid_color, "axes.labelcolor": text_color, "xtick.color": text_color,
        "ytick.color": text_color, "text.color": text_color,
    }
    with plt.rc_context(style):
        fig, ax = plt.subplots(figsize=(width_pt / 72, height_pt / 72))
        try:
            positions = range(len(chart.categories))
            n = len(chart.series)
            if chart.kind == "bar":
                bar = 0.8 / n
                for k, series in enumerate(chart.series):
                    xs = [p - 0.4 + bar * (k + 0.5) for p in positions]
                    ys = [v if v is not None else 0.0 for v in series.values]
                    bars = ax.bar(xs, ys, width=bar * 0.92, color=series.color, label=series.name, zorder=3)
                    for rect, value in zip(bars, series.values):
                        if value is not None:
                            ax.annotate(_percent_label(value), (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                                        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=7.5)
            else:
                for series in chart.series:
                    xs = [p for p, v in zip(positions, series.values) if v is not None]
                    ys = [v for v in series.values if v is not None]
                    ax.plot(xs, ys, color=series.color, marker="o", linewidth=2.2, markersize=6, label=series.name, zorder=3)
            ax.set_xticks(list(positions), chart.categories)
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, p: f"{number(v, 0)}\u00a0%"))
            ax.grid(axis="y", color=grid_color, linewidth=0.8, zorder=0)
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
            ax.tick_params(axis="y", length=0)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(n, 4), frameon=False)
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    return buffer.getvalue()
