"""pipeline/settings.py and pipeline/ingest/settings.py: traffic-light bands as configuration."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.ingest import load_settings
from pipeline.settings import TrafficLight


@pytest.mark.parametrize(
    ("r", "light"),
    [(-5, "rojo"), (49.99, "rojo"), (50, "amarillo"), (75, "amarillo"), (75.01, "verde"),
     (125, "verde"), (125.01, "naranja"), (float("inf"), "naranja")],
)
def test_default_bands_follow_the_spec(r, light):
    assert load_settings().bands.classify(r) is TrafficLight(light)


def test_an_entity_can_change_the_bands(tmp_path):
    (tmp_path / "configuracion.yaml").write_text(
        "semaforo:\n  bandas:\n    - {color: rojo, menor_que: 60}\n    - {color: amarillo, hasta: 90}\n"
        "    - {color: verde, hasta: 110}\n    - {color: naranja}\n",
        encoding="utf-8",
    )
    bands = load_settings(tmp_path).bands
    assert bands.classify(55) is TrafficLight.ROJO
    assert bands.classify(100) is TrafficLight.VERDE
    assert bands.classify(111) is TrafficLight.NARANJA


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("semaforo:\n  bandas:\n    - {color: rojo, menor_que: 60}\n    - {color: verde, hasta: 50}\n    - {color: naranja}\n",
         "límites en orden creciente"),
        ("semaforo:\n  bandas:\n    - {color: rojo, menor_que: 60}\n    - {color: naranja, hasta: 90}\n",
         "una última banda sin límite"),
        ("semaforo:\n  bandas:\n    - {color: morado, menor_que: 60}\n    - {color: naranja}\n",
         "uno de estos valores: rojo, amarillo, verde o naranja"),
        ("semaforo:\n  bandas:\n    - {color: rojo, menor_que: cincuenta}\n    - {color: naranja}\n",
         "un número"),
        ("semaforos: {}\n", "campo desconocido «semaforos»"),
    ],
)
def test_invalid_bands_are_reported_with_file_and_line(tmp_path, body, fragment):
    path = tmp_path / "configuracion.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert str(path) in message and "línea" in message
    assert fragment in message


def test_distribution_defaults_copy_to_a_publication_folder_and_send_no_email():
    distribution = load_settings().distribution
    assert distribution.folder == "publicacion" and not distribution.email.active
    assert distribution.email.retries == 3 and "{fecha_corte}" in distribution.email.body


def test_an_entity_names_its_recipients(tmp_path):
    (tmp_path / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [planeacion@sg.gov.co]\n    bloque_smtp: smtp-sg\n"
        "    asunto: 'Corte {periodo}'\n",
        encoding="utf-8",
    )
    email = load_settings(tmp_path).distribution.email
    assert email.to == ("planeacion@sg.gov.co",) and email.smtp_block == "smtp-sg" and email.active
    assert email.subject == "Corte {periodo}" and email.retries == 3  # the rest from the defaults


def test_failure_notices_go_to_avisos_or_else_to_the_recipients(tmp_path):
    assert load_settings().distribution.notices == ()
    (tmp_path / "configuracion.yaml").write_text(
        "distribucion:\n  correo:\n    destinatarios: [jefe@sg.gov.co]\n", encoding="utf-8"
    )
    assert load_settings(tmp_path).distribution.notice_recipients == ("jefe@sg.gov.co",)
    (tmp_path / "configuracion.yaml").write_text(
        "distribucion:\n  avisos: [planeacion@sg.gov.co, soporte@sg.gov.co]\n  correo:\n    destinatarios: [jefe@sg.gov.co]\n",
        encoding="utf-8",
    )
    distribution = load_settings(tmp_path).distribution
    assert distribution.notice_recipients == ("planeacion@sg.gov.co", "soporte@sg.gov.co")
    assert distribution.email.to == ("jefe@sg.gov.co",)  # the report itself still goes to its recipients


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("distribucion:\n  correo:\n    destinatarios: [planeacion.sg.gov.co]\n", "línea 3"),
        ("distribucion:\n  correo:\n    asunto: 'Corte {trimestre}'\n", "solo use {entidad}, {slug}, {periodo} y {fecha_corte}"),
        ("distribucion:\n  correo:\n    reintentos: -1\n", "línea 3"),
        ("distribucion:\n  correo:\n    password: x\n", "campo desconocido «distribucion.correo.password»"),
        ("distribucion:\n  avisos: [planeacion@sg.gov.co, soporte]\n", "línea 2"),
        ("distribucion:\n  avisos: planeacion@sg.gov.co\n", "línea 2"),
    ],
)
def test_invalid_distribution_settings_are_reported_with_file_and_line(tmp_path, body, fragment):
    path = tmp_path / "configuracion.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert str(path) in str(info.value) and fragment in str(info.value)


def test_a_yaml_bomb_in_the_configuration_is_refused(tmp_path):
    from tests.test_ingest_plan import billion_laughs

    (tmp_path / "configuracion.yaml").write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert str(tmp_path / "configuracion.yaml") in message and "alias" in message, message


def test_history_retention_has_a_safe_default_and_can_be_set(tmp_path):
    default = load_settings().history
    assert (default.keep, default.max_age_days) == (20, None)
    (tmp_path / "configuracion.yaml").write_text("historial:\n  conservar: 5\n  dias: 365\n", encoding="utf-8")
    assert (load_settings(tmp_path).history.keep, load_settings(tmp_path).history.max_age_days) == (5, 365)


@pytest.mark.parametrize(("text", "fragment"), [
    ("historial:\n  conservar: 0\n", "mayor o igual que 1"),
    ("historial:\n  dias: -3\n", "mayor o igual que 1"),
    ("historial:\n  guardar: 3\n", "campo desconocido «historial.guardar»"),
])
def test_history_retention_is_validated(tmp_path, text, fragment):
    (tmp_path / "configuracion.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert fragment in str(info.value), str(info.value)
