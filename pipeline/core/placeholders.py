"""Fill `{name}` placeholders in the texts users write (e-mail subject and body, file names).

Only the named fields are replaced, each by its value as it is: no format specs (`{x:>9}`), no
conversions (`{x!r}`), no attribute or index access (`{x.y}`, `{x[0]}`), and values are never
read as templates themselves. `{{` and `}}` write a literal brace. Unlike `str.format`, nothing a
configuration file says can make the text huge or reach into Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

__all__ = ["fill", "template_problem"]

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each `{name}` replaced by `values[name]`. Raises `ValueError` for
    anything else in braces (validate templates with `template_problem` when they are read)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None or name not in values:
            raise ValueError(f"placeholder {token!r} is not one of {sorted(values)}")
        return str(values[name])

    return _TOKEN.sub(replace, template)


def template_problem(template: str, allowed: Collection[str]) -> str | None:
    """What is wrong with a template, in Spanish, or None. `allowed`: the field names."""
    for match in _TOKEN.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            return f"una llave «{token}» sola (para escribir una llave literal, dóblela: «{token * 2}»)"
        if name in allowed:
            continue
        if any(mark in name for mark in ":!.["):
            return f"«{token}», con formato o acceso a partes del campo, que no se admiten"
        return f"el campo desconocido «{token}»"
    return None
