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


TENJO = "Alcaldía Municipal de Tenjo"


def write_tenjo(folder: Path, **fields) -> Path:
    """A municipality's entity folder: the PDM of 2024 of the Alcaldía Municipal de Tenjo, with
    `fields` added to its plan.yaml (its title, «Plan de Desarrollo Municipal», gives the sigla PDM)."""
    write_pdm(folder, 2024)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(pdm(2024) | {"entidad": TENJO} | fields, handle)
    return folder


def execution_table(folder: Path, plan) -> pd.DataFrame:
    """The seguimiento of `folder` as the execution table the attainment functions take."""
    from pipeline.ingest import load_execution

    return load_execution(folder, plan).table


# --- long texts: an entity whose every text is as long as real plans get, and longer -----------

LONG_ENTITY = (
    "Secretaría Distrital de Integración Social — Subdirección para la Identificación, Caracterización e Integración"
)
LONG_TITLE = (
    "Plan Estratégico Institucional de Inclusión Social, Desarrollo de Capacidades y Atención Integral "
    "a Poblaciones Vulnerables del Distrito Capital"
)
LONG_URL = (
    "https://www.integracionsocial.gov.co/index.php/noticias/planeacion-institucional/documentos-del-plan/"
    "seguimiento-trimestral-plan-estrategico-institucional-2024-2028-version-definitiva-aprobada.pdf"
)
_WORDS = (
    "fortalecer la gestión pública distrital mediante estrategias de innovación transparencia y participación "
    "ciudadana con enfoque territorial diferencial y de género en las localidades de Bogotá para garantizar "
    "el acceso efectivo a los servicios sociales de las personas mayores niñas niños adolescentes y familias"
).split()


