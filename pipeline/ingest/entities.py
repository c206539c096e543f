"""Find the entity folders an `--input` names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.characters import control_characters, describe, shown
from pipeline.errors import InputError, Problem
from pipeline.ingest.checks import Execution
from pipeline.ingest.execution import load_execution
from pipeline.ingest.plan import PLAN_FILES, plan_outline, read_plan
from pipeline.ingest.settings import load_settings
from pipeline.ingest.shapes import FOLDER as EXECUTION_FOLDER
from pipeline.ingest.source import Source, recording
from pipeline.core.model import Plan
from pipeline.core.settings import Settings

__all__ = ["Entity", "EntityInputs", "find_entities", "load_inputs", "select_entities"]


@dataclass(frozen=True)
class Entity:
    """An entity's input folder; `slug` is the folder's name and names its outputs."""

    slug: str
    folder: Path


def find_entities(input_dir: Path) -> list[Entity]:
    """`input_dir` itself if it holds a plan (plan.yaml or plan.xlsx), else each sub-folder that does, by name."""
    if not input_dir.is_dir():
        raise InputError.single(
            input_dir,
            "que la carpeta no existe" if not input_dir.exists() else "un archivo, no una carpeta",
            "la carpeta de una entidad (con plan.yaml o plan.xlsx) o una carpeta de carpetas de entidades",
            hint="Indíquela con --input.",
        )
    if _has_plan(input_dir):
        return _named([Entity(input_dir.resolve().name, input_dir)], input_dir.resolve().parent)
    entities = [
        Entity(sub.name, sub)
        for sub in sorted(input_dir.iterdir())
        if sub.is_dir() and not sub.name.startswith(".") and _has_plan(sub)
    ]
    if not entities:
        raise InputError.single(
            input_dir,
            "una carpeta sin plan.yaml ni plan.xlsx, ni subcarpetas de entidades con uno de ellos",
            "la carpeta de una entidad (con plan.yaml o plan.xlsx) o una carpeta de carpetas de entidades",
        )
    return _named(entities, input_dir)


def _has_plan(folder: Path) -> bool:
    return any((folder / name).exists() for name in PLAN_FILES)


def select_entities(entities: list[Entity], wanted: str | None, input_dir: Path) -> list[Entity]:
    """The entity named `wanted` (every entity when it is None); one that is not there is an `InputError`."""
    if not wanted:
        return entities
    chosen = [e for e in entities if e.slug == wanted]
    if not chosen:
        raise InputError.single(
            input_dir,
            f"que no hay una entidad «{wanted}»",
            "una de: " + ", ".join(e.slug for e in entities),
            hint="El nombre de la entidad es el de su carpeta de inputs.",
        )
    return chosen


def _named(entities: list[Entity], parent: Path) -> list[Entity]:
    """The entities, if every folder name can name files and e-mails: no line break, control or
    invisible character (the name is the slug in file names, e-mail subjects and commands)."""
    problems = []
    for entity in entities:
        hidden = control_characters(entity.slug)
        if hidden:
            position, char = hidden[0]
            problems.append(
                Problem(
                    f"la carpeta de entidad «{shown(entity.slug)}», cuyo nombre tiene un carácter oculto: "
                    f"{describe(char)} en la posición {position}",
                    "nombres de carpeta sin saltos de línea ni caracteres de control o invisibles (el nombre de "
                    "la carpeta identifica a la entidad en los archivos, los correos y los comandos)",
                    hint="Cámbiele el nombre a la carpeta.",
                )
            )
    if problems:
        raise InputError(parent, problems)
    return entities


@dataclass(frozen=True)
class EntityInputs:
    """An entity's validated plan, report settings and seguimiento; the warnings about them (the
    plan's, then the seguimiento's) that the run shows without stopping; and the files they were
    parsed from (plan.yaml or plan.xlsx, the seguimiento or every file of seguimiento/, configuracion.yaml if there is one), as they were read."""

    plan: Plan
    settings: Settings
    execution: Execution
    plan_warnings: tuple[Problem, ...] = ()
    sources: tuple[Source, ...] = ()

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return (*self.plan_warnings, *self.execution.warnings)


def load_inputs(folder: Path) -> EntityInputs:
    """Read the plan (plan.yaml or plan.xlsx), configuracion.yaml and the seguimiento of an entity folder.

    All three are checked in the same call, so one run lists every problem of the entity: a
    broken plan does not hide the seguimiento's problems, which are checked against the parts of
    the plan that are valid (`plan_outline`).
    """
    errors: list[InputError] = []

    def attempt(read):
        try:
            return read()
        except InputError as error:
            errors.append(error)
            return None

    with recording() as read:  # the bytes each file was parsed from, for the manifest
        plan, plan_warnings = attempt(lambda: read_plan(folder)) or (None, ())
        settings = attempt(lambda: load_settings(folder))
        # A plan with problems still gives the seguimiento's checks the parts of it that are valid.
        outline = plan_outline(folder) if plan is None else None
        execution = attempt(lambda: load_execution(folder, plan, outline=outline))
    if errors:
        read_warnings = (*plan_warnings, *(execution.warnings if execution is not None else ()))
        raise InputError.combine(folder, errors, read_warnings)
    # Every file of the entity folder and of its seguimiento/ folder; not the packaged defaults.
    sources = tuple(s for s in read if s.path.parent in (folder, folder / EXECUTION_FOLDER))
    return EntityInputs(plan, settings, execution, plan_warnings, sources)
