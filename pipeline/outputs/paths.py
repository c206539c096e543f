"""Where the output templates are: inside the installed package, or the checkout's top-level folder."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve()
# Installed, the templates are the package pipeline.templates (pipeline/templates/); in a checkout
# (or an editable install) they are the repository's top-level templates/.
TEMPLATES = next(
    (p for p in (_HERE.parents[1] / "templates", _HERE.parents[2] / "templates") if p.is_dir()),
    _HERE.parents[2] / "templates",
)
