"""A small district made in code for the tests: entity folders, sectores.yaml and, where asked,
their cuts published the way the flow publishes them (`tests.publication.published_cut`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ruamel.yaml import YAML

from tests.plans import PDM_EXECUTION, pdm

SECTORS_YAML = """\
distrito: Distrito de Prueba
sectores:
  - id: territorio
    nombre: Sector Territorio
    cabeza: alcaldia-a
    entidades: [alcaldia-a, alcaldia-b, sin-datos]
    pesos: {alcaldia-a: 2}
  - id: gestion-publica
    nombre: Sector Gestión Pública
    cabeza: secretaria-general
    entidades: [secretaria-general]
"""

# alcaldia-b executes twice alcaldia-a's kilometres (V-1) and counts its P-1 in «numero».
B_EXECUTION = PDM_EXECUTION.replace("V-1,2024,3,3\n", "V-1,2024,3,6\n")


def _write_plan(folder: Path, plan: dict, execution: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(plan, handle)
    (folder / "seguimiento.csv").write_text(execution, encoding="utf-8")


def write_district(inputs: Path) -> Path:
    """inputs/ with four entity folders and sectores.yaml."""
    from tests.conftest import SAMPLE

    _write_plan(inputs / "alcaldia-a", pdm(2024) | {"entidad": "Alcaldía A"}, PDM_EXECUTION)
    plan_b = pdm(2024) | {"entidad": "Alcaldía B"}
    plan_b["indicadores"][2]["unidad"] = "numero"
    _write_plan(inputs / "alcaldia-b", plan_b, B_EXECUTION)
    _write_plan(inputs / "sin-datos", pdm(2024) | {"entidad": "Alcaldía Sin Datos"}, PDM_EXECUTION)
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    (inputs / "sectores.yaml").write_text(SECTORS_YAML, encoding="utf-8")
    return inputs


def publish_district(inputs: Path, outputs: Path, period: str = "2024-T3", skip: tuple[str, ...] = ("sin-datos",)) -> None:
    """Publish every entity's cut but those in `skip`."""
    from pipeline.core.periods import parse_period
    from tests.publication import published_cut

    for folder in sorted(p for p in inputs.iterdir() if p.is_dir()):
        if folder.name not in skip:
            published_cut(folder, parse_period(period), outputs)
