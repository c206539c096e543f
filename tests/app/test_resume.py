"""pipeline/app/resume.py: which served run waits for a draft's decision."""

from __future__ import annotations

import json
import shutil

from pipeline.app.resume import waiting_run_of
from tests.conftest import SAMPLE


def _draft(outputs, manifest):
    folder = outputs / "secretaria-general" / "2024-T3" / ".borrador"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_the_run_a_pending_draft_names_and_none_otherwise(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    shutil.copytree(SAMPLE, inputs / "secretaria-general")
    assert waiting_run_of(inputs, outputs, None, "2024-T3") is None  # no draft
    run = {"id": "0b1c", "api": "http://127.0.0.1:4200/api", "clave": "secretaria-general-2024-t3"}
    _draft(outputs, {"estado": "borrador", "aprobacion": {"ejecucion": run}})
    assert waiting_run_of(inputs, outputs, None, "2024-T3") == run
    assert waiting_run_of(inputs, outputs, "otra", "2024-T3") is None  # another entity
    shutil.rmtree(outputs)
    _draft(outputs, {"estado": "aprobado", "aprobacion": {"ejecucion": run}})
    assert waiting_run_of(inputs, outputs, None, "2024-T3") is None  # already decided
