"""Read an entity's published cuts back, for the comparison with the previous cut and the list of
stale cuts (`pipeline.report.changes`): the I/O edge of that pure module.

Each cut is read with `publish.read_published` (every file checked against its manifest's sha256),
then its avance.csv and its manifest's fingerprints become a `PublishedCut`. A cut that cannot be
read (a file changed after it was published, a manifest without avance.csv) is not used and is
said, in Spanish, so the report says why it did not compare with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.report.changes import PublishedCut
from pipeline.errors import PipelineError
from pipeline.core.periods import PeriodError, parse_period
from pipeline.delivery.publish import published_cuts, read_published

__all__ = ["Published", "read_entity_cuts"]

AVANCE_FILE = "avance.csv"


@dataclass(frozen=True)
class Published:
    """An entity's readable published cuts, in chronological order, and why others were not used."""

    cuts: tuple[PublishedCut, ...] = ()
    unreadable: tuple[str, ...] = field(default=())

    def at(self, cut) -> PublishedCut | None:
        return next((c for c in self.cuts if c.cut == cut), None)


def read_entity_cuts(output_dir: Path, slug: str) -> Published:
    """Every published cut of `slug` under `output_dir` (hidden folders aside)."""
    cuts, unreadable = [], []
    for found_slug, period, folder in published_cuts(output_dir):
        if found_slug != slug:
            continue
        try:
            cut = parse_period(period)
        except PeriodError:
            continue  # not a cut's folder
        try:
            manifest, files = read_published(folder)
            avance = next((p for p in files if p.relative_to(folder).as_posix() == AVANCE_FILE), None)
            if avance is None:
                raise PipelineError(f"{folder} no tiene {AVANCE_FILE} en su manifest.json")
            cuts.append(PublishedCut.from_files(cut, manifest, avance.read_bytes()))
        except (PipelineError, OSError, UnicodeDecodeError, KeyError, ValueError) as exc:
            unreadable.append(f"No se usó el corte {cut} publicado en {folder}: {exc}")
    return Published(tuple(sorted(cuts, key=lambda c: (c.cut.year, c.cut.quarter))), tuple(unreadable))
