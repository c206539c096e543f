"""pipeline/app/crashes.py: the automation that marks a silent run Crashed (a real server runs it in
tests/app/test_service.py)."""

from __future__ import annotations

import pytest

from pipeline.app.crashes import FLOWS, crash_after, crash_automation
from pipeline.app.service import ServerError


def test_a_run_is_crashed_after_three_missed_heartbeats_unless_told():
    assert crash_after(60, {}) == 180
    assert crash_after(30, {"PEI_CRASH_AFTER_SECONDS": "40"}) == 40
    for wrong in ("30", "diez"):
        with pytest.raises(ServerError, match=f"PEI_CRASH_AFTER_SECONDS vale «{wrong}»; se esperaba un número de segundos mayor"):
            crash_after(30, {"PEI_CRASH_AFTER_SECONDS": wrong})


def test_the_automation_is_prefect_s_zombie_run_automation_for_this_project_s_flows_only():
    automation = crash_automation(180)
    trigger = automation.trigger
    assert trigger.posture == "Proactive" and trigger.within.total_seconds() == 180 and trigger.threshold == 1
    assert trigger.after == {"prefect.flow-run.heartbeat"}
    assert {"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed"} <= trigger.expect
    assert trigger.for_each == {"prefect.resource.id"}
    assert trigger.match_related.root == {"prefect.resource.role": "flow", "prefect.resource.name": list(FLOWS)}
    (action,) = automation.actions
    assert action.state.value == "CRASHED" and action.message.startswith("La ejecución dejó de dar señales de vida durante 180 s")
