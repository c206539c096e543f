"""Approval before publishing, as steps of a run: write a draft and ask the approvers, check a
decision before the cut is rebuilt, record a rejection (docs/contract.md). The rules and messages
are `pipeline.core.approval` and `pipeline.delivery.approval`'s; these load, call and return."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from prefect import task
from prefect.context import FlowRunContext
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from prefect.settings import PREFECT_API_URL
from pydantic import Field
from prefect.cache_policies import NO_CACHE

from pipeline.core.approval import EXPIRED, Decision, deadline, input_digests
from pipeline.core.periods import Cut, parse_period
from pipeline.core.command import suggest
from pipeline.delivery.approval import (
    approvers_message, check_decidable, check_inputs, decided_record, draft_folder, draft_record, pending_draft,
    read_manifest, rejection_message, waiting_text,
)
from pipeline.delivery.distribution import Names, load_credentials, send, sender_address, template_fields
from pipeline.delivery.publish import cut_folder, cut_lock, input_record, update_manifest
from pipeline.errors import ApprovalError, ApprovalExpired
from pipeline.ingest import Entity, load_plan, load_settings
from pipeline.outputs.artifacts import Artifact
from pipeline.report.document import ReportStatus
from pipeline.runs.batch import EntityReport
from pipeline.runs.progress import announce_step, now, warn_text

__all__ = [
    "report_status", "approval_fields", "write_draft", "reject_cut", "make_decision", "ApprovalForm", "decide_drafts",
    "pause_key",
]


def make_decision(
    decision: str, name: str, acta: str | None = None, role: str | None = None, notes: str | None = None,
    when: str | None = None,
) -> Decision:
    """A decision from a flow's parameters (the command line's options or the form's fields), or
    `ApprovalError` saying what is missing."""
    verb = (decision or "").strip().casefold()
    if verb not in ("aprobar", "rechazar"):
        raise ApprovalError(f"La decisión «{decision}» no es válida: se esperaba aprobar o rechazar.")
    if not (name or "").strip():
        raise ApprovalError("Falta el nombre de quien decide (--nombre): se registra en el manifest y en el reporte.")
    if verb == "aprobar" and not (acta or "").strip():
        raise ApprovalError(
            "Falta el acta del comité que aprueba (--acta «04 de 2024»): la aprobación queda en el reporte y en el manifest."
        )
    if verb == "rechazar" and not (notes or "").strip():
        raise ApprovalError("Falta el motivo del rechazo (--motivo «…»): se envía a la oficina de planeación.")
    try:
        day = date.fromisoformat(when) if when else now().date()
    except ValueError:
        raise ApprovalError(f"La fecha «{when}» no es válida: se esperaba año-mes-día, como 2024-10-08.") from None
    clean = lambda text: " ".join(text.split()) if text and text.strip() else None  # noqa: E731
    return Decision(verb == "aprobar", clean(name), day, clean(acta), clean(role), (notes or "").strip() or None)


def report_status(required: bool, decision: Decision | None) -> ReportStatus:
    """What the outputs say of the approval: a draft's watermark, an approval's line, or nothing."""
    if decision is not None:
        return ReportStatus.approved(decision)
    return ReportStatus.draft() if required else ReportStatus()


def approval_fields(entity: Entity, cut: Cut, target: Path, decision: Decision, sources) -> dict[str, Any]:
    """The published manifest's `estado` and `aprobacion` for an approval, after checking that the
    cut has a pending draft whose inputs are the ones read now (`ApprovalError` otherwise)."""
    draft = check_decidable(target, entity.slug, cut, decision, now().date())
    inputs = check_inputs(draft, _input_records(sources), entity.slug, cut)
    return decided_record(draft, decision, inputs)


def _input_records(sources) -> list[dict[str, object]]:
    return [input_record(s.path, s.size, s.sha256, Path.cwd()) for s in sources]


@task(name="Enviar el borrador a los aprobadores", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def send_to_approvers(email, message) -> dict[str, Any]:
    credentials = load_credentials(email)
    message.replace_header("From", sender_address(email, credentials))
    sent = send(message, credentials)
    return {"status": "sent", "to": sent.to, "at": now().isoformat(timespec="seconds")}


def write_draft(step, publish_outputs, entity: Entity, inputs, artifacts: list[Artifact], output_dir: Path,
                comparable: dict[str, Any], stale: tuple[str, ...], distribute: bool = True) -> EntityReport:
    """Publish the cut's outputs as its draft (`<cut>/.borrador/`, never distributed) and e-mail
    the approvers the draft PDF with the commands that decide it (not with `--no-distribute`:
    then nothing is e-mailed and the office is told how to tell them)."""
    plan, settings, cut = inputs.plan, inputs.settings, inputs.cut
    target = cut_folder(output_dir, entity.slug, cut)
    folder = draft_folder(target)
    record = draft_record(settings.approval, now())
    with cut_lock(target):
        announce_step(entity, f"Escribiendo el borrador en {folder}: no se publica ni se distribuye hasta su aprobación")
        publication = step(publish_outputs)(
            entity, plan, cut, list(inputs.sources), artifacts, output_dir, {"status": "draft"}, inputs.warnings,
            settings.history, comparable, record, folder,
        )
        notice = (_ask_approvers(entity, plan, cut, settings, folder, artifacts, output_dir) if distribute
                  else _approvers_not_asked(entity, cut, settings, folder, output_dir))
        update_manifest(folder, aprobacion={**record["aprobacion"], "aviso": notice})
    announce_step(entity, waiting_text(entity.slug, cut, target))
    warnings = () if notice.get("status") == "sent" else (notice["error"],)
    return EntityReport(
        slug=entity.slug, entity=plan.entity, period=str(cut), folder=folder, files=publication.files,
        distribution={"status": "draft"}, warnings=warnings, stale=stale, draft=True,
    )


def _approvers_not_asked(entity: Entity, cut: Cut, settings, folder: Path, output_dir: Path) -> dict[str, Any]:
    """`--no-distribute`: the draft is written, no one is e-mailed, and the office is told how to ask."""
    text = (
        f"No se avisó a los aprobadores (--no-distribute): el borrador quedó en {folder}. Envíe a "
        f"{', '.join(settings.approval.approvers) or 'los aprobadores'} el PDF del borrador y el comando para aprobarlo: "
        + _approve_command(entity, cut, output_dir)
    )
    warn_text(entity, text)
    return {"status": "not_sent", "error": text}


def _approve_command(entity: Entity, cut: Cut, output_dir: Path) -> str:
    return suggest(f'aprobar --input "{entity.folder}" --output "{output_dir}" --period {cut} --nombre "…" --acta "…"')


def _ask_approvers(entity: Entity, plan: Names, cut: Cut, settings, folder: Path, artifacts, output_dir: Path) -> dict[str, Any]:
    """E-mail the approvers; a failure is recorded and told, and leaves the draft as written."""
    approval = settings.approval
    pdf = next(a for a in artifacts if a.name.endswith(".pdf"))
    message = approvers_message(
        "pei-report", approval, template_fields(plan, entity.slug, cut), entity.folder, output_dir,
        deadline(now(), approval.days), (pdf.name, pdf.content),
    )
    state = send_to_approvers(settings.distribution.email, message, return_state=True)
    if state.is_completed():
        return state.result()
    error = state.result(raise_on_failure=False)
    text = approvers_not_told(folder, approval.approvers, error, _approve_command(entity, cut, output_dir))
    warn_text(entity, text)
    return {"status": "failed", "error": text}


def approvers_not_told(folder: Path, approvers, error: object, command: str | None = None) -> str:
    """What the office is told when the draft could not be e-mailed to the approvers; `command` is
    the runnable `aprobar` they need (core.command.suggest)."""
    how = f"el comando para aprobarlo: {command}" if command else "el comando pei-report aprobar."
    return (
        f"El borrador quedó en {folder}, pero no se pudo enviar a los aprobadores ({', '.join(approvers)}): "
        f"{str(error).rstrip('.')}. Envíeles el PDF del borrador y {how}"
    )


@task(name="Registrar el rechazo del borrador", cache_policy=NO_CACHE)
def reject_cut(entity: Entity, output_dir: Path, cut: Cut, decision: Decision, settings, names: Names) -> EntityReport:
    """Mark the pending draft rejected (nothing is published) and e-mail the office the observations."""
    target = cut_folder(output_dir, entity.slug, cut)
    folder = draft_folder(target)
    with cut_lock(target):
        draft = pending_draft(target, entity.slug, cut, approve=False)
        update_manifest(folder, **decided_record(draft, decision, input_digests(draft.get("inputs") or [])))
    announce_step(entity, f"El borrador del corte {cut} quedó rechazado: no se publicó nada; sigue en {folder}")
    warnings: tuple[str, ...] = ()
    office = settings.distribution.notice_recipients
    if not office:
        warnings = ("No hay a quién avisar del rechazo: configure distribucion.avisos o distribucion.correo.destinatarios.",)
    else:
        message = rejection_message("pei-report", office, template_fields(names, entity.slug, cut), decision, target)
        state = send_to_approvers(settings.distribution.email, message, return_state=True)
        if not state.is_completed():
            warnings = (f"No se pudo avisar del rechazo a {', '.join(office)}: {state.result(raise_on_failure=False)}",)
    for text in warnings:
        warn_text(entity, text)
    return EntityReport(slug=entity.slug, entity=names.entity, period=str(cut), folder=folder,
                        distribution={"status": "rejected"}, warnings=warnings, decision=decision.state)


# --- under `pei-report serve`: the deployment's run waits for the committee ----------------------


class ApprovalForm(RunInput):
    """The form the Prefect UI shows on a run paused for approval (its descriptions are the labels)."""

    decision: Literal["aprobar", "rechazar"] = Field(
        description="Decisión del comité: aprobar (se publica y se distribuye) o rechazar (no se publica nada)")
    nombre: str = Field(description="Nombre de quien decide por el comité")
    cargo: str | None = Field(default=None, description="Cargo de quien decide")
    acta: str | None = Field(default=None, description="Acta del comité, por ejemplo «04 de 2024» (obligatoria para aprobar)")
    fecha: date | None = Field(default=None, description="Fecha de la decisión (vacía: hoy)")
    observaciones: str | None = Field(default=None, description="Observaciones del comité (el motivo, si se rechaza)")


def pause_key(slug: str, cut: object) -> str:
    """The pause's key: the run's inputs are then `paused-<key>-schema` and `paused-<key>-response`."""
    return f"{slug}-{cut}".lower()


def decide_drafts(reports: list[EntityReport], entities, output_dir: Path, approve) -> list[EntityReport]:
    """In a deployment's run, wait for the committee's decision on every draft the run wrote and
    act on it: `approve(entity, output_dir, period, decision=…)` publishes, a rejection records it.
    Outside a deployment (`pei-report run`) the drafts wait on disk for `pei-report aprobar`."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None or context.flow_run.deployment_id is None:
        return reports
    by_slug = {e.slug: e for e in entities}
    return [
        _wait_for_decision(r, by_slug[r.slug], output_dir, str(context.flow_run.id), approve) if r.draft else r
        for r in reports
    ]


