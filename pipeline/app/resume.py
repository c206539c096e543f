"""`pei-report aprobar`/`rechazar` when a served run waits for the decision: resume that run
through the Prefect API with the committee's answer (the form `pipeline.runs.approval.ApprovalForm`),
then wait for it to publish or record the rejection.

The waiting run is the one the draft's manifest names (`aprobacion.ejecucion`: its id, the API
it runs on and its pause key), checked to be Paused. Prefect saves the form's schema just after
the run shows Paused, and refuses a resume before that («Run input schema not found»): the
schema key is awaited first.

An approval is checked against the inputs before the run is resumed (`check_unchanged`): an
input changed since the draft is refused with `check_inputs`' message and the run keeps
waiting, for a new draft or a rejection; resumed, the run would refuse it too, but by failing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from uuid import UUID

from pipeline.core.approval import DRAFT_FOLDER
from pipeline.errors import ApprovalError, PipelineError, ServerError

__all__ = ["waiting_run_of", "check_unchanged", "resume_waiting"]


def _pending(input_dir: Path, output_dir: Path, entity: str | None, period: str) -> tuple[Any, dict[str, Any]] | None:
    """The one chosen entity and its cut's draft manifest, while that draft waits for a decision."""
    import json

    from pipeline.ingest import find_entities, select_entities

    try:
        chosen = select_entities(find_entities(input_dir), entity, input_dir)
    except Exception:  # noqa: BLE001 - the flow says what is wrong with the inputs
        return None
    if len(chosen) != 1:
        return None
    try:
        draft = json.loads((output_dir / chosen[0].slug / period / DRAFT_FOLDER / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(draft, dict) or (draft.get("estado") or "borrador") != "borrador":
        return None
    return chosen[0], draft


def waiting_run_of(input_dir: Path, output_dir: Path, entity: str | None, period: str) -> dict[str, str] | None:
    """The served run the draft of this cut says waits for its decision, if any."""
    pending = _pending(input_dir, output_dir, entity, period)
    run = (pending[1].get("aprobacion") or {}).get("ejecucion") if pending else None
    return run if isinstance(run, dict) and run.get("id") and run.get("api") else None


def check_unchanged(input_dir: Path, output_dir: Path, entity: str | None, period: str, run: dict[str, str]) -> None:
    """Before an approval resumes `run`: the entity's inputs, read now as a run reads them, must be
    the draft's; `ApprovalError` otherwise (what changed, or why they no longer read), saying the
    run still waits."""
    from pipeline.delivery.approval import check_inputs
    from pipeline.delivery.publish import input_record
    from pipeline.ingest import load_inputs

    pending = _pending(input_dir, output_dir, entity, period)
    if pending is None:
        return
    chosen, draft = pending
    still = (f" La ejecución {run['id']} no se reanudó y sigue esperando la decisión: recházela (pei-report rechazar "
             "o su formulario en Prefect), o ejecute de nuevo el corte para un borrador nuevo.")
    try:
        sources = load_inputs(chosen.folder).sources
        check_inputs(draft, [input_record(s.path, s.size, s.sha256, Path.cwd()) for s in sources], chosen.slug, period)
    except PipelineError as exc:
        if isinstance(exc, ApprovalError):
            raise ApprovalError(str(exc) + still) from None
        raise ApprovalError(
            f"El corte {period} de {chosen.slug}: los datos cambiaron desde el borrador y ya no se leen ({exc})." + still
        ) from None


def resume_waiting(run: dict[str, str], answer: dict[str, Any], timeout: float = 900.0) -> dict[str, Any] | None:
    """Resume the waiting run with `answer` and wait until it has acted on it; its final state as
    the API reads it. None when that run no longer waits (the caller then acts on the disk)."""
    from prefect.client.orchestration import get_client
    from prefect.flow_runs import resume_flow_run
    from prefect.input.actions import read_flow_run_input
    from prefect.settings import PREFECT_API_URL, temporary_settings

    run_id = UUID(run["id"])
    key = f"paused-{run.get('clave') or '1'}"
    with temporary_settings({PREFECT_API_URL: run["api"]}):
        try:
            with get_client(sync_client=True) as client:
                flow_run = client.read_flow_run(run_id)
        except Exception as exc:  # noqa: BLE001 - an unreachable or forgotten server: act on the disk
            if "404" in str(exc):
                return None
            raise ServerError(
                f"La ejecución {run_id} que espera la aprobación está en {run['api']}, que no responde ({exc}). "
                "Inicie pei-report serve o apruebe cuando responda."
            ) from exc
        if not (flow_run.state and flow_run.state.is_paused()):
            return None
        deadline = time.monotonic() + 60
        while read_flow_run_input(key=f"{key}-schema", flow_run_id=run_id) is None:
            if time.monotonic() > deadline:
                raise ApprovalError(f"La ejecución {run_id} está en pausa pero su formulario no aparece; inténtelo de nuevo.")
            time.sleep(0.5)
        resume_flow_run(run_id, run_input={k: v for k, v in answer.items() if v is not None})
        deadline = time.monotonic() + timeout
        with get_client(sync_client=True) as client:
            while True:
                flow_run = client.read_flow_run(run_id)
                state = flow_run.state
                if state is not None and (state.is_final() or (state.is_paused() and state.state_details.pause_key != run.get("clave"))):
                    return {"type": state.type.value, "message": state.message or "", "name": state.name}
                if time.monotonic() > deadline:
                    raise ApprovalError(f"La ejecución {run_id} siguió con la decisión, pero no terminó en {timeout:.0f} s; "
                                        f"vea su estado en {run['api'].removesuffix('/api')}/runs/flow-run/{run_id}.")
                time.sleep(1)
