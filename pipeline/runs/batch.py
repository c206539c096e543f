"""A batch of entities: what each one's run produced, gathered so that one entity's failure does
not stop the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect.futures import as_completed

from pipeline.core.periods import CutOutsidePlan
from pipeline.errors import DistributionError, EntitiesFailed, PipelineError, UnexpectedFailure
from pipeline.ingest import Entity
from pipeline.runs.progress import PROGRESS, BatchProgress


@dataclass(frozen=True)
class EntityReport:
    """What one entity's run produced."""

    slug: str
    entity: str
    period: str
    folder: Path
    files: list[Path] = field(default_factory=list)
    plan_year_percent: float | None = None
    traffic_lights: dict[str, int] = field(default_factory=dict)
    inconsistent: list[str] = field(default_factory=list)
    kept: Path | None = None
    distribution: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    completed: bool = False  # an interrupted distribution this run completed (`pipeline.delivery.recovery`)
    stale: tuple[str, ...] = ()  # published cuts the current inputs would change, with the command that regenerates each
    draft: bool = False  # written as a draft waiting for approval (`folder` is the draft's), not published
    decision: str | None = None  # the approval state a decision left: aprobado or rechazado
    skipped: str | None = None  # why a batch left this entity out (its plan does not cover the cut): nothing was written


def skipped(entity: Entity, period: str | None, error: CutOutsidePlan) -> EntityReport:
    """An entity of a batch whose plan period does not hold the cut: left out with the reason.

    A folder of entities often holds one whose plan has ended (the sample beside an office's own
    entity, an entity whose new plan is not loaded yet). Failing the whole batch for it would
    stop every later cut; leaving it out silently would hide it. So it is skipped and said.
    Named alone (`--entity`, or a folder of one entity), the same cut is an error (exit 2).
    """
    return EntityReport(slug=entity.slug, entity=entity.slug, period=period or "", folder=entity.folder, skipped=str(error))


def as_step(step_runs: bool):
    """How report_entity calls a step task: as a task run of its own, or as a plain function.

    A task run costs a few calls to the Prefect server and some client work. For one entity
    that is nothing and the run shows each step; in a batch of 60 entities in processes, the
    six step runs per entity made the server the bottleneck (63 s against 51 s without them).
    """
    return (lambda step: step) if step_runs else (lambda step: step.fn)


RESENT = ("se reenviaron", "no se reenvió ninguna")
"""How a resend's `EntitiesFailed` says what it did (`gather`'s `action`)."""


def largest_first(entities: list[Entity]) -> list[Entity]:
    """The entities in the order a batch starts them: the largest inputs (bytes of the files in
    their folders, a cheap measure of the report's size) first, ties in input order.

    A district's entities range from 20 to 300 indicators: started in folder order, a large one
    that comes last runs alone on one core while the others wait. Largest first, the small ones
    fill the cores at the end (longest processing time first).
    """
    def size(entity: Entity) -> int:
        try:
            return sum(p.stat().st_size for p in entity.folder.rglob("*") if p.is_file())
        except OSError:  # unreadable now: the entity's own run says why
            return 0

    sizes = {entity.slug: size(entity) for entity in entities}
    return sorted(entities, key=lambda e: -sizes[e.slug])


def gather(
    entities: list[Entity], futures, listed: list[Entity] | None = None, action: tuple[str, str] | None = None,
) -> list[EntityReport]:
    """Each entity's report, in input order (`listed`, where `entities` were started in
    another order); one entity's failure does not stop the others.

    An error no rule expects is that entity's failure too (`UnexpectedFailure`, named with its
    slug): a batch then fails with `EntitiesFailed`, which names the entities reported and
    carries their reports, and a deployment's run tells only the failed entities' offices.

    As each entity finishes, a progress record (`BatchProgress`: done, failed, skipped, total)
    goes to `PROGRESS` from this process, whichever task runner ran the entity; an entity left out
    of the batch (`skipped`) is counted apart, with its reason (`skipped` on the record).
    `action`: how the failure says what the batch did (default «se reportaron»; `RESENT`).
    """
    said = {"action": action} if action is not None else {}
    slugs = {future: entity.slug for entity, future in zip(entities, futures)}
    outcomes: dict[str, object] = {}
    failed = left_out = 0
    for future in as_completed(list(futures)):
        outcome = future.result(raise_on_failure=False)
        failed += isinstance(outcome, BaseException)
        reason = outcome.skipped if isinstance(outcome, EntityReport) else None
        left_out += reason is not None
        outcomes[slugs[future]] = outcome
        progress = BatchProgress(len(outcomes), failed, left_out, len(entities))
        extra = {"batch": progress, "entity": slugs[future], **({"skipped": reason} if reason is not None else {})}
        PROGRESS.info(slugs[future], extra=extra)
    reports: list[EntityReport] = []
    failures: dict[str, PipelineError] = {}
    for entity in listed or entities:
        outcome = outcomes[entity.slug]
        if isinstance(outcome, BaseException) and not isinstance(outcome, PipelineError):
            if not isinstance(outcome, Exception):  # KeyboardInterrupt, SystemExit: not an entity's failure
                raise outcome
            # An error no rule expects stays that entity's: the others are reported and only its
            # office is told. Its traceback is in the entity's task run log.
            outcome = UnexpectedFailure(entity.slug, outcome)
        if isinstance(outcome, PipelineError):
            if len(entities) == 1:
                raise outcome
            failures[entity.slug] = outcome
        else:
            reports.append(outcome)
    if not failures and reports and all(r.skipped for r in reports):  # no plan covers the cut: nothing to report
        failures = {r.slug: CutOutsidePlan(r.skipped) for r in reports}
        raise EntitiesFailed(failures, [], [], **said)
    if failures:
        raise EntitiesFailed(failures, [r.slug for r in reports if not r.skipped], reports, **said)
    return reports


def with_completed(reports: list[EntityReport], completed: tuple[list[EntityReport], list[PipelineError]]) -> list[EntityReport]:
    """The run's reports and the interrupted distributions it completed; a completion that
    failed fails the run (exit status 3), with the same message as a failed distribution."""
    done, errors = completed
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DistributionError("\n".join(str(e) for e in errors))
    return reports + done
