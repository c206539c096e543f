"""pipeline/publish.py: all files at once or none; CSV cells; the manifest."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd
import pytest

from pipeline import publish as publish_module
from pipeline.errors import PublishError
from pipeline.publish import Artifact, csv_bytes, manifest_bytes, publish


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_publish_writes_exactly_the_artifacts(tmp_path):
    target = tmp_path / "e" / "2024-T3"
    paths = publish(target, [Artifact("a.csv", b"1"), Artifact("b.json", b"{}")])
    assert paths == [target / "a.csv", target / "b.json"]
    assert _snapshot(target) == {"a.csv": b"1", "b.json": b"{}"}
    assert [p.name for p in target.parent.iterdir()] == ["2024-T3"]  # no staging left


@pytest.mark.parametrize("atomic_exchange", [True, False])
def test_republish_replaces_the_whole_folder(tmp_path, monkeypatch, atomic_exchange):
    if not atomic_exchange:
        monkeypatch.setattr(publish_module, "_exchange", lambda a, b: False)
    target = tmp_path / "2024-T3"
    publish(target, [Artifact("a.csv", b"old"), Artifact("stale.txt", b"x")])
    publish(target, [Artifact("a.csv", b"new")])
    assert _snapshot(target) == {"a.csv": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["2024-T3"]


def test_failure_while_writing_leaves_earlier_outputs_untouched(tmp_path, monkeypatch):
    target = tmp_path / "2024-T3"
    publish(target, [Artifact("a.csv", b"old"), Artifact("b.csv", b"old")])
    before = _snapshot(target)
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if "b.csv" in str(path) and "w" in mode:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(PublishError, match="quedaron como estaban"):
        publish(target, [Artifact("a.csv", b"new"), Artifact("b.csv", b"new")])
    monkeypatch.undo()
    assert _snapshot(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["2024-T3"]


def test_csv_cells():
    frame = pd.DataFrame({"a": [1.0, 2.5, None, 104.16666666666667, 1e-7, 23669955.0], "b": ["x", "y,z", "ñ", "", "", ""]})
    text = csv_bytes(frame).decode("utf-8")
    assert text.splitlines() == ["a,b", "1,x", '2.5,"y,z"', ",ñ", "104.166667,", "0,", "23669955,"]


def test_manifest_records_inputs_outputs_time_and_versions():
    data = manifest_bytes(
        entity={"slug": "e", "name": "Entidad"},
        period="2024-T3",
        generated_at=datetime(2024, 10, 15, 6, 0, tzinfo=timezone.utc),
        inputs=[{"path": "inputs/e/plan.yaml", "bytes": 3, "sha256": "abc"}],
        outputs=[Artifact("avance.csv", b"x")],
        versions={"python": "3.11"},
    )
    doc = json.loads(data)
    assert doc["period"] == "2024-T3" and doc["generated_at"] == "2024-10-15T06:00:00+00:00"
    assert doc["outputs"] == [{"path": "avance.csv", "bytes": 1, "sha256": Artifact("avance.csv", b"x").sha256}]
    assert doc["inputs"][0]["sha256"] == "abc" and doc["versions"] == {"python": "3.11"}
