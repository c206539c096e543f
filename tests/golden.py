"""Golden files compared by content: CSV cells (numbers within 1e-6), JSON values.

A mismatch writes the actual output beside the expected one (`NAME.actual.EXT`) so the
difference can be inspected and, if right, copied over; `PEI_UPDATE_GOLDEN=1` rewrites them.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def _same_cell(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    except ValueError:
        return False


def csv_differences(expected: str, actual: str) -> list[str]:
    exp = list(csv.reader(io.StringIO(expected)))
    act = list(csv.reader(io.StringIO(actual)))
    diffs = []
    if len(exp) != len(act):
        diffs.append(f"{len(act)} rows, expected {len(exp)}")
    for n, (e_row, a_row) in enumerate(zip(exp, act), start=1):
        if len(e_row) != len(a_row):
            diffs.append(f"row {n}: {len(a_row)} cells, expected {len(e_row)}")
            continue
        for col, (e, a) in enumerate(zip(e_row, a_row)):
            if not _same_cell(e, a):
                diffs.append(f"row {n} column {exp[0][col]}: {a!r}, expected {e!r}")
    return diffs


def assert_matches_golden_csv(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    text = actual.decode("utf-8")
    if os.environ.get("PEI_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not os.environ.get("PEI_UPDATE_GOLDEN"):
            raise AssertionError(f"golden file {path} did not exist; written, check it and commit it")
        return
    diffs = csv_differences(path.read_text(encoding="utf-8"), text)
    if diffs:
        beside = path.with_name(path.stem + ".actual" + path.suffix)
        beside.write_text(text, encoding="utf-8")
        raise AssertionError(f"{name} differs from the golden file (actual in {beside}):\n" + "\n".join(diffs[:20]))
