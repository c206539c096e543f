"""The header row of a seguimiento, and what each of its columns is.

The fields (`REQUIRED`, `FIELDS`; the clean table's `COLUMNS`), the headings people write for
each (`HEADINGS`, compared after `_normal`), the reference columns nobody reads (`REFERENCE`), and
finding the header row: a long table's (`_find_header`, within the first `HEADER_SEARCH_ROWS`, with
a second row under merged titles), a wide matrix's (`_find_wide`: quarters as one-cell headings,
or under their years), and a CSV's delimiter, the one under which a line reads as headings
(`csv_dialect`). A header row that names too little is a `Problem` (`_header_problem`); a column
with data that nothing reads is a warning (`_unused_columns`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Problem, did_you_mean
from pipeline.ingest.cells import _QUARTER, MergedPart, _blank, _letter, _normal, _NotAQuarter, _quarter_in
from pipeline.ingest.template_schema import REFERENCE_HEADINGS

__all__ = ["COLUMNS", "FIELDS", "HEADER_SEARCH_ROWS", "HEADINGS", "REFERENCE", "REQUIRED", "csv_dialect"]

REQUIRED = ("indicador", "anio", "trimestre", "valor")
FIELDS = (*REQUIRED, "comentario")
COLUMNS = ("fila", *FIELDS)


# Headings people write for each column, normalised (see `_normal`): lower case, no accents,
# punctuation and parenthesised notes removed. Earlier names win where two columns match one
# field: `Código` is the id and `Indicador` beside it is then the indicator's name.
HEADINGS: dict[str, tuple[str, ...]] = {
    "indicador": (
        "codigo indicador", "codigo del indicador", "cod indicador", "codigo", "id indicador",
        "id del indicador", "indicador id", "id", "codigo meta", "id meta", "codigo meta producto", "cod meta producto",
        "codigo de la meta", "cod meta", "indicador", "indicator",
    ),
    "anio": ("anio", "ano", "vigencia", "year", "ano de reporte", "ano del reporte"),
    "trimestre": ("trimestre", "trim", "quarter", "numero de trimestre", "trimestre de reporte", "trimestre reportado"),
    "valor": (
        "valor", "valor ejecutado", "ejecutado", "ejecucion", "valor reportado", "valor alcanzado",
        "valor logrado", "logro", "resultado", "value", "ejecucion del trimestre", "valor del trimestre",
        "magnitud ejecutada", "avance cuantitativo", "ejecucion fisica", "avance fisico", "meta ejecutada",
        "cantidad ejecutada", "ejecucion fisica del trimestre", "avance fisico del trimestre",
    ),
    "comentario": (
        "comentario", "comentarios", "observacion", "observaciones", "nota", "notas", "analisis",
        "analisis cualitativo", "avance cualitativo", "comentario cualitativo", "descripcion del avance",
        "justificacion", "explicacion", "explicacion del avance", "explicacion avance retroceso", "analisis del avance",
        "avances y logros", "comment", "comments",
    ),
}
# Words that make a heading a comment column even among other words ("Observaciones del trimestre").
_COMMENT_WORDS = ("observ", "coment", "cualitativ", "justific", "explicac", "analisis")
# A percentage of attainment ("% de avance", "Cumplimiento"): what the report computes, never the
# executed value, whatever other words the heading has ("% avance físico").
_PERCENT_WORDS = ("porcentaje", "porcentual", "cumplimiento", "pct")
# Words that say a heading is the plan's side of a quarter or year ("T1 PLANEADO 2025"), or its
# executed side ("T1 EJECUTADO 2025").
_PLAN_WORDS = ("planeado", "planeada", "programado", "programada", "programacion", "meta", "metas", "esperado", "plan")
_EXECUTED_WORDS = ("ejecutado", "ejecutada", "ejecucion", "fisica", "fisico", "valor", "real")
# Columns offices keep beside the data for reference: recognised, read by nobody, not warned about.
REFERENCE = (
    "nombre", "nombre del indicador", "nombre indicador", "indicador nombre", "nombre de la meta", "meta",
    "meta vigencia", "meta anual", "meta trimestral", "meta del trimestre", "meta cuatrienio",
    "meta programada", "programado", "programacion", "unidad", "unidad de medida", "responsable",
    "dependencia", "dependencia responsable", "area responsable", "eje", "linea estrategica",
    "objetivo", "programa", "linea base", "anualizacion", "tipo de anualizacion", "etiqueta",
    "no", "n", "nro", "numero", "item", "consecutivo",
    # What public PDM and plan de acción matrices keep beside the figures (a plan indicativo's
    # products of investment projects): the plan's context, never the quarter's figures. Evidence
    # (soportes, links) and states are not context the plan has: they are reported as not used.
    "meta de producto", "meta producto", "meta de resultado", "indicador de producto", "indicador de resultado",
    "proyecto", "nombre del proyecto", "proyecto de inversion", "bpin", "codigo bpin", "programa pdt", "subprograma",
    "sector", "producto", "componente", "actividad", "actividades", "ponderador", "ponderacion", "peso", "tendencia",
    "tendencia indicador", "valor esperado", "valor esperado cuatrienio",
)
# The data-entry template's context columns are reference columns too (pipeline.ingest.template_schema).
REFERENCE = (*REFERENCE, *(name for name in REFERENCE_HEADINGS if name not in REFERENCE))
# How far down a title block may push the header row.
HEADER_SEARCH_ROWS = 30
# Value headings that may carry more words after them ("Valor ejecutado en el trimestre").
_VALUE_PREFIXES = (
    "valor ejecutado", "valor reportado", "valor alcanzado", "valor logrado", "ejecucion fisica", "avance fisico",
    "magnitud ejecutada", "meta ejecutada", "cantidad ejecutada",
)


_FIELD_OF = {name: f for f, names in HEADINGS.items() for name in names}
_RANK = {name: k for names in HEADINGS.values() for k, name in enumerate(names)}


def _field_of(heading: object) -> str | None:
    name = _normal(heading)
    if name in _FIELD_OF:
        found = _FIELD_OF[name]
    elif any(word in name for word in _COMMENT_WORDS):
        return "comentario"
    elif name.startswith(_VALUE_PREFIXES):
        found = "valor"
    else:
        return None
    return None if found == "valor" and _percentage_heading(heading) else found


def _percentage_heading(heading: object) -> bool:
    """A percentage of attainment (`% de avance`, `Avance (%)`, `Cumplimiento`): what the report computes."""
    return "%" in str(heading or "") or any(word in _PERCENT_WORDS for word in _normal(heading).split())


def _bare_advance(heading: object) -> bool:
    """`Avance`, `Avance del trimestre`, `AVANCE 2025`: an executed value or a percentage of attainment,
    as different offices mean it; the reader does not guess which."""
    words = [w for w in _normal(heading).split() if not _FOUR_DIGITS.match(w) and w not in ("del", "de", "el")]
    return bool(words) and words[0] == "avance" and set(words[1:]) <= {"trimestre", "trimestral", "acumulado", "anual"}


def _planned_period(heading: object) -> bool:
    """The plan's side of a quarter or a year in a matrix (`T1 PLANEADO 2025`, `TOTAL PROGRAMADO 2025`)."""
    words = _normal(heading).split()
    return (any(w in _PLAN_WORDS for w in words) and not any(w in _EXECUTED_WORDS for w in words)
            and any(_FOUR_DIGITS.match(w) or _QUARTER.match(w) for w in words))


