"""Approval before publishing (issue 21), end to end through the command line: a run with approval
required writes a draft that is never published nor sent to the recipients; `aprobar` publishes the
same report once; `rechazar` publishes nothing; bad use changes nothing
(pipeline/core/approval.py, pipeline/delivery/approval.py, pipeline/runs/approval.py, flows.py)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from pipeline.app.cli import app
from pipeline.core.approval import WATERMARK, changed_inputs

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

runner = CliRunner()
CUT = "2024-T3"
APPROVAL = """
aprobacion:
  requerida: true
  aprobadores: [jefe.planeacion@sg.gov.co]
  plazo_dias: 15
distribucion:
  carpeta_publicacion: {folder}
  correo:
    destinatarios: [planeacion@sg.gov.co]
    reintentos: 0
    espera_segundos: 0
"""


def pei(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the cuts' lock files (which say who last held them)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".lock"}


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _deck_texts(folder: Path) -> list[list[str]]:
    deck = next(folder.glob("*.pptx"))
    return [[s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in Presentation(io.BytesIO(deck.read_bytes())).slides]


@pytest.fixture
def draft(tmp_path, sample_copy, smtp_server):
    """A run of the sample with approval required: (entity folder, outputs, publication folder, inbox)."""
    with (sample_copy / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(APPROVAL.format(folder="publicados"))
    out = tmp_path / "outputs"
    result = pei("run", "--input", str(sample_copy), "--output", str(out), "--period", CUT)
    assert result.exit_code == 0, result.stderr
    assert "BORRADOR, pendiente de aprobación" in result.stderr
    return sample_copy, out, tmp_path / "publicados", smtp_server


def _decide(verb: str, entity: Path, out: Path, *extra: str):
    return pei(verb, "--input", str(entity), "--output", str(out), "--period", CUT, "--nombre", "Ana Pérez", *extra)


def test_changed_inputs_are_those_whose_bytes_differ_or_that_one_side_lacks():
    assert changed_inputs({"plan.yaml": "a", "s.xlsx": "b"}, {"plan.yaml": "a", "s.xlsx": "c", "x.csv": "d"}) == ["s.xlsx", "x.csv"]
    assert changed_inputs({"plan.yaml": "a"}, {"plan.yaml": "a"}) == []


def test_a_run_with_approval_required_writes_a_draft_that_only_the_approvers_receive(draft):
    entity, out, publication, inbox = draft
    target = out / "secretaria-general" / CUT
    assert not (target / "manifest.json").exists()  # nothing published
    manifest = _manifest(target / ".borrador")
    assert manifest["estado"] == "borrador"
    assert manifest["aprobacion"]["aprobadores"] == ["jefe.planeacion@sg.gov.co"]
    assert manifest["aprobacion"]["comite"] == "Comité Institucional de Gestión y Desempeño"
    assert all(len(r["sha256"]) == 64 for r in manifest["inputs"])
    assert all(WATERMARK in texts for texts in _deck_texts(target / ".borrador"))
    assert WATERMARK in (target / ".borrador" / "web" / "index.html").read_text(encoding="utf-8")
    assert not publication.exists() or not list(publication.rglob("*.pdf"))  # never copied
    assert len(inbox.received) == 1  # the approvers only
    envelope, message = inbox.received[0]
    assert envelope.rcpt_tos == ["jefe.planeacion@sg.gov.co"]
    assert [p.get_filename() for p in message.iter_attachments()] == [next((target / ".borrador").glob("*.pdf")).name]
    body = message.get_body(("plain",)).get_content()
    assert f"pei-report aprobar --input {entity} --period {CUT}" in body and "--acta" in body
    assert manifest["aprobacion"]["aviso"]["status"] == "sent"


def test_no_distribute_writes_the_draft_but_e_mails_no_one_and_says_how_to_tell_the_approvers(tmp_path, sample_copy, smtp_server):
    with (sample_copy / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write(APPROVAL.format(folder="publicados"))
    out = tmp_path / "outputs"
    result = pei("run", "--input", str(sample_copy), "--output", str(out), "--period", CUT, "--no-distribute")
    assert result.exit_code == 0, result.stderr
    assert smtp_server.received == []  # --no-distribute: no e-mail at all, the approvers' neither
    said = " ".join(result.stderr.split())
    assert "No se avisó a los aprobadores (--no-distribute)" in said and "aprobar --input" in said, said
    manifest = _manifest(out / "secretaria-general" / CUT / ".borrador")
    assert manifest["estado"] == "borrador" and manifest["aprobacion"]["aviso"]["status"] == "not_sent"


def test_approval_publishes_the_same_report_once_without_the_watermark_and_distributes_it(draft):
    entity, out, publication, inbox = draft
    target = out / "secretaria-general" / CUT
    draft_files = _files(target / ".borrador")
    result = _decide("aprobar", entity, out, "--cargo", "Jefe de Planeación", "--acta", "04 de 2024", "--fecha", "2024-10-08")
    assert result.exit_code == 0, result.stderr
    manifest = _manifest(target)
    assert manifest["estado"] == "aprobado"
    decided = manifest["aprobacion"]
    assert (decided["decision"], decided["nombre"], decided["cargo"], decided["acta"], decided["fecha"]) == (
        "aprobar", "Ana Pérez", "Jefe de Planeación", "04 de 2024", "2024-10-08")
    assert decided["inputs"] == {r["path"]: r["sha256"] for r in json.loads(draft_files["manifest.json"])["inputs"]}
    assert not (target / ".borrador").exists()  # the draft went to the history with what it replaced
    texts = _deck_texts(target)
    assert not any(WATERMARK in t for slide in texts for t in slide)
    line = "Aprobado por Ana Pérez, Jefe de Planeación, en el Acta 04 de 2024, 8 de octubre de 2024"
    assert line in texts[-1] and line in (target / "web" / "index.html").read_text(encoding="utf-8")
    # the same figures as the draft
    assert (target / "avance.csv").read_bytes() == draft_files["avance.csv"]
    copies = publication / "secretaria-general" / CUT
    assert (copies / "avance.csv").is_file() and manifest["distribution"]["status"] == "distributed"
    assert [e.rcpt_tos for e, _ in inbox.received] == [["jefe.planeacion@sg.gov.co"], ["planeacion@sg.gov.co"]]
    # approving twice publishes once
    published = _files(target)
    again = _decide("aprobar", entity, out, "--acta", "04 de 2024")
    assert again.exit_code == 2 and "ya fue aprobado" in again.stderr and "Traceback" not in again.stderr
    assert _files(target) == published and len(inbox.received) == 2


def test_approving_a_first_draft_keeps_no_earlier_version_and_rejecting_an_approved_cut_has_its_own_words(draft):
    entity, out, _, _ = draft
    approved = _decide("aprobar", entity, out, "--acta", "04 de 2024", "--fecha", "2024-10-08")
    assert approved.exit_code == 0, approved.stderr
    assert "Versión anterior guardada" not in approved.stderr  # nothing had been published: the draft is not an earlier version
    again = _decide("aprobar", entity, out, "--acta", "04 de 2024")
    assert again.exit_code == 2 and "8 de octubre de 2024" in again.stderr and "2024-10-08" not in again.stderr
    rejected = _decide("rechazar", entity, out, "--motivo", "Revisar IS-513")
    assert rejected.exit_code == 2, rejected.stderr
    assert "ya fue aprobado" in rejected.stderr and "8 de octubre de 2024" in rejected.stderr
    assert "no se publica de nuevo" not in rejected.stderr and "no se puede rechazar" in rejected.stderr


def test_rejection_publishes_nothing_keeps_the_draft_and_tells_the_office(draft):
    entity, out, publication, inbox = draft
    target = out / "secretaria-general" / CUT
    result = _decide("rechazar", entity, out, "--motivo", "Revisar el reporte de IS-513")
    assert result.exit_code == 0, result.stderr
    assert not (target / "manifest.json").exists()
    manifest = _manifest(target / ".borrador")
    assert manifest["estado"] == "rechazado" and manifest["aprobacion"]["observaciones"] == "Revisar el reporte de IS-513"
    envelope, message = inbox.received[-1]
    assert envelope.rcpt_tos == ["planeacion@sg.gov.co"] and "Revisar el reporte de IS-513" in message.get_body(("plain",)).get_content()
    assert not list(message.iter_attachments())
    refused = _decide("aprobar", entity, out, "--acta", "05 de 2024")
    assert refused.exit_code == 2 and "fue rechazado" in refused.stderr
    assert not (target / "manifest.json").exists()


def test_changed_inputs_refuse_the_approval_and_change_nothing(draft):
    entity, out, _, inbox = draft
    target = out / "secretaria-general" / CUT
    before = _files(out / "secretaria-general")
    with (entity / "configuracion.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# una línea más\n")
    result = _decide("aprobar", entity, out, "--acta", "04 de 2024")
    assert result.exit_code == 2, result.stderr
    assert "los datos cambiaron desde el borrador; ejecute de nuevo" in " ".join(result.stderr.split())
    assert "configuracion.yaml" in result.stderr
    assert _files(out / "secretaria-general") == before and len(inbox.received) == 1
    assert not (target / "manifest.json").exists()


def test_bad_use_is_a_spanish_message_and_changes_nothing(draft, tmp_path):
    entity, out, _, inbox = draft
    before = _files(out / "secretaria-general")
    no_acta = _decide("aprobar", entity, out)
    assert no_acta.exit_code == 2 and "Falta el acta" in no_acta.stderr
    no_motive = _decide("rechazar", entity, out)
    assert no_motive.exit_code == 2 and "Falta el motivo" in no_motive.stderr
    other_cut = pei("aprobar", "--input", str(entity), "--output", str(out), "--period", "2024-T2", "--nombre", "Ana Pérez",
                    "--acta", "04 de 2024")
    assert other_cut.exit_code == 2 and "no tiene un borrador pendiente" in other_cut.stderr
    resend = pei("resend", "--input", str(entity), "--output", str(out), "--period", CUT)
    assert resend.exit_code == 2 and "espera aprobación" in resend.stderr
    assert _files(out / "secretaria-general") == before and len(inbox.received) == 1
    for result in (no_acta, no_motive, other_cut, resend):
        assert "Traceback" not in result.stderr


def test_another_entity_s_draft_is_refused(draft, tmp_path):
    entity, out, _, _ = draft
    other = tmp_path / "otra" / "beta"
    shutil.copytree(entity, other)
    moved = out / "beta" / CUT / ".borrador"
    shutil.copytree(out / "secretaria-general" / CUT / ".borrador", moved)
    result = pei("aprobar", "--input", str(other), "--output", str(out), "--period", CUT, "--nombre", "Ana Pérez",
                 "--acta", "04 de 2024")
    assert result.exit_code == 2 and "no del corte 2024-T3 de beta" in result.stderr, result.stderr
    assert not (out / "beta" / CUT / "manifest.json").exists()


def test_a_draft_past_its_plazo_ends_the_served_wait_as_vencido_and_cannot_be_approved(draft, monkeypatch):
    """The served run's wait (`pause_flow_run`) timing out: the draft becomes vencido, the run ends
    with a Spanish message (its failure notice is the failed run's), and aprobar then refuses."""
    from prefect.exceptions import FlowPauseTimeout

    import pipeline.runs.approval as approval
    from pipeline.errors import ApprovalExpired
    from pipeline.ingest import Entity
    from pipeline.runs.batch import EntityReport

    entity, out, _, _ = draft

    def never_resumed(**_):
        raise FlowPauseTimeout("Flow run was paused and never resumed.")

    monkeypatch.setattr(approval, "pause_flow_run", never_resumed)
    report = EntityReport("secretaria-general", "SG", CUT, out / "secretaria-general" / CUT / ".borrador", draft=True)
    with pytest.raises(ApprovalExpired, match="venció sin decisión") as info:
        approval._wait_for_decision(report, Entity("secretaria-general", entity), out, "run-id", approve=None)
    assert "no se publicó nada" in str(info.value)
    target = out / "secretaria-general" / CUT
    assert _manifest(target / ".borrador")["estado"] == "vencido" and not (target / "manifest.json").exists()
    refused = _decide("aprobar", entity, out, "--acta", "04 de 2024")
    assert refused.exit_code == 2 and "venció sin decisión" in refused.stderr


def test_a_stale_cut_says_it_must_be_approved_again_when_approval_is_required(tmp_path):
    from pipeline.core.periods import Cut
    from pipeline.ingest import Entity
    from pipeline.report.changes import StaleCut
    from pipeline.runs.steps import stale_lines

    stale = (StaleCut(Cut(2024, 2), ("IS-513",)),)
    entity = Entity("sg", tmp_path / "sg")
    assert "aprobarse de nuevo" in stale_lines(entity, stale, tmp_path / "out", approval_required=True)[0]
    assert "aprobarse de nuevo" not in stale_lines(entity, stale, tmp_path / "out")[0]
