"""Write a cut's outputs: all files appear at once, or none change.

Everything is written into a staging folder beside the target (same file system), flushed to
disk, and then swapped with the target in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`;
elsewhere two renames with a short window where the folder is absent, never half-written). A run
that fails before the swap leaves the earlier outputs exactly as they were.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import errno
import hashlib
import io
import json
import math
import os
import secrets
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipeline.errors import PublishError

__all__ = ["Artifact", "csv_bytes", "file_record", "manifest_bytes", "publish"]


@dataclass(frozen=True)
class Artifact:
    """A file to publish: its name inside the cut's folder and its bytes."""

    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _cell(value: object) -> str:
    """Decimal point, no exponent, empty for not computable; integers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isinf(value):
            return ""
        rounded = round(value, 6)
        if rounded == int(rounded):
            return str(int(rounded))
        return format(rounded, "f").rstrip("0").rstrip(".")
    return str(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8, comma-separated, decimal point, header first, LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow(_cell(v) for v in row)
    return buffer.getvalue().encode("utf-8")


def file_record(path: Path, base: Path | None = None) -> dict[str, object]:
    """Path (relative to `base` when inside it), size and sha256 of a file on disk."""
    data = path.read_bytes()
    shown = path.resolve()
    if base is not None:
        try:
            shown = shown.relative_to(base.resolve())
        except ValueError:
            pass
    return {"path": shown.as_posix(), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def manifest_bytes(
    *,
    entity: dict[str, str],
    period: str,
    generated_at: datetime,
    inputs: Sequence[dict[str, object]],
    outputs: Iterable[Artifact],
    versions: dict[str, str],
    extra: dict[str, object] | None = None,
) -> bytes:
    """manifest.json: what was read, what was written, when, and with which versions."""
    document = {
        "entity": entity,
        "period": period,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "inputs": list(inputs),
        "outputs": [{"path": a.name, "bytes": len(a.content), "sha256": a.sha256} for a in outputs],
        "versions": versions,
        **(extra or {}),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_staging(staging: Path, artifacts: Sequence[Artifact]) -> None:
    staging.mkdir(parents=True)
    for artifact in artifacts:
        with open(staging / artifact.name, "wb") as handle:
            handle.write(artifact.content)
            handle.flush()
            os.fsync(handle.fileno())
    _fsync_dir(staging)


def publish(target: Path, artifacts: Sequence[Artifact]) -> list[Path]:
    """Make `target` hold exactly `artifacts`, replacing what it held in one step.

    Returns the paths written. Raises `PublishError` (earlier outputs untouched) if the files
    cannot be written.
    """
    names = [a.name for a in artifacts]
    if len(set(names)) != len(names) or any("/" in n or n.startswith(".") for n in names):
        raise ValueError(f"artifact names must be distinct plain file names: {names}")
    parent = target.parent
    staging = parent / f".{target.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        _write_staging(staging, artifacts)
        if target.exists():
            if not _exchange(staging, target):
                aside = parent / f".{target.name}.old-{secrets.token_hex(4)}"
                os.rename(target, aside)
                try:
                    os.rename(staging, target)
                except OSError:
                    os.rename(aside, target)
                    raise
                staging = aside
        else:
            os.rename(staging, target)
        _fsync_dir(parent)
    except OSError as exc:
        raise PublishError(
            f"No se pudieron escribir los resultados en {target} ({exc.strerror or exc}). "
            "Los resultados anteriores de ese corte quedaron como estaban; revise permisos y "
            "espacio en disco y vuelva a ejecutar."
        ) from exc
    finally:
        # After a swap `staging` holds the replaced files; on failure, the partial ones.
        shutil.rmtree(staging, ignore_errors=True)
    return [target / n for n in names]
