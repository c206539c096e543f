"""Read the report settings: the packaged defaults, overridden by an entity's configuracion.yaml."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator,
)

from pipeline.core.characters import control_characters, describe, shown
from pipeline.errors import InputError, Problem
from pipeline.core.placeholders import fill, template_problem
from pipeline.ingest.yaml_source import YamlDocument, read_yaml, validate
from pipeline.core.settings import (
    Approval, DEFAULT_LEVELS, LIGHT_COLORS, NOT_REPORTED_ID, PUBLICATION_ROOT_ENV, THEME_COLORS, UNDEFINED_ID, Band, DataEntry,
    Distribution, Email, History, LICENCES, LogoImage, Meaning, Publication, ReviewRule, Settings, Theme,
    TrafficLight, TrafficLightBands, default_light, file_name_fields, publication_root,
)
from pipeline.core.formatting import number
from pipeline.ingest.images import LogoProblem, read_logo
from pipeline.ingest.limits import limits
from pipeline.ingest.source import read_source

__all__ = ["load_settings", "SETTINGS_FILE", "DistributionIn", "default_distribution", "folder_problem", "to_distribution", "with_defaults"]

SETTINGS_FILE = "configuracion.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_LIGHT_NAMES = tuple(DEFAULT_LEVELS)  # rojo, amarillo, verde, naranja: a band may name one of them
_MEANINGS = tuple(m.value for m in Meaning if m not in (Meaning.SIN_REPORTE, Meaning.NO_APLICA))
_RESERVED_IDS = (NOT_REPORTED_ID, UNDEFINED_ID, "sin_reporte", "na")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _slug(text: str) -> str:
    """`Retraso crítico` -> `retraso-critico`: a level's id from its word."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


class BandIn(_Strict):
    """A level of the scale. Today's short form names one of the default colours
    (`{color: rojo, menor_que: 50}`) and takes its word and meaning; the long form names its own
    (`{nombre: Retraso crítico, color: "#C62828", significado: retraso, menor_que: 40}`)."""

    color: str
    nombre: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24)] | None = None
    significado: Literal[_MEANINGS] | None = None  # type: ignore[valid-type]
    descripcion: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None = None
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=30)] | None = None
    desde: float | None = None
    menor_que: float | None = None
    hasta: float | None = None

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        if value not in _LIGHT_NAMES and not _HEX.match(value):
            raise ValueError(
                "un color #RRGGBB (como #C62828) o uno de estos valores: rojo, amarillo, verde o naranja"
            )
        return value

    @field_validator("desde", "menor_que", "hasta")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("un número finito")
        return value

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str | None) -> str | None:
        if value in _RESERVED_IDS:
            raise ValueError(f"un id distinto de {', '.join(_RESERVED_IDS)} (son de sin reporte y N/A)")
        return value

    @model_validator(mode="after")
    def _complete(self) -> BandIn:
        if self.menor_que is not None and self.hasta is not None:
            raise ValueError("«menor_que» o «hasta», no los dos")
        if self.color not in _LIGHT_NAMES and (self.nombre is None or self.significado is None):
            missing = " y ".join(f"«{k}»" for k in ("nombre", "significado") if getattr(self, k) is None)
            raise ValueError(f"{missing} en una banda con color propio ({self.color}): su palabra y qué significa")
        return self

    def light(self, colors: dict[str, str]) -> TrafficLight:
        """The level this band gives, its colour from the theme when it names a default one."""
        named = self.color in _LIGHT_NAMES
        default = DEFAULT_LEVELS.get(self.color)
        label = self.nombre or (default[0] if default else "")
        meaning = Meaning(self.significado) if self.significado else default[1] if default else Meaning.CUMPLIDO
        description = self.descripcion or (default[2] if default and not self.nombre and not self.significado else meaning.value)
        return TrafficLight(
            value=self.id or (self.color if named and not self.nombre else _slug(label)),
            label=label,
            color=colors.get(self.color, self.color) if named else self.color.upper(),
            meaning=meaning,
            description=description,
        )

    @property
    def limit(self) -> float | None:
        return self.menor_que if self.menor_que is not None else self.hasta


