"""What an output is made of before it is published: a file's path inside its cut, its bytes, and
the one way the tool writes a CSV.

Drawing an output (`pipeline.outputs.registry`) yields `Artifact`s; publishing them
(`pipeline.delivery.publish`) writes them atomically and records them in `MANIFEST_FILE`. The
names live here, below both, so that outputs never import delivery.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from pipeline.errors import UnsafePathError

MANIFEST_FILE = "manifest.json"
"""Every published cut's record of what was read and written (see `manifest_bytes`)."""


def relative_path(name: str, where: str = "una salida") -> PurePosixPath:
    """`name` as a path inside a cut's folder: relative, `/`-separated, in its plain form, with no
    `..`, `.` or hidden part (so it can neither leave the folder nor pass for a staging or lock
    file). Raises `UnsafePathError` naming `where` the path came from otherwise."""
    if not isinstance(name, str) or not name:
        raise UnsafePathError(str(name), where, "está vacía")
    if "\\" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise UnsafePathError(name, where, "tiene «\\» o caracteres de control")
    path = PurePosixPath(name)
    if path.is_absolute():
        raise UnsafePathError(name, where, "es una ruta absoluta")
    if ".." in name.split("/"):
        raise UnsafePathError(name, where, "sube de carpeta con «..»")
    if str(path) != name or any(part.startswith(".") for part in path.parts):
        raise UnsafePathError(name, where, "no es una ruta simple (partes vacías, «.» o nombres que empiezan por «.»)")
    return path


@dataclass(frozen=True)
class Artifact:
    """A file to publish: its path inside the cut's folder (`web/index.html` has a sub-folder)
    and its bytes; `output` and `media_type` say which registered output made it, as the
    manifest records them (see `pipeline.outputs.registry`)."""

    name: str
    content: bytes
    output: str | None = None
    media_type: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _number(value: object) -> str:
    """Decimal point, no exponent, empty for not computable; integers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        if math.isinf(value):
            return ""
        rounded = round(value, 6)
        if rounded == int(rounded):
            return str(int(rounded))
        return format(rounded, "f").rstrip("0").rstrip(".")
    return str(value)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV Injection");
# the full-width forms are read as the same signs by LibreOffice in some locales.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _text(value: str) -> str:
    """A text cell. One that a spreadsheet would run as a formula gets a leading `'` (Excel and
    LibreOffice read it as "this cell is text") and is always quoted, so the quote and the text
    stay one field; other text is quoted only where CSV needs it."""
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    elif not any(c in value for c in ',"\r\n'):
        return value
    return '"' + value.replace('"', '""') + '"'


def _cell(value: object) -> str:
    """A number (or bool, or nothing) as is; anything else as text (see `_text`)."""
    if value is None or isinstance(value, (bool, numbers.Number)):
        return str(value).lower() if isinstance(value, bool) else _number(value)
    return _text(str(value))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8, comma-separated, decimal point, header first, LF line ends.

    Every CSV the tool writes goes through here. Numbers are bare (a negative one stays a
    number); text that starts with `=`, `+`, `-`, `@`, a tab or a line break is written as
    `"'=..."` so that Excel or LibreOffice show it instead of running it (OWASP, CSV injection).
    """
    lines = [",".join(_text(str(c)) for c in frame.columns)]
    lines += [",".join(_cell(v) for v in row) for row in frame.itertuples(index=False)]
    return ("\n".join(lines) + "\n").encode("utf-8")

