"""pipeline/runs/run_log.py: a PipelineError shows in a run's log as its text, without a traceback."""

from __future__ import annotations

import logging

import pytest

from pipeline.errors import InputError
from pipeline.runs.run_log import RUN_LOGGERS, PipelineErrorText, hide_pipeline_tracebacks


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def logged():
    logger = logging.getLogger("pei_report.test_run_log")
    lines = _Lines()
    logger.addHandler(lines)
    logger.addFilter(PipelineErrorText())
    logger.propagate = False
    try:
        yield logger, lines.lines
    finally:
        logger.removeHandler(lines)
        logger.filters.clear()


def _log_failure(logger, error: Exception, message: str) -> None:
    try:
        raise error
    except Exception:
        logger.error(message, exc_info=True)


def test_a_pipeline_error_is_its_spanish_text_without_traceback(logged):
    logger, lines = logged
    error = InputError.single("plan.yaml", "«x»", "un número")
    _log_failure(logger, error, f"Task run failed with exception: {error!r}")
    assert lines == [f"Task run failed with exception: {error}"]  # the text, not the dataclass's repr
    _log_failure(logger, error, "Finished in state Failed")
    assert lines[1] == f"Finished in state Failed: {error}"


def test_the_engine_s_last_line_says_the_run_ended_on_the_problem_it_explained(logged):
    """Prefect's «Engine execution exited with unexpected exception» reads like a bug; for a
    problem the run explained, its last line says so in Spanish."""
    logger, lines = logged
    error = InputError.single("plan.yaml", "«x»", "un número")
    _log_failure(logger, error, "Engine execution exited with unexpected exception")
    assert lines == [f"La ejecución terminó fallida por el problema que explicó (no es una falla del programa): {error}"]
    _log_failure(logger, ValueError("boom"), "Engine execution exited with unexpected exception")
    assert lines[1].startswith("Engine execution exited with unexpected exception\nTraceback")  # a real bug stays one


def test_any_other_exception_keeps_its_traceback(logged):
    logger, lines = logged
    _log_failure(logger, ValueError("boom"), "Task run failed")
    assert lines[0].startswith("Task run failed\nTraceback (most recent call last):") and "ValueError: boom" in lines[0]


def test_hiding_is_installed_once_on_prefect_run_loggers():
    hide_pipeline_tracebacks()
    hide_pipeline_tracebacks()
    for name in RUN_LOGGERS:
        assert sum(isinstance(f, PipelineErrorText) for f in logging.getLogger(name).filters) == 1
