"""pipeline/report/sector_layout.py: a sector's levels as traffic lights the entity renderers draw."""

from __future__ import annotations

from pipeline.core.settings import default_light
from pipeline.report.sector_layout import NEUTRAL, light_of


def test_default_levels_keep_their_colour_and_another_scale_s_level_is_neutral_with_its_word():
    assert light_of("verde") == default_light("verde")
    other = light_of("excelente", "Excelente")
    assert other.color == NEUTRAL and other.label == "Excelente"
    missing = light_of(None)
    assert missing.label == "—"
