"""Write inputs/secretaria-general/seguimiento.xlsx: illustrative execution, not official figures.

Run: python scripts/make_sample_seguimiento.py. The figures are synthetic and chosen to show
every case of a quarterly report: an indicator that over-executes (IS-546), one that lags
(IS-554), one with a quarter not reported (IS-552, 2024-T2), quarterly targets (IS-514),
a creciente level that dips (MP-7871-04, 2024-T3), and closing values of 2020-2023 where an indicator accumulates.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

OUT = Path(__file__).resolve().parents[1] / "inputs" / "secretaria-general" / "seguimiento.xlsx"

# indicator -> {year: closing value (or year total for suma)}
PAST = {
    "IS-321": {2020: 20, 2021: 45, 2022: 70, 2023: 90},
    "MP-7871-04": {2020: 15, 2021: 40, 2022: 65, 2023: 90},
    "IS-543": {2020: 20, 2021: 25, 2022: 22, 2023: 21},
    "IS-554": {2020: 25, 2021: 50, 2022: 72, 2023: 90},
    "IS-552": {2020: 10, 2021: 30, 2022: 55, 2023: 80},
    "IS-513": {2020: 10, 2021: 30, 2022: 50, 2023: 75},
    "IS-514": {2020: 0, 2021: 0, 2022: 0, 2023: 0},
    "IS-545": {2020: 4_903_112, 2021: 5_104_870, 2022: 4_812_006, 2023: 4_702_451},
    "IS-546": {2020: 230_114, 2021: 245_871, 2022: 221_430, 2023: 198_562},
    "IS-551": {2020: 12, 2021: 15, 2022: 16, 2023: 14},
}

# indicator -> values of 2024 T1..T4 (None: not reported that quarter)
Y2024 = {
    "IS-321": [92, 94.5, 97, 100],
    "MP-7871-04": [91, 93, 92.5, 99],
    "IS-543": [3, 3, 3.5, 3],
    "IS-554": [90.5, 91, 92, 93],
    "IS-552": [85, None, 93, 100],
    "IS-513": [82, 88, 94, 100],
    "IS-514": [0, 0.2, 0.5, 1],
    "IS-545": [1_004_233, 1_098_412, 1_051_877, 1_203_545],
    "IS-546": [41_220, 45_871, 44_013, 47_902],
    "IS-551": [1, 2, 1, 2],
    "IG-07-01": [28.4, 52.1, 71.6, 96.3],
    "IG-07-02": [25, 50, 75, 100],
    "IG-08-01": [20, 45, 70, 95],
}

COMMENTS = {
    ("IS-546", 2024, 2): "Aumento de PQRS por la jornada de atención en localidades; supera lo programado.",
    ("IS-546", 2024, 4): "La demanda por canales presenciales y virtuales se mantuvo por encima de lo previsto.",
    ("IS-554", 2024, 3): "Retraso en la aprobación de los lineamientos de comunicación por cambio de equipo.",
    ("IS-552", 2024, 3): "El reporte del segundo trimestre no se entregó a tiempo; se consolida en el tercero.",
    ("MP-7871-04", 2024, 3): "Ajuste a la baja por revisión de la medición del avance de la política.",
    ("IS-514", 2024, 3): "Documento de política en revisión jurídica.",
    ("IS-545", 2024, 4): "Mayor volumen de llamadas en diciembre por el cierre de trámites.",
}


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Seguimiento"
    sheet.append(["indicador", "anio", "trimestre", "valor", "comentario"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="7A1E3A")
    for ind, years in PAST.items():
        for year, value in years.items():
            sheet.append([ind, year, 4, value, None])
    for ind, values in Y2024.items():
        for quarter, value in enumerate(values, start=1):
            if value is not None:
                sheet.append([ind, 2024, quarter, value, COMMENTS.get((ind, 2024, quarter))])
    for column, width in zip("ABCDE", (14, 8, 11, 14, 90)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    # Fixed document dates so the committed workbook only changes when its data does.
    from datetime import datetime

    book.properties.created = book.properties.modified = datetime(2025, 1, 20, 8, 0, 0)
    book.save(OUT)
    print(f"escrito {OUT}")


if __name__ == "__main__":
    main()