def _wait_for_decision(report: EntityReport, entity: Entity, output_dir: Path, run_id: str, approve) -> EntityReport:
    cut = parse_period(report.period)
    settings = load_settings(entity.folder)
    target = cut_folder(output_dir, entity.slug, cut)
    draft = read_manifest(draft_folder(target)) or {}
    key = pause_key(entity.slug, cut)
    asked = {**(draft.get("aprobacion") or {}), "ejecucion": {"id": run_id, "api": str(PREFECT_API_URL.value()), "clave": key}}
    with cut_lock(target):
        update_manifest(draft_folder(target), aprobacion=asked)
    announce_step(entity, f"Esperando la decisión del {settings.approval.committee} sobre el borrador del corte {cut} "
                          f"(hasta el {asked.get('plazo', '')}): formulario de esta ejecución en Prefect, o pei-report aprobar")
    form = ApprovalForm.with_initial_data(
        description=f"**{entity.slug} · corte {cut}**: {WATERMARK_NOTE} El PDF del borrador está en {draft_folder(target)}.",
        decision="aprobar",
    )
    try:
        answer = pause_flow_run(wait_for_input=form, timeout=settings.approval.days * 86400, key=key)
    except FlowPauseTimeout:
        with cut_lock(target):
            update_manifest(draft_folder(target), estado=EXPIRED)
        raise ApprovalExpired(
            f"El borrador del corte {cut} de {entity.slug} venció sin decisión (plazo: {settings.approval.days} días, hasta "
            f"el {asked.get('plazo', '')}): no se publicó nada. Ejecute de nuevo el corte para un nuevo borrador."
        ) from None
    decision = make_decision(answer.decision, answer.nombre, answer.acta, answer.cargo, answer.observaciones,
                             answer.fecha.isoformat() if answer.fecha else None)
    if decision.approve:
        return approve(entity, output_dir, str(cut), decision=decision)
    return reject_cut(entity, output_dir, cut, decision, settings, load_plan(entity.folder))


WATERMARK_NOTE = (
    "el reporte quedó en borrador, pendiente de aprobación. Aprobar lo genera de nuevo con los mismos datos, sin la "
    "marca, lo publica y lo distribuye; rechazar no publica nada y envía las observaciones a la oficina."
)
