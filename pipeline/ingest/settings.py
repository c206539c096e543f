"""Read the report settings: the packaged defaults, overridden by an entity's configuracion.yaml."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pipeline.ingest.yaml_source import read_yaml, validate
from pipeline.settings import THEME_COLORS, Band, Distribution, Email, History, Settings, Theme, TrafficLight, TrafficLightBands

__all__ = ["load_settings", "SETTINGS_FILE"]

SETTINGS_FILE = "configuracion.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandIn(_Strict):
    color: Literal["rojo", "amarillo", "verde", "naranja"]
    menor_que: float | None = None
    hasta: float | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> BandIn:
        if self.menor_que is not None and self.hasta is not None:
            raise ValueError("«menor_que» o «hasta», no los dos")
        return self


class TrafficLightIn(_Strict):
    bandas: list[BandIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> TrafficLightIn:
        limits = [b.menor_que if b.menor_que is not None else b.hasta for b in self.bandas]
        if limits[-1] is not None:
            raise ValueError("una última banda sin límite (sin «menor_que» ni «hasta»)")
        if any(limit is None for limit in limits[:-1]):
            raise ValueError("un límite («menor_que» o «hasta») en cada banda menos la última")
        if any(a >= b for a, b in zip(limits[:-2], limits[1:-1])):
            raise ValueError("límites en orden creciente")
        return self


HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[^/\\]+$", min_length=1)]


class ThemeIn(_Strict):
    colores: dict[Literal[(*THEME_COLORS, *(t.value for t in TrafficLight))], HexColor]  # type: ignore[misc]
    fuente: Literal["Open Sans"]
    logo: list[list[str]] = Field(min_length=1)
    archivo_presentacion: FileName
    archivo_pdf: FileName

    @model_validator(mode="after")
    def _complete(self) -> ThemeIn:
        missing = [c for c in (*THEME_COLORS, *(t.value for t in TrafficLight)) if c not in self.colores]
        if missing:
            raise ValueError(f"un color para cada uno de: {', '.join(missing)}")
        for name, suffix in ((self.archivo_presentacion, ".pptx"), (self.archivo_pdf, ".pdf")):
            if not name.endswith(suffix):
                raise ValueError(f"nombres de archivo terminados en {suffix}")
            try:
                name.format(slug="x", periodo="2024-T1")
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError("nombres de archivo que solo usen {slug} y {periodo}") from exc
        return self


Address = Annotated[str, StringConstraints(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")]
_TEMPLATE_FIELDS = {"entidad": "x", "slug": "x", "periodo": "2024-T1", "fecha_corte": "x"}


def _check_template(text: str) -> str:
    try:
        text.format(**_TEMPLATE_FIELDS)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError("un texto que solo use {entidad}, {slug}, {periodo} y {fecha_corte}") from exc
    return text


class EmailIn(_Strict):
    destinatarios: list[Address] = Field(default_factory=list)
    copia: list[Address] = Field(default_factory=list)
    remitente: Address | None = None
    asunto: Annotated[str, StringConstraints(min_length=1)]
    mensaje: str
    bloque_smtp: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")] | None = None
    reintentos: int = Field(ge=0, le=10)
    espera_segundos: float = Field(ge=0, le=3600)

    @model_validator(mode="after")
    def _templates(self) -> EmailIn:
        _check_template(self.asunto)
        _check_template(self.mensaje)
        return self


class DistributionIn(_Strict):
    carpeta_publicacion: Annotated[str, StringConstraints(min_length=1)] | None = None
    correo: EmailIn
    avisos: list[Address] = Field(default_factory=list)


class HistoryIn(_Strict):
    conservar: int = Field(ge=1)
    dias: int | None = Field(default=None, ge=1)


class SettingsIn(_Strict):
    semaforo: TrafficLightIn
    tema: ThemeIn
    distribucion: DistributionIn
    historial: HistoryIn


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Override mappings key by key; lists and values are replaced whole."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _to_settings(model: SettingsIn) -> Settings:
    bands = tuple(
        Band(
            light=TrafficLight(b.color),
            limit=b.menor_que if b.menor_que is not None else b.hasta,
            inclusive=b.menor_que is None,
        )
        for b in model.semaforo.bandas
    )
    theme = model.tema
    return Settings(
        bands=TrafficLightBands(bands),
        theme=Theme(
            colors=dict(theme.colores),
            font=theme.fuente,
            logo=tuple(tuple(block) for block in theme.logo),
            deck_file=theme.archivo_presentacion,
            pdf_file=theme.archivo_pdf,
        ),
        distribution=_to_distribution(model.distribucion),
        history=History(keep=model.historial.conservar, max_age_days=model.historial.dias),
    )


def _to_distribution(model: DistributionIn) -> Distribution:
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
    )


def load_settings(entity_folder: Path | None = None) -> Settings:
    """The packaged defaults, with `entity_folder/configuracion.yaml` laid over them if present."""
    with resources.as_file(resources.files("pipeline") / "defaults" / SETTINGS_FILE) as path:
        doc = read_yaml(path, what="la configuración por defecto")
    override = entity_folder / SETTINGS_FILE if entity_folder is not None else None
    if override is not None and override.exists():
        user = read_yaml(override, what="la configuración del reporte")
        # Errors then point at the entity's file, where the user can fix them.
        doc = user.with_data(_merge(doc.data, user.data))
    return _to_settings(validate(SettingsIn, doc))
