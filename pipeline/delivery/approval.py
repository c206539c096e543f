"""A cut's approval state on disk: the draft's folder, its manifest, and the checks a decision
passes before anything changes (docs/contract.md, «approval before publishing»).

The draft lives in `<cut folder>/.borrador/` (`draft_folder`), apart from the approved version in
the cut's folder itself, so nothing that reads published cuts sees it. Its manifest says
`estado: borrador` and, under `aprobacion`, the committee, who was asked and the plazo; a decision
adds who, when, the acta and the sha256 of the inputs decided on. Every refusal is an
`ApprovalError` whose Spanish message says what was found and what to do, raised before anything
is written. The e-mails of the cycle (to the approvers with the draft PDF; to the office with a
rejection's observations) are built here and sent by `pipeline.runs`.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from pipeline.core.approval import (
    APPROVED, DRAFT, DRAFT_FOLDER, WATERMARK, Decision, changed_inputs, deadline, input_digests,
    state_text,
)
from pipeline.core.formatting import long_date
from pipeline.core.settings import Approval
from pipeline.errors import ApprovalError
from pipeline.outputs.artifacts import MANIFEST_FILE

__all__ = [
    "draft_folder", "read_manifest", "draft_state", "draft_record", "pending_draft", "check_decidable",
    "check_inputs", "decided_record", "refuse_pending_draft", "approvers_message", "rejection_message",
    "decide_command", "waiting_text",
]


def draft_folder(target: Path) -> Path:
    """Where the draft of the cut whose folder is `target` is written."""
    return target / DRAFT_FOLDER


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest.json of `folder`, or None if it has none (or cannot be read as one)."""
    try:
        document = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def draft_state(target: Path) -> str | None:
    """The draft's `estado` (borrador, rechazado, vencido), or None when the cut has no draft."""
    manifest = read_manifest(draft_folder(target))
    return None if manifest is None else str(manifest.get("estado") or DRAFT)


def draft_record(approval: Approval, generated: datetime) -> dict[str, Any]:
    """The draft manifest's `estado` and `aprobacion` fields."""
    return {
        "estado": DRAFT,
        "aprobacion": {
            "comite": approval.committee,
            "aprobadores": list(approval.approvers),
            "plazo": deadline(generated, approval.days).isoformat(),
        },
    }


def decided_record(draft: Mapping[str, Any], decision: Decision, inputs: Mapping[str, str]) -> dict[str, Any]:
    """The `estado` and `aprobacion` of a decided draft: what the draft said, and the decision."""
    asked = draft.get("aprobacion") if isinstance(draft.get("aprobacion"), dict) else {}
    return {
        "estado": decision.state,
        "aprobacion": {**asked, **decision.record(inputs, draft.get("generated_at"))},
    }


def _where(slug: str, cut: object) -> str:
    return f"El corte {cut} de {slug}"


def decide_command(verb: str, entity_folder: Path, cut: object, output_dir: Path) -> str:
    """The command that decides a draft, as the approvers type it."""
    base = f"pei-report {verb} --input {shlex.quote(str(entity_folder))} --period {cut} --output {shlex.quote(str(output_dir))}"
    if verb == "aprobar":
        return base + ' --nombre "…" --cargo "…" --acta "…"'
    return base + ' --nombre "…" --motivo "…"'


