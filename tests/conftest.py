"""Shared fixtures. Prefect is pointed at a temporary home before anything imports it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Prefect reads its settings on import: keep its SQLite and logs out of the user's ~/.prefect.
_PREFECT_HOME = tempfile.mkdtemp(prefix="pei-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pytest  # noqa: E402

from pipeline.ingest import load_plan, load_settings  # noqa: E402
from tests.browser import AXE_JS, INSTALL, Chromium, find_chromium  # noqa: E402
from pipeline.core.model import Annualization, Indicator, Plan, TargetReading, Unit  # noqa: E402
from pipeline.core.settings import TrafficLightBands  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "inputs" / "secretaria-general"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (never nested)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


class Inbox:
    """An aiosmtpd handler that keeps every message it receives (envelope and parsed e-mail)."""

    def __init__(self) -> None:
        self.received: list[tuple[object, object]] = []
        self.delay = 0.0  # seconds to take before accepting, like a slow server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio
        from email import message_from_bytes, policy

        await asyncio.sleep(self.delay)
        self.received.append((envelope, message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 Message accepted for delivery"


class Refusing:
    """An aiosmtpd handler that answers `reply` at one step (MAIL, RCPT or DATA), and counts
    how many times that step was reached."""

    def __init__(self, step: str, reply: str):
        self.step, self.reply, self.reached = step, reply, 0

    def _answer(self, step: str) -> str | None:
        if step != self.step:
            return None
        self.reached += 1
        return self.reply

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if (answer := self._answer("MAIL")) is not None:
            return answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if (answer := self._answer("RCPT")) is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return self._answer("DATA") or "250 Message accepted for delivery"


from pipeline.app.service import free_port  # noqa: E402  (re-exported for the tests)


@pytest.fixture
def smtp_server(monkeypatch) -> Iterator[Inbox]:
    """A real SMTP server on loopback, and PEI_SMTP_* pointing at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("PEI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PEI_SMTP_PORT", str(port))
    monkeypatch.setenv("PEI_SMTP_TYPE", "INSECURE")
    monkeypatch.setenv("PEI_SMTP_FROM", "pei@sg.gov.co")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(monkeypatch) -> int:
    """PEI_SMTP_* pointing at a loopback port where nothing listens."""
    port = free_port()
    monkeypatch.setenv("PEI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PEI_SMTP_PORT", str(port))
    monkeypatch.setenv("PEI_SMTP_TYPE", "INSECURE")
    monkeypatch.setenv("PEI_SMTP_FROM", "pei@sg.gov.co")
    return port


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The chromium on PATH; the test is skipped only where there is none."""
    executable = find_chromium()
    if executable is None:
        pytest.skip(f"chromium is not installed here ({INSTALL} installs it)")
    return executable


@pytest.fixture(scope="session")
def chromium(chromium_executable) -> Iterator[Chromium]:
    """One headless chromium with axe-core for the whole session. A browser that is installed but
    does not start, or axe-core missing, is an error, not a skip."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({AXE_JS.relative_to(ROOT)}): run {INSTALL}")
    with Chromium(chromium_executable) as browser:
        yield browser


@pytest.fixture(scope="session")
def axe_violations(chromium) -> Callable[[Path], list[dict]]:
    """`axe_violations(html_path)`: the WCAG 2.1 A and AA violations axe-core finds on that page,
    opened from disk in the session's chromium (`tests.browser.describe` makes them readable)."""
    return chromium.axe_violations


@pytest.fixture(scope="session")
def default_bands() -> TrafficLightBands:
    return load_settings().bands


@pytest.fixture(scope="session")
def sample_plan() -> Plan:
    return load_plan(SAMPLE)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample entity folder."""
    target = tmp_path / "secretaria-general"
    shutil.copytree(SAMPLE, target)
    return target


def make_indicator(
    annualization: str = "suma",
    *,
    year_target: float = 10,
    plan_target: float = 100,
    baseline: float | None = None,
    quarterly_targets: tuple[float, float, float, float] | dict[int, tuple] | None = None,
    unit: str = "numero",
    id: str = "X-1",
    annual_targets: dict[int, float] | None = None,
    targets_as: str = "incremento",
    responsible: str | None = None,
    vigencia: int = 2024,
) -> Indicator:
    """An indicator made in code; one tuple of quarterly targets is the vigencia's profile."""
    if isinstance(quarterly_targets, tuple):
        quarterly_targets = {vigencia: quarterly_targets}
    return Indicator(
        id=id,
        label=f"Indicador {id}",
        name=f"Nombre de {id}",
        annualization=Annualization(annualization),
        unit=Unit(unit),
        baseline=baseline,
        plan_target=plan_target,
        year_target=year_target,
        quarterly_targets=quarterly_targets or {},
        annual_targets=annual_targets or {},
        targets_as=TargetReading(targets_as),
        responsible=responsible,
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
