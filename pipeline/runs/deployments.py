"""The deployments' names and their schedule, as `pei-report serve` serves them.

No Prefect import here: the command line reads these before it sets Prefect's environment.
"""

from __future__ import annotations

QUARTERLY_CRON = "0 6 15 1,4,7,10 *"
"""The quarterly schedule: 06:00 on day 15 of January, April, July and October (Bogotá time)."""

DEPLOYMENTS = {"quarterly_report": "trimestral", "resend_report": "reenviar"}
"""The deployment of each flow that `flows.deployments()` serves."""
