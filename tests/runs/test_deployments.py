"""pipeline/runs/deployments.py: the deployments' names and their quarterly schedule, readable by
the command line before it sets Prefect's environment (so without importing Prefect)."""

from __future__ import annotations

import subprocess
import sys

from pipeline.runs.deployments import DEPLOYMENTS, QUARTERLY_CRON
from tests.conftest import ROOT


def test_the_schedule_is_06_00_on_the_15th_of_each_quarter_s_first_month():
    minute, hour, day, months, weekday = QUARTERLY_CRON.split()
    assert (minute, hour, day, weekday) == ("0", "6", "15", "*")
    assert [int(m) for m in months.split(",")] == [1, 4, 7, 10]  # the month after each quarter closes


def test_each_deployment_is_named_for_a_flow_that_exists():
    import flows

    assert DEPLOYMENTS == {"quarterly_report": "trimestral", "resend_report": "reenviar"}
    assert {getattr(flows, name).name for name in DEPLOYMENTS} == set(DEPLOYMENTS)


def test_reading_the_names_imports_no_prefect():
    code = "import sys, pipeline.runs.deployments; print('prefect' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"
