"""Approval under a real `pei-report serve` (issue 21): the deployment's run writes the draft and
pauses for the committee's form; resumed through the API or by `pei-report aprobar` it publishes
once, resumed by `pei-report rechazar` it publishes nothing, and `aprobar` after an input changed
is refused without resuming it (pipeline/runs/approval.py, pipeline/app/resume.py). Each test
decides its own cut of the one module-scoped server.

A run past its plazo is not tested here: the pause's timeout is `plazo_dias` whole days (at least
one), and shortening it would take a test-only hook in the product; `FlowPauseTimeout`'s handling
is covered by tests/delivery/test_approval.py (a monkeypatched pause)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.runs.approval import pause_key
from tests.app.serving import _wait, serving
from tests.app.test_service import _create_run
from tests.conftest import SAMPLE, free_port

pytestmark = pytest.mark.server

SETTINGS = """
aprobacion:
  requerida: true
  aprobadores: [jefe.planeacion@sg.gov.co]
  plazo_dias: 2
distribucion:
  avisos: [planeacion@sg.gov.co]
  correo:
    destinatarios: [destinatarios@sg.gov.co]
    reintentos: 0
    espera_segundos: 0
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`pei-report serve` of the sample with approval required, and the SMTP server it sends to."""
    from aiosmtpd.controller import Controller

    from tests.conftest import Inbox

    root = tmp_path_factory.mktemp("served-approval")
    entity = root / "inputs" / "secretaria-general"
    shutil.copytree(SAMPLE, entity)
    with (entity / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(SETTINGS)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(root / "prefect-home"), PREFECT_RUNNER_POLL_FREQUENCY="1",
               PEI_SMTP_HOST="127.0.0.1", PEI_SMTP_PORT=str(smtp.port), PEI_SMTP_TYPE="INSECURE",
               PEI_SMTP_FROM="pei@sg.gov.co")
    try:
        with serving(root, root / "inputs", env) as (api, deployment):
            yield api, deployment, root, inbox, env
    finally:
        smtp.stop()


def _paused(api, run_id: str) -> dict | None:
    run = api.get(f"/flow_runs/{run_id}").json()
    assert run["state"]["type"] not in ("FAILED", "CRASHED", "COMPLETED"), run["state"]
    return run if run["state"]["type"] == "PAUSED" else None


def _schema_saved(api, run_id: str, key: str) -> bool:
    return api.get(f"/flow_runs/{run_id}/input/paused-{key}-schema").status_code == 200


def _final(api, run_id: str) -> dict | None:
    run = api.get(f"/flow_runs/{run_id}").json()
    return run if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


def _draft_run(api, deployment, root: Path, period: str) -> tuple[str, Path]:
    run = _create_run(api, deployment, period=period, entity="secretaria-general")
    _wait(lambda: _paused(api, run["id"]), 300, f"the run of {period} to pause for approval")
    target = root / "outputs" / "secretaria-general" / period
    assert not (target / "manifest.json").exists()  # paused with a draft, nothing published
    draft = json.loads((target / ".borrador" / "manifest.json").read_text(encoding="utf-8"))
    assert draft["estado"] == "borrador" and draft["aprobacion"]["ejecucion"]["id"] == run["id"]
    return run["id"], target


def test_a_paused_run_approved_through_the_api_publishes_once(served):
    api, deployment, root, inbox, _ = served
    run_id, target = _draft_run(api, deployment, root, "2024-T3")
    key = pause_key("secretaria-general", "2024-T3")
    _wait(lambda: _schema_saved(api, run_id, key), 60, "the form's schema")  # saved just after Paused
    form = {"decision": "aprobar", "nombre": "Ana Pérez", "cargo": "Jefe de Planeación", "acta": "04 de 2024",
            "fecha": "2024-10-08"}
    response = api.post(f"/flow_runs/{run_id}/resume", json={"run_input": form})
    assert response.status_code in (200, 201) and response.json()["status"] == "ACCEPT", response.text
    finished = _wait(lambda: _final(api, run_id), 300, "the approved run")
    assert finished["state"]["type"] == "COMPLETED", finished["state"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["estado"] == "aprobado" and manifest["aprobacion"]["acta"] == "04 de 2024"
    assert not (target / ".borrador").exists()
    to_recipients = [e for e, _ in inbox.received if "destinatarios@sg.gov.co" in e.rcpt_tos]
    assert len(to_recipients) == 1  # published and sent once
    assert (root / "publicacion" / "secretaria-general" / "2024-T3" / "avance.csv").is_file()


def test_a_paused_run_rejected_by_pei_report_rechazar_publishes_nothing(served):
    api, deployment, root, inbox, env = served
    run_id, target = _draft_run(api, deployment, root, "2024-T2")
    before = len(inbox.received)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("pei-report")), "rechazar", "--input", str(root / "inputs"),
         "--output", str(root / "outputs"), "--period", "2024-T2", "--nombre", "Ana Pérez", "--motivo", "Revisar IS-513"],
        env={k: v for k, v in env.items() if k != "PREFECT_API_URL"}, cwd=root, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "se reanuda" in result.stderr and "rechazado" in result.stderr
    finished = _wait(lambda: _final(api, run_id), 120, "the rejected run")
    assert finished["state"]["type"] == "COMPLETED", finished["state"]
    assert not (target / "manifest.json").exists()
    assert json.loads((target / ".borrador" / "manifest.json").read_text(encoding="utf-8"))["estado"] == "rechazado"
    office = [e for e, _ in inbox.received[before:] if e.rcpt_tos == ["planeacion@sg.gov.co"]]
    assert len(office) == 1
    assert not (root / "publicacion" / "secretaria-general" / "2024-T2").exists()


def _cli(env: dict[str, str], root: Path, verb: str, period: str, *options: str) -> subprocess.CompletedProcess:
    """`pei-report aprobar|rechazar` as an approver types it, in the served folder, without the API's address."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("pei-report")), verb, "--input", str(root / "inputs"),
         "--output", str(root / "outputs"), "--period", period, "--nombre", "Ana Pérez", *options],
        env={k: v for k, v in env.items() if k != "PREFECT_API_URL"}, cwd=root, capture_output=True, text=True, timeout=900,
    )


def _sent_to_recipients(inbox, since: int = 0) -> list:
    return [e for e, _ in inbox.received[since:] if "destinatarios@sg.gov.co" in e.rcpt_tos]


def test_a_paused_run_approved_by_pei_report_aprobar_publishes_once(served):
    api, deployment, root, inbox, env = served
    run_id, target = _draft_run(api, deployment, root, "2024-T1")
    before = len(inbox.received)
    result = _cli(env, root, "aprobar", "2024-T1", "--acta", "02 de 2024", "--cargo", "Jefe de Planeación")
    assert result.returncode == 0, result.stdout + result.stderr
    said = " ".join(result.stderr.split())
    assert "se reanuda" in said and "aprobado, publicado y distribuido" in said, said
    finished = _wait(lambda: _final(api, run_id), 120, "the approved run")
    assert finished["state"]["type"] == "COMPLETED", finished["state"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["estado"] == "aprobado" and manifest["aprobacion"]["acta"] == "02 de 2024"
    assert manifest["aprobacion"]["nombre"] == "Ana Pérez" and not (target / ".borrador").exists()
    assert len(_sent_to_recipients(inbox, before)) == 1
    published = (target / "manifest.json").read_bytes()

    again = _cli(env, root, "aprobar", "2024-T1", "--acta", "02 de 2024")  # approving twice publishes once
    assert again.returncode == 2, again.stdout + again.stderr
    said = " ".join(again.stderr.split())  # the console wraps long lines
    assert "ya fue aprobado" in said and "no se publica de nuevo" in said and "Traceback" not in said, said
    assert (target / "manifest.json").read_bytes() == published
    assert len(_sent_to_recipients(inbox, before)) == 1
    assert (root / "publicacion" / "secretaria-general" / "2024-T1" / "avance.csv").is_file()


def test_an_input_changed_since_the_draft_is_refused_and_the_run_still_waits(served):
    api, deployment, root, inbox, env = served
    from openpyxl import load_workbook

    run_id, target = _draft_run(api, deployment, root, "2024-T4")
    key = pause_key("secretaria-general", "2024-T4")
    _wait(lambda: _schema_saved(api, run_id, key), 60, "the form's schema")
    workbook_path = root / "inputs" / "secretaria-general" / "seguimiento.xlsx"
    original = workbook_path.read_bytes()
    before = len(inbox.received)
    try:
        workbook = load_workbook(workbook_path)  # the office corrects a figure after the committee got the draft
        sheet = workbook["Seguimiento"]
        row = next(r for r in sheet.iter_rows(min_row=2) if (r[0].value, r[1].value, r[2].value) == ("IS-321", 2024, 4))
        row[3].value = 99
        workbook.save(workbook_path)
        result = _cli(env, root, "aprobar", "2024-T4", "--acta", "05 de 2024")
        assert result.returncode == 2, result.stdout + result.stderr
        said = " ".join(result.stderr.split())  # the console wraps long lines
        assert "los datos cambiaron desde el borrador" in said and "seguimiento.xlsx" in said, said
        assert "no se reanudó y sigue esperando" in said and "Traceback" not in said, said
        assert not (target / "manifest.json").exists()
        assert not (root / "publicacion" / "secretaria-general" / "2024-T4").exists()
        assert _sent_to_recipients(inbox, before) == []
        assert api.get(f"/flow_runs/{run_id}").json()["state"]["type"] == "PAUSED"  # the run still waits
        draft = json.loads((target / ".borrador" / "manifest.json").read_text(encoding="utf-8"))
        assert draft["estado"] == "borrador"
    finally:
        workbook_path.write_bytes(original)
        if api.get(f"/flow_runs/{run_id}").json()["state"]["type"] == "PAUSED":  # leave the server with no waiting run
            form = {"decision": "rechazar", "nombre": "Ana Pérez", "observaciones": "Los datos cambiaron"}
            api.post(f"/flow_runs/{run_id}/resume", json={"run_input": form})
            _wait(lambda: _final(api, run_id), 120, "the rejected run")
