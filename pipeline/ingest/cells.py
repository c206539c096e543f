"""One cell of a seguimiento: what it may hold, and how each column's cell is read.

A cell read from a workbook is a plain value or one of the kinds the reader marks: a formula whose
result was never saved (`Uncomputed`), a part of a merged range (`MergedPart`), a number formatted
as a percentage (`Percent`: Excel keeps 45 % as 0,45). `_indicator`, `_year`, `_quarter`, `_value`
and `_comment` turn one cell into its typed value or raise `_Bad`, saying what was expected and
what to do; `_shown` says in Spanish what the cell held. Quarters are read as offices write them
(`T2`, `II`, `Segundo trimestre`, `Abr-Jun`); months that make no quarter raise `_NotAQuarter`.

The bottom of the seguimiento reader: it imports none of its sibling modules (`headings`, `files`,
`shapes`, `checks` and `execution` build on it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from openpyxl.utils import get_column_letter

from pipeline.core.characters import INVISIBLE, REFUSED_HINT, control_characters, describe, excel_decoded, refused_at, shown
from pipeline.core.formatting import number as shown_number
from pipeline.core.numbers import NotANumber, parse_number
from pipeline.errors import did_you_mean

__all__ = ["SUGGESTED_IDS", "MergedPart", "Percent", "Uncomputed"]

_NOT_APPLICABLE = {"n/a", "na", "n.a.", "n.a", "no aplica", "-", "--", "—", "–", "nd", "n/d", "s/d", "sin dato", "sin datos", "x"}
_QUARTER = re.compile(r"^(?:t|q|trim(?:estre)?\.?)?\s*([1-4])\s*(?:t|trim(?:estre)?)?$")
# Quarters as offices also write them: roman numerals and ordinals ("II", "Segundo trimestre",
# "2º trimestre", which `_normal` makes "2o trimestre").
_QUARTER_WORDS = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "primer": 1, "primero": 1, "segundo": 2, "tercer": 3, "tercero": 3, "cuarto": 4,
    "1er": 1, "1ro": 1, "1ero": 1, "2do": 2, "3er": 3, "3ro": 3, "3ero": 3, "4to": 4,
    "1o": 1, "2o": 2, "3o": 3, "4o": 4,
}
# Words around a quarter's number: "Trimestre II", "II trim", "T2".
_QUARTER_MARKS = ("trimestre", "trim", "t", "q")
# Months as a quarter's range is written ("Abr-Jun", "abril a junio", "julio - setiembre").
_MONTHS = {
    "ene": 1, "enero": 1, "jan": 1, "feb": 2, "febrero": 2, "mar": 3, "marzo": 3, "abr": 4, "abril": 4, "apr": 4,
    "may": 5, "mayo": 5, "jun": 6, "junio": 6, "jul": 7, "julio": 7, "ago": 8, "agosto": 8, "aug": 8,
    "sep": 9, "sept": 9, "set": 9, "septiembre": 9, "setiembre": 9, "oct": 10, "octubre": 10,
    "nov": 11, "noviembre": 11, "dic": 12, "diciembre": 12, "dec": 12,
}
_MONTH_NAMES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                "noviembre", "diciembre")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_RANGE = re.compile(rf"(?:^|\s)(?:de\s+|del\s+)?({_MONTH})\s+(?:(?:a|al|hasta|to)\s+)?({_MONTH})$")


_TOTAL = re.compile(r"^(sub)?total\b")
_EXCEL_ERROR = re.compile(r"^#(N/A|[A-Z0-9/]+[!?])$", re.I)
_EXCEL_ERROR_HINT = "La celda muestra un error de una fórmula de Excel: corrija la fórmula o escriba el valor."


class Uncomputed:
    """A formula cell whose result was never saved (the file was written by a program)."""

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self) -> str:
        return self.formula


class MergedPart:
    """A cell covered by a merged range, other than the range's first cell (which holds its value)."""

    def __init__(self, cells: str, anchor: str):
        self.cells = cells
        self.anchor = anchor


def _normal(value: object) -> str:
    """`Año (vigencia)` -> `ano`: lower case, no accents, no notes in brackets, words only."""
    text = unicodedata.normalize("NFKD", str(value if value is not None else "")).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9#]+", " ", text).split())


def _letter(path: Path, pos: int) -> str | None:
    return get_column_letter(pos + 1) if path.suffix.lower() == ".xlsx" else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Percent(float):
    """A number from a cell formatted as a percentage: Excel keeps 45 % as 0,45; read as 45."""

    def points(self) -> float:
        # round away the binary noise of x * 100 (0.57 * 100 = 56.99999999999999)
        return round(float(self) * 100, 9)