def _spanish_date(text: object) -> str:
    """`8 de octubre de 2024` for a manifest's ISO date; the text as it is when it is not one."""
    try:
        return long_date(date.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def pending_draft(target: Path, slug: str, cut: object, approve: bool = True) -> dict[str, Any]:
    """The manifest of the cut's draft waiting for a decision; `ApprovalError` when there is none
    (saying whether the cut was already approved), or it was rejected, expired or is another
    entity's."""
    draft = read_manifest(draft_folder(target))
    if draft is None:
        published = read_manifest(target)
        if published is not None and published.get("estado") == APPROVED:
            decided = published.get("aprobacion") or {}
            who = f"{decided.get('nombre', '')}, Acta {decided.get('acta', '')}, {_spanish_date(decided.get('fecha', ''))}"
            if approve:
                raise ApprovalError(
                    f"{_where(slug, cut)} ya fue aprobado ({who}): no se publica de nuevo. Para cambiarlo, ejecute de "
                    "nuevo pei-report run y apruebe el nuevo borrador."
                )
            raise ApprovalError(
                f"{_where(slug, cut)} ya fue aprobado ({who}) y está publicado: no se puede rechazar. Para corregirlo, "
                "ejecute de nuevo pei-report run: el nuevo borrador se aprueba o se rechaza, y la versión aprobada "
                "sigue publicada mientras tanto."
            )
        raise ApprovalError(
            f"{_where(slug, cut)} no tiene un borrador pendiente de aprobación en {draft_folder(target)}. "
            "Genérelo primero con pei-report run (con «aprobacion.requerida: true» en configuracion.yaml), "
            "o revise --output, --entity y --period."
        )
    state = str(draft.get("estado") or DRAFT)
    if state != DRAFT:
        raise ApprovalError(
            f"El borrador del corte {cut} de {slug} {state_text(state)} "
            f"({(draft.get('aprobacion') or {}).get('fecha') or (draft.get('aprobacion') or {}).get('plazo', '')}): "
            "no se puede decidir de nuevo. Ejecute de nuevo pei-report run para un nuevo borrador."
        )
    owner = (draft.get("entity") or {}).get("slug")
    if owner != slug or str(draft.get("period")) != str(cut):
        raise ApprovalError(
            f"El borrador en {draft_folder(target)} es del corte {draft.get('period')} de «{owner}», no del corte "
            f"{cut} de {slug}: no se decide. Revise --entity, --period y --output."
        )
    return draft


def check_decidable(target: Path, slug: str, cut: object, decision: Decision, today: date) -> dict[str, Any]:
    """The pending draft a decision may act on (`pending_draft`), refused past its plazo."""
    draft = pending_draft(target, slug, cut, decision.approve)
    plazo = (draft.get("aprobacion") or {}).get("plazo")
    if decision.approve and plazo and today > date.fromisoformat(str(plazo)):
        raise ApprovalError(
            f"El borrador del corte {cut} de {slug} venció el {long_date(date.fromisoformat(str(plazo)))} sin decisión: "
            "no se aprueba. Ejecute de nuevo pei-report run para un nuevo borrador."
        )
    return draft


def check_inputs(draft: Mapping[str, Any], now: Iterable[Mapping[str, Any]], slug: str, cut: object) -> dict[str, str]:
    """{path: sha256} of the inputs now, which must be the draft's; `ApprovalError` naming what changed."""
    before, current = input_digests(draft.get("inputs") or []), input_digests(now)
    changed = changed_inputs(before, current)
    if changed:
        raise ApprovalError(
            f"{_where(slug, cut)}: los datos cambiaron desde el borrador; ejecute de nuevo pei-report run y apruebe el "
            f"nuevo borrador. Cambiaron: {', '.join(changed)}."
        )
    return current


def waiting_text(slug: str, cut: object, target: Path) -> str:
    return (
        f"El corte {cut} de {slug} espera aprobación: su borrador está en {draft_folder(target)} y no se publica ni se "
        "distribuye hasta que el comité lo apruebe (pei-report aprobar)."
    )


def refuse_pending_draft(target: Path, entity: Any, cut: object) -> None:
    """`ApprovalError` when the cut has a draft waiting for approval (a resend does not distribute it)."""
    if draft_state(target) == DRAFT:
        raise ApprovalError(waiting_text(entity.slug, cut, target) + " Para reenviar, apruebe o rechace primero el borrador.")


def _message(subject: str, sender: str, to: Iterable[str], body: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def approvers_message(
    sender: str, approval: Approval, fields: Mapping[str, str], entity_folder: Path, output_dir: Path,
    plazo: date, pdf: tuple[str, bytes],
) -> EmailMessage:
    """The e-mail to the approvers: the draft PDF, the plazo, and the two commands that decide it."""
    cut = fields["periodo"]
    body = (
        f"Cordial saludo:\n\n"
        f"El seguimiento del {fields['titulo']} de {fields['entidad']} con corte al {fields['fecha_corte']} ({cut}) "
        f"está listo para revisión del {approval.committee}. Se adjunta el PDF del borrador, marcado «{WATERMARK}»: "
        "no se ha publicado ni enviado a los destinatarios.\n\n"
        f"Plazo para decidir: {long_date(plazo)}.\n\n"
        f"Para aprobarlo (se publica y se distribuye el mismo reporte, sin la marca):\n\n"
        f"    {decide_command('aprobar', entity_folder, cut, output_dir)}\n\n"
        f"Para rechazarlo (no se publica; la oficina recibe las observaciones):\n\n"
        f"    {decide_command('rechazar', entity_folder, cut, output_dir)}\n\n"
        "Si el reporte se genera con pei-report serve, también puede decidir en el formulario de la ejecución en "
        "pausa, en la interfaz de Prefect.\n"
    )
    message = _message(
        f"BORRADOR {fields['sigla']} {fields['entidad']} {cut}: pendiente de aprobación", sender, approval.approvers, body
    )
    message.add_attachment(pdf[1], maintype="application", subtype="pdf", filename=pdf[0])
    return message


def rejection_message(sender: str, to: Iterable[str], fields: Mapping[str, str], decision: Decision, target: Path) -> EmailMessage:
    """The e-mail to the office when the committee rejects a draft: who, when, and the observations."""
    cut = fields["periodo"]
    body = (
        f"Cordial saludo:\n\n"
        f"El borrador del seguimiento del {fields['titulo']} de {fields['entidad']} con corte {cut} fue rechazado: "
        f"{decision.line}.\n\n"
        f"Observaciones:\n\n{decision.notes or '(sin observaciones)'}\n\n"
        f"No se publicó nada. El borrador queda en {draft_folder(target)}. Corrija los datos y ejecute de nuevo "
        "pei-report run para un nuevo borrador.\n"
    )
    return _message(f"{fields['sigla']} {fields['entidad']} {cut}: borrador rechazado", sender, to, body)

