"""A failed run: its Spanish message as the run's state, and the notice e-mailed to each failed
entity's planning office."""

from __future__ import annotations

import functools
from pathlib import Path

from prefect.exceptions import MissingResult
from prefect.logging.loggers import flow_run_logger
from prefect.settings import PREFECT_UI_URL
from prefect.states import Failed

from pipeline.core.model import Plan
from pipeline.delivery.notices import FailedRun, claim_notice, reason, send_failure_notice
from pipeline.errors import EntitiesFailed, FolderNotAllowed, InputError, PipelineError
from pipeline.ingest import Entity, find_entities, load_plan, load_settings, select_entities
from pipeline.runs.context import allowed_folders, run_cut, scheduled_day
from pipeline.runs.deployments import DEPLOYMENTS
from pipeline.runs.run_log import hide_pipeline_tracebacks


def failed_entities(run, error: BaseException) -> list[tuple[Entity, BaseException]]:
    """Each entity a failed run did not report, with its own error.

    A batch names its failed entities; any other failure is that of every entity the run was
    for. None when even the entities cannot be read (the input folder is missing, say).
    """
    try:
        # Only an entity inside the service's folders says who is told: a run pointed elsewhere
        # must not e-mail whoever a configuracion.yaml there names.
        input_dir = Path(allowed_folders(run.parameters.get("input_dir", "inputs"), run.parameters.get("output_dir", "outputs"), run)[0])
        entities = find_entities(input_dir)
    except PipelineError:
        return []
    if isinstance(error, EntitiesFailed):
        return [(e, error.failures[e.slug]) for e in entities if e.slug in error.failures]
    try:
        entities = select_entities(entities, run.parameters.get("entity"), input_dir)
    except InputError:
        pass  # an entity that is not there: every entity's office hears of the failed run
    return [(e, error) for e in entities]


def readable_plan(entity: Entity) -> Plan | None:
    """The entity's plan, for the notice to name the entity and its plan; None when the plan is
    what could not be read (the notice then names the folder and gives the plan's error)."""
    try:
        return load_plan(entity.folder)
    except PipelineError:
        return None


def notify_failure(flow, flow_run, state) -> None:
    """on_failure and on_crashed hook: a deployment's failed run e-mails each failed entity's
    planning office (a crashed run's hook runs in the `pei-report serve` process).

    Runs of the command line are left alone (the person at the terminal sees the error). Each
    entity's configuracion.yaml decides who is told (`distribucion.avisos`, else its report's
    recipients) and through which SMTP server. A notice that cannot be sent is logged; the run's
    failure stays what it was.
    """
    if flow_run.deployment_id is None:
        return
    logger = flow_run_logger(flow_run, flow)
    try:
        # A run pointed outside the service's folders tells no one and writes nothing there.
        _, output_dir = allowed_folders(
            flow_run.parameters.get("input_dir", "inputs"), flow_run.parameters.get("output_dir", "outputs"), flow_run
        )
    except FolderNotAllowed as exc:
        logger.warning(f"No se avisó por correo de la falla: {exc}")
        return
    if not claim_notice(Path(output_dir), flow_run.id):
        logger.info("El aviso de la falla de esta ejecución ya se envió: no se repite.")
        return
    try:
        error = state.result(raise_on_failure=False)
    except MissingResult:  # a state the server's automation set (Crashed) carries no result
        error = None
    if not isinstance(error, BaseException):
        error = RuntimeError(state.message or "la ejecución falló")
    failed = failed_entities(flow_run, error)
    if not failed:
        logger.warning(
            f"No se avisó por correo de la falla: no se pudo leer ninguna entidad en "
            f"{flow_run.parameters.get('input_dir')} para saber a quién avisar. Motivo de la falla: {reason(error)}"
        )
        return
    ui = PREFECT_UI_URL.value()
    for entity, entity_error in failed:
        plan = readable_plan(entity)
        run = FailedRun(
            slug=entity.slug,
            cut=run_cut(flow_run),
            error=entity_error,
            flow=flow.name,
            deployment=f"{flow.name}/{DEPLOYMENTS.get(flow.name, flow.name)}",
            input_dir=str(flow_run.parameters.get("input_dir", "inputs")),
            output_dir=str(flow_run.parameters.get("output_dir", "outputs")),
            run_name=flow_run.name,
            run_url=f"{ui.rstrip('/')}/runs/flow-run/{flow_run.id}" if ui else None,
            scheduled_for=scheduled_day(flow_run),
            entity=plan.entity if plan else None,
            acronym=plan.acronym if plan else None,
        )
        try:
            sent = send_failure_notice(load_settings(entity.folder).distribution, run)
        except PipelineError as exc:  # its configuracion.yaml, no one to tell, or the SMTP server
            logger.error(
                f"No se pudo enviar el aviso de la falla de {entity.slug}: {exc} "
                f"La ejecución sigue fallida por: {reason(entity_error)}"
            )
        else:
            logger.info(f"Aviso de la falla de {entity.slug} enviado a {', '.join(sent.to)}")


def fails_with_its_message(body):
    """A flow body whose `PipelineError` ends its run Failed with the error's Spanish text.

    Raised, the error would end the run with Prefect's "Flow run encountered an exception:
    PeriodError: ..." and its traceback in the run's log. Returned as a Failed state, the state's
    message is the text the planning office reads in the UI, and the error is the state's data:
    a direct call of the flow (the command line) still raises it, so exit codes keep working.
    Any other exception is Prefect's to report, traceback included. The run's log shows a
    `PipelineError` without its traceback too (`hide_pipeline_tracebacks`).
    """

    @functools.wraps(body)
    def run(*args, **kwargs):
        hide_pipeline_tracebacks()
        try:
            return body(*args, **kwargs)
        except PipelineError as exc:
            return Failed(message=str(exc), data=exc)

    return run
