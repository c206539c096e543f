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

from pipeline.core.placeholders import fill

__all__ = [
    "Meaning", "TrafficLight", "Band", "TrafficLightBands", "DEFAULT_LEVELS", "DEFAULT_COLORS", "default_light",
    "NOT_REPORTED_ID", "UNDEFINED_ID", "LogoImage", "Theme", "Email", "Distribution", "History", "DataEntry",
    "Settings", "THEME_COLORS", "LIGHT_COLORS", "Licence", "LICENCES", "DEFAULT_LICENCE", "Publication",
    "PUBLICATION_ROOT_ENV", "publication_root", "file_name_fields", "Approval", "COMMITTEE",
]


class Meaning(str, Enum):
    """What a level of the semáforo means; it decides which indicators are attention items and
    how severe they are, whatever the level is called or coloured."""

    RETRASO = "retraso"
    EN_RIESGO = "en riesgo"
    CUMPLIDO = "cumplido"
    SOBREEJECUCION = "sobreejecución"
    SIN_REPORTE = "sin reporte"  # nothing reported in the year up to the cut
    NO_APLICA = "no aplica"  # nothing programmed for the year (target 0, M_C = LB, no target): N/A


@dataclass(frozen=True)
class TrafficLight:
    """A level of the semáforo of an indicator, an objective or the plan, as the office names it.

    `value` is its id: what avance.csv's `semaforo` column holds and the web page's class
    (`rojo`, `amarillo`, `verde`, `naranja`, `gris` for sin reporte, `no_aplica` for N/A with
    the default scale); `label` its word (`Rojo`, `Retraso crítico`, `N/A`); `color` its
    `#RRGGBB`; `description` what the legend says it is (`retraso crítico`).
    """

    value: str
    label: str
    color: str
    meaning: Meaning
    description: str

    @property
    def delayed(self) -> bool:
        return self.meaning is Meaning.RETRASO

    @property
    def over_executed(self) -> bool:
        return self.meaning is Meaning.SOBREEJECUCION


# The default scale's words, in band order, then the two levels no band gives (`gris`, `no_aplica`);
# its colours are the theme's of the same name (`tema.colores.rojo` ...).
DEFAULT_LEVELS: dict[str, tuple[str, Meaning, str]] = {
    "rojo": ("Rojo", Meaning.RETRASO, "retraso crítico"),
    "amarillo": ("Amarillo", Meaning.EN_RIESGO, "retraso"),
    "verde": ("Verde", Meaning.CUMPLIDO, "en lo esperado"),
    "naranja": ("Naranja", Meaning.SOBREEJECUCION, "sobreejecución"),
}
NOT_REPORTED_ID, UNDEFINED_ID = "gris", "no_aplica"
DEFAULT_COLORS = {
    "rojo": "#C62828", "amarillo": "#F2B705", "verde": "#2E7D32", "naranja": "#E8710A", "gris": "#9E9E9E",
    "no_aplica": "#607D8B",
}


