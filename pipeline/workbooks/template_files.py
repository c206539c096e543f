"""`pei-report plantilla`'s steps: read each entity's plan, settings and seguimiento, build its
data-entry workbook(s) for the cut (`pipeline.workbooks.template`) and write them atomically.

```
outputs/<entity-slug>/plantillas/<YYYY>-T<q>/seguimiento-<YYYY>-T<q>.xlsx
                                              seguimiento-<YYYY>-T<q>-<responsable-slug>.xlsx   (--por-responsable)
                                              .historial/seguimiento-<YYYY>-T<q>.<fecha>T<hora>.xlsx
```

A template written again never loses the one it replaces (someone may already have typed into
it): the earlier file is kept in `.historial/` beside it, named with the moment it was replaced
(Bogotá time), and the office is told where.
"""

from __future__ import annotations

import io
import re
import unicodedata
import os
import shlex
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError
from pipeline.core.command import suggest
from pipeline.core.formatting import long_date
from pipeline.ingest.entities import Entity, find_entities, select_entities
from pipeline.ingest.execution import load_execution
from pipeline.ingest.plan import plan_outline, read_plan
from pipeline.ingest.settings import SETTINGS_FILE, load_settings
from pipeline.ingest.shapes import CSV_FILE, FOLDER, XLSX_FILE, awaiting_files
from pipeline.core.model import Plan
from pipeline.errors import PublishError
from pipeline.core.periods import BOGOTA, Cut, CutOutsidePlan, check_cut, parse_period
from pipeline.delivery.publish import replace_file
from pipeline.core.settings import Settings
from pipeline.workbooks.template import NO_RESPONSIBLE, build_template, responsibles

__all__ = ["HISTORY_FOLDER", "TEMPLATES_FOLDER", "Written", "keep_earlier", "template_path", "write_templates", "slugify"]

TEMPLATES_FOLDER = "plantillas"
HISTORY_FOLDER = ".historial"  # beside the templates: the earlier file of each template written again


