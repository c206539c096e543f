"""The cut's attainment as Markdown, for the Prefect UI (a markdown artifact per entity and cut).

Drawn from the report's document model (`pipeline.report.document`): the same figures, labels and
tables as the deck, the PDF and the web page, with each traffic light as an icon and its word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.report.document import DataTable, Document, axis_line, lowered
from pipeline.core.settings import TrafficLight
from pipeline.core.text import plain

__all__ = ["attainment_markdown", "LIGHT_ICONS", "light_icon"]

LIGHT_ICONS = {"rojo": "🔴", "amarillo": "🟡", "verde": "🟢", "naranja": "🟠", "gris": "⚪", "no_aplica": "⬜"}
"""The default scale's icons by level id; sin reporte's and N/A's differ in shape, not only colour."""

_CIRCLES = {
    "🔴": (221, 46, 68), "🟠": (244, 144, 12), "🟡": (253, 203, 88), "🟢": (120, 177, 89),
    "🔵": (85, 172, 238), "🟣": (170, 142, 214), "🟤": (193, 105, 79), "⚫": (49, 55, 61), "⚪": (230, 231, 232),
}


def light_icon(light: TrafficLight) -> str:
    """The level's icon: the default scale's by id; a configured level's, the circle nearest its colour."""
    if light.value in LIGHT_ICONS:
        return LIGHT_ICONS[light.value]
    rgb = tuple(int(light.color[i:i + 2], 16) for i in (1, 3, 5))
    return min(_CIRCLES, key=lambda icon: sum((a - b) ** 2 for a, b in zip(_CIRCLES[icon], rgb)))


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes and markup escaped."""
    text = re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()  # not str.split(): it would turn `87,5\u00a0%` apart
    for char in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(char, "\\" + char)
    return text


def _light(light: TrafficLight, label: str) -> str:
    return f"{light_icon(light)} {label}"


def _table(table: DataTable) -> list[str]:
    align = {"left": "---", "center": ":---:", "right": "---:"}
    lines = [
        "| " + " | ".join(_cell(c.heading) for c in table.columns) + " |",
        "|" + "|".join(align[c.align] for c in table.columns) + "|",
    ]
    for row in table.rows:
        cells = []
        for n, parts in enumerate(row.cells):
            text = " ".join(f"**{_cell(r.text)}**" if r.bold and n == row.header else _cell(r.text) for r in parts)
            if n == len(row.cells) - 1 and row.light is not None:
                text = f"{light_icon(row.light)} {text}"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


STALE_HEADING = "Cortes publicados que cambiarían con los datos de hoy"


def _changes(document: Document) -> list[str]:
    changes = document.changes
    if changes is None:
        return []
    lines = ["", f"## {changes.title}", ""]
    if changes.intro:
        lines += [f"{_cell(changes.intro)}.", ""]
    lines += [f"- {light_icon(i.light)} **{_cell(i.indicator)}** ({_cell(i.how)}): {_cell(i.what)}" for i in changes.items]
    lines += [_cell(n) for n in (changes.note, changes.unchanged, *changes.remarks) if n]
    return lines


def attainment_markdown(document: Document, stale: Sequence[str] = ()) -> str:
    """The document's figures, changes since the previous cut, attention list and tables in
    Markdown; `stale` lists the published cuts the current inputs would change (each a line with
    the command that regenerates it)."""
    lines = [
        f"# {_cell(document.plan_title)}: {_cell(document.entity)}",
        "",
        f"Seguimiento **{document.period}**, {document.date_line[0].lower()}{document.date_line[1:]}.",
        "",
    ]
    for figure in document.key_figures:
        light = f" · {_light(figure.light, figure.light.label)}" if figure.light is not None else ""
        lines.append(f"- {figure.label}: **{figure.value}**{light}")
    lines.append(
        f"- {document.headings.lights}: "
        + ", ".join(f"{_light(t.light, lowered(t.label))}: {t.count}" for t in document.lights if t.count)
    )
    if document.axes:
        lines += ["", f"## {document.headings.axes}", ""]
        for axis in document.axes:
            name, rest = axis_line(axis, document.year, document.plan_period)
            lines.append(f"- {_cell(name.text + rest.text)} {light_icon(axis.light)}")
    lines += _changes(document)
    if stale:
        lines += ["", f"## {STALE_HEADING}", "", *(f"- {_cell(line)}" for line in stale)]
    lines += ["", f"## {document.headings.attention} ({len(document.attention)})", ""]
    lines += [f"- {light_icon(i.light)} **{_cell(i.indicator)}** ({_cell(i.where)}): {_cell(i.reasons)}" for i in document.attention]
    if not document.attention:
        lines.append(document.no_attention)
    for o in document.objectives:
        lines += [
            "",
            f"## {o.heading} · {_light(o.light, o.light_word)} · avance {document.year}: {o.attainment}",
            "",
            _cell(plain(o.text)),
            "",
            *([f"**{_cell(o.review_note)}**", ""] if o.review_note else []),
            *_table(o.table),
        ]
    return "\n".join(lines) + "\n"
