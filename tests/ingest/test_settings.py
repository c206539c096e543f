"""pipeline/core/settings.py and pipeline/ingest/settings.py: traffic-light bands as configuration."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import InputError
from pipeline.ingest import load_settings


@pytest.mark.parametrize(
    ("r", "light"),
    [(-5, "rojo"), (49.99, "rojo"), (50, "amarillo"), (75, "amarillo"), (75.01, "verde"),
     (125, "verde"), (125.01, "naranja"), (float("inf"), "naranja")],
)
def test_default_bands_follow_the_spec(r, light):
    assert load_settings().bands.classify(r) .value == light


def test_an_entity_can_change_the_bands(tmp_path):
    (tmp_path / "configuracion.yaml").write_text(
        "semaforo:\n  bandas:\n    - {color: rojo, menor_que: 60}\n    - {color: amarillo, hasta: 90}\n"
        "    - {color: verde, hasta: 110}\n    - {color: naranja}\n",
        encoding="utf-8",
    )
    bands = load_settings(tmp_path).bands
    assert bands.classify(55).value == "rojo"
    assert bands.classify(100).value == "verde"
    assert bands.classify(111).value == "naranja"


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
        ("distribucion:\n  correo:\n    asunto: 'Corte {trimestre}'\n", "solo use {entidad}, {slug}, {periodo}, {fecha_corte}, {sigla} y {titulo}"),
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


# --- the publication folder an entity may name --------------------------------------------------


def _folder_setting(tmp_path, value: str):
    entity = tmp_path / "sg"
    entity.mkdir(exist_ok=True)
    (entity / "configuracion.yaml").write_text(f"# sg\ndistribucion:\n  carpeta_publicacion: {json.dumps(value)}\n", encoding="utf-8")
    return entity


@pytest.mark.parametrize("value", ["../../../../tmp/x", "/etc", "~/publicacion", "publicacion/../../x", "..", "pub\nlicacion"])
def test_an_entity_cannot_publish_outside_the_publication_root(tmp_path, monkeypatch, value):
    monkeypatch.delenv("PEI_PUBLICATION_ROOT", raising=False)
    entity = _folder_setting(tmp_path, value)
    with pytest.raises(InputError) as info:
        load_settings(entity)
    message = str(info.value)
    assert str(entity / "configuracion.yaml") in message and "línea 3" in message
    assert "carpeta_publicacion" in message and "PEI_PUBLICATION_ROOT" in message


@pytest.mark.parametrize("value", ["publicacion", "publicacion/sg", "a/../publicacion", "./pub"])
def test_an_entity_may_name_a_folder_inside_the_root(tmp_path, monkeypatch, value):
    monkeypatch.delenv("PEI_PUBLICATION_ROOT", raising=False)
    assert load_settings(_folder_setting(tmp_path, value)).distribution.folder == value


def test_with_a_publication_root_an_absolute_folder_inside_it_is_accepted(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "sg").mkdir(parents=True)
    monkeypatch.setenv("PEI_PUBLICATION_ROOT", str(root))
    assert load_settings(_folder_setting(tmp_path, str(root / "sg"))).distribution.folder == str(root / "sg")
    with pytest.raises(InputError, match="carpeta_publicacion"):
        load_settings(_folder_setting(tmp_path, str(tmp_path / "elsewhere")))


def test_a_symlink_inside_the_root_cannot_lead_outside(tmp_path, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "salida").symlink_to(tmp_path / "outside")
    monkeypatch.setenv("PEI_PUBLICATION_ROOT", str(root))
    with pytest.raises(InputError, match="enlace"):
        load_settings(_folder_setting(tmp_path, "salida/sg"))


def test_the_administrator_may_set_any_folder_in_the_packaged_defaults():
    assert load_settings().distribution.folder == "publicacion"
    assert not load_settings().distribution.folder_confined


# --- file names and e-mail templates: only the documented fields, nothing that breaks later -----


def _settings_file(tmp_path, body: str):
    (tmp_path / "configuracion.yaml").write_text(body, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "name",
    [".{slug}.pdf", "..pdf", ".pdf", "{slug}/x.pdf", "PEI\\a{slug}.pdf", "PEI\\u202e{slug}.pdf",
     "{slug:>400000000}.pdf", "{slug.__class__}.pdf", "{slug!r}.pdf", "{nombre}.pdf", "PEI-{slug.pdf"],
)
def test_a_file_name_that_would_break_later_is_refused_at_load(tmp_path, name):
    folder = _settings_file(tmp_path, f'# nombres\ntema:\n  archivo_pdf: "{name}"\n')
    with pytest.raises(InputError) as info:
        load_settings(folder)
    message = str(info.value)
    assert str(folder / "configuracion.yaml") in message and "línea 3" in message and "archivo_pdf" in message
    assert "\n" not in message and "\a" not in message and "\u202e" not in message  # shown escaped, on one line


def test_file_names_and_e_mail_texts_may_use_the_plan_s_sigla_and_title(tmp_path):
    folder = _settings_file(
        tmp_path,
        'tema:\n  archivo_pdf: "{sigla}-{titulo}-{periodo}.pdf"\n'
        'distribucion:\n  correo:\n    asunto: "{sigla} {entidad}"\n    mensaje: "Seguimiento del {titulo} ({sigla})."\n',
    )
    settings = load_settings(folder)
    assert settings.theme.file_names("tenjo", "2024-T3", "PDM", "Plan de Desarrollo Municipal")[1] == (
        "PDM-Plan de Desarrollo Municipal-2024-T3.pdf"
    )
    assert settings.distribution.email.subject == "{sigla} {entidad}"


def test_the_default_names_and_texts_come_from_the_plan_not_from_bogota_s_pei():
    settings = load_settings()
    assert settings.theme.deck_file == "{sigla}-{slug}-{periodo}.pptx"
    assert settings.theme.pdf_file == "{sigla}-{slug}-{periodo}.pdf"
    email = settings.distribution.email
    assert email.subject == "{sigla} {entidad}: seguimiento con corte {periodo}"
    assert "{titulo}" in email.body and "Estratégico" not in email.body


def test_a_file_name_may_carry_literal_braces(tmp_path):
    theme = load_settings(_settings_file(tmp_path, 'tema:\n  archivo_pdf: "PEI-{{{slug}}}-{periodo}.pdf"\n')).theme
    assert theme.file_names("sg", "2024-T3", "PEI", "Plan")[1] == "PEI-{sg}-2024-T3.pdf"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("asunto", "{entidad:>400000000}"),
        ("asunto", "{entidad.__class__.__mro__}"),
        ("asunto", "{entidad[0]}"),
        ("asunto", "{entidad!r}"),
        ("asunto", "{trimestre}"),
        ("asunto", "PEI {entidad"),
        ("asunto", "PEI\\n{entidad}"),
        ("asunto", "PEI\\r\\nBcc: otro@x.co"),
        ("mensaje", "Saludo {entidad:>400000000}"),
        ("mensaje", "{0}"),
        ("remitente", "pei@sg.gov.co\\0"),
        ("remitente", "pei\\e@sg.gov.co"),
    ],
)
def test_email_templates_and_headers_take_only_documented_single_line_values(tmp_path, field, value):
    folder = _settings_file(tmp_path, f'distribucion:\n  correo:\n    {field}: "{value}"\n')
    with pytest.raises(InputError) as info:
        load_settings(folder)
    message = str(info.value)
    assert str(folder / "configuracion.yaml") in message and "línea 3" in message and field in message


def test_a_hostile_width_fails_fast_and_a_literal_brace_is_still_writable(tmp_path):
    import time

    started = time.monotonic()
    with pytest.raises(InputError, match=r"\{entidad\}, \{slug\}, \{periodo\}, \{fecha_corte\}, \{sigla\} y \{titulo\}"):
        load_settings(_settings_file(tmp_path, 'distribucion:\n  correo:\n    asunto: "{entidad:>400000000}"\n'))
    assert time.monotonic() - started < 2
    email = load_settings(_settings_file(tmp_path, 'distribucion:\n  correo:\n    asunto: "PEI {{{slug}}} {entidad}"\n')).distribution.email
    assert email.subject == "PEI {{{slug}}} {entidad}"


def test_list_lengths_are_said_in_plain_spanish(tmp_path):
    with pytest.raises(InputError) as info:
        load_settings(_settings_file(tmp_path, "semaforo:\n  bandas: []\n"))
    assert "se encontraron 0 elementos en «semaforo.bandas»; se esperaba al menos 1 elemento" in str(info.value)
    assert "más elementos" not in str(info.value)


def test_a_yaml_bomb_in_the_configuration_is_refused(tmp_path):
    from tests.ingest.test_plan import billion_laughs

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


def test_the_templates_deadline_is_optional_and_can_be_a_date_or_days_after_the_close(tmp_path):
    from datetime import date

    assert load_settings().data_entry.deadline_for(date(2024, 9, 30)) is None
    (tmp_path / "configuracion.yaml").write_text("seguimiento:\n  plazo_dias: 10\n", encoding="utf-8")
    assert load_settings(tmp_path).data_entry.deadline_for(date(2024, 9, 30)) == date(2024, 10, 10)
    (tmp_path / "configuracion.yaml").write_text("seguimiento:\n  fecha_limite: 2024-10-15\n  plazo_dias: 10\n", encoding="utf-8")
    entry = load_settings(tmp_path).data_entry
    assert entry.deadline_for(date(2024, 9, 30)) == date(2024, 10, 15)  # the fixed date wins
    assert entry.deadline_for(date(2024, 12, 31)) is None and entry.stale(date(2024, 12, 31))  # an earlier quarter's


@pytest.mark.parametrize(("text", "fragment"), [
    ("seguimiento:\n  fecha_limite: 15/10/2024\n", "una fecha escrita año-mes-día, como 2024-10-15, en «seguimiento.fecha_limite»"),
    ("seguimiento:\n  plazo_dias: 0\n", "mayor o igual que 1 en «seguimiento.plazo_dias»"),
    ("seguimiento:\n  plazo_dias: 400\n", "menor o igual que 366 en «seguimiento.plazo_dias»"),
    ("seguimiento:\n  plazo: 10\n", "campo desconocido «seguimiento.plazo»"),
])
def test_the_templates_deadline_is_validated(tmp_path, text, fragment):
    (tmp_path / "configuracion.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert fragment in str(info.value) and "línea 2" in str(info.value), str(info.value)


def test_a_logo_text_longer_than_its_box_is_refused(tmp_path):
    """At most eight rows (a blank one between blocks) of at most 36 characters: the cover's
    logo box holds that at its smallest size, so nothing is cut or runs off the slide."""
    import shutil

    from pipeline.errors import InputError
    from pipeline.report.layout import COVER_LOGO_BOX, CLOSING_LOGO_BOX, LOGO_SIZES, logo_text_height
    from tests.conftest import SAMPLE

    widest = tuple(tuple("W" * 36 for _ in range(2)) for _ in range(3))  # 2 + 1 + 2 + 1 + 2 = 8 rows
    for box in (COVER_LOGO_BOX, CLOSING_LOGO_BOX):
        assert logo_text_height(widest, LOGO_SIZES[-1], box[2]) <= box[3]
    folder = tmp_path / "sg"
    shutil.copytree(SAMPLE, folder)
    for logo, found in (('[["A"], ["B"], ["C"], ["D"], ["E"]]', "tiene 9"), (f'[["{"X" * 37}"]]', "uno tiene 37")):
        (folder / "configuracion.yaml").write_text(f"tema:\n  logo: {logo}\n", encoding="utf-8")
        with pytest.raises(InputError, match=found):
            load_settings(folder)


def test_the_default_scale_names_its_levels_and_keeps_its_colour_ids():
    levels = load_settings().bands.levels
    assert [(t.value, t.label, t.meaning.value) for t in levels] == [
        ("rojo", "Rojo", "retraso"), ("amarillo", "Amarillo", "en riesgo"), ("verde", "Verde", "cumplido"),
        ("naranja", "Naranja", "sobreejecución"), ("gris", "Sin reporte", "sin reporte"), ("no_aplica", "N/A", "no aplica"),
    ]
    assert levels[0].description == "retraso crítico" and levels[0].color == "#C62828"


def test_an_office_defines_a_five_level_scale(tmp_path):
    (tmp_path / "configuracion.yaml").write_text(
        "semaforo:\n  bandas:\n"
        "    - {nombre: Retraso crítico, color: '#B71C1C', significado: retraso, menor_que: 40}\n"
        "    - {nombre: Bajo, color: '#E8710A', significado: retraso, desde: 40, menor_que: 60}\n"
        "    - {nombre: Medio, color: '#F2B705', significado: en riesgo, desde: 60, menor_que: 80}\n"
        "    - {nombre: Satisfactorio, id: ok, color: verde, significado: cumplido, desde: 80, hasta: 120}\n"
        "    - {nombre: Sobreejecutado, color: '#6a1b9a', significado: sobreejecución, descripcion: requiere justificación}\n",
        encoding="utf-8",
    )
    bands = load_settings(tmp_path).bands
    assert bands.classify(39.9).value == "retraso-critico" and bands.classify(43 / 75 * 100).label == "Bajo"
    low = bands.classify(57.3)
    assert low.color == "#E8710A" and low.meaning.value == "retraso" and low.description == "retraso"
    assert bands.classify(120).value == "ok" and bands.classify(120).color == "#2E7D32"  # the theme's verde
    top = bands.classify(121)
    assert top.color == "#6A1B9A" and top.description == "requiere justificación"


def test_the_old_short_form_still_reads(tmp_path):
    (tmp_path / "configuracion.yaml").write_text(
        "semaforo:\n  bandas:\n    - {color: rojo, menor_que: 50}\n    - {color: amarillo, hasta: 75}\n"
        "    - {color: verde, hasta: 125}\n    - {color: naranja}\n", encoding="utf-8")
    assert load_settings(tmp_path).bands == load_settings().bands


@pytest.mark.parametrize(
    ("band", "line", "fragments"),
    [
        ("{nombre: Bajo, color: '#E8710A', significado: retraso, desde: 45, menor_que: 60}", 4,
         ["un hueco", "«semaforo.bandas[2].desde»", "«desde: 40»"]),
        ("{nombre: Bajo, color: '#E8710A', significado: retraso, desde: 30, menor_que: 60}", 4,
         ["una superposición", "«semaforo.bandas[2].desde»"]),
        ("{nombre: Bajo, color: '#E8710A', significado: atrasado, menor_que: 60}", 4,
         ["uno de estos valores: retraso, en riesgo, cumplido o sobreejecución", "semaforo.bandas[2].significado"]),
        ("{nombre: Bajo, color: '#E8710', significado: retraso, menor_que: 60}", 4,
         ["un color #RRGGBB", "semaforo.bandas[2].color"]),
        ("{color: '#E8710A', menor_que: 60}", 4, ["«nombre» y «significado»"]),
        ("{nombre: Crítico, color: '#E8710A', significado: retraso, menor_que: 60}", 4,
         ["repetido", "semaforo.bandas[2].nombre"]),
    ],
)
def test_a_scale_with_gaps_overlaps_or_unknown_words_is_refused_naming_line_and_key(tmp_path, band, line, fragments):
    path = tmp_path / "configuracion.yaml"
    path.write_text(
        "semaforo:\n  bandas:\n    - {nombre: Crítico, color: '#B71C1C', significado: retraso, menor_que: 40}\n"
        f"    - {band}\n    - {{nombre: Bien, color: '#2E7D32', significado: cumplido}}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert str(path) in message and f"línea {line}" in message, message
    for fragment in fragments:
        assert fragment in message, message


# --- the open data licence (publicacion.licencia) --------------------------------------------------


def test_the_default_licence_is_datos_gov_cos_cc_by_sa():
    licence = load_settings().publication.licence
    assert (licence.id, licence.url) == ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    assert "Atribución-CompartirIgual 4.0" in licence.title


@pytest.mark.parametrize(
    ("value", "url"),
    [("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
     ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
     ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/")],
)
def test_an_entity_sets_its_licence(tmp_path, value, url):
    licence = load_settings(_settings_file(tmp_path, f"publicacion:\n  licencia: {value}\n")).publication.licence
    assert (licence.id, licence.url) == (value, url)


@pytest.mark.parametrize(
    ("body", "found"),
    [("publicacion:\n  licencia: CC-BY-NC-4.0\n", "CC-BY-NC-4.0"),
     ("publicacion:\n  licencia: cc-by-4.0\n", "cc-by-4.0"),
     ("publicacion:\n  licencia: ''\n", "«»")],
)
def test_a_licence_that_is_not_an_open_one_is_reported_in_spanish(tmp_path, body, found):
    path = _settings_file(tmp_path, "# sg\n" + body) / "configuracion.yaml"
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert str(path) in message and "línea 3" in message and found in message
    assert "CC-BY-SA-4.0" in message and "CC0-1.0" in message  # what is expected
    assert "Traceback" not in message


def test_a_misspelt_licence_key_is_reported_with_its_line(tmp_path):
    path = _settings_file(tmp_path, "# sg\npublicacion:\n  licensia: CC-BY-4.0\n") / "configuracion.yaml"
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    assert str(path) in str(info.value) and "línea 3" in str(info.value) and "publicacion.licensia" in str(info.value)


# --- approval before publishing (issue 21) -------------------------------------------------------


def test_approval_is_off_by_default_and_can_be_required(tmp_path):
    assert not load_settings().approval.required
    (tmp_path / "configuracion.yaml").write_text(
        "aprobacion:\n  requerida: true\n  aprobadores: [jefe.planeacion@sg.gov.co]\n  plazo_dias: 10\n", encoding="utf-8"
    )
    approval = load_settings(tmp_path).approval
    assert approval.required and approval.approvers == ("jefe.planeacion@sg.gov.co",) and approval.days == 10
    assert approval.committee == "Comité Institucional de Gestión y Desempeño"  # from the defaults


@pytest.mark.parametrize("word", ["si", "sí", "Sí", "SI"])
def test_approval_required_may_be_written_si_as_the_office_says_it(tmp_path, word):
    (tmp_path / "configuracion.yaml").write_text(
        f"aprobacion:\n  requerida: {word}\n  aprobadores: [jefe.planeacion@sg.gov.co]\n", encoding="utf-8"
    )
    assert load_settings(tmp_path).approval.required


@pytest.mark.parametrize(("text", "fragment"), [
    ("aprobacion:\n  requerido: true\n", "campo desconocido «aprobacion.requerido»"),
    ("aprobacion:\n  aprobadores: [jefe.planeacion]\n", "una dirección de correo como planeacion@entidad.gov.co"),
    ("aprobacion:\n  plazo_dias: 0\n", "mayor o igual que 1 en «aprobacion.plazo_dias»"),
    ("aprobacion:\n  plazo_dias: 2.5\n", "aprobacion.plazo_dias"),
    ("aprobacion:\n  requerida: true\n", "al menos una dirección en «aprobacion.aprobadores»"),
    ("aprobacion:\n  requerida: quizá\n", "sí o no (si, no, true, false) en «aprobacion.requerida»"),
])
def test_the_approval_setting_is_validated_in_spanish(tmp_path, text, fragment):
    path = tmp_path / "configuracion.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert str(path) in message and "línea" in message and fragment in message, message
