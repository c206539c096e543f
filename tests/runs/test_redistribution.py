"""pipeline/runs/redistribution.py: completing distributions a killed run left pending."""

from __future__ import annotations

import shutil

from pipeline.ingest import find_entities
from pipeline.runs.redistribution import complete_interrupted
from tests.conftest import SAMPLE


def test_nothing_pending_completes_nothing_and_fails_nothing(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "inputs" / "secretaria-general")
    entities = find_entities(tmp_path / "inputs")
    assert complete_interrupted(entities, tmp_path / "outputs", str(tmp_path / "inputs")) == ([], [])
