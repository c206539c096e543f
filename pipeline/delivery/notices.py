"""The failure notice: the e-mail that tells a planning office its deployment run failed.

It says which entity, which cut, why (the pipeline's Spanish message) and what to do, and goes
to the entity's `distribucion.avisos` (else its report's recipients) through the same SMTP
server, credentials and sender as the report's e-mail (`pipeline.delivery.distribution`).
"""

from __future__ import annotations

from collections.abc import Mapping
from shlex import quote
from dataclasses import dataclass, replace
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from pipeline.delivery.distribution import Sent, build_message, load_credentials, send, sender_address
from pipeline.errors import DistributionError, PipelineError
from pipeline.core.formatting import long_date
from pipeline.core.settings import Distribution

__all__ = ["FailedRun", "NOTICES_FOLDER", "reason", "notice_text", "failure_notice", "send_failure_notice", "claim_notice"]

RESEND = "resend_report"
NOTICES_FOLDER = ".avisos"
"""Under the output folder: one empty file per deployment run whose failure was notified."""


def claim_notice(output_dir: Path, run_id: object) -> bool:
    """Whether this call is the one that notifies run `run_id`'s failure: True the first time
    (it records the run under `output_dir/.avisos/`), False ever after.

    The runner's on_failure/on_crashed hook and serve's watch of runs the server marked Crashed
    (`pipeline.app.crashes.notify_crashed_runs`) may both see the same failure; whichever claims it
    first sends the notice, so the office gets one. The file is created exclusively: two
    processes claiming at once cannot both win.
    """
    folder = Path(output_dir) / NOTICES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(folder / str(run_id), "x", encoding="utf-8"):
            return True
    except FileExistsError:
        return False


@dataclass(frozen=True)
class FailedRun:
    """One entity's failure in a deployment's run, with what the notice needs to say about it.

    `cut` is None when the run had no period and failed before choosing one (each entity's
    latest quarter with data); `scheduled_for` is the Bogotá date of a scheduled run, None for
    one started on demand. `entity` and `acronym` are the entity's name and its plan's sigla as
    its plan says (`model.Plan.acronym`), None when the plan could not be read (the notice then
    names the folder, `slug`).
    """

    slug: str
    cut: str | None
    error: BaseException
    flow: str  # quarterly_report or resend_report
    deployment: str  # flow/deployment, as `prefect deployment run` names it
    input_dir: str
    output_dir: str
    run_name: str
    run_url: str | None = None
    scheduled_for: date | None = None
    entity: str | None = None
    acronym: str | None = None


def reason(error: BaseException) -> str:
    """The error as the planning office reads it: a `PipelineError`'s own Spanish message."""
    if isinstance(error, PipelineError):
        return str(error)
    return f"Falla inesperada: {type(error).__name__}: {error}"


def _what_to_do(run: FailedRun) -> str:
    period = quote(run.cut or "AAAA-TN")
    # Quoted for the shell: a folder name with spaces, quotes or `$(...)` is pasted as it is.
    where = f"--input {quote(run.input_dir)} --output {quote(run.output_dir)} --entity {quote(run.slug)}"
    if run.flow == RESEND or isinstance(run.error, DistributionError):
        return (
            "Qué hacer: los reportes ya publicados no se regeneran. Resuelva lo que indica el motivo "
            "y reenvíelos con el comando\n\n"
            f"    pei-report resend {where} --period {period}\n\n"
            "o desde la interfaz de Prefect: despliegue resend_report/reenviar, «Run» → «Custom run», "
            f"con entity = {run.slug} y period = {period}."
        )
    first = (
        "Qué hacer: corrija lo que indica el motivo (el archivo que nombra, en la carpeta de la entidad)"
        if isinstance(run.error, PipelineError)
        else "Qué hacer: revise el registro de la ejecución (enlace abajo) y, resuelto el problema,"
    )
    period_option = f" --period {quote(run.cut)}" if run.cut else ""
    period_field = f" y period = {run.cut}" if run.cut else ""
    return (
        f"{first} y genere el corte de nuevo con el comando\n\n"
        f"    pei-report run {where}{period_option}\n\n"
        f"o desde la interfaz de Prefect: despliegue {run.deployment}, «Run» → «Custom run», "
        f"con entity = {run.slug}{period_field}."
    )


def notice_text(run: FailedRun) -> tuple[str, str]:
    """(subject, body) of the notice, in Spanish."""
    what = "el reenvío" if run.flow == RESEND else "el reporte"
    who = f"{run.acronym} {run.entity}" if run.entity and run.acronym else f"Carpeta {run.slug}"
    subject = f"{who}: falló {what}" + (f" del corte {run.cut}" if run.cut else "")
    entity = (
        f"{run.entity} (carpeta {run.slug})" if run.entity
        else f"la de la carpeta {run.slug} (su plan no se pudo leer)"
    )
    started = (
        f"programada para el {long_date(run.scheduled_for)}" if run.scheduled_for else "iniciada a pedido"
    )
    cut = run.cut or "sin elegir (el último trimestre con datos de la vigencia)"
    lines = [
        "Cordial saludo:",
        "",
        f"La ejecución «{run.run_name}» del despliegue {run.deployment} ({started}) falló: "
        f"no se completó {what} de esta entidad.",
        "",
        f"Entidad: {entity}",
        f"Corte: {cut}",
        f"Motivo: {reason(run.error)}",
        "",
        _what_to_do(run),
    ]
    if run.run_url:
        lines += ["", f"La ejecución en Prefect: {run.run_url}"]
    lines += ["", "Este mensaje se generó automáticamente."]
    return subject, "\n".join(lines) + "\n"


def failure_notice(distribution: Distribution, sender: str, run: FailedRun) -> EmailMessage:
    """The notice as an e-mail to `distribution.notice_recipients`, built as the report's is."""
    subject, body = notice_text(run)
    # The report's message builder fills its templates from fields: these templates are whole
    # fields, so braces in a path or an error's text stay as they are.
    email = replace(distribution.email, to=distribution.notice_recipients, cc=(), subject="{asunto}", body="{aviso}")
    return build_message(email, sender, {"asunto": subject, "aviso": body}, [])


def send_failure_notice(distribution: Distribution, run: FailedRun, environ: Mapping[str, str] | None = None) -> Sent:
    """Send the notice through the entity's SMTP settings. Raises `DistributionError`."""
    if not distribution.notice_recipients:
        raise DistributionError(
            f"No hay a quién avisar de la falla de {run.slug}: agregue direcciones en "
            "distribucion.avisos (o distribucion.correo.destinatarios) de su configuracion.yaml."
        )
    credentials = load_credentials(distribution.email, environ)
    sender = sender_address(distribution.email, credentials, environ)
    return send(failure_notice(distribution, sender, run), credentials)
