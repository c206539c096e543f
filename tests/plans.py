"""Plans made in code for the tests: a small PDM with ejes, units, levels and quarterly targets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ruamel.yaml import YAML

if TYPE_CHECKING:
    import pandas as pd


def pdm(vigencia: int) -> dict:
    """A small PDM 2024-2027 as the planning office keeps it in `vigencia`: at the 2025 roll-over
    the closing year's target and quarterly profile move into metas_anuales and the per-year
    mapping, and meta_vigencia becomes 2025's."""
    texts = {key: "Texto." for key in ("normatividad", "fuente_normatividad", "mision", "vision")}
    km = {"id": "V-1", "nombre": "Kilómetros de vías terciarias mejorados", "anualizacion": "suma", "unidad": "km",
          "meta_cuatrienio": 40, "responsable": "Secretaría de Infraestructura"}
    ha = {"id": "H-1", "nombre": "Hectáreas en restauración", "anualizacion": "creciente", "linea_base": 20,
          "unidad": "hectáreas", "meta_cuatrienio": 30, "metas_como": "nivel", "responsable": "Secretaría de Ambiente"}
    pct = {"id": "P-1", "nombre": "Prestadores de servicios vigilados", "anualizacion": "constante",
           "unidad": "porcentaje", "meta_cuatrienio": 6}
    if vigencia == 2024:
        km |= {"meta_vigencia": 10, "metas_trimestrales": [1, 2, 3, 4]}
        ha |= {"meta_vigencia": 26, "metas_trimestrales": [1, 1, 2, 2]}
        pct |= {"meta_vigencia": 6, "metas_trimestrales": [6, 6, 6, 6]}
    else:
        km |= {"meta_vigencia": 12, "metas_anuales": {2024: 10}, "metas_trimestrales": {2024: [1, 2, 3, 4], 2025: [3, 3, 3, 3]}}
        ha |= {"meta_vigencia": 28, "metas_anuales": {2024: 26}, "metas_trimestrales": {2024: [1, 1, 2, 2]}}
        pct |= {"meta_vigencia": 6, "metas_anuales": {2024: 6}, "metas_trimestrales": {2024: [6, 6, 6, 6], 2025: [6, 6, 6, 6]}}
    return {
        "entidad": "Alcaldía de Prueba", "titulo": "Plan de Desarrollo Municipal", "vigencia": vigencia,
        "periodo_plan": [2024, 2027], **texts,
        "ejes": [{"id": "E1", "nombre": "Eje 1. Infraestructura", "peso": 2, "objetivos": [1]},
                 {"id": "E2", "nombre": "Eje 2. Ambiente y salud", "objetivos": [2, 3]}],
        "objetivos": [{"id": 1, "texto": "Vías.", "indicadores": ["V-1"]},
                      {"id": 2, "texto": "Ambiente.", "indicadores": ["H-1"], "peso": 3},
                      {"id": 3, "texto": "Salud.", "indicadores": ["P-1"]}],
        "indicadores": [km, ha, pct],
    }


PDM_EXECUTION = """indicador,anio,trimestre,valor
V-1,2024,1,1
V-1,2024,2,1.5
V-1,2024,3,3
V-1,2024,4,3.5
H-1,2024,1,21
H-1,2024,2,22
H-1,2024,4,25
P-1,2024,1,5
P-1,2024,2,6
P-1,2024,3,6
P-1,2024,4,6
V-1,2025,1,2
H-1,2025,1,26.5
P-1,2025,1,6
"""


def write_pdm(folder: Path, vigencia: int, execution: str = PDM_EXECUTION) -> Path:
    """The PDM's entity folder: plan.yaml of `vigencia` and seguimiento.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(pdm(vigencia), handle)
    (folder / "seguimiento.csv").write_text(execution, encoding="utf-8")
    return folder


def execution_table(folder: Path, plan) -> pd.DataFrame:
    """The seguimiento of `folder` as the execution table the attainment functions take."""
    from pipeline.ingest import load_execution

    return load_execution(folder, plan).table
