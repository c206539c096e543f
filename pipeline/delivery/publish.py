"""Write a cut's outputs: all files appear at once, or none change.

Everything is written into a staging folder beside the target (same file system), flushed to
disk, and then swapped with the target in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`;
elsewhere two renames with a short window where the folder is absent, never half-written). A run
that fails before the swap leaves the earlier outputs exactly as they were.

The files a publication replaces are not deleted: they move, as one folder, into a history
folder (`outputs/.historial/<entity>/<cut>/<when they were generated>/`, in Bogotá time like the
logs: `20241015-060007`; older versions may carry UTC names, see `prune_history`). `cut_lock` keeps two
runs of the same entity and cut from publishing, keeping history or updating the manifest at
the same time.

A cut's folder is named in one place, `cut_folder` (`<output>/<entity>/<YYYY>-T<q>`); the history
and the publication folder repeat that layout under their own roots. An artifact's name is a
path relative to the cut's folder and may have sub-folders (`web/index.html`); `relative_path`
refuses one that could leave the folder (`..`, an absolute path) with `UnsafePathError`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.core.periods import BOGOTA
from pipeline.errors import InputError, PublishError, UnsafePathError
from pipeline.outputs.artifacts import MANIFEST_FILE, Artifact, csv_bytes, relative_path

__all__ = [
    "MANIFEST_FILE",
    "Artifact",
    "Publication",
    "cut_folder",
    "published_cuts",
    "lock_file",
    "relative_path",
    "csv_bytes",
    "file_record",
    "input_record",
    "manifest_bytes",
    "publish",
    "replace_file",
    "cut_lock",
    "cut_locked",
    "history_folder",
    "prune_history",
    "read_published",
    "update_manifest",
    "clear_leftovers",
]


HISTORY_FOLDER = ".historial"


def cut_folder(root: Path, slug: str, cut: object) -> Path:
    """The folder of an entity's cut under `root`: `<root>/<slug>/<YYYY>-T<q>`.

    The one place this layout is written: the outputs, their history and the publication folder
    all use it.
    """
    return Path(root) / slug / str(cut)


def published_cuts(root: Path) -> Iterator[tuple[str, str, Path]]:
    """(slug, period, folder) of every cut under `root` that holds a manifest, in order; hidden
    folders (the history, staging and locks) are not looked at."""
    for manifest in sorted(Path(root).glob(f"*/*/{MANIFEST_FILE}")):
        folder = manifest.parent
        slug, period = folder.parent.name, folder.name
        if not slug.startswith(".") and not period.startswith("."):
            yield slug, period, cut_folder(root, slug, period)


def lock_file(target: Path) -> Path:
    """The lock file of a cut's folder (see `cut_lock`), beside it."""
    return target.parent / f".{target.name}.lock"


def file_record(path: Path, base: Path | None = None) -> dict[str, object]:
    """Path (relative to `base` when inside it), size and sha256 of a file on disk."""
    data = path.read_bytes()
    return input_record(path, len(data), hashlib.sha256(data).hexdigest(), base)


def input_record(path: Path, size: int, sha256: str, base: Path | None = None) -> dict[str, object]:
    """The manifest's record of an input: path (relative to `base` when inside it), and the size
    and sha256 of the bytes that were read from it (not of what the file holds now)."""
    shown = path.resolve()
    if base is not None:
        try:
            shown = shown.relative_to(base.resolve())
        except ValueError:
            pass
    return {"path": shown.as_posix(), "bytes": size, "sha256": sha256}


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
        "outputs": [_output_record(a) for a in outputs],
        "versions": versions,
        **(extra or {}),
    }
    return _json_bytes(document)


def _output_record(artifact: Artifact) -> dict[str, object]:
    record: dict[str, object] = {"path": artifact.name, "bytes": len(artifact.content), "sha256": artifact.sha256}
    if artifact.output is not None:
        record["output"] = artifact.output
    if artifact.media_type is not None:
        record["media_type"] = artifact.media_type
    return record


def _json_bytes(document: dict[str, object]) -> bytes:
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


def _write_durable(path: Path, content: bytes) -> None:
    """Write a new file and flush it to disk before anyone renames it into view."""
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _write_staging(staging: Path, artifacts: Sequence[Artifact]) -> None:
    staging.mkdir(parents=True)
    folders = {staging}
    for artifact in artifacts:
        path = staging / artifact.name
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.update(path.parents[: len(path.relative_to(staging).parts) - 1])
        _write_durable(path, artifact.content)
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):  # the deepest first
        _fsync_dir(folder)


def _check_names(names: Sequence[str], where: str) -> None:
    """Distinct safe relative paths, none of them also a folder of another."""
    paths = [relative_path(n, where) for n in names]
    if len(set(names)) != len(names):
        raise ValueError(f"artifact names must be distinct: {list(names)}")
    folders = {str(parent) for path in paths for parent in path.parents if str(parent) != "."}
    clashes = [n for n in names if n in folders]
    if clashes:
        raise ValueError(f"artifact names must not also be folders of other artifacts: {clashes}")


