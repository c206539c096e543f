"""A seguimiento made the way a planning office makes one in Excel, and a small plan for it.

`write_entity(folder, fixed=False)` writes `plan.yaml` and `seguimiento.xlsx`: a cover sheet
before the data sheet, a title block above the header row, Spanish headings (`Código`, `Año`,
`Valor ejecutado`, `Observaciones`), cells formatted as percentages, a text `72 %`, a formula
with a saved result, a comment on a quarter not reported, a reference column (`Nombre del
indicador`) and one the report does not use (`Soporte`). With `fixed=False` it also holds the
errors offices make, all at once: a formula whose result was never saved, a merged cell, a year
formatted as a date, `N/A` for a quarter not reported and a `TOTAL` row. `HAND` holds the figures
of the fixed workbook at 2024-T3, computed by hand.

Run `python -m tests.messy_workbook DIR` to write both versions for a look in Excel.
"""

from __future__ import annotations

import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

PLAN = """\
entidad: Secretaría de Planeación de Ejemplo
titulo: Plan Indicativo
vigencia: 2024
periodo_plan: [2023, 2026]
normatividad: "Plan de prueba para el seguimiento de una oficina de planeación."
fuente_normatividad: "Ley 152 de 1994."
mision: "Misión de ejemplo."
vision: "Visión de ejemplo."
objetivos:
  - id: 1
    texto: "Objetivo con porcentajes y sumas."
    indicadores: [P-01, N-02]
  - id: 2
    texto: "Objetivo con niveles y una suma."
    indicadores: [C-03, K-04]
indicadores:
  - id: P-01
    nombre: "Porcentaje de implementación del modelo de gestión"
    anualizacion: constante
    linea_base: null
    unidad: porcentaje
    meta_cuatrienio: 100
    meta_vigencia: 100
  - id: N-02
    nombre: "Personas atendidas en los puntos de servicio"
    anualizacion: suma
    linea_base: null
    unidad: numero
    meta_cuatrienio: 1600
    meta_vigencia: 400
  - id: C-03
    nombre: "Porcentaje de avance de la política de transparencia"
    anualizacion: creciente
    linea_base: null
    unidad: porcentaje
    meta_cuatrienio: 100
    meta_vigencia: 20
  - id: K-04
    nombre: "Jornadas de rendición de cuentas"
    anualizacion: suma
    linea_base: null
    unidad: numero
    meta_cuatrienio: 40
    meta_vigencia: 10
"""

HEADER = ["Código", "Nombre del indicador", "Año", "Trimestre", "Valor ejecutado", "Observaciones", "Soporte"]
NAMES = {
    "P-01": "Porcentaje de implementación del modelo de gestión",
    "N-02": "Personas atendidas en los puntos de servicio",
    "C-03": "Porcentaje de avance de la política de transparencia",
    "K-04": "Jornadas de rendición de cuentas",
}
HEADER_ROW = 5
COMMENT_NOT_REPORTED = "Sin medición en el trimestre por el cambio de metodología."

# The fixed workbook at 2024-T3, by hand (attainment.md):
# P-01 constante: level 72 of 100 -> 72 % of the year and of the plan; expected 75 % -> r 96 % verde.
# N-02 suma: 100 + 120 + 130 = 350 of 400 -> 87,5 %; of 1 600 -> 21,875 %; r 116,7 % verde.
# C-03 creciente: level 18 at 2024-T3 over 10 at the close of 2023 -> 8 of 20 = 40 %;
#      plan 18 of 100 = 18 %; r 53,3 % amarillo.
# K-04 suma: 3 + 4 + 5 = 12 of 10 -> 120 %; of 40 -> 30 %; r 160 % naranja.
HAND = {
    "P-01": (72.0, 72.0, 72.0, 72.0, "verde"),
    "N-02": (350.0, 87.5, 350.0, 21.875, "verde"),
    "C-03": (8.0, 40.0, 18.0, 18.0, "amarillo"),
    "K-04": (12.0, 120.0, 12.0, 30.0, "naranja"),
}
"""indicator -> (ejecutado_vigencia, avance_vigencia, ejecutado_cuatrienio, avance_cuatrienio, semaforo)"""

