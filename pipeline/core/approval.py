"""Approval before publishing: the states of a cut, a decision and what the outputs say of it.

Pure: no files. The states are the manifest's `estado` (docs/contract.md): a run with approval
required writes a `borrador`; `aprobar` makes it `aprobado` (published), `rechazar` `rechazado`
(kept, never published), a served run that waits past the plazo `vencido`. `DRAFT` is the word
`pipeline.delivery.portal` already refuses to list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pipeline.core.formatting import long_date

__all__ = [
    "DRAFT", "APPROVED", "REJECTED", "EXPIRED", "STATES", "WATERMARK", "APPROVE", "REJECT", "DRAFT_FOLDER",
    "Decision", "deadline", "changed_inputs", "input_digests", "state_text",
]

DRAFT, APPROVED, REJECTED, EXPIRED = "borrador", "aprobado", "rechazado", "vencido"
STATES = (DRAFT, APPROVED, REJECTED, EXPIRED)
APPROVE, REJECT = "aprobar", "rechazar"
WATERMARK = "BORRADOR — pendiente de aprobación"
"""What every slide and PDF page of a draft carries, and the web page's banner says."""
DRAFT_FOLDER = ".borrador"
"""The draft's folder inside the cut's folder (`outputs/<entidad>/<periodo>/.borrador/`)."""

_STATE_TEXT = {
    DRAFT: "está en borrador, pendiente de aprobación",
    APPROVED: "ya fue aprobado",
    REJECTED: "fue rechazado",
    EXPIRED: "venció sin decisión",
}


def state_text(state: str) -> str:
    """«ya fue aprobado», «fue rechazado» ...: what a message says of a draft in `state`."""
    return _STATE_TEXT.get(state, f"tiene un estado desconocido («{state}»)")


@dataclass(frozen=True)
class Decision:
    """The committee's decision on a draft: who (`name`, `role`), in which acta, on which day, and
    what they observed (a rejection's motivo). An approval always names its acta."""

    approve: bool
    name: str
    when: date
    acta: str | None = None
    role: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a decision names who took it")
        if self.approve and not (self.acta or "").strip():
            raise ValueError("an approval names its acta")

    @property
    def state(self) -> str:
        return APPROVED if self.approve else REJECTED

    @property
    def line(self) -> str:
        """«Aprobado por Ana Pérez, Jefe de Planeación, en el Acta 04 de 2024, 8 de octubre de 2024»."""
        who = f"{self.name}, {self.role}," if self.role and self.acta else f"{self.name}, {self.role}" if self.role else self.name
        verb = "Aprobado" if self.approve else "Rechazado"
        acta = f" en el Acta {self.acta}" if self.acta else ""
        return f"{verb} por {who}{acta}, {long_date(self.when)}"

    def record(self, inputs: Mapping[str, str], draft_generated: str | None) -> dict[str, Any]:
        """The manifest's `aprobacion` fields of this decision (docs/contract.md)."""
        return {
            "decision": APPROVE if self.approve else REJECT,
            "nombre": self.name,
            "cargo": self.role,
            "acta": self.acta,
            "fecha": self.when.isoformat(),
            "observaciones": self.notes,
            "inputs": dict(inputs),
            "borrador_generado": draft_generated,
        }


def deadline(generated: datetime, days: int) -> date:
    """The last day to decide a draft generated at `generated`."""
    return generated.date() + timedelta(days=days)


def input_digests(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{path: sha256} of a manifest's `inputs`."""
    return {str(r["path"]): str(r["sha256"]) for r in records}


def changed_inputs(draft: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """The inputs whose bytes differ between the draft and now, or that one of them lacks."""
    return sorted(path for path in {*draft, *now} if draft.get(path) != now.get(path))