@dataclass(frozen=True)
class Publication:
    """The files a publication wrote, and where the files it replaced were kept (if any)."""

    files: list[Path]
    kept: Path | None = None


def history_folder(output_dir: Path, slug: str, period: str) -> Path:
    """Where the replaced versions of an entity's cut are kept."""
    return cut_folder(output_dir / HISTORY_FOLDER, slug, period)


def _generated_at(folder: Path) -> datetime | None:
    """When a published folder was generated, as its manifest says it (None: it cannot say)."""
    try:
        generated = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))["generated_at"]
        moment = datetime.fromisoformat(generated)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=BOGOTA)  # a naive time is the office's


def _generated_stamp(folder: Path) -> str:
    """When a published folder was generated, in Bogotá time as the logs say it (`20241015-060007`):
    its manifest's time whatever offset it was written with, else the folder's mtime."""
    moment = _generated_at(folder) or datetime.fromtimestamp(folder.stat().st_mtime, BOGOTA)
    return moment.astimezone(BOGOTA).strftime("%Y%m%d-%H%M%S")


def _keep(replaced: Path, history: Path) -> Path:
    """Move a replaced folder into `history` under a name no earlier version uses."""
    history.mkdir(parents=True, exist_ok=True)
    stamp = _generated_stamp(replaced)
    # After the highest number used for this stamp, not in a gap that pruning left: names order
    # the versions (see `prune_history`).
    used = [_version_order(p)[1] for p in history.glob(f"{stamp}*") if _version_order(p)[0] == stamp.replace("-", "")]
    for n in range(max(used, default=0) + 1, 1000):
        kept = history / (stamp if n == 1 else f"{stamp}-{n}")
        if kept.exists():
            continue
        os.rename(replaced, kept)
        _fsync_dir(history)
        return kept
    raise OSError(errno.EEXIST, "too many versions with the same time stamp", str(history))


def _version_order(folder: Path) -> tuple[str, int, str]:
    """`20241015-060007` before `20241015-060007-2` before `20241015-060007-10`."""
    stamp, _, suffix = folder.name.partition("-")[2].partition("-")
    return (folder.name.partition("-")[0] + stamp, int(suffix) if suffix.isdigit() else 1, folder.name)


def _age_order(folder: Path) -> tuple[str, int, str]:
    """A kept version's place among the others: when its manifest says it was generated, in
    Bogotá time, then its name's number. Versions kept before the history was named in Bogotá
    time carry UTC names (`20241015-110007` for 06:00:07 in Bogotá): their manifests still order
    them right beside the newer names; a version without a readable manifest goes by its name."""
    name, number, whole = _version_order(folder)
    moment = _generated_at(folder)
    return (moment.astimezone(BOGOTA).strftime("%Y%m%d%H%M%S") if moment else name, number, whole)


