"""The Prefect servers a command uses, and the start-up of `pei-report serve`.

A real local Prefect server for `pei-report serve`: start it, wait until it answers, stop it
(`prefect_server`, `serving`); the environment its runs inherit (`serve_environment`); the
automation that marks a silent run Crashed (`watch_for_crashes`); and serving the deployments.
`pei-report run` boots a temporary one instead (`boot_embedded_server`, see `pipeline.app.runtime`).

The server keeps its database where Prefect's settings say: SQLite under PREFECT_HOME by
default, or PostgreSQL with PREFECT_SERVER_DATABASE_CONNECTION_URL (docs/ti/postgresql.md, deploy/).
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
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from pipeline.app import lifeline
from pipeline.errors import ServerError
from pipeline.runs.deployments import QUARTERLY_CRON
from pipeline.runs.runners import RUNNERS

__all__ = [
    "HEARTBEAT_SETTINGS",
    "prefect_environment",
    "ServerError",
    "RUNNERS",
    "QUARTERLY_CRON",
    "free_port",
    "healthy",
    "prefect_server",
    "server_environment",
    "origin",
    "boot_embedded_server",
    "serve_environment",
    "serving",
    "watch_for_crashes",
    "serve_deployments",
]

HEARTBEAT_SETTINGS = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


def prefect_environment(environ: MutableMapping[str, str] | None = None) -> None:
    """Set before Prefect is imported: no telemetry calls from a machine without network, and
    the server's auth string (PREFECT_SERVER_API_AUTH_STRING), when set, is what this process's
    Prefect clients send (PREFECT_API_AUTH_STRING), unless that is set apart."""
    environ = os.environ if environ is None else environ
    environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    server_auth = environ.get("PREFECT_SERVER_API_AUTH_STRING")
    if server_auth and not environ.get("PREFECT_API_AUTH_STRING"):
        environ["PREFECT_API_AUTH_STRING"] = server_auth


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
    # Prefect answers any origin (`*`) by default: a page on any site the user visits could
    # then drive the API from the user's browser. Only the UI's own origin may.
    env.setdefault(CORS_SETTING, origin(env["PREFECT_UI_API_URL"]))
    return env


CORS_SETTING = "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"
CSRF_SETTING = "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED"
SERVER_AUTH_SETTING = "PREFECT_SERVER_API_AUTH_STRING"
CLIENT_AUTH_SETTING = "PREFECT_API_AUTH_STRING"
POLL_SETTING, POLL_SECONDS = "PREFECT_RUNNER_POLL_FREQUENCY", "1"


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL: what a browser sends as its Origin."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def prefect_server(
    api_url: str | None, port: int, log_file: Path, timeout: float = 120.0, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the API URL of a running Prefect server.

    With `api_url`, that server must answer. Without it, a server already answering on
    127.0.0.1:`port` is used as it is; otherwise `prefect server start` is started there, its
    output going to `log_file` and its environment `env` (default: this process's) with the
    port its UI needs (see `server_environment`), and stopped on leaving, or when this process
    dies, however it dies (see `pipeline.app.lifeline`).
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


def serve_environment(
    environ: MutableMapping[str, str],
    task_runner: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    input_dir: Path | None = None,
    output_dir: Path | None = None,
) -> None:
    """The environment `pei-report serve` sets before Prefect is imported, which its runs inherit.

    The runs start in processes of their own and build their task runner from PEI_TASK_RUNNER,
    PEI_WORKERS and PEI_DASK_ADDRESS (set here from the command's options, when given); they send
    heartbeats every `crashes.HEARTBEAT_SECONDS` unless the environment sets a period. The
    runner looks for runs to start every POLL_SECONDS (PREFECT_RUNNER_POLL_FREQUENCY, unless set).
    A deployment's run uses only folders inside `input_dir` and `output_dir`
    (`pipeline.runs.folders`), and publishes where the service's output folder says (beside it,
    unless PEI_PUBLICATION_ROOT is set), whatever output folder the run is given. The server it
    starts checks a CSRF token on every change (Prefect's clients send one), and asks for the
    auth string when PREFECT_SERVER_API_AUTH_STRING is set, which the service's own clients and
    runs then send (PREFECT_API_AUTH_STRING, unless set apart).
    """
    from pipeline.app.crashes import HEARTBEAT_SECONDS
    from pipeline.core.settings import PUBLICATION_ROOT_ENV
    from pipeline.runs.folders import served_roots_environment

    if input_dir is not None and output_dir is not None:
        roots = served_roots_environment(environ, input_dir, output_dir)
        if not environ.get(PUBLICATION_ROOT_ENV, "").strip():
            environ[PUBLICATION_ROOT_ENV] = str(roots.output.parent)
    environ.setdefault(CSRF_SETTING, "true")
    # The runner asks the server for runs to start every second instead of Prefect's 10 s: a run
    # asked for in the UI starts within a second (benchmarks/served.py), for one light query a second.
    environ.setdefault(POLL_SETTING, POLL_SECONDS)
    for name, value in (("PEI_TASK_RUNNER", task_runner), ("PEI_WORKERS", workers), ("PEI_DASK_ADDRESS", dask_address)):
        if value is not None:
            environ[name] = str(value)
    prefect_environment(environ)
    if not any(environ.get(name) for name in HEARTBEAT_SETTINGS):
        environ["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = str(HEARTBEAT_SECONDS)


@contextmanager
def serving(api_url: str | None, port: int, log_file: Path) -> Iterator[str]:
    """`prefect_server`, with PREFECT_API_URL set to its URL for this process (before Prefect
    is imported) and the runs it starts."""
    with prefect_server(api_url, port, log_file) as url:
        os.environ["PREFECT_API_URL"] = url
        yield url


def watch_for_crashes() -> tuple[int, str] | None:
    """Make sure the server has the automation that marks a silent run Crashed
    (`pipeline.app.crashes`): (seconds without a heartbeat, what was done to the automation), or None
    when runs send no heartbeats (PREFECT_FLOWS_HEARTBEAT_FREQUENCY empty)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    from pipeline.app.crashes import crash_after, crash_automation, ensure_crash_automation

    heartbeat = get_current_settings().flows.heartbeat_frequency
    if heartbeat is None:
        return None
    after = crash_after(heartbeat, os.environ)
    with get_client(sync_client=True) as client:
        done = ensure_crash_automation(client, crash_automation(after))
    return after, done


def serve_deployments(flows, input_dir: Path, output_dir: Path, cron: str) -> None:
    """Serve the flows' deployments (`flows.deployments`) until interrupted: Ctrl+C, or SIGTERM
    (`systemctl stop`), both pausing the deployments on the way out, as `prefect.serve` does.
    Each run is a process of its own, forked from one that already imported the report
    (`pipeline.app.warm_runs`).

    Prefect's own `serve` handles SIGTERM by calling the runner's `stop()` inside its running event
    loop, where that returns a coroutine nobody awaits («coroutine 'Runner.astop' was never
    awaited» on every stop). Here SIGTERM ends the runner as Ctrl+C does instead.
    """
    import asyncio

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    class QuietRunner(Runner):
        def handle_sigterm(self, *args, **kwargs) -> None:
            self._logger.info("SIGTERM recibido: deteniendo el servicio.")
            raise TerminationSignal(signal.SIGTERM)

    from pipeline.app import warm_runs

    warm = warm_runs.start()  # each run forked from a process that already imported the report
    runner = QuietRunner(pause_on_shutdown=True)
    for deployment in flows.deployments(input_dir, output_dir, cron=cron):
        deployment_id = runner.add_deployment(deployment)
        if warm:
            # With its flow known (as `Runner.add_flow` does), the runner starts a run by forking it
            # (`run_flow_in_subprocess`, warm) instead of a cold `python -m prefect.engine` that
            # imports everything again before the first step.
            runner._deployment_registry.register_flow(deployment_id, getattr(flows, deployment.flow_name))
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass
