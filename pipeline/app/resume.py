"""`pei-report aprobar`/`rechazar` when a served run waits for the decision: resume that run
through the Prefect API with the committee's answer (the form `pipeline.runs.approval.ApprovalForm`),
then wait for it to publish or record the rejection.

The waiting run is the one the draft's manifest names (`aprobacion.ejecucion`: its id, the API
it runs on and its pause key), checked to be Paused. Prefect saves the form's schema just after
the run shows Paused, and refuses a resume before that («Run input schema not found»): the
schema key is awaited first.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from uuid import UUID

from pipeline.core.approval import DRAFT_FOLDER
from pipeline.errors import ApprovalError, ServerError

__all__ = ["waiting_run_of", "resume_waiting"]


def waiting_run_of(input_dir: Path, output_dir: Path, entity: str | None, period: str) -> dict[str, str] | None:
    """The served run the draft of this cut says waits for its decision, if any."""
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
    if (draft.get("estado") or "borrador") != "borrador":
        return None
    run = (draft.get("aprobacion") or {}).get("ejecucion")
    return run if isinstance(run, dict) and run.get("id") and run.get("api") else None


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
