"""pei-report: quarterly follow-up of a Plan Estratégico Institucional.

The pure core is `pipeline.model`, `pipeline.periods` and `pipeline.attainment`; the edges are
`pipeline.ingest` (read and validate inputs) and `pipeline.publish` (write outputs atomically).
`flows.py` wires them into Prefect flows; `pipeline.cli` is the `pei-report` command.
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
