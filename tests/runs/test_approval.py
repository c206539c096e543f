"""pipeline/runs/approval.py: the form a paused run shows and what the outputs say of the approval."""

from __future__ import annotations

from datetime import date

from pipeline.core.approval import Decision
from pipeline.runs.approval import ApprovalForm, pause_key, report_status


def test_the_form_asks_in_spanish_for_every_field_of_a_decision():
    fields = ApprovalForm.model_fields
    assert set(fields) == {"decision", "nombre", "cargo", "acta", "fecha", "observaciones"}
    assert all(field.description and field.description[0].isupper() for field in fields.values())
    assert ApprovalForm(decision="aprobar", nombre="Ana Pérez", acta="04").acta == "04"


def test_the_pause_key_names_the_entity_and_the_cut():
    assert pause_key("Secretaria-General", "2024-T3") == "secretaria-general-2024-t3"


def test_the_report_status_is_a_draft_only_when_approval_is_required_and_not_yet_decided():
    decision = Decision(True, "Ana Pérez", date(2024, 10, 8), acta="04 de 2024")
    assert report_status(False, None) == report_status(False, None)
    assert report_status(True, None) != report_status(False, None)
    assert report_status(True, decision) != report_status(True, None)


def test_the_warning_when_the_approvers_cannot_be_told_ends_each_sentence_once():
    from pathlib import Path

    from pipeline.runs.approval import approvers_not_told

    error = ValueError("Hay destinatarios de correo configurados pero ningún servidor SMTP: defina PEI_SMTP_HOST.")
    text = approvers_not_told(Path("out/sg/2024-T4/.borrador"), ("jefe@sg.gov.co",), error)
    assert ".." not in text and "PEI_SMTP_HOST. Envíeles el PDF del borrador" in text
    assert approvers_not_told(Path("x"), ("a@b.co",), ValueError("sin punto")).count("sin punto. Envíeles") == 1
    told = approvers_not_told(Path("x"), ("a@b.co",), ValueError("sin servidor"), "/opt/pei/.venv/bin/pei-report aprobar --period 2024-T4")
    assert told.endswith("el comando para aprobarlo: /opt/pei/.venv/bin/pei-report aprobar --period 2024-T4"), told
