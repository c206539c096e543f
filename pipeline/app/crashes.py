"""Runs whose process died are marked Crashed on the Prefect server, not left Running forever.

A deployment run whose process alone dies (killed, out of memory) is marked Crashed at once by
the runner of `pei-report serve`, which sees its exit status, and its on_crashed hook e-mails
the failure notice. When `serve` itself dies with its runs (killed, the machine restarted), no
process is left to report their end and the server would show them Running forever.

For that case this module sets up Prefect's own mechanism, documented as "detect zombie flows"
(https://docs.prefect.io/v3/advanced/detect-zombie-flows):

- every deployment run sends a `prefect.flow-run.heartbeat` event as it starts and then every
  PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds (Prefect 3.8 accepts no less than 30; `serve` sets
  `HEARTBEAT_SECONDS` unless the environment says otherwise);
- a proactive automation on the server (`crash_automation`) changes to Crashed a run of this
  project's flows from which, after a heartbeat, neither another heartbeat nor a final state
  arrived within `after` seconds (by default three heartbeats: `crash_after`). The server's
  trigger service acts at most PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER (60 s by default)
  later, also after the server itself restarts.

A run marked so is seen by no runner, so no on_crashed hook e-mails its failure notice. `serve`
therefore watches for them (`watch_crashed_runs`, a thread of its process, every
`WATCH_SECONDS`): each deployment run of the reports that the automation marked Crashed
(its state's message is the automation's) within the last `LOOKBACK` gets the notice, through the
same hook code (`flows.notify_crashed`). The hook and the watch both claim a run's notice first
(`pipeline.delivery.notices.claim_notice`, a file under the output folder's `.avisos/`), so a run gets
one notice, whichever sees it first. A run killed while `serve` was down is noticed when `serve`
starts again and the server marks it. Its distribution, if it was interrupted, is completed by
the next run or `serve` start-up (`pipeline.delivery.recovery`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

from pipeline.errors import ServerError

__all__ = [
    "AUTOMATION_NAME", "HEARTBEAT_SECONDS", "FLOWS", "NOTIFIED_FLOWS", "CRASH_MESSAGE", "WATCH_SECONDS", "LOOKBACK",
    "crash_after", "crash_automation", "ensure_crash_automation", "notify_crashed_runs", "watch_crashed_runs",
]

AUTOMATION_NAME = "pei-report: ejecuciones sin latido pasan a Crashed"
HEARTBEAT_SECONDS = 60
"""Heartbeat period of the runs `serve` starts: a killed run shows Crashed about four minutes later."""
FLOWS = ("quarterly_report", "resend_report", "complete_distributions")
"""The project's flows: the automation touches no other flow's runs on a shared server."""
MISSED = 3
NOTIFIED_FLOWS = ("quarterly_report", "resend_report")
"""The flows whose failed deployment runs e-mail a failure notice (`pipeline.runs.failures.notify_failure`)."""
CRASH_MESSAGE = "La ejecución dejó de dar señales de vida"
"""How the automation's Crashed state message begins: what tells its runs from the runner's."""
WATCH_SECONDS = 15
LOOKBACK = timedelta(days=7)
"""How far back serve's watch looks for runs the automation marked Crashed (an older one is news to no one)."""
LOG = logging.getLogger("pei_report.crashes")


def crash_after(heartbeat_seconds: int, environ: Mapping[str, str]) -> int:
    """Seconds without a heartbeat after which a run is marked Crashed: PEI_CRASH_AFTER_SECONDS,
    else three heartbeat periods (one late heartbeat is no crash)."""
    text = environ.get("PEI_CRASH_AFTER_SECONDS", "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value <= heartbeat_seconds:
            raise ServerError(
                f"PEI_CRASH_AFTER_SECONDS vale «{text}»; se esperaba un número de segundos mayor que el "
                f"periodo de latido de las ejecuciones ({heartbeat_seconds} s, PREFECT_FLOWS_HEARTBEAT_FREQUENCY)."
            )
        return value
    return MISSED * heartbeat_seconds


def crash_automation(after_seconds: int):
    """The automation that marks a silent run of the project's flows Crashed (Prefect's
    documented zombie-run automation, limited to `FLOWS`)."""
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    return AutomationCore(
        name=AUTOMATION_NAME,
        description=(
            "Creada por pei-report serve: una ejecución de pei-report que deja de enviar latidos "
            f"durante {after_seconds} s (su proceso murió) pasa a Crashed en vez de quedar Running."
        ),
        trigger=EventTrigger(
            match=ResourceSpecification({"prefect.resource.id": "prefect.flow-run.*"}),
            match_related=ResourceSpecification({"prefect.resource.role": "flow", "prefect.resource.name": list(FLOWS)}),
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=after_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=(
                    f"{CRASH_MESSAGE} durante {after_seconds} s: su proceso terminó "
                    "sin avisar (detenido, sin memoria o el equipo se reinició). Vuelva a ejecutarla; si ya "
                    "había publicado, la próxima ejecución de la entidad o el inicio de pei-report serve "
                    "completan la distribución pendiente."
                ),
            )
        ],
    )


def ensure_crash_automation(client, automation) -> str:
    """Create the automation on the server, or bring an existing one of the same name up to
    date; idempotent. Returns what was done: "creada" or "actualizada"."""
    existing = client.read_automations_by_name(automation.name)
    if not existing:
        client.create_automation(automation)
        return "creada"
    first, *duplicates = existing
    client.update_automation(first.id, automation)
    for duplicate in duplicates:  # two serves that started at the same moment
        client.delete_automation(duplicate.id)
    return "actualizada"


Notify = Callable[[str, object], None]
"""`notify(flow_name, flow_run)`: send a failed run's notice (`flows.notify_crashed`)."""


def notify_crashed_runs(client, notify: Notify, since: datetime) -> int:
    """Call `notify` for each deployment run of `NOTIFIED_FLOWS` that the automation marked
    Crashed at or after `since`; returns how many. `notify` claims each run's notice itself, so
    calling this again and again sends nothing twice."""
    from prefect.client.schemas.filters import (
        FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterDeploymentId, FlowRunFilterState, FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
    seen = 0
    for name in NOTIFIED_FLOWS:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[name])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.CRASHED])),
                deployment_id=FlowRunFilterDeploymentId(is_null_=False),
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
            limit=200,
        )
        for run in runs:
            state = run.state
            if state is None or not (state.message or "").startswith(CRASH_MESSAGE) or state.timestamp < since:
                continue
            notify(name, run)
            seen += 1
    return seen


def watch_crashed_runs(notify: Notify, stop: threading.Event, every: float = WATCH_SECONDS) -> threading.Thread:
    """Start serve's watch: every `every` seconds until `stop` is set, `notify_crashed_runs` over
    the last `LOOKBACK`. A server that does not answer for a while is tried again next time."""
    import httpx
    from prefect.client.orchestration import get_client
    from prefect.exceptions import PrefectHTTPStatusError

    def watch() -> None:
        while not stop.is_set():
            try:
                with get_client(sync_client=True) as client:
                    notify_crashed_runs(client, notify, datetime.now(timezone.utc) - LOOKBACK)
            except (httpx.HTTPError, PrefectHTTPStatusError) as exc:
                LOG.warning("No se pudo consultar al servidor de Prefect las ejecuciones caídas: %s", exc)
            stop.wait(every)

    thread = threading.Thread(target=watch, name="pei-report-crashed-runs", daemon=True)
    thread.start()
    return thread
