"""Distributions a crash interrupted: find them, and what to tell the user about them.

A cut's manifest.json says `distribution.status: pending` from the moment the cut is published
until its distribution (publication copy, e-mail) is recorded. A run that dies in between
(killed, out of memory, the machine restarted) leaves it so, and nothing else would ever finish
it: the outputs are the new ones, the publication folder may still hold the old copies and the
e-mail may not have gone.

- `pending` means interrupted. The next `pei-report run` or `resend` of that entity (whatever
  cut it is for) and `pei-report serve` at start-up complete it, as a resend does: the published
  files are checked against the manifest's sha256 first, then copied and e-mailed.
- `failed` is not completed on its own: the run that failed already told the user why and how
  to resend it (exit status 3, a failure notice), and repeating it could repeat an e-mail that
  did go out while the copy failed.

A crash after the e-mail left but before the manifest was updated means the completion sends it
again: a second e-mail is preferred to none.
"""

from __future__ import annotations

import json
from shlex import quote
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.command import suggest
from pipeline.delivery.distribution import PENDING
from pipeline.delivery.publish import MANIFEST_FILE, cut_locked, published_cuts

__all__ = ["Pending", "find_pending", "still_pending", "in_progress", "pending_text"]


@dataclass(frozen=True)
class Pending:
    """A published cut whose distribution was never recorded: `folder` is outputs/<slug>/<period>."""

    slug: str
    period: str
    folder: Path
    generated_at: str


def _status(manifest: Path) -> tuple[str | None, str]:
    """(distribution status, generated_at) of a manifest; (None, "") if it cannot be read."""
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
        return document["distribution"]["status"], str(document.get("generated_at", ""))
    except (OSError, ValueError, KeyError, TypeError):
        # Not a manifest this pipeline finished writing: nothing to complete; a resend of that
        # cut says what is wrong with it.
        return None, ""


def find_pending(output_dir: Path, slugs: Iterable[str] | None = None) -> list[Pending]:
    """The published cuts under `output_dir` (of `slugs` only, if given) whose distribution
    is pending, by entity and cut. The history and other hidden folders are not looked at."""
    wanted = set(slugs) if slugs is not None else None
    found = []
    for slug, period, folder in published_cuts(Path(output_dir)):
        if wanted is not None and slug not in wanted:
            continue
        status, generated_at = _status(folder / MANIFEST_FILE)
        if status == PENDING:
            found.append(Pending(slug, period, folder, generated_at))
    return found


def still_pending(folder: Path) -> bool:
    """Whether a cut's distribution is still pending (read again under the cut's lock)."""
    return _status(folder / MANIFEST_FILE)[0] == PENDING


def in_progress(folder: Path) -> bool:
    """Whether a live run holds the cut's lock (`publish.cut_lock`): its pending distribution
    is then under way, not interrupted. The system releases the lock of a process that died."""
    return cut_locked(folder)


def pending_text(pending: Pending, input_dir: Path | str, output_dir: Path | str) -> str:
    """The interrupted distribution, in Spanish, with the command that completes it."""
    when = f" (generado el {pending.generated_at})" if pending.generated_at else ""
    return (
        f"La distribución del corte {pending.period} de {pending.slug}{when} quedó interrumpida: los "
        f"reportes están publicados en {pending.folder}, pero no consta que se hayan copiado a la "
        "carpeta de publicación ni enviado por correo. Complétela con: "
        + suggest(f"resend --input {quote(str(input_dir))} --output {quote(str(output_dir))} --entity {quote(pending.slug)} --period {pending.period}")
    )