def _reference(heading: object) -> bool:
    """A column kept for reference: read by nobody, not warned about."""
    return _normal(heading) in REFERENCE or _planned_period(heading)


@dataclass(frozen=True)
class _Header:
    positions: dict[str, int]  # field -> 0-based column
    others: dict[int, str]  # 0-based column -> heading, for columns no field took
    ambiguous: dict[str, list[int]]  # field -> columns that all claim it

    @property
    def missing(self) -> list[str]:
        return [f for f in REQUIRED if f not in self.positions]


def _header(cells: list[object]) -> _Header:
    cells = [None if isinstance(c, MergedPart) else c for c in cells]
    claims: dict[str, list[int]] = {}
    for pos, heading in enumerate(cells):
        field_name = _field_of(heading)
        if field_name:
            claims.setdefault(field_name, []).append(pos)
    positions, others, ambiguous = {}, {}, {}
    for field_name, columns in claims.items():
        ranked = sorted(columns, key=lambda c: _RANK.get(_normal(cells[c]), len(_RANK)))
        best = ranked[0]
        tied = [c for c in ranked if _RANK.get(_normal(cells[c])) == _RANK.get(_normal(cells[best]))]
        if len(tied) > 1:
            ambiguous[field_name] = tied
        positions[field_name] = best
        for c in ranked[1:]:
            others[c] = str(cells[c])
    taken = set(positions.values())
    for pos, heading in enumerate(cells):
        if pos not in taken and pos not in others and not _blank(heading):
            others[pos] = str(heading).strip()
    return _Header(positions, others, ambiguous)


