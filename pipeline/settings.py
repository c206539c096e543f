"""Report settings: the traffic-light bands (and, later, theme and file names).

The values live in data files (`pipeline/defaults/configuracion.yaml`, optionally overridden by
`configuracion.yaml` in an entity's folder) so a planning office changes them without editing
Python; `pipeline.ingest.settings` reads and validates them into these records.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from pathlib import Path

from pipeline.placeholders import fill

__all__ = [
    "TrafficLight", "Band", "TrafficLightBands", "LogoImage", "Theme", "Email", "Distribution", "History", "DataEntry",
    "Settings",
    "PUBLICATION_ROOT_ENV", "publication_root",
]


class TrafficLight(str, Enum):
    """The semáforo of an indicator, an objective or the plan."""

    ROJO = "rojo"
    AMARILLO = "amarillo"
    VERDE = "verde"
    NARANJA = "naranja"
    GRIS = "gris"


@dataclass(frozen=True)
class Band:
    """Values of r up to `limit` (strictly below it unless `inclusive`) get `light`.

    `limit` is None for the last band, which takes every value above the previous one.
    """

    light: TrafficLight
    limit: float | None
    inclusive: bool = True

    def admits(self, r: float) -> bool:
        if self.limit is None:
            return True
        return r <= self.limit if self.inclusive else r < self.limit


# r is a ratio of measured floats: round away representation noise before comparing it with a
# band's limit, so that exactly 75 % expected and 75 % achieved classify as the table says.
_R_DECIMALS = 9


@dataclass(frozen=True)
class TrafficLightBands:
    """Ordered bands over r = attainment of the year / expected share, in percent.

    Invariant: limits strictly increase and only the last band has no limit; gris is never a
    band (it means "no report").
    """

    bands: tuple[Band, ...]

    def classify(self, r_percent: float) -> TrafficLight:
        r = r_percent if math.isinf(r_percent) else round(r_percent, _R_DECIMALS)
        for band in self.bands:
            if band.admits(r):
                return band.light
        raise AssertionError("the last band has no limit")  # guaranteed by validation


@dataclass(frozen=True)
class LogoImage:
    """A logo picture from the entity's folder (`tema.logo_imagen`), checked when it was read.

    `data` is the file as read, PNG or SVG (`media_type`); `width` and `height` are its size in
    pixels (for an SVG, its own width and height or its viewBox), positive: only their ratio is
    used, to fit the logo in its box. `png` is the same picture as PNG, for the deck (PowerPoint
    files cannot hold an SVG alone); for a PNG it is `data` itself.
    """

    name: str  # the file's name, for messages and alt text
    media_type: str  # "image/png" | "image/svg+xml"
    data: bytes
    width: float
    height: float
    png: bytes


@dataclass(frozen=True)
class Theme:
    """Look of the deck and the PDF. Colours are `#RRGGBB`; `colors` has every key of
    `THEME_COLORS` and one per traffic light."""

    colors: dict[str, str]
    font: str
    logo: tuple[tuple[str, ...], ...]  # empty: the report writes the entity's name
    deck_file: str
    pdf_file: str
    logo_image: LogoImage | None = None  # drawn instead of the logo text when given

    def color(self, name: str) -> str:
        return self.colors[name]

    def light_color(self, light: TrafficLight) -> str:
        return self.colors[light.value]

    def text_on(self, light: TrafficLight) -> str:
        """Text that reads on a traffic-light fill: white, but the text colour on amarillo."""
        return self.colors["texto"] if light is TrafficLight.AMARILLO else "#FFFFFF"

    def value_color(self, light: TrafficLight) -> str:
        """A figure written in its light's colour; amarillo is too pale for text on white."""
        return self.colors["texto"] if light is TrafficLight.AMARILLO else self.light_color(light)

    def accent(self, light: TrafficLight | None) -> str:
        """The light's colour, or the primary colour when there is no light."""
        return self.light_color(light) if light else self.colors["primario"]

    def file_names(self, slug: str, period: str) -> tuple[str, str]:
        """(deck, pdf) file names for an entity's cut."""
        fields = {"slug": slug, "periodo": period}
        return fill(self.deck_file, fields), fill(self.pdf_file, fields)


