"""What a run's log in Prefect shows of the pipeline's own errors: their text, no traceback.

Prefect logs a failing task run, and a deployment's engine the flow run it re-raises, with the
exception's traceback, on the loggers whose lines go to the run's log in the UI. A
`PipelineError` is an expected outcome (a wrong file, a period outside the plan, an e-mail server
down) whose Spanish message says where the problem is and what to do: a traceback there only
buries it. Any other exception keeps its traceback, which is what a programmer needs.
"""

from __future__ import annotations

import logging

from pipeline.errors import PipelineError

__all__ = ["RUN_LOGGERS", "ENGINE_EXIT", "EXPLAINED_END", "PipelineErrorText", "hide_pipeline_tracebacks"]

RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
"""Prefect's loggers of flow and task runs (what the UI shows of a run)."""


ENGINE_EXIT = "Engine execution exited with unexpected exception"
"""How Prefect's engine ends a deployment run's log when the flow raised (see `prefect.flow_engine`)."""

EXPLAINED_END = "La ejecución terminó fallida por el problema que explicó (no es una falla del programa)"


class PipelineErrorText(logging.Filter):
    """Log a `PipelineError` as its Spanish text in the line (instead of its repr), no traceback;
    the engine's last line («Engine execution exited with unexpected exception», which reads like
    a bug) says instead that the run ended on the problem it explained (`EXPLAINED_END`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PipelineError):
            line, text = record.getMessage(), str(error)
            if line.startswith(ENGINE_EXIT):  # the run's last line: not a bug, the problem it explained
                line = f"{EXPLAINED_END}: {text}"
            elif repr(error) in line:  # "Task run failed with exception: InputError(file=...)"
                line = line.replace(repr(error), text)
            elif text not in line:  # "Finished in state Failed"
                line = f"{line}: {text}"
            record.msg, record.args = line, None
            record.exc_info, record.exc_text = None, None
        return True


def hide_pipeline_tracebacks() -> None:
    """Filter Prefect's run loggers in this process with `PipelineErrorText` (idempotent).

    Called where runs happen (a flow, and each entity's task, which may run in a worker
    process of its own) rather than on import.
    """
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PipelineErrorText) for f in logger.filters):
            logger.addFilter(PipelineErrorText())