def _find_header(rows: list[tuple[int, list[object]]]) -> tuple[int, _Header] | None:
    """The first row (within the first `HEADER_SEARCH_ROWS` with content) naming every required
    column; failing that, the row naming most of them (at least two)."""
    best: tuple[int, int, _Header] | None = None
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        header = _header(cells)
        score = len(REQUIRED) - len(header.missing)
        if score == len(REQUIRED):
            return number, header
        if score >= 2 and (best is None or score > best[0]):
            best = (score, number, header)
    return (best[1], best[2]) if best else None


def _header_problem(path: Path, rows: list[tuple[int, list[object]]], found: tuple[int, _Header] | None) -> Problem:
    expected = (
        "una fila de encabezados con las columnas indicador, año, trimestre, valor y, si quiere, comentario "
        "(también se reconocen Código, Vigencia, Valor ejecutado, Ejecutado, Observaciones, entre otros)"
    )
    if found is None:
        first = next((cells for _, cells in rows), [])
        shown = ", ".join(f"«{str(c).strip()}»" for c in first if not _blank(c)) or "ninguno"
        return Problem(
            f"que ninguna de las primeras {HEADER_SEARCH_ROWS} filas tiene esos encabezados (la primera con datos dice {shown})",
            expected,
            row=rows[0][0] if rows else None,
            hint="Escriba los encabezados en una fila, encima de los datos.",
        )
    number, header = found
    cells = next(c for n, c in rows if n == number)
    shown = ", ".join(f"«{str(c).strip()}»" for c in cells if not _blank(c))
    names = {"anio": "año"}
    advance = [str(c).strip() for c in cells if not _blank(c) and (_percentage_heading(c) or _bare_advance(c))]
    hint = "Renombre la columna que corresponda o agréguela."
    if "valor" in header.missing and advance:
        hint = f"La columna «{advance[0]}» no se toma por el valor. {_ADVANCE_HINT}"
    missing_names = [name for f in header.missing for name in HEADINGS[f]]
    close = [
        f"«{str(c).strip()}»: {text.replace('¿Quiso', '¿quiso', 1)}" for c in cells
        if isinstance(c, str) and not _blank(c) and _field_of(c) is None and (text := did_you_mean(_normal(c), missing_names))
    ]
    if close:
        hint = f"{' '.join(close)} {hint}"
    return Problem(
        f"los encabezados {shown} (faltan: {', '.join(names.get(m, m) for m in header.missing)})",
        expected,
        row=number,
        hint=hint,
    )


# Quarter headings of a wide matrix, normalised (see `_normal`): `2025 t1`, `2025t1`, `2025 q1`,
# `t1 2025`, `trimestre 1 2025`, `1t 2025`.
_PERIOD_YEAR_FIRST = re.compile(r"^(\d{4})\s*(?:t|q|trim(?:estre)?)\s*([1-4])$")
_PERIOD_QUARTER_FIRST = re.compile(r"^(?:(?:t|q|trim(?:estre)?)\s*([1-4])|([1-4])\s*t)\s*(?:de\s*)?(\d{4})$")
_YEAR_HEADING = re.compile(r"^(?:vigencia|ano|year)?\s*(\d{4})$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")


def _period_of(heading: object) -> tuple[int, int] | None:
    """(year, quarter) of a one-cell quarter heading (`2025-T1`, `T1 2025`, `Trimestre 1 2025`,
    `Abr-Jun 2025`); months beside a year that make no quarter raise `_NotAQuarter`."""
    if not isinstance(heading, str):
        return None
    text = _normal(heading)
    if match := _PERIOD_YEAR_FIRST.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
    elif match := _PERIOD_QUARTER_FIRST.match(text):
        year, quarter = int(match.group(3)), int(match.group(1) or match.group(2))
    else:
        # A quarter in words beside its year: `Abr-Jun 2025`, `2025-II`, `II trimestre de 2025`.
        words = _normal(re.sub(r"[()\[\]]", " ", heading)).split()
        at = 0 if words and _FOUR_DIGITS.match(words[0]) else -1 if words and _FOUR_DIGITS.match(words[-1]) else None
        if at is None or len(words) < 2:
            return None
        year = int(words.pop(at))
        if any(w in _PLAN_WORDS for w in words) and not any(w in _EXECUTED_WORDS for w in words):
            return None  # the plan's side of the quarter (`T1 PLANEADO 2025`): a reference column
        words = [w for w in words if w not in _EXECUTED_WORDS]  # `T1 EJECUTADO 2025`
        if words and words[-1] in ("de", "del"):
            words.pop()
        quarter = _quarter_in(" ".join(words)) if 1900 < year < 2200 else None  # _NotAQuarter for Ene-Jun 2025
        if quarter is None:
            return None
    return (year, quarter) if 1900 < year < 2200 else None


