"""The command's process settings: Prefect's settings for its runs and the garbage collector."""

from __future__ import annotations

import gc

import pytest
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings

from pipeline import cli
from pipeline.runtime import GC_THRESHOLDS, tune_gc


class _Server:
    api_url = "http://127.0.0.1:9/api"


@pytest.fixture
def no_heartbeat_env(monkeypatch):
    for name in cli.HEARTBEAT_SETTINGS:
        monkeypatch.delenv(name, raising=False)


def test_a_command_run_has_no_heartbeat_thread_to_wait_for(no_heartbeat_env):
    before = get_current_settings().flows.heartbeat_frequency
    with cli._run_settings(None):
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before


def test_heartbeats_asked_for_in_the_environment_are_kept(no_heartbeat_env, monkeypatch):
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    with cli._run_settings(None):
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is not None


def test_the_embedded_server_is_the_api_of_the_run(no_heartbeat_env):
    with cli._run_settings(_Server()):
        assert PREFECT_API_URL.value() == _Server.api_url


def test_tune_gc_sets_the_thresholds():
    saved = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*saved)
