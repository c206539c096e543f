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

A run marked so gets no failure notice: no process of the project is left to send it. Its
distribution, if it was interrupted, is completed by the next run or `serve` start-up
(`pipeline.recovery`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from pipeline.service import ServerError

__all__ = ["AUTOMATION_NAME", "HEARTBEAT_SECONDS", "FLOWS", "crash_after", "crash_automation", "ensure_crash_automation"]

AUTOMATION_NAME = "pei-report: ejecuciones sin latido pasan a Crashed"
HEARTBEAT_SECONDS = 60
"""Heartbeat period of the runs `serve` starts: a killed run shows Crashed about four minutes later."""
FLOWS = ("quarterly_report", "resend_report", "complete_distributions")
"""The project's flows: the automation touches no other flow's runs on a shared server."""
MISSED = 3


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
                    f"La ejecución dejó de dar señales de vida durante {after_seconds} s: su proceso terminó "
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