def _year_of(heading: object) -> int | None:
    """The year of a heading over a year's quarters (`2025`, `Vigencia 2025`)."""
    if isinstance(heading, (int, float)) and not isinstance(heading, bool) and float(heading).is_integer():
        year = int(heading)
    elif isinstance(heading, str) and (match := _YEAR_HEADING.match(_normal(heading))):
        year = int(match.group(1))
    else:
        return None
    return year if 1900 < year < 2200 else None


def _quarter_of(heading: object) -> int | None:
    """The quarter of a sub-heading under a year (`T1`, `Trimestre 1`, `I`, `Primer trimestre`,
    `Abr-Jun`); months that make no quarter raise `_NotAQuarter`."""
    if not isinstance(heading, str):
        return None
    return _quarter_in(_normal(re.sub(r"[()\[\]]", " ", heading)))


# A wide matrix's header: (header row, indicator column, its heading, column -> (year, quarter),
# column -> heading as shown, column -> (heading, why) for the headings of months that make no quarter).
_Wide = tuple[int, int, str, dict[int, tuple[int, int]], dict[int, str], dict[int, tuple[str, str]]]


def _periods(cells: list[object], read: Callable[[object], object]) -> tuple[dict[int, object], dict[int, tuple[str, str]]]:
    """What `read` makes of each cell, and the cells of months that make no quarter (`Ene-Jun 2025`)."""
    found, bad = {}, {}
    for pos, c in enumerate(cells):
        try:
            p = read(c)
        except _NotAQuarter as error:
            bad[pos] = (" ".join(str(c).split()), error.found)
            continue
        if p is not None:
            found[pos] = p
    return found, bad


def _find_wide(rows: list[tuple[int, list[object]]]) -> _Wide | None:
    """A wide matrix's header (see `_Wide`). The quarters are one-cell headings (`2025-T1`) in the
    indicator's row, or quarters (`T1`) in the row under years (`2025`, often merged over its quarters)."""
    top = rows[:HEADER_SEARCH_ROWS]
    for at, (number, cells) in enumerate(top):
        cells = [None if isinstance(c, MergedPart) else c for c in cells]
        indicator = next((pos for pos, c in enumerate(cells) if _field_of(c) == "indicador"), None)
        periods, bad = _periods(cells, _period_of)
        if indicator is not None and periods:
            shown_as = {pos: " ".join(str(cells[pos]).split()) for pos in periods}
            return number, indicator, str(cells[indicator]).strip(), periods, shown_as, bad
        below = top[at + 1] if at + 1 < len(top) else None
        if below is None or below[0] != number + 1:
            continue
        under = [None if isinstance(c, MergedPart) else c for c in below[1]]
        name = cells[indicator] if indicator is not None else None
        if indicator is None:
            indicator = next((pos for pos, c in enumerate(under) if _field_of(c) == "indicador"), None)
            name = under[indicator] if indicator is not None else None
        quarters, bad_quarters = _periods(under, _quarter_of)
        periods, shown_as, bad, year = {}, {}, {}, None
        for pos in range(max(len(cells), len(under))):
            over = cells[pos] if pos < len(cells) else None
            if not _blank(over):  # a year carries over the blank or merged cells to its right
                year = _year_of(over)
            if year is None:
                continue
            over_shown = " ".join(str(over if not _blank(over) else year).split())
            if pos in quarters:
                periods[pos] = (year, quarters[pos])
                shown_as[pos] = f"{over_shown} / {' '.join(str(under[pos]).split())}"
            elif pos in bad_quarters:
                heading, why = bad_quarters[pos]
                bad[pos] = (f"{over_shown} / {heading}", why)
        if indicator is not None and periods:
            return below[0], indicator, str(name).strip(), periods, shown_as, bad
    return None


