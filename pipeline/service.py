"""A real local Prefect server for `pei-report serve`: start it, wait until it answers, stop it.

The server keeps its database where Prefect's settings say: SQLite under PREFECT_HOME by
default, or PostgreSQL with PREFECT_API_DATABASE_CONNECTION_URL (see the README).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PipelineError

__all__ = ["ServerError", "healthy", "prefect_server", "boot_embedded_server"]


class ServerError(PipelineError):
    """The Prefect server could not be started or reached."""


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


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the server and the workers it started
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def prefect_server(api_url: str | None, port: int, log_file: Path, timeout: float = 120.0) -> Iterator[str]:
    """Yield the API URL of a running Prefect server.

    With `api_url`, that server must answer. Without it, a server already answering on
    127.0.0.1:`port` is used as it is; otherwise `prefect server start` is started there, its
    output going to `log_file`, and stopped on leaving.
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
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
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


def boot_embedded_server() -> threading.Thread | None:
    """Start Prefect's temporary server in the background, if the run will need one.

    With no API URL, the first flow run starts a temporary server and waits several seconds for
    it. Started here, before the report's own heavy imports, it boots in its subprocess while
    this process imports. Join the thread before the first flow run: Prefect's
    `SubprocessASGIServer` is one per process, and the run then finds it up.
    """
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:
        return None

    def boot() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        try:
            SubprocessASGIServer().start()
        except Exception:  # the flow run will start it (and report any error) itself
            pass

    thread = threading.Thread(target=boot, name="prefect-embedded-server", daemon=True)
    thread.start()
    return thread
