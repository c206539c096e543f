"""pipeline/core/settings.py: the settings' records and their pure rules (the traffic-light scale,
file-name fields, the publication root). Reading configuracion.yaml into them is
tests/ingest/test_settings.py."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.settings import Meaning, default_light, file_name_fields, publication_root


def test_the_default_scale_classifies_each_band_and_its_limits(default_bands):
    ids = [band.light.value for band in default_bands.bands]
    assert ids == ["rojo", "amarillo", "verde", "naranja"]
    for band, following in zip(default_bands.bands, default_bands.bands[1:]):
        assert default_bands.classify(band.limit - 0.5).value == band.light.value
        at_limit = default_bands.classify(band.limit).value
        assert at_limit == (band.light.value if band.inclusive else following.light.value)
    assert default_bands.classify(float("inf")).value == "naranja"
    assert default_bands.levels[-2:] == (default_bands.not_reported, default_bands.undefined)


def test_the_two_levels_no_band_gives_have_their_own_meaning():
    assert default_light("gris").meaning is Meaning.SIN_REPORTE and default_light("gris").label == "Sin reporte"
    assert default_light("no_aplica", "#000000").color == "#000000"
    assert default_light("naranja").over_executed and not default_light("verde").over_executed


def test_a_title_with_characters_no_file_name_holds_becomes_a_file_name_field():
    fields = file_name_fields("secretaria-general", "2024-T3", "PEI", 'Plan 2024/2027: "Bogotá" <sí>?')
    assert fields == {"slug": "secretaria-general", "periodo": "2024-T3", "sigla": "PEI", "titulo": "Plan 2024-2027- -Bogotá- -sí--"}


def test_the_publication_root_is_the_administrator_s_variable(tmp_path):
    assert publication_root({}) is None and publication_root({"PEI_PUBLICATION_ROOT": "  "}) is None
    assert publication_root({"PEI_PUBLICATION_ROOT": str(tmp_path / "pub")}) == tmp_path / "pub"
    assert publication_root({"PEI_PUBLICATION_ROOT": "relativa"}) == Path("relativa").absolute()
