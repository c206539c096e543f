"""A real local Prefect server for `pei-report serve`: start it, wait until it answers, stop it.

The server keeps its database where Prefect's settings say: SQLite under PREFECT_HOME by
default, or PostgreSQL with PREFECT_API_DATABASE_CONNECTION_URL (see the README).
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pipeline import lifeline
from pipeline.errors import PipelineError

__all__ = [
    "ServerError",
    "RUNNERS",
    "QUARTERLY_CRON",
    "free_port",
    "healthy",
    "prefect_server",
    "server_environment",
    "boot_embedded_server",
]

RUNNERS = ("threads", "processes", "dask")
"""The task runners a batch can use (see `flows.task_runner`)."""

QUARTERLY_CRON = "0 6 15 1,4,7,10 *"
"""The quarterly schedule: 06:00 on day 15 of January, April, July and October (Bogotá time)."""


class ServerError(PipelineError):
    """The Prefect server could not be started or reached."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _wait(api_url: str, timeout: float, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(api_url):
            return True
        if process is not None and process.poll() is not None:
            return False
        time.sleep(0.5)
    return False


def _stop(process: subprocess.Popen, wait: bool = True) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the server and the workers it started
    if not wait:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def server_environment(api_url: str, port: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of `prefect server start` on 127.0.0.1:`port`, `environ` otherwise.

    `--port` alone moves the API but not what the UI is told (`/ui-settings`): that comes from
    PREFECT_UI_API_URL, else PREFECT_API_URL, else PREFECT_SERVER_API_HOST and _PORT, so it
    said 4200 and the UI could not reach its API. A PREFECT_UI_API_URL set on purpose (a proxy in
    front of the server) is kept.
    """
    env = dict(environ)
    env.update(PREFECT_SERVER_API_HOST="127.0.0.1", PREFECT_SERVER_API_PORT=str(port))
    env.setdefault("PREFECT_UI_API_URL", api_url)
    return env


@contextmanager
def prefect_server(
    api_url: str | None, port: int, log_file: Path, timeout: float = 120.0, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the API URL of a running Prefect server.

    With `api_url`, that server must answer. Without it, a server already answering on
    127.0.0.1:`port` is used as it is; otherwise `prefect server start` is started there, its
    output going to `log_file` and its environment `env` (default: this process's) with the
    port its UI needs (see `server_environment`), and stopped on leaving, or when this process
    dies, however it dies (see `pipeline.lifeline`).
    """
    if api_url:
        if not _wait(api_url, 15.0):
            raise ServerError(
                f"No responde el servidor de Prefect en {api_url}: revise que esté iniciado y la "
                "dirección (--api-url o PREFECT_API_URL)."
            )
        yield api_url
        return
    url = f"http://127.0.0.1:{port}/api"
    if healthy(url):
        yield url
        return
    prefect = Path(sys.executable).with_name("prefect")
    with open(log_file, "ab") as log:
        process = subprocess.Popen(
            lifeline.command([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=server_environment(url, port, os.environ if env is None else env),
        )
    try:
        if not _wait(url, timeout, process):
            raise ServerError(
                f"El servidor de Prefect no respondió en {url} en {timeout:.0f} s (¿el puerto {port} "
                f"está ocupado? Pruebe --port). Su registro está en {log_file}."
            )
        yield url
    finally:
        _stop(process)


class EmbeddedServer:
    """A temporary Prefect server for one command, started before the report's imports."""

    def __init__(self, port: int):
        import importlib.util

        prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent
        self.api_url = f"http://127.0.0.1:{port}/api"
        # What Prefect's own temporary server (`SubprocessASGIServer`) runs, started by hand so
        # that it boots while this process imports instead of after.
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        # Under a lifeline: the server stops with this process even when it is killed (SIGKILL).
        self.process = subprocess.Popen(
            lifeline.command(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
                 "--log-level", "error", "--lifespan", "on"]
            ),
            env=env, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        # Stopped at exit, and registered before Prefect's log and event workers start, so that
        # their final flush at exit (which runs first: last registered, first run) still finds it.
        atexit.register(self.stop)

    def wait(self, timeout: float = 120.0) -> None:
        if not _wait(self.api_url, timeout, self.process):
            self.stop()
            raise ServerError(
                f"El servidor temporal de Prefect no respondió en {self.api_url} en {timeout:.0f} s. "
                "Pruebe de nuevo, o inicie un servidor con `pei-report serve` y use PREFECT_API_URL."
            )

    def stop(self, wait: bool = True) -> None:
        """Stop the server; without `wait`, only tell it to stop (it then ends on its own)."""
        _stop(self.process, wait)


def boot_embedded_server() -> EmbeddedServer | None:
    """Start the temporary Prefect server now, if this run has no server to talk to.

    With no API URL, Prefect's first flow run starts a temporary server and waits seconds for
    it. Started here, right after `import prefect` and before the report's own heavy imports, it
    boots in its own process meanwhile. After `wait()`, the caller runs its flows with
    `PREFECT_API_URL` set to `server.api_url` in `temporary_settings` (Prefect read its settings
    on import, so the environment is too late); the server stops when the process exits.
    """
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:
        return None
    return EmbeddedServer(free_port())
