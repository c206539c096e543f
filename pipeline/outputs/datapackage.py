"""The cut's datapackage.json: a Frictionless Data Package describing avance.csv, objetivos.csv,
cambios.csv and serie.csv.

Pure: from the entity's slug, the plan (names), the cut and the CSV files' bytes as
`pipeline.delivery.publish.csv_bytes` wrote them, to the descriptor. Each field comes from the table's
column schema in `pipeline.report.tables` (the one the table builders use), in the order of the CSV's
own header, so the package describes exactly the columns that were written; a header column the
schema does not know is an error, not a field left out. The CSV dialect is `csv_bytes`'s: UTF-8,
comma, double quotes doubled inside quoted text, LF line ends, a header row, an empty cell for
"not computable". Each resource carries the size and SHA-256 of its file, so a validator notices
a CSV that changed after the package was written.

The descriptor follows Data Package v1 (tabular-data-package, Table Schema); `unit` on a field
is this project's own property ("%" for percentages), which Table Schema allows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace

from pipeline.report.document import report_title
from pipeline.core.model import Plan
from pipeline.core.periods import Cut
from pipeline.core.settings import DEFAULT_LICENCE, Licence, TrafficLight, default_light
from pipeline.report.tables import (
    AVANCE_KEY, AVANCE_SCHEMA, CAMBIOS_KEY, CAMBIOS_SCHEMA, OBJETIVOS_KEY, OBJETIVOS_SCHEMA, RESPONSABLE, SERIE_KEY, SERIE_SCHEMA, Column, light_text,
)

__all__ = ["DATAPACKAGE_FILE", "TABLES", "table_resource", "datapackage", "datapackage_bytes", "package_name"]

DATAPACKAGE_FILE = "datapackage.json"
# File name -> (resource name, title, description, every column it may have, primary key)
TABLES: dict[str, tuple[str, str, str, tuple[Column, ...], tuple[str, ...]]] = {
    "avance.csv": (
        "avance",
        "Avance por indicador",
        "Una fila por pareja (objetivo, indicador), en el orden del plan: metas, ejecución, avance y "
        "semáforo de cada indicador al corte. Un indicador que sirve a varios objetivos aparece "
        "bajo cada uno.",
        (*AVANCE_SCHEMA, RESPONSABLE),
        AVANCE_KEY,
    ),
    "objetivos.csv": (
        "objetivos",
        "Avance por objetivo, eje y plan",
        "Una fila por objetivo, luego una por eje (objetivo = «eje:<id>») y al final la del plan "
        "completo (objetivo = «plan»).",
        OBJETIVOS_SCHEMA,
        OBJETIVOS_KEY,
    ),
    "cambios.csv": (
        "cambios",
        "Cambios desde el corte anterior",
        "Una fila por indicador, de la más grave a la menos (columna gravedad): avance de la vigencia y del plan "
        "en el corte anterior y en este, su diferencia en puntos porcentuales, el semáforo de antes y de ahora, "
        "trimestres nuevos sin reporte, comentarios nuevos y, si el corte anterior estaba publicado, sus cifras "
        "publicadas (revisiones de datos, metas reprogramadas). Sin filas en el primer corte del plan o cuando los "
        "dos cortes no son comparables (la presentación y la página dicen por qué).",
        CAMBIOS_SCHEMA,
        CAMBIOS_KEY,
    ),
    "serie.csv": (
        "serie",
        "Serie del avance en cada corte del plan",
        "Una fila por nivel (indicador, objetivo, eje o plan), identificador y corte: cada trimestre del periodo "
        "del plan, desde el primero hasta el corte del reporte, calculado con las mismas reglas como si ese "
        "trimestre fuera el corte (las metas de su año, lo reportado hasta él). Las filas del corte del reporte "
        "tienen las mismas cifras que avance.csv y objetivos.csv.",
        SERIE_SCHEMA,
        SERIE_KEY,
    ),
}
_TEXT_NOTE = (
    "Un texto que empieza con =, +, -, @ o un salto de línea se escribe precedido de un apóstrofo (') "
    "para que una hoja de cálculo lo muestre en vez de ejecutarlo como fórmula."
)
_DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}


def package_name(slug: str, cut: Cut) -> str:
    """`<slug>-<year>-t<q>` as a Data Package name: lowercase ASCII letters, digits, `-`, `_`, `.`."""
    ascii_text = unicodedata.normalize("NFKD", f"{slug}-{cut}").encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9._]+", "-", ascii_text.lower()).strip("-._")
    return name or f"plan-{cut}".lower()


def _field(column: Column, levels: Sequence[TrafficLight] = ()) -> dict[str, object]:
    if column.name == "semaforo" and levels:  # a configured scale: its own ids
        column = replace(column, description=light_text(levels), values=tuple(t.value for t in levels))
    elif column.name.startswith("semaforo"):  # cambios.csv's semáforo before and as published
        values = tuple(t.value for t in levels) if levels else column.values
        column = replace(column, description=f"{column.description}. {light_text(levels)}", values=values)
    field: dict[str, object] = {
        "name": column.name,
        "type": column.type,
        "title": column.title,
        "description": column.description,
    }
    if column.unit:
        field["unit"] = column.unit
    constraints: dict[str, object] = {}
    if column.required:
        constraints["required"] = True
    if column.values:
        constraints["enum"] = list(column.values)
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.pattern is not None:
        constraints["pattern"] = column.pattern
    if constraints:
        field["constraints"] = constraints
    if column.name.startswith("semaforo"):
        # Each level's word, as Table Schema v2's `categories` gives them (a v1 reader ignores it).
        words = {t.value: t.label for t in levels} or {v: default_light(v).label for v in column.values}
        field["categories"] = [{"value": v, "label": words[v]} for v in column.values]
    return field


def _header(content: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(content.decode("utf-8"), newline="")), [])


def _resource(file: str, content: bytes, levels: Sequence[TrafficLight] = ()) -> dict[str, object]:
    if file not in TABLES:
        raise ValueError(f"{file}: no es una de las tablas que describe el paquete de datos ({', '.join(TABLES)})")
    return table_resource(file, content, TABLES[file], levels)


def table_resource(
    file: str, content: bytes, spec: tuple[str, str, str, tuple[Column, ...], tuple[str, ...]],
    levels: Sequence[TrafficLight] = (),
) -> dict[str, object]:
    """A CSV file's Data Resource from its `spec` (resource name, title, description, every column
    it may have, primary key), as `TABLES` gives them; a header column not in it raises ValueError."""
    name, title, description, columns, key = spec
    known = {c.name: c for c in columns}
    header = _header(content)
    unknown = [h for h in header if h not in known]
    if unknown:
        raise ValueError(
            f"{file}: columnas sin descripción en pipeline.report.tables: {', '.join(unknown)}; "
            f"se esperaban columnas de: {', '.join(known)}"
        )
    return {
        "name": name,
        "path": file,
        "profile": "tabular-data-resource",
        "title": title,
        "description": f"{description} {_TEXT_NOTE}",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "dialect": dict(_DIALECT),
        "schema": {
            "fields": [_field(known[h], levels) for h in header],
            "missingValues": [""],
            "primaryKey": list(key),
        },
    }


def datapackage(
    slug: str, plan: Plan, cut: Cut, tables: Mapping[str, bytes], levels: Sequence[TrafficLight] = (),
    licence: Licence = DEFAULT_LICENCE,
) -> dict[str, object]:
    """The Data Package descriptor of a cut's CSV files.

    `slug` names the entity's outputs (its input folder's name); `plan` gives the entity's and
    the plan's names; `tables` maps each CSV's file name (avance.csv, objetivos.csv, serie.csv) to the bytes
    published. Resources follow `tables`' order; a file name or a header column unknown to
    `pipeline.report.tables` raises ValueError. `levels` is the scale (`TrafficLightBands.levels`): the
    `semaforo` columns' values (and, as `categories`, their words); none: the default scale's.
    `licence` is the entity's (`publicacion.licencia`), the package's only `licenses` entry.
    """
    title = report_title(plan, cut.year)  # as the deck, the PDF and the web page call it
    return {
        "profile": "tabular-data-package",
        "name": package_name(slug, cut),
        "title": f"{title} · {plan.entity} · Seguimiento {cut}",
        "description": (
            f"Tablas de avance de «{title}» al corte {cut} (trimestre {cut.quarter} de "
            f"{cut.year}). Entidad: {plan.entity}. Una tabla por indicador y otra por objetivo, eje y plan"
            + (", y la serie de todos ellos en cada trimestre del plan hasta el corte. " if "serie.csv" in tables else ". ")
            + "Cifras con punto decimal y sin redondear; una celda vacía significa que el valor no se "
            "puede calcular (sin reporte o sin meta)."
        ),
        "licenses": [{"name": licence.id, "path": licence.url, "title": licence.title}],
        "contributors": [{"title": plan.entity, "role": "publisher"}],
        "resources": [_resource(file, content, levels) for file, content in tables.items()],
    }


def datapackage_bytes(
    slug: str, plan: Plan, cut: Cut, tables: Mapping[str, bytes], levels: Sequence[TrafficLight] = (),
    licence: Licence = DEFAULT_LICENCE,
) -> bytes:
    """`datapackage(...)` as the bytes of datapackage.json: UTF-8, indented, the same for the same input."""
    descriptor = datapackage(slug, plan, cut, tables, levels, licence)
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
