"""The fingerprint of a plan: a hash of what the plan says, not of the file it was read from.

A data-entry template carries it, so a returned template is matched to the plan it was made from.
It is computed from the `Plan` model, so plan.yaml and an equivalent plan.xlsx give the same
fingerprint, and a change of formatting, comments or key order in the file gives none.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from enum import Enum

from pipeline.core.model import Plan, Unit

__all__ = ["plan_fingerprint", "plan_structure", "bands_fingerprint", "indicator_meaning", "MEANING_FIELDS"]

FINGERPRINT_LENGTH = 16  # hex digits: enough to tell two versions of a plan apart


def _canonical(value: object) -> object:
    """`value` as plain JSON data that is equal for equal plans whatever their source."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Unit):
        return value.name
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        number = float(value)  # 10 (yaml) and 10.0 (a spreadsheet cell) are one target
        return repr(number) if not math.isfinite(number) else number
    if isinstance(value, Mapping):
        return [[str(k), _canonical(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def plan_fingerprint(plan: Plan) -> str:
    """A short hex hash of everything the plan states (texts, objectives, indicators, targets).

    Equal plans give equal fingerprints; any change of content (a target, a name, an indicator
    added) gives another. Pure: no I/O, no clock.
    """
    text = json.dumps(_canonical(plan), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def _hash(data: object) -> str:
    text = json.dumps(_canonical(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def plan_structure(plan: Plan) -> str:
    """A short hex hash of what makes two cuts' figures comparable: the plan period, the
    aggregation, the ejes and objectives with their members, and each indicator's id,
    annualization, unit, reading of targets and baseline. Targets, weights and texts are not in
    it: a target changed between two cuts is a reprogramming to list, not a reason to refuse
    the comparison (docs/rules.md, «Comparable cuts»)."""
    return _hash(
        {
            "period": list(plan.period),
            "aggregation": plan.aggregation,
            "axes": [[a.id, list(a.objective_ids)] for a in plan.axes],
            "objectives": [[o.id, list(o.indicator_ids)] for o in plan.objectives],
            "indicators": [
                [i.id, i.annualization, i.unit, i.targets_as, i.baseline] for i in plan.indicators.values()
            ],
        }
    )


def bands_fingerprint(bands: object) -> str:
    """A short hex hash of a semáforo scale's classification: each band's id, meaning, limit and
    whether the limit is included, and the ids of sin reporte and N/A (not words or colours,
    which do not change which indicator gets which level)."""
    return _hash(
        {
            "bands": [[b.light.value, b.light.meaning, b.limit, b.inclusive] for b in bands.bands],  # type: ignore[attr-defined]
            "others": [bands.not_reported.value, bands.undefined.value],  # type: ignore[attr-defined]
        }
    )


# What a value typed for an indicator means, field by field as plan.yaml names them: an edit of
# anything else (a text, a target, the vigencia) leaves a value already reported as it was.
MEANING_FIELDS = ("anualizacion", "unidad", "metas_como")


def indicator_meaning(plan: Plan, indicator_id: str) -> tuple[str, str, str] | None:
    """How a value of the indicator is read: its annualization (a quarter's own execution or a
    level), its unit and how its targets are read; None when the plan has no such indicator."""
    ind = plan.indicators.get(indicator_id)
    if ind is None:
        return None
    return (ind.annualization.value, str(_canonical(ind.unit)), ind.targets_as.value)