def slugify(text: str) -> str:
    """`Secretaría de Infraestructura` -> `secretaria-de-infraestructura`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-") or "dependencia"


def template_path(output_dir: Path, slug: str, cut: Cut, responsible_slug: str | None = None) -> Path:
    name = f"seguimiento-{cut}" + (f"-{responsible_slug}" if responsible_slug else "") + ".xlsx"
    return output_dir / slug / TEMPLATES_FOLDER / str(cut) / name


@dataclass(frozen=True)
class Written:
    """What `write_templates` did: the files written, and what the office should be told."""

    files: tuple[Path, ...]
    warnings: tuple[str, ...] = ()
    kept: tuple[tuple[Path, Path], ...] = ()  # (template written again, where its earlier file was kept)
    next_steps: tuple[str, ...] = ()  # where the filled workbooks go, per entity (--por-responsable)


@dataclass(frozen=True)
class _Read:
    entity: Entity
    plan: Plan
    settings: Settings
    execution: pd.DataFrame | None


def _has_execution(folder: Path) -> bool:
    """Whether the entity has a seguimiento to read: a file, or a seguimiento/ folder that is not
    still waiting for its files (made first, as the templates go out)."""
    return any((folder / name).exists() for name in (XLSX_FILE, CSV_FILE, FOLDER)) and not awaiting_files(folder)


def _read(entity: Entity, cut: Cut) -> _Read:
    """The entity's plan, settings and the seguimiento reported so far (none yet is fine, and so is
    an empty seguimiento/ folder: the template shows no earlier values). Every problem of the three at once."""
    errors: list[InputError] = []
    plan = settings = execution = None
    outline = None
    try:
        plan, _ = read_plan(entity.folder)
    except InputError as error:
        errors.append(error)
        outline = plan_outline(entity.folder)  # the seguimiento is still checked against the plan's valid parts
    try:
        settings = load_settings(entity.folder)
    except InputError as error:
        errors.append(error)
    if _has_execution(entity.folder):
        try:
            execution = load_execution(entity.folder, plan, any_plan_version=True, outline=outline).table
        except InputError as error:
            errors.append(error)
    if errors:
        raise InputError.combine(entity.folder, errors)
    check_cut(cut, plan.period)
    return _Read(entity, plan, settings, execution)


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def keep_earlier(path: Path, now: datetime | None = None) -> Path | None:
    """Keep the file at `path`, if there is one, as `.historial/<stem>.<YYYY-MM-DD>T<HHMMSS><suffix>`
    beside it (a hard link, or a copy), and return where; None when there is none."""
    if not path.exists():
        return None
    moment = (now or datetime.now(BOGOTA)).strftime("%Y-%m-%dT%H%M%S")
    folder = path.parent / HISTORY_FOLDER
    target, n = folder / f"{path.stem}.{moment}{path.suffix}", 2
    try:
        folder.mkdir(exist_ok=True)
        while target.exists():  # twice in one second
            target, n = folder / f"{path.stem}.{moment}-{n}{path.suffix}", n + 1
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
    except OSError as exc:
        raise PublishError(
            f"No se pudo guardar la plantilla anterior {path} en {folder} ({exc.strerror or exc}); no se reemplazó."
        ) from exc
    return target


def write_templates(
    input_dir: Path, period: str, output_dir: Path, per_dependency: bool = False, entity: str | None = None
) -> Written:
    """Write the data-entry workbook(s) of `period` for every entity `input_dir` names.

    Every entity is read and checked before anything is written, so invalid input writes
    nothing. Raises `InputError` (invalid input) or `PeriodError` (a malformed period, or one
    outside an entity's plan period).
    """
    cut = parse_period(period)
    read = []
    errors: list[InputError] = []
    outside: list[tuple[Entity, CutOutsidePlan]] = []
    selected = select_entities(find_entities(input_dir), entity, input_dir)
    for one in selected:
        try:
            read.append(_read(one, cut))
        except InputError as error:
            errors.append(error)
        except CutOutsidePlan as error:
            if len(selected) == 1:
                raise
            outside.append((one, error))
    if errors:
        raise InputError.combine(input_dir, errors)
    if outside and not read:  # no plan of the batch covers the cut
        raise outside[0][1]
    files: list[Path] = []
    # In a batch, an entity whose plan does not cover the cut is skipped, as `run` skips it.
    warnings: list[str] = [f"{one.slug}: corte {cut} omitido en este lote: {error}" for one, error in outside]
    earlier: list[tuple[Path, Path]] = []
    steps: list[str] = []
    for item in read:
        entry = item.settings.data_entry
        deadline = entry.deadline_for(cut.end)
        if entry.stale(cut.end):
            warnings.append(
                f"{item.entity.slug}: la fecha límite de {SETTINGS_FILE} (seguimiento.fecha_limite: "
                f"{long_date(entry.deadline)}) no es posterior al cierre de {cut} ({long_date(cut.end)}); la "
                "plantilla no dice plazo. Actualícela o use seguimiento.plazo_dias."
            )
        if cut.year > item.plan.vigencia:
            warnings.append(
                f"{item.entity.slug}: la vigencia del plan es {item.plan.vigencia} y la plantilla es de {cut}: las metas "
                f"de {cut.year} salen vacías donde el plan no las tiene (metas_anuales). Si empezó la vigencia "
                f"{cut.year}, haga primero el cambio de vigencia en el plan."
            )
        if per_dependency and responsibles(item.plan) == [None]:
            warnings.append(
                f"{item.entity.slug}: ningún indicador del plan tiene «responsable», así que --por-responsable da un "
                "solo libro con todos. Para un libro por dependencia, escriba el responsable de cada indicador en el plan."
            )
        if per_dependency:
            taken: set[str] = set()
            jobs = []
            for responsible in responsibles(item.plan):
                slug = slugify(responsible or NO_RESPONSIBLE)
                base, n = slug, 2
                while slug in taken:  # two names that read alike stay two files
                    slug, n = f"{base}-{n}", n + 1
                taken.add(slug)
                jobs.append((responsible, slug))
            steps.append(_filled_go_to(item.entity.folder, cut))
        else:
            jobs = [(None, None)]
        for responsible, responsible_slug in jobs:
            book = build_template(
                item.plan, item.execution, cut, item.entity.slug, responsible=responsible,
                per_dependency=per_dependency, deadline=deadline,
            )
            path = template_path(output_dir, item.entity.slug, cut, responsible_slug)
            path.parent.mkdir(parents=True, exist_ok=True)
            content = _bytes(book)
            kept = keep_earlier(path)
            replace_file(path, content)
            if kept is not None:
                earlier.append((path, kept))
            files.append(path)
    return Written(tuple(files), tuple(warnings), tuple(earlier), tuple(steps))


def _filled_go_to(entity_folder: Path, cut: Cut) -> str:
    """Where each dependency's filled workbook goes, and the command that checks them all."""
    folder = entity_folder / FOLDER
    return (
        f"Cuando cada dependencia devuelva su libro lleno, póngalo en {folder}{os.sep} (un archivo por dependencia, "
        f"con su nombre; se leen juntos como un solo seguimiento) y revíselos con "
        f"`{suggest(f'validar --input {shlex.quote(str(entity_folder))} --period {cut}')}`."
    )