THEME_COLORS = ("primario", "secundario", "texto", "texto_suave", "fondo_suave", "borde")


@dataclass(frozen=True)
class Email:
    """The e-mail that carries a cut's deck and PDF. No recipients: no e-mail.

    `subject` and `body` are templates over {entidad}, {slug}, {periodo} and {fecha_corte}
    (filled by `pipeline.placeholders.fill`: no format specs; `{{` is a literal brace).
    The SMTP server and its credentials are never here: they come from a Prefect block named
    `smtp_block`, or from the environment (see `pipeline.distribution`).
    """

    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    sender: str | None = None
    subject: str = "PEI {entidad}: seguimiento con corte {periodo}"
    body: str = ""
    smtp_block: str | None = None
    retries: int = 3
    retry_delay_seconds: float = 30.0

    @property
    def active(self) -> bool:
        return bool(self.to or self.cc)


@dataclass(frozen=True)
class Distribution:
    """Where a successful cut goes: a publication folder (None: no copy) and an e-mail.

    `notices`: who is told when a deployment's run of the entity fails (empty: the e-mail's
    recipients); they are not sent the reports. A `folder` the entity's own configuracion.yaml
    set (`folder_confined`) was checked to stay inside the publication root (see
    `publication_root`), and is checked again, links resolved, when the files are copied.
    """

    folder: str | None = None
    email: Email = Email()
    notices: tuple[str, ...] = ()
    folder_confined: bool = False  # set by the entity's own file: must stay inside the publication root

    @property
    def active(self) -> bool:
        return self.folder is not None or self.email.active

    @property
    def notice_recipients(self) -> tuple[str, ...]:
        """Who a failure notice goes to: `notices`, else the e-mail's recipients."""
        return self.notices or self.email.to


@dataclass(frozen=True)
class History:
    """How many replaced versions of a cut `outputs/.historial` keeps: the `keep` newest (at
    least 1), and of those only the ones younger than `max_age_days` (None: any age) besides the
    newest, which always stays. The published set itself is never in the history."""

    keep: int = 20
    max_age_days: int | None = None


@dataclass(frozen=True)
class DataEntry:
    """When the dependencies must return the data-entry template (`seguimiento` in the settings):
    a fixed date (`deadline`), or a number of days after the quarter's close (`days_after_close`,
    positive); the fixed date wins. Neither: the template states no deadline."""

    deadline: date | None = None
    days_after_close: int | None = None

    def deadline_for(self, cut_end: date) -> date | None:
        """The deadline of the quarter that ends on `cut_end`; a fixed date on or before that day
        belongs to an earlier quarter and gives none (`stale` says so)."""
        if self.deadline is not None:
            return None if self.stale(cut_end) else self.deadline
        if self.days_after_close is not None:
            return cut_end + timedelta(days=self.days_after_close)
        return None

    def stale(self, cut_end: date) -> bool:
        """Whether the fixed date is not after the quarter's close (left from an earlier quarter)."""
        return self.deadline is not None and self.deadline <= cut_end


@dataclass(frozen=True)
class ReviewRule:
    """When a reported value is «dato por revisar» (docs/rules.md): what the cut's year executed by
    a quarter is more than `target_times` the year's target, or a value is more than
    `history_times` the largest value the indicator reported before. Both above 1."""

    target_times: float = 10.0
    history_times: float = 10.0


@dataclass(frozen=True)
class Settings:
    """Everything about a report that is configuration rather than data."""

    bands: TrafficLightBands
    theme: Theme
    distribution: Distribution = Distribution()
    history: History = History()
    data_entry: DataEntry = DataEntry()
    review: ReviewRule = ReviewRule()


PUBLICATION_ROOT_ENV = "PEI_PUBLICATION_ROOT"


def publication_root(environ: Mapping[str, str] | None = None) -> Path | None:
    """The installation's publication root, as the administrator names it in PEI_PUBLICATION_ROOT.

    An entity's configuracion.yaml may only name a publication folder inside it (without it: a
    relative folder inside the output folder's parent). None when the variable is not set.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(PUBLICATION_ROOT_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None
