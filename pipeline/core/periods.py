"""The cut: the quarter being reported (`2024-T3`)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipeline.errors import PipelineError

__all__ = [
    "Cut",
    "CutChoice",
    "PeriodError",
    "parse_period",
    "choose_cut",
    "default_cut",
    "early_quarters",
    "last_closed_quarter",
    "check_cut",
    "today_in_bogota",
]

_PERIOD = re.compile(r"^\s*(\d{4})\s*-?\s*[TtQq]\s*([1-4])\s*$")


class PeriodError(PipelineError):
    """A period given on the command line or as a flow parameter is malformed."""


class CutOutsidePlan(PeriodError):
    """A cut outside an entity's plan period (a batch skips that entity; see `pipeline.runs.batch`)."""


@dataclass(frozen=True, order=True)
class Cut:
    """Quarter `quarter` (1-4) of year `year`; cuts order chronologically."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1-4, got {self.quarter}")

    def __str__(self) -> str:
        return f"{self.year}-T{self.quarter}"

    def includes(self, year: int, quarter: int) -> bool:
        """Whether data for (year, quarter) counts at this cut."""
        return (year, quarter) <= (self.year, self.quarter)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        month = self.quarter * 3
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def previous(self) -> Cut:
        if self.quarter == 1:
            return Cut(self.year - 1, 4)
        return Cut(self.year, self.quarter - 1)


def parse_period(text: str) -> Cut:
    """Read `2024-T3`, `2024T3`, `2024-Q3` or `2024Q3` (any case)."""
    match = _PERIOD.match(text or "")
    if not match:
        raise PeriodError(
            f"El periodo «{text}» no es válido: se esperaba un año y un trimestre del 1 al 4, "
            "como 2024-T3 (también se aceptan 2024T3, 2024-Q3 y 2024Q3)."
        )
    return Cut(int(match.group(1)), int(match.group(2)))


def default_cut(vigencia: int, reported: Iterable[tuple[int, int]], today: date | None = None) -> Cut:
    """The latest quarter of `vigencia` with any execution reported (pairs of year, quarter) that
    had closed before `today` (a date in Bogotá); without `today`, the latest with any execution.

    Figures typed early for a quarter still running do not make it the cut: a few early values
    would report a quarter that is mostly "sin reporte". `early_quarters` names them.
    """
    quarters = sorted({Cut(y, q) for y, q in reported if y == vigencia})
    closed = [c for c in quarters if today is None or c <= last_closed_quarter(today)]
    if closed:
        return closed[-1]
    if quarters:
        running = ", ".join(str(c) for c in quarters)
        raise PeriodError(
            f"La vigencia {vigencia} solo tiene ejecución reportada para {running}, que no ha cerrado "
            f"(hoy es {today:%d/%m/%Y}): no hay un trimestre cerrado que reportar. Indique el periodo con "
            f"--period (por ejemplo --period {quarters[-1]}) si quiere un corte parcial."
        )
    raise PeriodError(
        f"No hay ejecución reportada para la vigencia {vigencia}, así que no se puede elegir "
        "el corte por defecto: indique el periodo con --period (por ejemplo "
        f"--period {vigencia}-T1) o agregue los datos del trimestre al seguimiento."
    )


def early_quarters(vigencia: int, reported: Iterable[tuple[int, int]], today: date) -> list[Cut]:
    """Quarters of `vigencia` with execution reported that had not closed before `today`."""
    closed = last_closed_quarter(today)
    return sorted({Cut(y, q) for y, q in reported if y == vigencia and Cut(y, q) > closed})


def last_closed_quarter(day: date) -> Cut:
    """The latest quarter that had ended before `day` began (a scheduled run's default cut).

    `day` is a calendar date where the office is (a scheduled run's date in America/Bogota):
    on 15 January 2025 and on 1 January 2025 it is 2024-T4; on 31 December 2024, 2024-T3.
    """
    current = Cut(day.year, (day.month - 1) // 3 + 1)
    return current.previous


def check_cut(cut: Cut, plan_period: tuple[int, int]) -> None:
    """A cut must fall inside the plan period."""
    first, last = plan_period
    if not first <= cut.year <= last:
        raise CutOutsidePlan(
            f"El periodo {cut} está fuera del periodo del plan ({first} a {last}): indique un "
            f"trimestre entre {first}-T1 y {last}-T4."
        )


@dataclass(frozen=True)
class CutChoice:
    """The cut a run reports: the period given (`given`), or the default, the latest quarter of the
    vigencia with data that had closed; `early` are the quarters with figures typed before they
    closed, which the default leaves out. The cut is inside the plan period."""

    cut: Cut
    given: bool
    early: tuple[Cut, ...] = ()

    def explained(self, reporters: int, total: int) -> list[str]:
        """Why a default cut was chosen, for the office (nothing for a given period): `reporters`
        of the plan's `total` indicators reported a value at the cut."""
        if self.given:
            return []
        lines = [
            f"Corte por defecto: {self.cut}, el último trimestre cerrado con datos de la vigencia "
            f"({reporters} de {total} indicadores reportaron en {self.cut}); indique --period para otro."
        ]
        if self.early:
            lines.append(
                f"Se reporta {self.cut}, el último trimestre cerrado con datos; las cifras ya escritas para "
                f"{', '.join(map(str, self.early))} (trimestre en curso) se ignoran hasta que cierre. "
                f"Para reportarlas, indique --period {self.early[-1]}."
            )
        return lines


def choose_cut(
    period: str | None, vigencia: int, plan_period: tuple[int, int], reported: Iterable[tuple[int, int]], today: date
) -> CutChoice:
    """The cut to report: `period` if given, else `default_cut` of the quarters with a value
    (pairs of year, quarter) on `today` (a date in Bogotá); either way inside `plan_period`.

    The one place the cut is decided: `pei-report run` and `pei-report validar` check the same cut.
    """
    if period:
        choice = CutChoice(parse_period(period), given=True)
    else:
        reported = list(reported)
        choice = CutChoice(
            default_cut(vigencia, reported, today), given=False, early=tuple(early_quarters(vigencia, reported, today))
        )
    check_cut(choice.cut, plan_period)
    return choice


def today_in_bogota() -> date:
    """Today's date where the planning offices are (the default cut depends on it)."""
    return datetime.now(BOGOTA).date()


BOGOTA = ZoneInfo("America/Bogota")
