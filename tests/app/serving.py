"""`pei-report serve` started for a test as a user starts it, and the helpers that talk to it.

`serving` is the one block that starts the command (its own server on a free port, the test's
environment), waits for the API and the quarterly deployment, and stops it with Ctrl+C at the
end; tests/app/test_service.py and tests/app/test_approval_served.py build their fixtures on it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from pipeline.app.service import healthy
from tests.conftest import free_port

PEI_REPORT = str(Path(sys.executable).with_name("pei-report"))


def _wait(predicate, timeout: float, what: str, process: subprocess.Popen | None = None, who: str = "pei-report serve"):
    """`predicate()`'s first truthy value, polled every second; an error if `process` (`who`) ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except httpx.TimeoutException:
            # A server on a busy 2-core machine (SQLite, runs writing) may answer one poll late:
            # the poll is retried until the deadline rather than failing the test on it.
            value = None
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{who} ended while waiting for {what}")
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def _interrupt(process: subprocess.Popen) -> None:
    """Ctrl+C to the command's process group, as a user stops `pei-report serve`; killed after 30 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _api_client(base_url: str, auth: tuple[str, str] | None = None) -> httpx.Client:
    """A client of the served API that talks to it as Prefect's own clients do: with the auth
    string, if any, and a CSRF token (serve turns CSRF protection on)."""
    client = httpx.Client(base_url=base_url, timeout=30, auth=auth)
    client_id = str(uuid.uuid4())
    token = client.get("/csrf-token", params={"client": client_id})
    token.raise_for_status()
    client.headers.update({"Prefect-Csrf-Token": token.json()["token"], "Prefect-Csrf-Client": client_id})
    return client


@contextmanager
def serving(
    root: Path, inputs: Path, env: dict[str, str], auth: tuple[str, str] | None = None
) -> Iterator[tuple[httpx.Client, dict]]:
    """`pei-report serve --input inputs --output root/outputs` on a free port, in `root`, with
    `env`, its output in root/serve.log: yields a client of its API (sending `auth`, if given)
    and the quarterly deployment once serve registered it; interrupted (Ctrl+C) on leaving."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/api"
    log = open(root / "serve.log", "wb")
    process = subprocess.Popen(
        [PEI_REPORT, "serve", "--input", str(inputs), "--output", str(root / "outputs"), "--port", str(port)],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    api = None
    try:
        _wait(lambda: healthy(base), 120, "the server", process)
        api = _api_client(base, auth=auth)
        # serve's own client registered the deployments (with the auth string, when there is one)
        deployment = _wait(
            lambda: (r := api.get("/deployments/name/quarterly_report/trimestral")).status_code == 200 and r.json(),
            60, "the deployment", process,
        )
        yield api, deployment
    finally:
        _interrupt(process)
        log.close()
        if api is not None:
            api.close()
