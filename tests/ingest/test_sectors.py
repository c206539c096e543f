"""sectores.yaml: the grouping of entities into sectors, validated with Spanish messages naming line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest.sectors import load_sectors

SLUGS = ["dascd", "idpac", "secretaria-general"]

VALID = """\
distrito: Bogotá D.C.
sectores:
  - id: gestion-publica
    nombre: Sector Gestión Pública
    cabeza: secretaria-general
    entidades: [secretaria-general, dascd]
    pesos: {secretaria-general: 2, dascd: 1}
  - id: participacion
    nombre: Sector Gobierno
    cabeza: idpac
    entidades: [idpac]
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sectores.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_sectors(write(tmp_path, text), SLUGS)
    return [p.line() for p in caught.value.problems]


def test_no_file_is_no_grouping(tmp_path):
    assert load_sectors(tmp_path, SLUGS) is None


def test_valid_grouping(tmp_path):
    grouping = load_sectors(write(tmp_path, VALID), SLUGS)
    assert grouping.district == "Bogotá D.C."
    first = grouping.sectors[0]
    assert (first.id, first.name, first.head, first.entities) == (
        "gestion-publica", "Sector Gestión Pública", "secretaria-general", ("secretaria-general", "dascd"))
    assert first.weight("secretaria-general") == 2 and grouping.sectors[1].weight("idpac") == 1
    assert grouping.sector_of("dascd") is first


def test_every_grouping_problem_at_once_with_line_and_key(tmp_path):
    text = """\
sectores:
  - id: gestion-publica
    nombre: Sector Gestión Pública
    cabeza: dascd
    entidades: [secretaria-general, dasdc]
    pesos: {secretaria-general: 0, otra: 1}
  - id: gestion-publica
    nombre: Otro
    cabeza: secretaria-general
    entidades: [secretaria-general]
"""
    lines = problems(tmp_path, text)
    text_all = "\n".join(lines)
    # A weight of 0 is refused by the fields' model before the cross-checks run.
    assert "línea 6" in text_all and "mayor que 0" in text_all and "pesos.secretaria-general" in text_all


def test_cross_reference_problems(tmp_path):
    text = """\
sectores:
  - id: gestion-publica
    nombre: Sector Gestión Pública
    cabeza: dascd
    entidades: [secretaria-general, dasdc]
    pesos: {otra: 1}
  - id: gestion-publica
    nombre: Otro
    cabeza: secretaria-general
    entidades: [secretaria-general]
"""
    lines = problems(tmp_path, text)
    assert any(l.startswith("línea 5") and "«dasdc», que no es una carpeta de entidad" in l and "¿Quiso decir «dascd»?" in l
               for l in lines), lines
    assert any(l.startswith("línea 4") and "«dascd», que no está en «entidades»" in l for l in lines), lines
    assert any(l.startswith("línea 6") and "un peso para «otra»" in l for l in lines), lines
    assert any(l.startswith("línea 7") and "«gestion-publica», repetido" in l for l in lines), lines
    assert any(l.startswith("línea 10") and "ya está en el sector «gestion-publica» (línea 5)" in l for l in lines), lines
    assert any("la entidad «dascd» (carpeta de --input) en ningún sector" in l for l in lines), lines
    assert any("la entidad «idpac» (carpeta de --input) en ningún sector" in l for l in lines), lines


def test_bad_weights_and_unknown_fields(tmp_path):
    text = VALID.replace("dascd: 1}", "dascd: -1}").replace("cabeza: idpac", "cabeza: idpac\n    peso: 3")
    lines = problems(tmp_path, text)
    assert any(l.startswith("línea 7") and "mayor que 0" in l for l in lines), lines
    assert any("el campo desconocido «sectores[2] (id participacion).peso»" in l and "¿Quiso decir «pesos»?" in l for l in lines), lines


def test_message_names_the_file(tmp_path):
    with pytest.raises(InputError) as caught:
        load_sectors(write(tmp_path, VALID.replace("[idpac]", "[]")), SLUGS)
    message = str(caught.value)
    assert "sectores.yaml" in message and "línea 11" in message and "Traceback" not in message


def test_the_district_reserves_its_id(tmp_path):
    lines = problems(tmp_path, VALID.replace("id: participacion", "id: distrito"))
    assert any(l.startswith("línea 8") and "«distrito», el id que nombra el reporte del distrito" in l for l in lines), lines


def test_an_entity_folder_named_like_the_sectors_output_folder_is_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        load_sectors(write(tmp_path, VALID.replace("[idpac]", "[idpac, sectores]")), [*SLUGS, "sectores"])
    assert any("la carpeta de entidad «sectores»" in p.line() and "outputs/sectores/" in p.line()
               for p in caught.value.problems), caught.value.problems


OWN = VALID.replace("distrito: Bogotá D.C.\n", """\
distrito: Bogotá D.C.
distribucion:
  carpeta_publicacion: publicacion/distrito
  correo:
    destinatarios: [sdp@sdp.gov.co]
""") + """\
    distribucion:
      carpeta_publicacion: publicacion/gobierno
      correo:
        destinatarios: [planeacion@idpac.gov.co]
        copia: [jefe@idpac.gov.co]
        asunto: "Sector {entidad} al corte {periodo}"
        reintentos: 0
"""


def test_a_sector_and_the_district_may_have_their_own_distribucion(tmp_path):
    from pipeline.core.consolidation import SECTOR_BODY, SECTOR_SUBJECT

    grouping = load_sectors(write(tmp_path, OWN), SLUGS)
    gestion, gobierno = grouping.sectors
    assert gestion.distribution is None  # none of its own: its head's
    own = gobierno.distribution
    assert own.folder == "publicacion/gobierno" and own.folder_confined
    assert own.email.to == ("planeacion@idpac.gov.co",) and own.email.cc == ("jefe@idpac.gov.co",)
    assert own.email.subject == "Sector {entidad} al corte {periodo}" and own.email.retries == 0
    assert own.email.body == SECTOR_BODY  # what it does not set is a sector's wording, not an entity's
    district = grouping.district_distribution
    assert district.folder == "publicacion/distrito" and district.email.to == ("sdp@sdp.gov.co",)
    assert district.email.subject == SECTOR_SUBJECT and district.email.retries == 3  # the installation's default


def test_a_sector_s_distribucion_is_validated_as_an_entity_s_with_line_and_key(tmp_path):
    text = OWN.replace("[planeacion@idpac.gov.co]", "[planeacion@idpac]").replace("reintentos: 0", "reintentos: -1\n        firma: x")
    text = text.replace("carpeta_publicacion: publicacion/distrito", "carpeta_publicacion: ../fuera")
    lines = problems(tmp_path, text)
    assert any(l.startswith("línea 19") and "sectores[2] (id participacion).distribucion.correo.destinatarios[1]" in l
               and "planeacion@entidad.gov.co" in l for l in lines), lines
    assert any(l.startswith("línea 22") and "reintentos" in l for l in lines), lines
    assert any(l.startswith("línea 23") and "el campo desconocido «sectores[2] (id participacion).distribucion.correo.firma»" in l
               for l in lines), lines
    assert any(l.startswith("línea 3") and "«../fuera», que sale de la carpeta de publicación" in l for l in lines), lines
