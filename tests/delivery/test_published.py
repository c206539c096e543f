"""pipeline/delivery/published.py: an entity's published cuts read back in chronological order, and
a cut that cannot be read left out with the reason, in Spanish."""

from __future__ import annotations

from pipeline.core.periods import Cut
from pipeline.delivery.published import Published, read_entity_cuts
from tests.conftest import SAMPLE
from tests.publication import published_cut


def test_the_published_cuts_of_an_entity_come_back_in_order_with_their_figures(tmp_path):
    outputs = tmp_path / "outputs"
    for quarter in (3, 1, 2):
        published_cut(SAMPLE, Cut(2024, quarter), outputs)
    found = read_entity_cuts(outputs, SAMPLE.name)
    assert [c.cut for c in found.cuts] == [Cut(2024, 1), Cut(2024, 2), Cut(2024, 3)]
    assert found.unreadable == () and found.at(Cut(2024, 2)) is found.cuts[1] and found.at(Cut(2024, 4)) is None
    assert read_entity_cuts(outputs, "otra-entidad") == Published()


def test_a_cut_changed_after_publishing_is_not_used_and_is_said(tmp_path):
    outputs = tmp_path / "outputs"
    published_cut(SAMPLE, Cut(2024, 1), outputs)
    folder = published_cut(SAMPLE, Cut(2024, 2), outputs)
    (folder / "avance.csv").write_text("indicador,avance\nIS-321,100\n", encoding="utf-8")
    found = read_entity_cuts(outputs, SAMPLE.name)
    assert [c.cut for c in found.cuts] == [Cut(2024, 1)]
    (reason,) = found.unreadable
    assert reason.startswith(f"No se usó el corte 2024-T2 publicado en {folder}:")