# Where each error of the broken workbook is: (row, column heading).
ERRORS = {
    (11, "Valor ejecutado"): "la fórmula «=E10+10» sin resultado guardado",
    (17, "Código"): "una celda combinada (A16:A17) cuyo valor está solo en A16",
    (18, "Año"): "una fecha (31/03/2024)",
    (19, "Valor ejecutado"): "«N/A»",
    (20, "Código"): "«TOTAL»",
}


def _rows(fixed: bool) -> list[list[object]]:
    """The data rows, from row HEADER_ROW + 1; a cell `("%", x)` is a percent-formatted x."""
    rows = [
        ["P-01", NAMES["P-01"], 2024, 1, ("%", 0.45), "Arranque del modelo.", "https://intranet/soportes/p01-t1"],
        ["P-01", NAMES["P-01"], 2024, 2, ("%", 0.6), None, None],
        ["P-01", NAMES["P-01"], 2024, 3, "72 %", "Avance según el informe de gestión.", None],
        ["N-02", NAMES["N-02"], 2024, 1, 100, None, None],
        ["N-02", NAMES["N-02"], 2024, 2, ("=", "=E9*1.2", 120), None, None],
        ["N-02", NAMES["N-02"], 2024, 3, 130 if fixed else "=E10+10", None, None],
        ["C-03", NAMES["C-03"], 2023, 4, 10, "Cierre de 2023.", None],
        ["C-03", NAMES["C-03"], 2024, 1, 12, None, None],
        ["C-03", NAMES["C-03"], 2024, 2, None, COMMENT_NOT_REPORTED, None],
        ["C-03", NAMES["C-03"], 2024, 3, 18, None, None],
        ["K-04", NAMES["K-04"], 2024, 1, 3, None, None],
        ["K-04", NAMES["K-04"], 2024, 2, 4, None, None],
        ["K-04", NAMES["K-04"], 2024 if fixed else datetime(2024, 3, 31), 3, 5, None, None],
        ["K-04", NAMES["K-04"], 2024, 4, None if fixed else "N/A", None, None],
    ]
    if not fixed:
        rows.append(["TOTAL", None, None, None, "=SUM(E6:E19)", None, None])
    return rows


def write_workbook(path: Path, fixed: bool = False) -> Path:
    book = Workbook()
    cover = book.active
    cover.title = "Portada"
    cover["B2"] = "Alcaldía Municipal de Ejemplo"
    cover["B3"] = "Seguimiento al Plan Indicativo 2023-2026"
    cover["B5"] = "Elaboró: Oficina Asesora de Planeación"
    sheet = book.create_sheet("Seguimiento")
    sheet["A1"] = "SEGUIMIENTO PLAN INDICATIVO - VIGENCIA 2024"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "Corte: 30 de septiembre de 2024"
    sheet["A3"] = "Dependencia: todas"
    for col, heading in enumerate(HEADER, start=1):
        sheet.cell(HEADER_ROW, col, heading).font = Font(bold=True)
    cached: dict[str, float] = {}
    for n, values in enumerate(_rows(fixed), start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(n, col)
            if isinstance(value, tuple) and value[0] == "%":
                cell.value, cell.number_format = value[1], "0%"
            elif isinstance(value, tuple) and value[0] == "=":
                cell.value = value[1]
                cached[cell.coordinate] = value[2]
            else:
                cell.value = value
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy"
    if not fixed:
        sheet.merge_cells("A16:A17")
    book.save(path)
    _save_results(path, cached)
    return path


def _save_results(path: Path, results: dict[str, float]) -> None:
    """Store formula results in the file as Excel does when it saves (openpyxl writes none)."""
    if not results:
        return
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        xml = members[name].decode()
        for ref, value in results.items():
            xml = re.sub(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\g<1><v>{value}</v>", xml)
        members[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def write_entity(folder: Path, fixed: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    write_workbook(folder / "seguimiento.xlsx", fixed)
    return folder


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "messy")
    write_entity(out / "con-errores")
    write_entity(out / "corregido", fixed=True)
    print(out)
