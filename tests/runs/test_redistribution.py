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


def test_a_sector_cut_a_crash_left_pending_is_completed_and_a_resend_retries_a_failed_one(tmp_path, smtp_server):
    import json

    from pipeline.delivery.publish import update_manifest
    from pipeline.runs.consolidation import consolidate_sectors
    from tests.sectors import publish_district, write_district

    inputs, outputs = write_district(tmp_path / "inputs"), tmp_path / "outputs"
    publish_district(inputs, outputs)
    (inputs / "alcaldia-a" / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@alcaldia-a.gov.co]\n", encoding="utf-8")
    consolidate_sectors(inputs, outputs, "2024-T3")  # published, not distributed
    territorio, distrito = outputs / "sectores" / "territorio" / "2024-T3", outputs / "sectores" / "distrito" / "2024-T3"
    update_manifest(territorio, distribution={"status": "pending"})  # as a run killed before distributing leaves it
    update_manifest(distrito, distribution={"status": "failed", "email": {"status": "failed", "error": "caído"}})
    entities = []  # the entities' own cuts are another test's: here the sectors' only
    assert complete_interrupted(entities, outputs, str(inputs), distribute=False) == ([], [])  # only said
    assert smtp_server.received == []
    assert complete_interrupted(entities, outputs, str(inputs)) == ([], [])  # recovery: the pending one only
    assert [str(m["Subject"]) for _, m in smtp_server.received] == ["Sector Territorio: seguimiento consolidado con corte 2024-T3"]
    status = lambda folder: json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["distribution"]["status"]  # noqa: E731
    assert (status(territorio), status(distrito)) == ("distributed", "failed")
    complete_interrupted(entities, outputs, str(inputs), period="2024-T3")  # a resend of the cut: its failed one too
    assert [str(m["Subject"]) for _, m in smtp_server.received][1:] == ["Distrito de Prueba: seguimiento consolidado con corte 2024-T3"]
    complete_interrupted(entities, outputs, str(inputs), period="2024-T3")
    assert len(smtp_server.received) == 2 and status(distrito) == "distributed"