class TrafficLightIn(_Strict):
    bandas: list[BandIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> TrafficLightIn:
        limits = [b.limit for b in self.bandas]
        if limits[-1] is not None:
            raise ValueError("una última banda sin límite (sin «menor_que» ni «hasta»)")
        if any(limit is None for limit in limits[:-1]):
            raise ValueError("un límite («menor_que» o «hasta») en cada banda menos la última")
        if any(a >= b for a, b in zip(limits[:-2], limits[1:-1])):
            raise ValueError("límites en orden creciente")
        return self


def _scale_problems(model: TrafficLightIn, colors: dict[str, str], doc: YamlDocument) -> list[Problem]:
    """What the bands' pydantic model cannot see band by band: a `desde` that leaves a gap or
    overlaps the band before, and two levels with one id or one word. Each names its line and key."""
    problems = []

    def problem(n: int, key: str, found: str, expected: str, hint: str) -> None:
        loc = ("semaforo", "bandas", n, key)
        problems.append(Problem(f"{found} en «semaforo.bandas[{n + 1}].{key}»", expected, row=doc.line_of(loc),
                                row_label="línea", hint=hint))

    bands = model.bandas
    for n, band in enumerate(bands):
        if band.desde is None:
            continue
        if n == 0:
            if band.desde > 0:
                problem(0, "desde", f"{number(band.desde)}", "que la primera banda empiece en 0 o no diga «desde»",
                        "La primera banda toma todo lo que está por debajo de su límite (un avance negativo también).")
            continue
        before = bands[n - 1]
        assert before.limit is not None  # checked by TrafficLightIn
        if band.desde != before.limit:
            kind = "un hueco" if band.desde > before.limit else "una superposición"
            problem(n, "desde", f"{number(band.desde)}, {kind} con la banda anterior (que llega a {number(before.limit)})",
                    f"«desde: {number(before.limit)}», el límite de la banda anterior",
                    "Cada banda empieza donde termina la anterior: «menor_que» la deja fuera de ella, «hasta» la incluye.")
        if band.limit is not None and band.desde >= band.limit:
            problem(n, "desde", f"{number(band.desde)}, que no es menor que su límite {number(band.limit)}",
                    "un «desde» menor que el «menor_que» o «hasta» de la misma banda", "Revise el orden de los límites.")
    lights = [b.light(colors) for b in bands]
    for key, attribute in (("id", "value"), ("nombre", "label")):
        seen: dict[str, int] = {}
        for n, light in enumerate(lights):
            value = getattr(light, attribute).casefold()
            if value in seen:
                problem(n, key if key in doc.data["semaforo"]["bandas"][n] else "color",
                        f"«{getattr(light, attribute)}», repetido (también en la banda {seen[value] + 1})",
                        f"un {key} distinto para cada banda", "Cada nivel del semáforo se nombra una sola vez.")
            seen.setdefault(value, n)
    return problems


HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
LOGO_ROWS, LOGO_LINE_CHARS = 8, 36  # the logo text's limits: it fits its box at 7 pt (pipeline.report.layout)
FileName = Annotated[str, StringConstraints(min_length=1, max_length=150)]
FILE_NAME_FIELDS = ("slug", "periodo", "sigla", "titulo")


def _file_name_problem(name: str, suffix: str) -> str | None:
    """What makes a file name template unusable (later: a crash, a hidden or misplaced file)."""
    hidden = control_characters(name)
    if hidden:
        position, char = hidden[0]
        return f"un nombre de archivo sin saltos de línea ni caracteres de control (tiene {describe(char)} en la posición {position})"
    problem = template_problem(name, FILE_NAME_FIELDS)
    if problem:
        return f"un nombre de archivo que solo use {{slug}}, {{periodo}}, {{sigla}} y {{titulo}} (tiene {problem})"
    filled = fill(name, file_name_fields("x", "2024-T1", "PDM", "Plan"))
    if "/" in filled or "\\" in filled:
        return "un nombre de archivo, sin «/» ni «\\» (no una ruta a otra carpeta)"
    if not filled.endswith(suffix):
        return f"un nombre de archivo terminado en {suffix}"
    if filled.startswith("."):
        return f"un nombre de archivo que no empiece por «.» (sería un archivo oculto), como «{{sigla}}-{{slug}}-{{periodo}}{suffix}»"
    return None


class ThemeIn(_Strict):
    colores: dict[Literal[(*THEME_COLORS, *LIGHT_COLORS)], HexColor]  # type: ignore[misc]
    fuente: Literal["Open Sans"]
    logo: list[Annotated[list[str], Field(min_length=1)]] | None = Field(default=None, min_length=1)
    logo_imagen: Annotated[str, StringConstraints(min_length=1)] | None = None
    archivo_presentacion: FileName
    archivo_pdf: FileName

    @field_validator("archivo_presentacion", "archivo_pdf")
    @classmethod
    def _file_name(cls, name: str, info: ValidationInfo) -> str:
        problem = _file_name_problem(name, ".pptx" if info.field_name == "archivo_presentacion" else ".pdf")
        if problem:
            raise ValueError(problem)
        return name

    @field_validator("logo")
    @classmethod
    def _logo_fits(cls, logo: list[list[str]] | None) -> list[list[str]] | None:
        """The logo text fits its box on the cover at the smallest size the layout uses (7 pt)."""
        if logo is None:
            return logo
        rows = sum(len(block) for block in logo) + len(logo) - 1
        if rows > LOGO_ROWS:
            raise ValueError(
                f"un logo de a lo sumo {LOGO_ROWS} renglones contando una línea en blanco entre bloques "
                f"(tiene {rows}); para un logo más elaborado use una imagen en «tema.logo_imagen»"
            )
        long = next((line for block in logo for line in block if len(line) > LOGO_LINE_CHARS), None)
        if long is not None:
            raise ValueError(
                f"renglones de logo de a lo sumo {LOGO_LINE_CHARS} caracteres (uno tiene {len(long)}: «{long[:30]}…»); "
                "pártalo en dos renglones"
            )
        return logo

    @model_validator(mode="after")
    def _complete(self) -> ThemeIn:
        missing = [c for c in (*THEME_COLORS, *LIGHT_COLORS) if c not in self.colores]
        if missing:
            raise ValueError(f"un color para cada uno de: {', '.join(missing)}")
        return self


def _address(value: str) -> str:
    hidden = control_characters(value)
    if hidden:
        position, char = hidden[0]
        raise ValueError(f"una dirección de correo sin caracteres de control (tiene {describe(char)} en la posición {position})")
    if not re.fullmatch(r"[^@\s<>,;()\"]+@[^@\s<>,;()\"]+\.[^@\s<>,;()\"]+", value):
        raise ValueError("una dirección de correo como planeacion@entidad.gov.co")
    return value


Address = Annotated[str, AfterValidator(_address)]
TEMPLATE_FIELDS = ("entidad", "slug", "periodo", "fecha_corte", "sigla", "titulo")
_ONLY_FIELDS = "un texto que solo use {entidad}, {slug}, {periodo}, {fecha_corte}, {sigla} y {titulo}"


def _template(text: str) -> str:
    problem = template_problem(text, TEMPLATE_FIELDS)
    if problem:
        raise ValueError(f"{_ONLY_FIELDS}, sin formato (tiene {problem}; una llave literal se escribe «{{{{»)")
    return text


def _subject(text: str) -> str:
    hidden = control_characters(text)
    if hidden:
        position, char = hidden[0]
        raise ValueError(f"un asunto de una sola línea, sin caracteres de control (tiene {describe(char)} en la posición {position})")
    return _template(text)


class EmailIn(_Strict):
    destinatarios: list[Address] = Field(default_factory=list)
    copia: list[Address] = Field(default_factory=list)
    remitente: Address | None = None
    asunto: Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_subject)]
    mensaje: Annotated[str, AfterValidator(_template)]
    bloque_smtp: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")] | None = None
    reintentos: int = Field(ge=0, le=10)
    espera_segundos: float = Field(ge=0, le=3600)