def prune_history(history: Path, keep: int, max_age_days: float | None = None, now: float | None = None) -> list[Path]:
    """Delete the versions in a cut's history folder beyond the `keep` newest, and those whose
    files are older than `max_age_days`; the newest version always stays. Returns what went.

    Versions are ordered by when they were generated (their manifests, else their folder names,
    see `_keep` and `_age_order`) and aged by the folder's modification time (when their files were written). Only folders inside
    `history` are touched: the published set is elsewhere. Call it holding the cut's lock.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    try:
        versions = sorted((p for p in history.iterdir() if p.is_dir() and not p.is_symlink()), key=_age_order)
    except FileNotFoundError:
        return []
    now = time.time() if now is None else now
    newest_first = versions[::-1]
    removed = []
    for n, version in enumerate(newest_first):
        too_many = n >= keep
        too_old = n > 0 and max_age_days is not None and now - version.stat().st_mtime > max_age_days * 86400
        if too_many or too_old:
            shutil.rmtree(version)
            removed.append(version)
    return removed


def publish(target: Path, artifacts: Sequence[Artifact], history: Path | None = None) -> Publication:
    """Make `target` hold exactly `artifacts`, replacing what it held in one step.

    Names may have sub-folders (`web/index.html`), which are created. With `history`, the files
    replaced move into a new folder inside it instead of being deleted. Raises `UnsafePathError`
    for a name that could leave `target` and `PublishError` (earlier outputs untouched, in
    both cases) if the files cannot be written.
    """
    names = [a.name for a in artifacts]
    _check_names(names, f"los resultados de {target}")
    parent = target.parent
    staging = parent / f".{target.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
    replaced: Path | None = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        clear_leftovers(parent, [target.name])  # a killed run's staging folder
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
            replaced, staging = staging, None
        else:
            os.rename(staging, target)
            staging = None
        _fsync_dir(parent)
    except OSError as exc:
        raise PublishError(
            f"No se pudieron escribir los resultados en {target} ({exc.strerror or exc}). "
            "Los resultados anteriores de ese corte quedaron como estaban; revise permisos y "
            "espacio en disco y vuelva a ejecutar."
        ) from exc
    finally:
        if staging is not None:  # a failed run's partial files
            shutil.rmtree(staging, ignore_errors=True)
    files = [target / n for n in names]
    if replaced is None:
        return Publication(files)
    if history is None:
        shutil.rmtree(replaced, ignore_errors=True)
        return Publication(files)
    try:
        return Publication(files, _keep(replaced, history))
    except OSError as exc:
        # The new files are published; the old ones stay beside them rather than be lost.
        raise PublishError(
            f"Los resultados nuevos quedaron publicados en {target}, pero los que reemplazaron no "
            f"se pudieron mover al historial {history} ({exc.strerror or exc}); quedaron en "
            f"{replaced}. Muévalos a mano y revise permisos y espacio en disco."
        ) from exc


_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:staging-)?(?P<pid>\d+)-[0-9a-f]{8}$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clear_leftovers(parent: Path, names: Iterable[str]) -> None:
    """Remove what a run killed while writing `names` in `parent` left there: a temporary file
    of `replace_file` (`.avance.csv.<pid>-<hex>`) or a staging folder of `publish`
    (`.web.staging-<pid>-<hex>`), when the process that made it is gone."""
    wanted = set(names)
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if not match or match["name"] not in wanted or _alive(int(match["pid"])):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def replace_file(path: Path, content: bytes) -> None:
    """Replace one file atomically: readers see the old bytes or the new, never a mix."""
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}"
    try:
        _write_durable(temporary, content)
        os.replace(temporary, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise PublishError(f"No se pudo actualizar {path} ({exc.strerror or exc}); quedó como estaba.") from exc


@contextmanager
def cut_lock(target: Path, timeout: float = 600.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the lock of an entity's cut: one run at a time publishes, keeps history, distributes.

    A lock file beside the cut's folder is locked with `filelock` (`flock` on Linux and macOS,
    `msvcrt` on Windows), which the system releases if the holder dies; the holder writes who
    it is into the file. Waits up to `timeout` seconds, then raises `PublishError` naming the holder.
    """
    lock_path = lock_file(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"No se pudo crear el bloqueo {lock_path} ({exc.strerror or exc}).") from exc
    lock = FileLock(lock_path, timeout=timeout, poll_interval=poll, on_acquired=_write_holder)
    try:
        lock.acquire()
    except Timeout:
        raise PublishError(
            f"Otra ejecución ({_holder(lock_path)}) está publicando el corte {target} desde hace "
            f"más de {timeout:.0f} s. Espere a que termine y vuelva a ejecutar; si ese "
            "proceso ya no existe, el bloqueo se libera solo."
        ) from None
    except OSError as exc:
        raise PublishError(f"No se pudo crear el bloqueo {lock_path} ({exc.strerror or exc}).") from exc
    try:
        yield
    finally:
        lock.release()


def cut_locked(target: Path) -> bool:
    """Whether a live process holds `cut_lock(target)` now (the lock is taken and let go at once)."""
    lock = FileLock(lock_file(target), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    except OSError:
        return False  # no lock file can be made: no run is holding one either
    lock.release()
    return False


def _write_holder(fd: int) -> None:
    """Write, into the lock file just acquired, which process holds it (read by whoever waits)."""
    who = f"pid {os.getpid()} en {socket.gethostname()}, desde {datetime.now().astimezone():%Y-%m-%d %H:%M:%S}"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, who.encode("utf-8"))


def _holder(lock_path: Path) -> str:
    try:
        return lock_path.read_text(encoding="utf-8").strip() or "otro proceso"
    except (OSError, UnicodeDecodeError):  # Windows refuses to read a locked file's bytes
        return "otro proceso"


def read_published(folder: Path) -> tuple[dict[str, object], list[Path]]:
    """A published cut's manifest and files, after checking every file against its sha256.

    A path in the manifest that could lead out of `folder` is refused (`UnsafePathError`)
    before anything is read from it.
    """
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.is_file():
        raise InputError.single(
            folder,
            "que no hay un corte publicado (falta manifest.json)",
            "la carpeta de un corte ya generado",
            hint="Genérelo primero con pei-report run, o revise --output, --entity y --period.",
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        records = [(str(r["path"]), str(r["sha256"])) for r in manifest["outputs"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"No se pudo leer {manifest_path} ({exc}); regenere el corte con pei-report run.") from exc
    for name, _ in records:
        relative_path(name, str(manifest_path))
    files = []
    for name, digest in records:
        path = folder / name
        if not path.resolve().is_relative_to(folder.resolve()):
            raise UnsafePathError(name, str(manifest_path), "lleva, por un enlace simbólico, fuera de la carpeta del corte")
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            actual = None
        if actual != digest:
            raise PublishError(
                f"El archivo {path} {'falta' if actual is None else 'no coincide con su manifest.json'}: "
                "se modificó después de publicarse. No se distribuye; regenere el corte con pei-report run."
            )
        files.append(path)
    return manifest, files


def update_manifest(folder: Path, **fields: object) -> None:
    """Set top-level fields of a published cut's manifest.json, atomically."""
    path = folder / MANIFEST_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    document.update(fields)
    replace_file(path, _json_bytes(document))
