"""How much of an input file the pipeline reads before it refuses it.

A plan, a configuration or a seguimiento that is too large, or that grows when read (a YAML whose
aliases expand a billion times, an .xlsx that inflates a thousandfold), is refused with an
`InputError` naming the file, what was found and the limit, before it can take the machine's
memory or minutes of a batch. The limits sit far above what a real entity writes (the 300-meta
PDM of the benchmarks is 0,2 MB of YAML and 2 400 seguimiento rows) and are documented in
docs/ti/limites.md. Each one can be raised for a machine with the environment variable named in
`ENVIRONMENT`, read when a file is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

__all__ = ["Limits", "ENVIRONMENT", "MB", "limits"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The input limits; every field is a positive whole number."""

    yaml_bytes: int = 2 * MB  # plan.yaml and configuracion.yaml on disk
    yaml_aliases: int = 1_000  # alias uses (`*nombre`) in one YAML file
    yaml_nodes: int = 200_000  # values of a YAML file once every alias is expanded
    yaml_depth: int = 100  # nesting of lists and fields in a YAML file
    table_bytes: int = 20 * MB  # seguimiento.xlsx or seguimiento.csv on disk
    xlsx_uncompressed_bytes: int = 100 * MB  # the sum of the sizes an .xlsx declares for its parts
    xlsx_ratio: int = 100  # uncompressed / compressed, for a part larger than 1 MB
    xlsx_strings: int = 500_000  # texts in an .xlsx's shared strings part, used by a cell or not
    table_rows: int = 300_000  # rows of the seguimiento (of its sheet, for an .xlsx)
    table_cells: int = 3_000_000  # rows x columns of the sheet (or cells of the CSV)
    logo_bytes: int = 2 * MB  # the logo picture a configuracion.yaml names (tema.logo_imagen)


ENVIRONMENT = {f.name: f"PEI_MAX_{f.name.upper()}" for f in fields(Limits)}
"""The environment variable that overrides each limit (`PEI_MAX_YAML_BYTES`, ...)."""


def limits() -> Limits:
    """The defaults, with any limit the environment sets (a value that is not a positive whole
    number is a `ValueError` naming the variable)."""
    values = {}
    for name, variable in ENVIRONMENT.items():
        text = os.environ.get(variable, "").strip().replace("_", "")
        if not text:
            continue
        if not text.isdigit() or int(text) <= 0:
            raise ValueError(f"{variable}={os.environ[variable]!r}: se esperaba un número entero positivo")
        values[name] = int(text)
    return Limits(**values)