class DistributionIn(_Strict):
    carpeta_publicacion: Annotated[str, StringConstraints(min_length=1)] | None = None
    correo: EmailIn
    avisos: list[Address] = Field(default_factory=list)


class HistoryIn(_Strict):
    conservar: int = Field(ge=1)
    dias: int | None = Field(default=None, ge=1)


class DataEntryIn(_Strict):
    fecha_limite: date | None = None
    plazo_dias: int | None = Field(default=None, ge=1, le=366)


class PublicationIn(_Strict):
    licencia: Literal[tuple(LICENCES)]  # type: ignore[valid-type]


class ReviewIn(_Strict):
    veces_meta: float = Field(default=10.0, gt=1)
    veces_historia: float = Field(default=10.0, gt=1)


def _yes(value: Any) -> Any:
    """«si»/«sí» (any case) as true: the office writes yes in Spanish; pydantic takes the rest (no, true, false)."""
    if isinstance(value, str) and value.strip().casefold() in {"si", "sí"}:
        return True
    return value


SpanishBool = Annotated[bool, BeforeValidator(_yes)]


class ApprovalIn(_Strict):
    requerida: SpanishBool = False
    comite: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    aprobadores: list[Address] = Field(default_factory=list)
    plazo_dias: int = Field(ge=1, le=366)


