"""What a flow run knows of itself from Prefect: the deployment it belongs to, the day its schedule
meant, the cut it reports and the folders it may use."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from prefect.context import FlowRunContext

from pipeline.core.periods import BOGOTA, PeriodError, last_closed_quarter, parse_period
from pipeline.runs.folders import Roots, confine, served_roots



def scheduled_day(run=None) -> date | None:
    """The Bogotá date a run (default: the current one) was scheduled for, if the deployment's
    schedule created it."""
    if run is None:
        context = FlowRunContext.get()
        run = context.flow_run if context else None
    if run is None or not run.auto_scheduled or run.expected_start_time is None:
        return None
    return run.expected_start_time.astimezone(BOGOTA).date()


def run_cut(run) -> str | None:
    """The cut a run reports, as far as its parameters and schedule say (None: each entity's latest)."""
    period = run.parameters.get("period")
    if period:
        try:
            return str(parse_period(period))
        except PeriodError:
            return str(period)
    day = scheduled_day(run)
    return str(last_closed_quarter(day)) if day is not None else None


def deployment_roots(run) -> Roots:
    """The folders a deployment's run may use: those `pei-report serve` named in the environment
    its runs inherit, else the deployment's own `input_dir` and `output_dir` (a deployment made
    another way, as with `prefect deploy`)."""
    roots = served_roots(os.environ)
    if roots is not None:
        return roots
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        defaults = client.read_deployment(run.deployment_id).parameters or {}
    return Roots(Path(defaults.get("input_dir", "inputs")).resolve(), Path(defaults.get("output_dir", "outputs")).resolve())


def allowed_folders(input_dir: str, output_dir: str, run=None) -> tuple[str, str]:
    """The folders a run reads and writes: a deployment's run (default: the current run) only
    those inside the deployment's folders (`pipeline.runs.folders.confine`), absolute and resolved,
    before anything is read or written; a command line's run, as given."""
    if run is None:
        context = FlowRunContext.get()
        run = context.flow_run if context else None
    if run is None or run.deployment_id is None:
        return input_dir, output_dir
    allowed_input, allowed_output = confine(input_dir, output_dir, deployment_roots(run))
    return str(allowed_input), str(allowed_output)
