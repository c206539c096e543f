"""An input file read once: its bytes, bounded in size, and the sha256 of exactly those bytes.

Every reader parses the bytes `read_source` returns (YAML from their text, a CSV from their
decoding, an .xlsx from a `BytesIO`), and `recording()` collects the `Source` of each file read
for the manifest. A file replaced on disk while a run is under way therefore cannot be recorded
next to outputs built from the file it replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.core.formatting import number
from pipeline.ingest.limits import ENVIRONMENT, MB

__all__ = ["Source", "read_source", "recording", "size_text", "limit_hint"]


@dataclass(frozen=True)
class Source:
    """An input file as it was read: `sha256` is the digest of the bytes that were parsed."""

    path: Path
    size: int
    sha256: str


_RECORDS: ContextVar[list[Source] | None] = ContextVar("pei_sources_read", default=None)


@contextmanager
def recording() -> Iterator[list[Source]]:
    """Collect the `Source` of every file `read_source` reads inside the block (in this thread);
    an enclosing `recording()` gets them too."""
    records: list[Source] = []
    token = _RECORDS.set(records)
    try:
        yield records
    finally:
        _RECORDS.reset(token)
        outer = _RECORDS.get()
        if outer is not None:
            outer.extend(records)


def size_text(size: int) -> str:
    """`12,4 MB` (1 MB = 1 048 576 bytes), `812 bytes` below 1 KB."""
    if size < 1024:
        return f"{size} bytes"
    if size < MB:
        return f"{number(size / 1024, 1)} KB"
    return f"{number(size / MB, 1)} MB"


def limit_hint(limit: str) -> str:
    """How to raise a limit, for the rare machine that needs it."""
    return (
        f"Si el archivo de verdad debe ser así, el límite se puede aumentar con la variable de entorno "
        f"{ENVIRONMENT[limit]} (ver «Límites» en docs/ti/limites.md)."
    )


def read_source(path: Path, max_bytes: int, limit: str, advice: str) -> tuple[bytes, Source]:
    """The bytes of `path` and their `Source`; more than `max_bytes` is an `InputError`.

    `limit` names the field of `Limits` that set `max_bytes`; `advice` says what the user can do.
    At most `max_bytes + 1` bytes are read, so a file that grows while it is read is refused too.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError.single(path, f"que no se puede leer ({exc.strerror})", "un archivo legible") from exc
    if len(data) > max_bytes:
        try:
            size = max(path.stat().st_size, len(data))
        except OSError:
            size = len(data)
        raise InputError.single(
            path,
            f"un archivo de {size_text(size)}",
            f"a lo sumo {size_text(max_bytes)}",
            hint=f"{advice} {limit_hint(limit)}",
        )
    source = Source(path, len(data), hashlib.sha256(data).hexdigest())
    records = _RECORDS.get()
    if records is not None:
        records.append(source)
    return data, source
