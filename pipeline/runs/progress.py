"""What a run tells as it goes: the command line's progress, the Prefect run's log, and the
warnings about the inputs as the run's log and the manifest keep them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prefect import get_run_logger
from prefect.exceptions import MissingContextError

from pipeline.core.periods import BOGOTA
from pipeline.errors import Problem
from pipeline.ingest import Entity

PROGRESS = logging.getLogger("pei_report.progress")
"""Step-by-step progress for the command line (a rich handler shows it); not Prefect's log."""


def announce_step(entity: Entity, text: str) -> None:
    """A step for the command line's progress and for the run's log in Prefect."""
    PROGRESS.info(text, extra={"entity": entity.slug})
    log_line(f"[{entity.slug}] {text}")


def log_line(text: str) -> None:
    try:
        get_run_logger().info(text)
    except MissingContextError:  # called outside a run (a test of a task's .fn)
        pass


def now() -> datetime:
    return datetime.now(BOGOTA)


def warn_text(entity: Entity, text: str) -> None:
    PROGRESS.warning(text, extra={"entity": entity.slug})
    try:
        get_run_logger().warning(f"[{entity.slug}] {text}")
    except MissingContextError:
        pass


def warn(entity: Entity, problem: Problem) -> None:
    """A warning about the inputs, in the run's log (the command line and the manifest list them
    with the entity's results)."""
    try:
        get_run_logger().warning(f"[{entity.slug}] Aviso en {warning_text(problem)}")
    except MissingContextError:
        pass


def warning_text(problem: Problem) -> str:
    where = problem.where()
    return f"{problem.place()}{', ' + where if where else ''}: {problem.sentence()}"


def warning_record(problem: Problem) -> dict[str, Any]:
    """A warning about the inputs as the manifest keeps it."""
    record = {
        "file": str(problem.file) if problem.file else None,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "column_letter": problem.column_letter,
        "found": problem.found,
        "expected": problem.expected,
        "hint": problem.hint,
    }
    return {k: v for k, v in record.items() if v is not None}


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch is: `done` entities finished of `total`, of which `failed` failed and
    `skipped` were left out (their plan does not cover the cut): neither is «lista»."""

    done: int
    failed: int
    skipped: int
    total: int

    @property
    def ready(self) -> int:
        return self.done - self.failed - self.skipped

    @property
    def detail(self) -> str:
        """listas 2 · omitidas 1 · fallidas 0 · faltan 3 (omitidas only when there are)."""
        skipped = f" · omitidas {self.skipped}" if self.skipped else ""
        return f"listas {self.ready}{skipped} · fallidas {self.failed} · faltan {self.total - self.done}"


def announce_batch(entities: list[Entity]) -> None:
    PROGRESS.info(f"{len(entities)} entidades", extra={"batch": BatchProgress(0, 0, 0, len(entities))})