def _sub_headings(rows: list[tuple[int, list[object]]], header_row: int) -> tuple[int, list[object]] | None:
    """The row right under the header row when it continues it (a two-row header, with titles
    merged over their sub-headings): it has merged parts, and text only, every text a heading the
    reader knows."""
    below = next(((n, cells) for n, cells in rows if n > header_row), None)
    if below is None or not any(isinstance(c, MergedPart) for c in below[1]):
        return None
    texts = [c for c in below[1] if not _blank(c) and not isinstance(c, MergedPart)]
    known = all(isinstance(c, str) and (_field_of(c) or _normal(c) in REFERENCE) for c in texts)
    return below if texts and known else None


_ADVANCE_HINT = (
    "Un porcentaje de avance no se lee: el reporte lo calcula a partir del valor ejecutado y la meta. Si la columna "
    "tiene el valor ejecutado (en las unidades del indicador), llámela «Valor ejecutado» o «Avance físico»."
)


def _unused_columns(path: Path, header: _Header, header_row: int, data: list[tuple[int, list[object]]]) -> Iterator[Problem]:
    for pos, heading in sorted(header.others.items()):
        filled = [n for n, cells in data if pos < len(cells) and not _blank(cells[pos])]
        if not filled or _reference(heading):
            continue
        rows = f"con datos en {len(filled)} fila{'s' if len(filled) > 1 else ''}"
        if _percentage_heading(heading) or _bare_advance(heading):
            what = ("que parece el porcentaje de avance o de cumplimiento" if _percentage_heading(heading) else
                    "que puede ser el valor ejecutado o el porcentaje de avance (cada oficina la usa para uno de los dos)")
            yield Problem(
                f"la columna «{heading}» {rows}, {what}: el reporte no la lee",
                "el valor ejecutado en una columna «valor» (o «Valor ejecutado», «Ejecución física», «Avance físico»)",
                row=header_row, column=heading, column_letter=_letter(path, pos),
                hint=_ADVANCE_HINT,
            )
            continue
        close = did_you_mean(_normal(heading), [*_FIELD_OF, *REFERENCE])
        yield Problem(
            f"la columna «{heading}» {rows}, que el reporte no usa",
            "que cada columna con datos sea una de las que se leen (indicador, año, trimestre, valor y "
            "comentario) o una de referencia (nombre, meta, unidad, responsable...)",
            row=header_row,
            column=heading,
            column_letter=_letter(path, pos),
            hint=(f"{close} " if close else "") + "Si son comentarios del trimestre, llámela «comentario»; si es el "
            "valor ejecutado, «valor». Si no, sus datos no entran al reporte.",
        )


_DELIMITERS = (";", ",", "\t")


def csv_dialect(text: str) -> tuple[str, str]:
    """A seguimiento CSV's delimiter and decimal mark, taken from the header row as Excel's and
    LibreOffice's import do: the delimiter under which a line of the first `HEADER_SEARCH_ROWS`
    reads as the headings (every required column, or a wide matrix's indicator and quarters),
    the earliest such line winning, so a narrative comment full of commas below a semicolon
    header does not decide. Failing that, a line naming two of the columns; failing that, the
    delimiter a line uses most. Semicolons mean the Spanish Excel export, with decimal comma and
    thousands dots."""
    ranked = []
    for delimiter in _DELIMITERS:
        rows = _first_rows(text, delimiter)
        found = _find_header(rows)
        wide = _find_wide(rows)
        lines = [n for n in (found[0] if found and not found[1].missing else None, wide[0] if wide else None) if n]
        if lines:
            ranked.append(((0, min(lines)), delimiter))
        elif found:
            ranked.append(((1, found[0]), delimiter))
    if ranked:
        delimiter = min(ranked, key=lambda r: (r[0], _DELIMITERS.index(r[1])))[1]
    else:
        lines = [line for line in text.splitlines() if line.strip()]
        delimiter = max(_DELIMITERS, key=lambda d: max((line.count(d) for line in lines[:HEADER_SEARCH_ROWS]), default=0))
    return delimiter, "," if delimiter == ";" else "."


def _first_rows(text: str, delimiter: str) -> list[tuple[int, list[object]]]:
    """The first `HEADER_SEARCH_ROWS` rows with content as `delimiter` splits them, each numbered
    by the line it starts on (the same line for every delimiter)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not all(_blank(c) for c in cells):
                rows.append((start, list(cells)))
                if len(rows) >= HEADER_SEARCH_ROWS:
                    break
    except csv.Error:
        pass  # a quote this delimiter leaves open: its rows so far are all it reads
    return rows