class SettingsIn(_Strict):
    semaforo: TrafficLightIn
    tema: ThemeIn
    distribucion: DistributionIn
    historial: HistoryIn
    publicacion: PublicationIn
    seguimiento: DataEntryIn = DataEntryIn()
    revision: ReviewIn = ReviewIn()
    aprobacion: ApprovalIn | None = None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Override mappings key by key; lists and values are replaced whole."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _to_settings(model: SettingsIn, folder_confined: bool = False, logo_image: LogoImage | None = None) -> Settings:
    theme = model.tema
    colors = dict(theme.colores)
    bands = tuple(Band(light=b.light(colors), limit=b.limit, inclusive=b.menor_que is None) for b in model.semaforo.bandas)
    return Settings(
        bands=TrafficLightBands(
            bands,
            not_reported=default_light(NOT_REPORTED_ID, colors[NOT_REPORTED_ID]),
            undefined=default_light(UNDEFINED_ID, colors[UNDEFINED_ID]),
        ),
        theme=Theme(
            colors=dict(theme.colores),
            font=theme.fuente,
            logo=tuple(tuple(block) for block in theme.logo or ()),
            deck_file=theme.archivo_presentacion,
            pdf_file=theme.archivo_pdf,
            logo_image=logo_image,
        ),
        distribution=_to_distribution(model.distribucion, folder_confined),
        history=History(keep=model.historial.conservar, max_age_days=model.historial.dias),
        data_entry=DataEntry(deadline=model.seguimiento.fecha_limite, days_after_close=model.seguimiento.plazo_dias),
        publication=Publication(licence=LICENCES[model.publicacion.licencia]),
        review=ReviewRule(target_times=model.revision.veces_meta, history_times=model.revision.veces_historia),
        approval=_to_approval(model.aprobacion),
    )


def _to_approval(model: ApprovalIn | None) -> Approval:
    if model is None:
        return Approval()
    return Approval(model.requerida, model.comite, tuple(model.aprobadores), model.plazo_dias)


def _approval_problems(model: SettingsIn, doc: YamlDocument) -> list[Problem]:
    """An approval that is required and asks no one."""
    approval = model.aprobacion
    if approval is None or not approval.requerida or approval.aprobadores:
        return []
    line = doc.line_of(("aprobacion", "requerida"))
    return [Problem(
        "«aprobacion.requerida: true» sin aprobadores", "al menos una dirección en «aprobacion.aprobadores»",
        row=line, row_label="línea",
        hint="Escriba quién recibe el borrador para aprobarlo, por ejemplo «aprobadores: [jefe.planeacion@entidad.gov.co]», "
             "o deje «requerida: false».",
    )]


