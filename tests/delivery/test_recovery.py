"""pipeline/delivery/recovery.py: finding the distributions a crash left pending."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pipeline.delivery.publish import Artifact, cut_lock, manifest_bytes, publish
from pipeline.delivery.recovery import Pending, find_pending, in_progress, pending_text, still_pending


def _published(output_dir: Path, slug: str, period: str, status: str) -> Path:
    """A cut published with the project's own function, its distribution left at `status`."""
    files = [Artifact("reporte.pdf", b"%PDF " + period.encode())]
    manifest = manifest_bytes(
        entity={"slug": slug, "name": slug}, period=period, generated_at=datetime(2026, 11, 25, 3, tzinfo=timezone.utc),
        inputs=[], outputs=files, versions={}, extra={"distribution": {"status": status}},
    )
    target = output_dir / slug / period
    publish(target, [*files, Artifact("manifest.json", manifest)])
    return target


def test_only_pending_distributions_are_found_and_not_in_the_history(tmp_path):
    pending = _published(tmp_path, "sg", "2024-T3", "pending")
    _published(tmp_path, "sg", "2024-T2", "failed")  # already reported to the user
    _published(tmp_path, "sg", "2024-T1", "distributed")
    _published(tmp_path, "hacienda", "2024-T3", "pending")
    _published(tmp_path / ".historial", "sg", "2024-T3", "pending")  # a replaced set, not to send
    (tmp_path / "sg" / "2023-T4").mkdir()
    (tmp_path / "sg" / "2023-T4" / "manifest.json").write_text("{no es json")
    assert [(p.slug, p.period) for p in find_pending(tmp_path)] == [("hacienda", "2024-T3"), ("sg", "2024-T3")]
    (found,) = find_pending(tmp_path, ["sg"])
    assert found == Pending("sg", "2024-T3", pending, "2026-11-25T03:00:00+00:00") and still_pending(pending)
    assert find_pending(tmp_path / "no-existe") == []


def test_a_cut_whose_run_is_alive_is_in_progress_not_interrupted(tmp_path):
    folder = _published(tmp_path, "sg", "2024-T3", "pending")
    assert not in_progress(folder)
    with cut_lock(folder):
        assert in_progress(folder)
    assert not in_progress(folder)


def test_the_text_names_entity_cut_and_the_command(tmp_path):
    (found,) = find_pending(_published(tmp_path, "sg", "2024-T3", "pending").parents[1])
    text = pending_text(found, "inputs", tmp_path)
    assert text.startswith("La distribución del corte 2024-T3 de sg (generado el 2026-11-25T03:00:00+00:00) quedó interrumpida")
    assert text.endswith(f"pei-report resend --input inputs --output {tmp_path} --entity sg --period 2024-T3")