class _Bad(Exception):
    """A cell that cannot be used: what was expected of it, and what to do."""

    def __init__(self, expected: str, hint: str | None = None, suggestion: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.hint = hint
        # «¿Quiso decir …?», said beside the value found so alike cells still share a line on screen
        self.suggestion = suggestion


def _shown(value: object) -> str:
    if isinstance(value, Uncomputed):
        return f"la fórmula «{value.formula}» sin resultado guardado"
    if isinstance(value, MergedPart):
        return f"una celda combinada ({value.cells}) cuyo valor está solo en {value.anchor}"
    if isinstance(value, Percent):
        return f"«{shown_number(value.points())} %» (celda con formato de porcentaje)"
    if isinstance(value, datetime):
        return f"una fecha ({value:%d/%m/%Y})" if value.time() == time() else f"una fecha y hora ({value:%d/%m/%Y %H:%M})"
    if isinstance(value, (date, time)):
        return f"una fecha u hora ({value})"
    if _blank(value):
        return "una celda vacía"
    raw = str(value)
    # hidden characters written as escapes; a refused one (a vertical tab) is no space to collapse
    text = shown(raw) if refused_at(raw) else shown(" ".join(raw.split()))
    return f"«{text[:57] + '...' if len(text) > 60 else text}»"


def _special(value: object, what: str) -> None:
    """Cells that are never a value, whatever the column: say what they are and what to do."""
    if isinstance(value, Uncomputed):
        raise _Bad(
            what,
            "El archivo se guardó sin calcular sus fórmulas (lo escribió un programa): ábralo en Excel o "
            "LibreOffice y guárdelo, o escriba el valor en lugar de la fórmula.",
        )
    if isinstance(value, MergedPart):
        raise _Bad(what, f"Separe las celdas combinadas ({value.cells}) y escriba el dato en cada fila.")
    if isinstance(value, (datetime, date, time)):
        raise _Bad(
            what,
            "La celda tiene formato de fecha: cámbiele el formato a Número o General y escriba el dato de nuevo.",
        )


def _whole(value: object, decimal: str | None) -> int | None:
    if isinstance(value, Percent):
        return None
    try:
        number = parse_number(value.strip() if isinstance(value, str) else value, decimal)
    except NotANumber:
        return None
    return int(number) if number == int(number) else None


# Distinct mistyped ids a file's messages suggest a close id for; past this many (a file of another
# entity, not typos) no more are looked for, so a large file stays fast.
SUGGESTED_IDS = 200


def _suggester(ids: frozenset[str] | None) -> Callable[[str], str | None]:
    """«¿Quiso decir …?» for an id not in the plan, worked out once per distinct id."""
    found: dict[str, str | None] = {}

    def suggest(text: str) -> str | None:
        if ids is None:
            return None
        if text not in found:
            found[text] = did_you_mean(text, sorted(ids)) if len(found) < SUGGESTED_IDS else None
        return found[text]

    return suggest


def _indicator(value: object, ids: frozenset[str] | None, ids_text: str, suggest: Callable[[str], str | None] = lambda _: None) -> str:
    _special(value, "el id de un indicador de plan.yaml")
    if _blank(value):
        raise _Bad("el id de un indicador de plan.yaml", "Toda fila con datos necesita el id de su indicador.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    hidden = control_characters(text)
    if hidden:  # looks like a valid id, and is not one
        position, char = hidden[0]
        clean = "".join(c for n, c in enumerate(text, start=1) if n not in {p for p, _ in hidden})
        kind = "invisible" if char in INVISIBLE else "de control"
        raise _Bad(
            "el id de un indicador de plan.yaml, sin caracteres invisibles",
            f"La celda tiene un carácter {kind} ({describe(char).removeprefix('un ')}) en la posición {position}: "
            f"sin él, el id es «{clean}». Borre el contenido de la celda y escriba el id de nuevo.",
        )
    if _TOTAL.match(_normal(text)):
        raise _Bad("el id de un indicador de plan.yaml", "Borre las filas de totales: el reporte calcula los avances.")
    if ids is not None and text not in ids:
        raise _Bad(f"un id de indicador definido en plan.yaml ({ids_text})", suggestion=suggest(text))
    return text


def _year(value: object, period: tuple[int, int] | None) -> int:
    expected = f"un año del periodo del plan ({period[0]} a {period[1]})" if period else "un año, como 2024"
    _special(value, expected)
    year = _whole(value, None)
    if year is None or (period is not None and not period[0] <= year <= period[1]) or not 1900 < year < 2200:
        raise _Bad(expected, _not_applicable_hint(value, "el año"))
    return year


_QUARTER_EXPECTED = "un trimestre: 1, 2, 3 o 4"


class _NotAQuarter(_Bad):
    """Months that make no quarter (`Ene-Jun`), or a quarter whose months say another one."""

    def __init__(self, found: str):
        super().__init__(
            _QUARTER_EXPECTED,
            "Escriba el trimestre (1 a 4, o sus meses: Ene-Mar, Abr-Jun, Jul-Sep u Oct-Dic); un semestre o un "
            "acumulado se reporta trimestre a trimestre, y el reporte los acumula.",
        )
        self.found = found


def _quarter_in(text: str) -> int | None:
    """The quarter a normalised text names (`ii trimestre`, `trim 2`, `abr jun`, `2o trimestre abril a
    junio`), or None. Months that are no quarter raise `_NotAQuarter`: a semester is not guessed."""
    by_months = None
    if match := _MONTH_RANGE.search(text):
        first, last = _MONTHS[match.group(1)], _MONTHS[match.group(2)]
        months = f"{_MONTH_NAMES[first - 1]} a {_MONTH_NAMES[last - 1]}"
        if first % 3 != 1 or last != first + 2:
            raise _NotAQuarter(f"va de {months}, que no es un trimestre")
        by_months = (first + 2) // 3
        text = text[: match.start()].strip()
        if not text:
            return by_months
    if match := _QUARTER.match(text):
        quarter = int(match.group(1))
    else:
        words = text.split()
        if len(words) > 1 and words[0] in _QUARTER_MARKS:
            words = words[1:]
        elif len(words) > 1 and words[-1] in _QUARTER_MARKS:
            words = words[:-1]
        quarter = _QUARTER_WORDS.get(words[0]) if len(words) == 1 else None
    if by_months is not None and quarter is not None and quarter != by_months:
        raise _NotAQuarter(f"dice el trimestre {quarter} y los meses del trimestre {by_months}")
    return quarter


def _quarter(value: object) -> int:
    expected = _QUARTER_EXPECTED
    _special(value, expected)
    quarter = _whole(value, None)
    if quarter is None and isinstance(value, str):
        try:
            # A note in brackets is read too: "Trimestre 2 (ene-mar)" says two quarters.
            quarter = _quarter_in(_normal(re.sub(r"[()\[\]]", " ", value)))
        except _NotAQuarter as bad:
            raise _Bad(expected, f"«{' '.join(value.split())}» {bad.found}. {bad.hint}") from None
    if quarter not in (1, 2, 3, 4):
        raise _Bad(expected, _not_applicable_hint(value, "el trimestre"))
    return quarter


def _not_applicable_hint(value: object, what: str) -> str | None:
    if isinstance(value, str) and _normal(value) in {_normal(v) for v in _NOT_APPLICABLE} | {""}:
        return f"Cada fila necesita {what}; si la fila sobra, bórrela."
    return None


def _value(value: object, decimal: str | None, percent_indicator: bool) -> float | None:
    """The reported number, or None for an empty cell (a quarter not reported)."""
    expected = "un número (por ejemplo 4.155.036 o 87,5), o la celda vacía si el trimestre no se reportó"
    _special(value, expected)
    if _blank(value):
        return None
    if isinstance(value, str) and value.strip().lower() in _NOT_APPLICABLE:
        raise _Bad(
            expected,
            "Si el trimestre no se reportó, deje la celda vacía (y, si quiere, explique por qué en el comentario); "
            "si lo ejecutado fue cero, escriba 0.",
        )
    try:
        number = value.points() if isinstance(value, Percent) else parse_number(
            value.strip() if isinstance(value, str) else value, decimal
        )
    except NotANumber:
        hint = _EXCEL_ERROR_HINT if isinstance(value, str) and _EXCEL_ERROR.match(value.strip()) else None
        raise _Bad(expected, hint) from None
    if number < 0:
        raise _Bad("un valor mayor o igual que 0: la ejecución no puede ser negativa")
    if percent_indicator and number > 100:
        raise _Bad("un porcentaje entre 0 y 100 (el indicador es un porcentaje)")
    return number


def _comment(value: object) -> str | None:
    _special(value, "el comentario del trimestre como texto")
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    where = refused_at(excel_decoded(text))
    if where:
        raise _Bad("el comentario del trimestre, sin caracteres de control ni no-caracteres", f"El texto {where}. {REFUSED_HINT}")
    return text