def _to_distribution(model: DistributionIn, folder_confined: bool = False) -> Distribution:
    mail = model.correo
    return Distribution(
        folder=model.carpeta_publicacion,
        email=Email(
            to=tuple(mail.destinatarios),
            cc=tuple(mail.copia),
            sender=mail.remitente,
            subject=mail.asunto,
            body=mail.mensaje,
            smtp_block=mail.bloque_smtp,
            retries=mail.reintentos,
            retry_delay_seconds=mail.espera_segundos,
        ),
        notices=tuple(model.avisos),
        folder_confined=folder_confined and model.carpeta_publicacion is not None,
    )


_FOLDER_EXPECTED = (
    "una carpeta dentro de la carpeta de publicación de la instalación en «distribucion.carpeta_publicacion»: "
    "una ruta relativa como «publicacion» o «publicacion/sg», sin «..» que salga de ella"
)
_FOLDER_HINT = (
    "Una carpeta fuera de ahí solo la fija el administrador de la instalación: con la variable de entorno "
    f"{PUBLICATION_ROOT_ENV} (la raíz de publicación; dentro de ella se aceptan rutas absolutas) o en la "
    "configuración por defecto del programa."
)


def _escapes(value: str) -> bool:
    """Whether a relative path climbs above its starting folder with `..`."""
    depth = 0
    for part in PurePosixPath(value.replace("\\", "/")).parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return True
    return False


def _folder_found(value: str, root: Path | None) -> str | None:
    """What is wrong with a publication folder an entity names, or None if it stays in the root."""
    path = Path(value)
    hidden = control_characters(value)
    if hidden:
        return f"la ruta «{shown(value)}», que tiene {describe(hidden[0][1])} en la posición {hidden[0][0]}"
    if value.startswith("~") or path.is_absolute():
        if root is None:
            return f"la ruta absoluta «{value}» (sin {PUBLICATION_ROOT_ENV} definida, solo se aceptan rutas relativas)"
        if not path.resolve().is_relative_to(root.resolve()):
            return f"la ruta «{value}», fuera de la raíz de publicación {root}"
        return None
    if _escapes(value):
        return f"la ruta «{value}», que sale de la carpeta de publicación con «..»"
    if root is not None:
        resolved = (root / path).resolve()
        if not resolved.is_relative_to(root.resolve()):
            return f"la ruta «{value}», que por un enlace simbólico lleva a {resolved}, fuera de la raíz de publicación {root}"
    return None


def folder_problem(user: YamlDocument, loc: tuple[str | int, ...]) -> list[Problem]:
    """The publication folder a user's file names in its `distribucion` at `loc` (an entity's
    configuracion.yaml, a sector's in sectores.yaml), if it leaves the publication root: what
    only the installation's defaults may set."""
    section: Any = user.data
    for part in loc:
        section = section.get(part) if isinstance(section, dict) else section[part] if isinstance(section, list) else None
    folder = section.get("carpeta_publicacion") if isinstance(section, dict) else None
    if not isinstance(folder, str) or not folder:
        return []
    found = _folder_found(folder, publication_root())
    if found is None:
        return []
    line = user.line_of((*loc, "carpeta_publicacion"))
    return [Problem(found, _FOLDER_EXPECTED, row=line, hint=_FOLDER_HINT, row_label="línea")]


def _entity_problems(user: YamlDocument) -> list[Problem]:
    """What an entity's own file may not set, though the installation's defaults may."""
    return folder_problem(user, ("distribucion",))


def default_distribution() -> dict[str, Any]:
    """The packaged defaults' `distribucion`, as data: what a `distribucion` written elsewhere
    (a sector's) is laid over, as an entity's configuracion.yaml is."""
    with resources.as_file(resources.files("pipeline") / "defaults" / SETTINGS_FILE) as path:
        return dict(read_yaml(path, what="la configuración por defecto").data["distribucion"])


