"""Read the report settings: the packaged defaults, overridden by an entity's configuracion.yaml."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pipeline.ingest.yaml_source import read_yaml, validate
from pipeline.settings import Band, Settings, TrafficLight, TrafficLightBands

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


class SettingsIn(_Strict):
    semaforo: TrafficLightIn


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
    return Settings(bands=TrafficLightBands(bands))


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