def long_text(length: int, seed: int = 0, *, token: int = 0, sentence: int = 18) -> str:
    """About `length` characters of Spanish-looking prose in sentences of ~`sentence` words, with
    some **emphasis**; `token` > 0 puts an unbroken string of that many characters (an URL, then
    a code) in the middle. Repeatable for the same arguments."""
    import random

    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < length:
        count = rng.randint(max(1, sentence // 2), sentence + sentence // 2)
        chosen = [rng.choice(_WORDS) for _ in range(count)]
        chosen[0] = chosen[0].capitalize()
        if rng.random() < 0.3 and count > 3:
            k = rng.randint(0, count - 2)
            chosen[k], chosen[k + 1] = f"**{chosen[k]}", f"{chosen[k + 1]}**"
        chosen[-1] += "."
        words.extend(chosen)
        size += sum(len(w) + 1 for w in chosen)
    text = " ".join(words)
    if length < len(text):
        text = text[:length].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
        text = text.replace("**", "") if text.count("**") % 2 else text
    if token:
        unbroken = (LONG_URL + "?codigo=" + "ABCDEFGHIJ0123456789" * 20)[:token]
        middle = len(text) // 2
        cut = text.find(" ", middle)
        text = f"{text[:cut]} {unbroken} {text[cut + 1:]}" if cut > 0 else f"{text} {unbroken}".strip()
    return text.strip() or "Texto."


def long_texts_plan() -> dict:
    """plan.yaml of an entity with long names and texts: a 150-character title, a 6 000-character
    mission, a 1 500-character objective, unbroken strings of 200 and 300 characters, a
    3 000-character indicator name, long ejes and responsables."""
    objectives = [
        {"id": 1, "texto": long_text(1500, 1), "indicadores": ["LT-1", "LT-2"]},
        {"id": 2, "texto": long_text(900, 2, token=300), "indicadores": ["LT-3"]},
        {"id": 3, "texto": long_text(400, 3), "indicadores": ["LT-4"]},
        {"id": 4, "texto": long_text(3000, 4), "indicadores": ["LT-5"]},
        {"id": 5, "texto": "Corto.", "indicadores": ["LT-6"]},
    ]
    indicators = [
        {"id": "LT-1", "etiqueta": "Indicador sectorial 321", "nombre": long_text(3000, 11).replace("**", ""), "anualizacion": "suma",
         "unidad": "porcentaje", "meta_cuatrienio": 100, "meta_vigencia": 20,
         "responsable": "Subdirección para la Identificación, Caracterización e Integración de Poblaciones Vulnerables"},
        {"id": "LT-2", "etiqueta": "Meta " + "X" * 120, "nombre": long_text(300, 12, token=200).replace("**", ""), "anualizacion": "creciente",
         "linea_base": 10, "unidad": "personas atendidas en servicios sociales", "meta_cuatrienio": 5000,
         "meta_vigencia": 1200},
        {"id": "LT-3", "etiqueta": "", "nombre": "A" * 300, "anualizacion": "constante", "unidad": "porcentaje",
         "meta_cuatrienio": 90, "meta_vigencia": 90},
        {"id": "LT-4", "etiqueta": "Indicador 4", "nombre": long_text(200, 14).replace("**", ""), "anualizacion": "suma",
         "unidad": "numero", "meta_cuatrienio": 123456789, "meta_vigencia": 23456789},
        {"id": "LT-5", "etiqueta": "Indicador 5", "nombre": long_text(600, 15).replace("**", ""), "anualizacion": "decreciente",
         "linea_base": 60, "unidad": "porcentaje", "meta_cuatrienio": 20, "meta_vigencia": 28},
        {"id": "LT-6", "etiqueta": "Indicador 6", "nombre": "Nombre corto", "anualizacion": "suma",
         "unidad": "numero", "meta_cuatrienio": 10, "meta_vigencia": 2},
    ]
    return {
        "entidad": LONG_ENTITY,
        "titulo": LONG_TITLE,
        "vigencia": 2024,
        "periodo_plan": [2024, 2028],
        "normatividad": long_text(2500, 20),
        "fuente_normatividad": "Consulte " + LONG_URL,
        "mision": long_text(6000, 21),
        "vision": long_text(1200, 22, token=300),
        "ejes": [
            {"id": "E1", "nombre": "Eje 1. " + long_text(230, 30, sentence=40), "objetivos": [1, 2, 3]},
            {"id": "E2", "nombre": "Eje 2. Inclusión", "objetivos": [4, 5]},
        ],
        "objetivos": objectives,
        "indicadores": indicators,
    }


def long_texts_execution() -> str:
    """seguimiento.csv for `long_texts_plan` up to 2024-T4, with a comment longer than a slide, an
    unbroken one and a few ordinary ones."""
    import csv
    import io

    comments = {
        "LT-1": long_text(8000, 40).replace("**", ""),
        "LT-2": long_text(300, 41, token=250).replace("**", ""),
        "LT-3": "Sin novedad.",
        "LT-4": long_text(1200, 43).replace("**", ""),
        "LT-5": long_text(500, 44).replace("**", ""),
    }
    values = {"LT-1": [4, 5, 5, 6], "LT-2": [11, 12, 13, 14], "LT-3": [80, 85, 90, 88], "LT-4": [1e6, 2e6, 5e6, 9e6],
              "LT-5": [58, 55, 50, 45], "LT-6": [0, 1, 0, 0]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicador", "anio", "trimestre", "valor", "comentario"])
    for ind, quarters in values.items():
        for q, value in enumerate(quarters, start=1):
            writer.writerow([ind, 2024, q, value, comments.get(ind, "") if q == 4 else ""])
    return out.getvalue()


def write_long_entity(folder: Path, configuration: str | None = None) -> Path:
    """The long-texts entity folder: plan.yaml, seguimiento.csv and, if given, configuracion.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(long_texts_plan(), handle)
    (folder / "seguimiento.csv").write_text(long_texts_execution(), encoding="utf-8")
    if configuration is not None:
        (folder / "configuracion.yaml").write_text(configuration, encoding="utf-8")
    return folder


# --- a one-year Plan de Acción as real offices send it (issue 18) ------------------------------

DAGMA = "Departamento Administrativo de Gestión del Medio Ambiente (DAGMA) de Santiago de Cali"


def action_plan() -> dict:
    """plan.yaml of a one-year Plan de Acción 2025 (`periodo_plan: [2025, 2025]`) of an entity
    with a long name and no logo: the same MGA product code as the label of indicators under
    two objectives, an indicator with no label beside labelled ones, a porcentaje level target
    (`metas_como: nivel`, from 90 to 92) and a km indicator."""
    texts = {key: "Texto." for key in ("normatividad", "fuente_normatividad", "mision", "vision")}
    return {
        "entidad": DAGMA, "titulo": "Plan de Acción", "vigencia": 2025, "periodo_plan": [2025, 2025], **texts,
        "ejes": [{"id": "E1", "nombre": "Eje 1. Cali verde", "objetivos": [1]},
                 {"id": "E2", "nombre": "Eje 2. Agua", "objetivos": [2]}],
        "objetivos": [{"id": 1, "texto": "Recuperar los corredores ambientales.", "indicadores": ["V-1", "E-1"]},
                      {"id": 2, "texto": "Restaurar los humedales.", "indicadores": ["H-1"]}],
        "indicadores": [
            {"id": "V-1", "etiqueta": "Producto 3202005", "nombre": "Corredores ambientales intervenidos",
             "anualizacion": "suma", "unidad": "km", "meta_cuatrienio": 4, "meta_vigencia": 4},
            {"id": "E-1", "etiqueta": "", "nombre": "Porcentaje de colegios con educación ambiental",
             "anualizacion": "creciente", "linea_base": 90, "unidad": "porcentaje", "metas_como": "nivel",
             "meta_cuatrienio": 92, "meta_vigencia": 92},
            {"id": "H-1", "etiqueta": "Producto 3202005", "nombre": "Hectáreas de humedales restauradas",
             "anualizacion": "suma", "unidad": "hectáreas", "meta_cuatrienio": 20, "meta_vigencia": 20},
        ],
    }


# V-1's 2025-T2 was typed in metres (1.200,5 for 1,2 km).
ACTION_EXECUTION = """indicador,anio,trimestre,valor,comentario
V-1,2025,1,1,
V-1,2025,2,1200.5,Se intervino el corredor de la comuna 22.
E-1,2025,1,90.5,
E-1,2025,2,90.5,Talleres en colegios públicos.
H-1,2025,1,5,
H-1,2025,2,5,Se intervino el corredor de la comuna 22.
"""


def write_action_plan(folder: Path, execution: str = ACTION_EXECUTION, configuration: str | None = None) -> Path:
    """The one-year Plan de Acción's entity folder: plan.yaml, seguimiento.csv, and configuracion.yaml if given."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(action_plan(), handle)
    (folder / "seguimiento.csv").write_text(execution, encoding="utf-8")
    if configuration is not None:
        (folder / "configuracion.yaml").write_text(configuration, encoding="utf-8")
    return folder


def write_pdm_with_coverage(folder: Path, vigencia: int = 2025) -> Path:
    """The PDM with a health coverage indicator in porcentaje: `S-1` constante, 95 % for the plan
    and 90 % for the vigencia (the year target the values of the year are measured against)."""
    write_pdm(folder, vigencia)
    plan = pdm(vigencia)
    plan["indicadores"].append({
        "id": "S-1", "nombre": "Cobertura de vacunación", "anualizacion": "constante", "unidad": "porcentaje",
        "meta_cuatrienio": 95, "meta_vigencia": 90, "responsable": "Secretaría de Salud",
    })
    plan["objetivos"][2]["indicadores"].append("S-1")
    with (folder / "plan.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(plan, handle)
    return folder
