"""pei-report: quarterly follow-up of a Plan Estratégico Institucional.

Packages by purpose, each importing only those below it (docs/architecture.md; import-linter
contracts in pyproject.toml): `core` (pure rules), `ingest` (read and validate the inputs),
`report` (what the report says, and its layout), `outputs` (draw the deck, PDF, web page,
tables), `delivery` (publish, distribute, recover), `workbooks` (the office's Excel side), `runs`
(a Prefect run around its steps), `app` (the `pei-report` command and its processes). `flows.py`
wires them into Prefect flows.
"""

from __future__ import annotations

import platform
from importlib import metadata

__all__ = ["__version__", "versions"]

try:
    __version__ = metadata.version("pei-report")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

_REPORTED = ("prefect", "pandas", "pydantic", "openpyxl", "ruamel.yaml", "babel")


def versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries that shape the figures."""
    found = {"pei-report": __version__, "python": platform.python_version()}
    for name in _REPORTED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "no instalado"
    return found