def with_defaults(section: Any, defaults: dict[str, Any]) -> Any:
    """A user's `distribucion` laid over `defaults` (a value that is no mapping stays, so that
    its validation says what it is)."""
    return _merge(defaults, section) if isinstance(section, dict) else section


def to_distribution(model: DistributionIn, folder_confined: bool = False) -> Distribution:
    """The settings' `Distribution` from a validated `distribucion`."""
    return _to_distribution(model, folder_confined)


def load_settings(entity_folder: Path | None = None) -> Settings:
    """The packaged defaults, with `entity_folder/configuracion.yaml` laid over them if present."""
    with resources.as_file(resources.files("pipeline") / "defaults" / SETTINGS_FILE) as path:
        doc = read_yaml(path, what="la configuración por defecto")
    override = entity_folder / SETTINGS_FILE if entity_folder is not None else None
    problems: list[Problem] = []
    confined = False
    if override is not None and override.exists():
        user = read_yaml(override, what="la configuración del reporte")
        problems = _entity_problems(user)
        confined = "carpeta_publicacion" in (user.data.get("distribucion") or {})
        # Errors then point at the entity's file, where the user can fix them.
        doc = user.with_data(_merge(doc.data, user.data))
    try:
        model = validate(SettingsIn, doc)
    except InputError as error:
        if not problems:
            raise
        raise InputError(error.file, sorted([*error.problems, *problems], key=lambda p: p.row or 0)) from error
    problems += _scale_problems(model.semaforo, dict(model.tema.colores), doc)
    problems += _approval_problems(model, doc)
    if problems:
        raise InputError(doc.path, sorted(problems, key=lambda p: p.row or 0))
    logo = None
    if model.tema.logo_imagen is not None:
        logo = _logo_image(model.tema.logo_imagen, entity_folder or path.parent, doc)
    return _to_settings(model, folder_confined=confined, logo_image=logo)


_LOGO_HINT = (
    "«tema.logo_imagen» es la ruta de un PNG o un SVG relativa a la carpeta de la entidad (junto a plan.yaml), "
    "por ejemplo «logo.svg»; sin logo_imagen se escribe el texto de «tema.logo»."
)


def _logo_image(value: str, folder: Path, doc: YamlDocument) -> LogoImage:
    """The picture `tema.logo_imagen` names, inside the entity's folder, read and checked."""
    line = doc.line_of(("tema", "logo_imagen"))

    def problem(found: str, expected: str) -> InputError:
        return InputError(doc.path, [Problem(found, expected, row=line, hint=_LOGO_HINT, row_label="línea")])

    relative = PurePosixPath(value.replace("\\", "/"))
    if relative.is_absolute() or value.startswith("~") or _escapes(value) or Path(value).is_absolute():
        raise problem(f"la ruta «{value}» en «tema.logo_imagen», fuera de la carpeta de la entidad",
                      "una ruta relativa a la carpeta de la entidad, sin «..», como «logo.png»")
    path = folder / relative
    if not path.resolve().is_relative_to(folder.resolve()):
        raise problem(f"la ruta «{value}» en «tema.logo_imagen», que lleva fuera de la carpeta de la entidad",
                      "una imagen dentro de la carpeta de la entidad")
    if not path.is_file():
        raise problem(f"que «tema.logo_imagen» nombra «{value}», que no existe en {folder}",
                      "el archivo del logo (PNG o SVG) en la carpeta de la entidad, con ese nombre exacto")
    data, _ = read_source(path, limits().logo_bytes, "logo_bytes",
                          "Un logo no necesita tanto: redúzcalo o guárdelo como SVG.")
    try:
        return read_logo(data, path.name)
    except LogoProblem as exc:
        raise problem(f"en «tema.logo_imagen» ({value}) {exc.found}", exc.expected) from exc
