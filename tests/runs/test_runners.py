"""pipeline/runs/runners.py: the task runner a batch runs its entities on, chosen by argument or
environment."""

from __future__ import annotations

import pytest

import flows


def test_task_runner_by_argument_or_environment(monkeypatch):
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    for name in ("PEI_TASK_RUNNER", "PEI_WORKERS", "PEI_DASK_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(flows.task_runner(), ThreadPoolTaskRunner)
    pool = flows.task_runner("processes", 3)
    assert isinstance(pool, ProcessPoolTaskRunner) and pool._max_workers == 3
    assert isinstance(flows.task_runner(dask_address="tcp://127.0.0.1:8786"), DaskTaskRunner)
    monkeypatch.setenv("PEI_TASK_RUNNER", "processes")
    monkeypatch.setenv("PEI_WORKERS", "2")
    from_env = flows.task_runner()
    assert isinstance(from_env, ProcessPoolTaskRunner) and from_env._max_workers == 2
    with pytest.raises(ValueError, match="unknown task runner 'gpu'"):
        flows.task_runner("gpu")
