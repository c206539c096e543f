"""pipeline/core/approval.py: a cut's approval states, the committee's decision and what it records."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.core.approval import (
    APPROVED, DRAFT, EXPIRED, REJECTED, Decision, changed_inputs, deadline, input_digests, state_text,
)


def test_an_approval_names_who_and_its_acta_a_rejection_only_who():
    with pytest.raises(ValueError):
        Decision(True, "Ana Pérez", date(2024, 10, 8))  # no acta
    with pytest.raises(ValueError):
        Decision(False, "  ", date(2024, 10, 8))
    assert Decision(False, "Ana Pérez", date(2024, 10, 8), notes="faltan soportes").state == REJECTED
    assert Decision(True, "Ana Pérez", date(2024, 10, 8), acta="04 de 2024").state == APPROVED


def test_the_line_the_closing_slide_shows():
    decision = Decision(True, "Ana Pérez", date(2024, 10, 8), acta="04 de 2024", role="Jefe de Planeación")
    assert decision.line == "Aprobado por Ana Pérez, Jefe de Planeación, en el Acta 04 de 2024, 8 de octubre de 2024"
    assert Decision(True, "Ana Pérez", date(2024, 10, 8), acta="04").line.startswith("Aprobado por Ana Pérez en el Acta 04,")


def test_the_record_keeps_the_decision_and_the_draft_s_inputs():
    decision = Decision(True, "Ana Pérez", date(2024, 10, 8), acta="04 de 2024")
    record = decision.record({"plan.yaml": "ab"}, "2024-10-01T08:00:00-05:00")
    assert record["decision"] == "aprobar" and record["fecha"] == "2024-10-08" and record["inputs"] == {"plan.yaml": "ab"}


def test_deadline_digests_and_changed_inputs():
    assert deadline(datetime(2024, 10, 1, 23, 30), 15) == date(2024, 10, 16)
    digests = input_digests([{"path": "plan.yaml", "sha256": "a"}, {"path": "seguimiento.xlsx", "sha256": "b"}])
    assert changed_inputs(digests, {"plan.yaml": "a", "seguimiento.xlsx": "b"}) == []
    assert changed_inputs(digests, {"plan.yaml": "a", "seguimiento.xlsx": "c", "otro.csv": "d"}) == ["otro.csv", "seguimiento.xlsx"]


@pytest.mark.parametrize("state", [DRAFT, APPROVED, REJECTED, EXPIRED])
def test_every_state_has_its_spanish_words(state):
    assert "desconocido" not in state_text(state)
    assert "desconocido" in state_text("otro")
