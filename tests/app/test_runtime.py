"""pipeline/app/runtime.py: the command's process settings: Prefect's settings for its runs, its log
files and the garbage collector."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings

from pipeline.app import runtime
from pipeline.app.runtime import GC_THRESHOLDS, tune_gc


class _Server:
    api_url = "http://127.0.0.1:9/api"


@pytest.fixture
def no_heartbeat_env(monkeypatch):
    for name in runtime.HEARTBEAT_SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_a_command_run_has_no_heartbeat_thread_to_wait_for(no_heartbeat_env):
    before = get_current_settings().flows.heartbeat_frequency
    with runtime.run_settings(None):
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before


def test_heartbeats_asked_for_in_the_environment_are_kept(no_heartbeat_env, monkeypatch):
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    with runtime.run_settings(None):
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is not None


def test_the_embedded_server_is_the_api_of_the_run(no_heartbeat_env):
    with runtime.run_settings(_Server()):
        assert PREFECT_API_URL.value() == _Server.api_url


def test_tune_gc_sets_the_thresholds():
    saved = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*saved)


def test_only_the_newest_log_files_of_a_kind_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "KEPT_LOGS", 3)
    folder = tmp_path / ".logs"
    folder.mkdir()
    for n in range(5):
        (folder / f"pei-report-2024010{n}-000000-1.log").write_text("")
    (folder / "prefect-server-20240101-000000-1.log").write_text("")
    new = runtime.log_file(tmp_path)
    assert new.parent == folder and new.name.startswith("pei-report-")
    kept = sorted(p.name for p in folder.iterdir())  # the new one is created at once: a folder that cannot take it fails here
    assert kept == sorted(["pei-report-20240103-000000-1.log", "pei-report-20240104-000000-1.log", new.name,
                           "prefect-server-20240101-000000-1.log"])


def test_routed_logs_write_to_the_file_and_are_undone_when_asked(tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    with runtime.routed_logs(False, tmp_path / "r.log", restore=True):
        logging.getLogger("prueba.runtime").info("una línea del registro")
    assert root.handlers == before
    assert "una línea del registro" in (tmp_path / "r.log").read_text(encoding="utf-8")


def test_the_environment_of_serve_runs(monkeypatch):
    from pipeline.app.crashes import HEARTBEAT_SECONDS
    from pipeline.app.service import serve_environment

    environ: dict[str, str] = {}
    serve_environment(environ, "processes", 2, None)
    assert environ == {
        "PEI_TASK_RUNNER": "processes",
        "PEI_WORKERS": "2",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS),
        "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "true",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # an on-demand run starts within a second (benchmarks/served.py)
    }
    kept = {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "90", "PREFECT_SERVER_ANALYTICS_ENABLED": "true",
            "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "false", "PREFECT_RUNNER_POLL_FREQUENCY": "5"}
    serve_environment(kept)
    assert kept == {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "90", "PREFECT_SERVER_ANALYTICS_ENABLED": "true",
                    "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED": "false", "PREFECT_RUNNER_POLL_FREQUENCY": "5"}


def test_serve_names_its_folders_publication_root_and_auth_string_for_its_runs(tmp_path, monkeypatch):
    from pipeline.app.service import serve_environment, server_environment

    monkeypatch.chdir(tmp_path)
    environ = {"PREFECT_SERVER_API_AUTH_STRING": "planeacion:clave"}
    serve_environment(environ, input_dir=Path("inputs"), output_dir=Path("srv/outputs"))
    assert environ["PEI_SERVE_INPUT"] == str(tmp_path / "inputs") and environ["PEI_SERVE_OUTPUT"] == str(tmp_path / "srv" / "outputs")
    assert environ["PEI_PUBLICATION_ROOT"] == str(tmp_path / "srv")  # fixed now, whatever output a run asks for
    assert environ["PREFECT_API_AUTH_STRING"] == "planeacion:clave"  # what its clients and runs send
    own = {"PEI_PUBLICATION_ROOT": "/srv/publicacion", "PREFECT_SERVER_API_AUTH_STRING": "a:b", "PREFECT_API_AUTH_STRING": "c:d"}
    serve_environment(own, input_dir=Path("inputs"), output_dir=Path("outputs"))
    assert own["PEI_PUBLICATION_ROOT"] == "/srv/publicacion" and own["PREFECT_API_AUTH_STRING"] == "c:d"
    server = server_environment("http://127.0.0.1:4321/api", 4321, {})
    assert server["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"] == "http://127.0.0.1:4321"
    behind_a_proxy = server_environment("http://127.0.0.1:4321/api", 4321, {"PREFECT_UI_API_URL": "https://pei.example/api"})
    assert behind_a_proxy["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"] == "https://pei.example"


def test_log_files_are_named_in_bogota_time_as_the_history_is(tmp_path):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from pipeline.app.runtime import log_file

    name = log_file(tmp_path).name
    stamp = datetime.strptime("-".join(name.split("-")[-3:-1]), "%Y%m%d-%H%M%S")  # pei-report-<date>-<time>-<pid>.log
    bogota = datetime.now(ZoneInfo("America/Bogota")).replace(tzinfo=None)
    assert abs(bogota - stamp) < timedelta(minutes=1), (name, bogota)