def default_light(light_id: str, color: str | None = None) -> TrafficLight:
    """A level of the default scale (or sin reporte, N/A) by its id, in `color` or its default."""
    color = color or DEFAULT_COLORS[light_id]
    if light_id == NOT_REPORTED_ID:
        return TrafficLight(light_id, "Sin reporte", color, Meaning.SIN_REPORTE, "nada reportado en el año al corte")
    if light_id == UNDEFINED_ID:
        return TrafficLight(light_id, "N/A", color, Meaning.NO_APLICA, "nada programado para el año")
    label, meaning, description = DEFAULT_LEVELS[light_id]
    return TrafficLight(light_id, label, color, meaning, description)


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
    """The semáforo's scale: ordered bands over r = attainment of the year / expected share, in
    percent, and the two levels no band gives: `not_reported` (sin reporte) and `undefined` (N/A).

    Invariant: limits strictly increase and only the last band has no limit; level ids are
    distinct; sin reporte and N/A are never bands.
    """

    bands: tuple[Band, ...]
    not_reported: TrafficLight = default_light(NOT_REPORTED_ID)
    undefined: TrafficLight = default_light(UNDEFINED_ID)

    def classify(self, r_percent: float) -> TrafficLight:
        r = r_percent if math.isinf(r_percent) else round(r_percent, _R_DECIMALS)
        for band in self.bands:
            if band.admits(r):
                return band.light
        raise AssertionError("the last band has no limit")  # guaranteed by validation

    @property
    def levels(self) -> tuple[TrafficLight, ...]:
        """Every level in the order legends and tallies show them: the bands', sin reporte, N/A."""
        return (*(b.light for b in self.bands), self.not_reported, self.undefined)

    def rank(self, light: TrafficLight) -> int:
        """A level's place in `levels` (for sorting by it)."""
        return self.levels.index(light)


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
    `THEME_COLORS` and one per level of the default scale (`LIGHT_COLORS`). A light's own
    colour is on the light (`TrafficLight.color`): the scale's, or these for the default one."""

    colors: dict[str, str]
    font: str
    logo: tuple[tuple[str, ...], ...]  # empty: the report writes the entity's name
    deck_file: str
    pdf_file: str
    logo_image: LogoImage | None = None  # drawn instead of the logo text when given

    def color(self, name: str) -> str:
        return self.colors[name]

    def light_color(self, light: TrafficLight) -> str:
        return light.color

    def text_on(self, light: TrafficLight) -> str:
        """Text that reads on a traffic-light fill: white, but the text colour on a pale fill
        (amarillo, or any configured colour white hardly shows on)."""
        return self.colors["texto"] if _pale(light.color) else "#FFFFFF"

    def value_color(self, light: TrafficLight) -> str:
        """A figure written in its light's colour, but the text colour where it is too pale for text on white."""
        return self.colors["texto"] if _pale(light.color) else light.color

    def accent(self, light: TrafficLight | None) -> str:
        """The light's colour, or the primary colour when there is no light."""
        return self.light_color(light) if light else self.colors["primario"]

    def file_names(self, slug: str, period: str, acronym: str, title: str) -> tuple[str, str]:
        """(deck, pdf) file names for an entity's cut: the templates filled with the entity's
        folder, the cut, and the plan's sigla and title (`file_name_fields`)."""
        fields = file_name_fields(slug, period, acronym, title)
        return fill(self.deck_file, fields), fill(self.pdf_file, fields)


_NOT_IN_FILE_NAMES = str.maketrans({c: "-" for c in '/\\:*?"<>|'})


def file_name_fields(slug: str, period: str, acronym: str, title: str) -> dict[str, str]:
    """The fields of a file name template: {slug}, {periodo}, {sigla}, {titulo}.

    The title is free text: the characters a file name cannot hold on Windows or that would make
    a path (`/ \\ : * ? " < > |`) become «-». The slug (a folder's name) and the sigla (checked
    when the plan is read) hold none of them.
    """
    return {"slug": slug, "periodo": period, "sigla": acronym, "titulo": title.translate(_NOT_IN_FILE_NAMES)}


def _luminance(color: str) -> float:
    """WCAG relative luminance of `#RRGGBB`."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# White on the default scale's colours reaches 2,7:1 (gris) to 5,6:1 (rojo); on amarillo 1,8:1.
# Below this, white text would not read on the fill, so the text colour is used instead.
_PALE_CONTRAST = 2.5


def _pale(color: str) -> bool:
    """Whether white text would not read on `color`."""
    return 1.05 / (_luminance(color) + 0.05) < _PALE_CONTRAST


THEME_COLORS = ("primario", "secundario", "texto", "texto_suave", "fondo_suave", "borde")
LIGHT_COLORS = tuple(DEFAULT_COLORS)  # rojo, amarillo, verde, naranja, gris, no_aplica


@dataclass(frozen=True)
class Email:
    """The e-mail that carries a cut's deck and PDF. No recipients: no e-mail.

    `subject` and `body` are templates over {entidad}, {slug}, {periodo}, {fecha_corte}, {sigla} and
    {titulo} (the plan's sigla and title, `pipeline.delivery.distribution.template_fields`)
    (filled by `pipeline.core.placeholders.fill`: no format specs; `{{` is a literal brace).
    The SMTP server and its credentials are never here: they come from a Prefect block named
    `smtp_block`, or from the environment (see `pipeline.delivery.distribution`).
    """

    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    sender: str | None = None
    subject: str = "{sigla} {entidad}: seguimiento con corte {periodo}"
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
class Licence:
    """An open licence the published data may carry: its SPDX id (`CC-BY-SA-4.0`), its name in
    Spanish as its publisher writes it, and the address of its text."""

    id: str
    title: str
    url: str


# The open licences an entity may choose (`publicacion.licencia`), by SPDX id: those the Open
# Definition lists as conformant for data, as datos.gov.co offers them.
LICENCES: dict[str, Licence] = {
    lic.id: lic
    for lic in (
        Licence("CC-BY-SA-4.0", "Creative Commons Atribución-CompartirIgual 4.0 Internacional (CC BY-SA 4.0)",
                "https://creativecommons.org/licenses/by-sa/4.0/"),
        Licence("CC-BY-4.0", "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)",
                "https://creativecommons.org/licenses/by/4.0/"),
        Licence("CC0-1.0", "Creative Commons CC0 1.0 Universal: dedicación al dominio público (CC0 1.0)",
                "https://creativecommons.org/publicdomain/zero/1.0/"),
        Licence("ODC-By-1.0", "Open Data Commons Attribution License 1.0 (ODC-By 1.0)",
                "https://opendatacommons.org/licenses/by/1-0/"),
        Licence("ODbL-1.0", "Open Data Commons Open Database License 1.0 (ODbL 1.0)",
                "https://opendatacommons.org/licenses/odbl/1-0/"),
        Licence("PDDL-1.0", "Open Data Commons Public Domain Dedication and License 1.0 (PDDL 1.0)",
                "https://opendatacommons.org/licenses/pddl/1-0/"),
    )
}
DEFAULT_LICENCE = LICENCES["CC-BY-SA-4.0"]  # what datos.gov.co's datasets carry by default


@dataclass(frozen=True)
class Publication:
    """How the entity's data is offered to the public: the licence of its published files (the
    data package's `licenses`, the publication folder's catalog)."""

    licence: Licence = DEFAULT_LICENCE


@dataclass(frozen=True)
class ReviewRule:
    """When a reported value is «dato por revisar» (docs/rules.md): what the cut's year executed by
    a quarter is more than `target_times` the year's target, or a value is more than
    `history_times` the largest value the indicator reported before. Both above 1."""

    target_times: float = 10.0
    history_times: float = 10.0


COMMITTEE = "Comité Institucional de Gestión y Desempeño"


@dataclass(frozen=True)
class Approval:
    """Whether a cut must be approved before it is published (`aprobacion` in the settings).

    With `required`, a run writes a draft that `approvers` (at least one address, checked when
    read) are asked to decide within `days` days (at least 1); see docs/contract.md."""

    required: bool = False
    committee: str = COMMITTEE
    approvers: tuple[str, ...] = ()
    days: int = 15


@dataclass(frozen=True)
class Settings:
    """Everything about a report that is configuration rather than data."""

    bands: TrafficLightBands
    theme: Theme
    distribution: Distribution = Distribution()
    history: History = History()
    data_entry: DataEntry = DataEntry()
    publication: Publication = Publication()
    review: ReviewRule = ReviewRule()
    approval: Approval = Approval()


PUBLICATION_ROOT_ENV = "PEI_PUBLICATION_ROOT"


def publication_root(environ: Mapping[str, str] | None = None) -> Path | None:
    """The installation's publication root, as the administrator names it in PEI_PUBLICATION_ROOT.

    An entity's configuracion.yaml may only name a publication folder inside it (without it: a
    relative folder inside the output folder's parent). None when the variable is not set.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(PUBLICATION_ROOT_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None
