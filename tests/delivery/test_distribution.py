"""pipeline/delivery/distribution.py: the e-mail of a cut, SMTP through a real server, the publication copy."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from pipeline.delivery.distribution import (
    Attachment,
    Sent,
    as_distribution_error,
    build_message,
    copied,
    copy_failed,
    copy_to_publication,
    credentials_from_env,
    distribution_record,
    email_failed,
    email_not_configured,
    email_sent,
    failed_after_publishing,
    load_credentials,
    not_configured_record,
    publication_folder,
    send,
    sender_address,
    status_at_publishing,
    template_fields,
)
from pipeline.errors import DistributionError, UnsafePathError
from pipeline.ingest import load_plan
from pipeline.core.periods import Cut
from pipeline.core.settings import Distribution, Email
from tests.conftest import SAMPLE

PDF = Attachment("PEI-sg-2024-T3.pdf", b"%PDF-1.7 fake")
DECK = Attachment("PEI-sg-2024-T3.pptx", b"PK fake deck")
EMAIL = Email(
    to=("planeacion@sg.gov.co", "jefe@sg.gov.co"),
    cc=("control@sg.gov.co",),
    subject="PEI {entidad}: corte {periodo}",
    body="Corte al {fecha_corte} ({slug}).",
)
SG_PLAN = replace(load_plan(SAMPLE), entity="Secretaría General")
FIELDS = template_fields(SG_PLAN, "sg", Cut(2024, 3))


def test_template_fields_are_spanish():
    assert FIELDS == {"entidad": "Secretaría General", "slug": "sg", "periodo": "2024-T3", "fecha_corte": "30 de septiembre de 2024",
                      "sigla": "PEI", "titulo": "Plan Estratégico Institucional"}


def test_the_default_e_mail_of_a_municipality_names_its_plan_not_bogota_s_pei(tmp_path):
    from pipeline.ingest import load_plan, load_settings
    from tests.plans import TENJO, write_tenjo

    plan = load_plan(write_tenjo(tmp_path))
    fields = template_fields(plan, "tenjo", Cut(2024, 3))
    assert fields == {"entidad": TENJO, "slug": "tenjo", "periodo": "2024-T3", "fecha_corte": "30 de septiembre de 2024",
                      "sigla": "PDM", "titulo": "Plan de Desarrollo Municipal"}
    email = replace(load_settings().distribution.email, to=("planeacion@tenjo.gov.co",))
    message = build_message(email, "pei@tenjo.gov.co", fields, [])
    assert message["Subject"] == f"PDM {TENJO}: seguimiento con corte 2024-T3"
    body = " ".join(message.get_body(("plain",)).get_content().split())
    assert f"seguimiento del Plan de Desarrollo Municipal de {TENJO} con corte al 30 de septiembre de 2024" in body
    assert "Estratégico" not in body and "PEI" not in message["Subject"]


def test_message_has_subject_recipients_body_and_typed_attachments():
    message = build_message(EMAIL, "pei@sg.gov.co", FIELDS, [PDF, DECK])
    assert message["Subject"] == "PEI Secretaría General: corte 2024-T3"
    assert message["To"] == "planeacion@sg.gov.co, jefe@sg.gov.co" and message["Cc"] == "control@sg.gov.co"
    assert message.get_body(("plain",)).get_content().strip() == "Corte al 30 de septiembre de 2024 (sg)."
    parts = list(message.iter_attachments())
    assert [(p.get_filename(), p.get_content_type(), p.get_content()) for p in parts] == [
        (PDF.name, "application/pdf", PDF.content),
        (DECK.name, "application/vnd.openxmlformats-officedocument.presentationml.presentation", DECK.content),
    ]
    assert message.as_bytes().isascii()  # the accents travel encoded, as every server accepts


def test_credentials_from_the_environment():
    assert credentials_from_env({}) is None
    credentials = credentials_from_env(
        {"PEI_SMTP_HOST": "smtp.sg.gov.co", "PEI_SMTP_PORT": "2525", "PEI_SMTP_USERNAME": "pei", "PEI_SMTP_PASSWORD": "s3creto"}
    )
    assert credentials.smtp_server == "smtp.sg.gov.co" and credentials.smtp_port == 2525
    assert credentials.smtp_type.name == "STARTTLS" and credentials.username == "pei"
    assert credentials.password.get_secret_value() == "s3creto" and "s3creto" not in repr(credentials)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "ningún servidor SMTP: defina las variables de entorno PEI_SMTP_HOST"),
        ({"PEI_SMTP_HOST": "h", "PEI_SMTP_TYPE": "tls"}, "PEI_SMTP_TYPE vale «TLS»; se esperaba SSL, STARTTLS o INSECURE"),
        ({"PEI_SMTP_HOST": "h", "PEI_SMTP_PORT": "x"}, "PEI_SMTP_PORT vale «x»; se esperaba un número de puerto"),
    ],
)
def test_missing_or_wrong_smtp_settings_say_what_to_set(environ, message):
    with pytest.raises(DistributionError, match=message) as raised:
        load_credentials(EMAIL, environ)
    assert not raised.value.transient


def test_sender_comes_from_settings_environment_or_user():
    credentials = credentials_from_env({"PEI_SMTP_HOST": "h", "PEI_SMTP_USERNAME": "user@sg.gov.co"})
    assert sender_address(replace(EMAIL, sender="a@sg.gov.co"), credentials, {"PEI_SMTP_FROM": "b@sg.gov.co"}) == "a@sg.gov.co"
    assert sender_address(EMAIL, credentials, {"PEI_SMTP_FROM": "b@sg.gov.co"}) == "b@sg.gov.co"
    assert sender_address(EMAIL, credentials, {}) == "user@sg.gov.co"
    with pytest.raises(DistributionError, match="Falta el remitente"):
        sender_address(EMAIL, credentials_from_env({"PEI_SMTP_HOST": "h"}), {})


def test_send_through_a_real_smtp_server(smtp_server):
    credentials = load_credentials(EMAIL)
    message = build_message(EMAIL, sender_address(EMAIL, credentials), FIELDS, [PDF, DECK])
    sent = send(message, credentials)
    assert len(smtp_server.received) == 1
    envelope, received = smtp_server.received[0]
    assert sorted(envelope.rcpt_tos) == ["control@sg.gov.co", "jefe@sg.gov.co", "planeacion@sg.gov.co"]
    assert envelope.mail_from == "pei@sg.gov.co"
    assert received["Subject"] == "PEI Secretaría General: corte 2024-T3"
    assert {p.get_filename(): p.get_content() for p in received.iter_attachments()} == {PDF.name: PDF.content, DECK.name: DECK.content}
    assert sent.attachments == [PDF.name, DECK.name] and sent.to == list(EMAIL.to) and sent.cc == list(EMAIL.cc)


def test_server_down_is_a_transient_failure(smtp_down):
    credentials = load_credentials(EMAIL)
    message = build_message(EMAIL, "pei@sg.gov.co", FIELDS, [PDF])
    with pytest.raises(DistributionError, match=f"No se pudo conectar con el servidor de correo 127.0.0.1:{smtp_down}") as raised:
        send(message, credentials, timeout=2)
    assert raised.value.transient


def test_publication_folder_sits_beside_the_outputs(tmp_path):
    assert publication_folder("publicacion", tmp_path / "outputs", "sg", Cut(2024, 3)) == tmp_path / "publicacion" / "sg" / "2024-T3"
    assert publication_folder(str(tmp_path / "x"), tmp_path / "outputs", "sg", Cut(2024, 3)) == tmp_path / "x" / "sg" / "2024-T3"


def test_copy_to_publication_replaces_whole_files(tmp_path):
    sources = tmp_path / "cut"
    sources.mkdir()
    (sources / PDF.name).write_bytes(PDF.content)
    folder = tmp_path / "pub" / "sg" / "2024-T3"
    folder.mkdir(parents=True)
    (folder / PDF.name).write_bytes(b"older version")
    copies = copy_to_publication(sources, [PDF.name], folder)
    assert copies == [folder / PDF.name] and copies[0].read_bytes() == PDF.content
    assert os.listdir(folder) == [PDF.name]


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_copy_killed_halfway_leaves_nothing_behind_once_copied_again(tmp_path):
    """A run killed while copying leaves its staging folder beside the publication folder (or,
    from earlier versions, temporary files inside it); the next copy replaces the folder whole
    and clears a dead run's staging folder, leaving alone that of a run still alive."""
    sources = tmp_path / "cut"
    (sources / "web").mkdir(parents=True)
    (sources / PDF.name).write_bytes(PDF.content)
    (sources / "web" / "index.html").write_bytes(b"<html/>")
    folder = tmp_path / "pub" / "sg" / "2024-T3"
    folder.mkdir(parents=True)
    dead = _dead_pid()
    (folder / f".{PDF.name}.{dead}-0a1b2c3d").write_bytes(b"half")
    (folder.parent / f".2024-T3.staging-{dead}-0a1b2c3d").mkdir()
    (folder.parent / f".2024-T3.staging-{dead}-0a1b2c3d" / PDF.name).write_bytes(b"half")
    alive = folder.parent / f".2024-T3.staging-{os.getpid()}-0a1b2c3d"  # a copy under way in a live process
    alive.mkdir()
    copy_to_publication(sources, [PDF.name, "web/index.html"], folder)
    assert sorted(os.listdir(folder)) == sorted([PDF.name, "web"])
    beside = sorted(n for n in os.listdir(folder.parent) if n.startswith((".2024-T3.", "2024-T3")) and not n.endswith(".publicacion.json"))
    assert beside == sorted(["2024-T3", alive.name])  # besides the portal's pages and records


def _copy_of(tmp_path, name: str, files: dict[str, bytes]) -> Path:
    cut = tmp_path / name
    for path, content in files.items():
        (cut / path).parent.mkdir(parents=True, exist_ok=True)
        (cut / path).write_bytes(content)
    return cut


def _published(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_full_disk_leaves_the_publication_folder_as_it_was_never_mixed(tmp_path, monkeypatch):
    """The publication folder fills up after the new deck: nothing of the new version shows
    beside the old PDF, CSV and web page, and the message says the folder kept the old one."""
    old = {"PEI-sg-2024-T3.pptx": b"deck v1", "PEI-sg-2024-T3.pdf": b"pdf v1", "avance.csv": b"v1", "web/index.html": b"v1"}
    new = {"PEI-sg-2024-T3.pptx": b"deck v2", "PEI-sg-2024-T3.pdf": b"pdf v2", "avance.csv": b"v2", "web/index.html": b"v2"}
    folder = tmp_path / "pub" / "sg" / "2024-T3"
    copy_to_publication(_copy_of(tmp_path, "v1", old), list(old), folder)
    v2 = _copy_of(tmp_path, "v2", new)
    written = {"bytes": 0}
    real_open = open

    class Filling:
        """A file on a disk with room for one more small file (the deck), then ENOSPC."""

        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            written["bytes"] += len(data)
            if written["bytes"] > len(new["PEI-sg-2024-T3.pptx"]):
                raise OSError(28, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

    def filling_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return Filling(handle) if "w" in mode and str(tmp_path / "pub") in str(path) else handle

    monkeypatch.setattr("builtins.open", filling_open)
    with pytest.raises(DistributionError) as caught:
        copy_to_publication(v2, list(new), folder)
    monkeypatch.undo()
    assert written["bytes"] > 0  # the disk did fill up during the copy
    assert _published(folder) == old
    assert not [n for n in os.listdir(folder.parent) if ".staging-" in n]  # no staging left
    text = str(caught.value)
    assert "No space left on device" in text
    assert f"La carpeta de publicación {folder} quedó como estaba" in text


def test_renamed_files_replace_the_old_ones_in_the_publication_folder(tmp_path):
    """An office that renames its files (archivo_pdf) gets one report per quarter there, not two."""
    folder = tmp_path / "pub" / "sg" / "2024-T3"
    copy_to_publication(_copy_of(tmp_path, "v1", {"PEI-sg-2024-T3.pdf": b"v1", "avance.csv": b"v1"}), ["PEI-sg-2024-T3.pdf", "avance.csv"], folder)
    renamed = {"PDM-sg-2024-T3.pdf": b"v2", "avance.csv": b"v2"}
    copy_to_publication(_copy_of(tmp_path, "v2", renamed), list(renamed), folder)
    assert _published(folder) == renamed


def test_unwritable_publication_folder_is_a_clear_failure(tmp_path):
    (tmp_path / "pub").write_text("a file, not a folder")
    (tmp_path / PDF.name).write_bytes(PDF.content)
    with pytest.raises(DistributionError, match="No se pudieron copiar los archivos a la carpeta de publicación"):
        copy_to_publication(tmp_path, [PDF.name], tmp_path / "pub" / "sg")


def test_a_folder_output_replaces_its_whole_folder_in_the_publication(tmp_path):
    cut = tmp_path / "cut"
    (cut / "web" / "img").mkdir(parents=True)
    (cut / PDF.name).write_bytes(PDF.content)
    (cut / "web" / "index.html").write_bytes(b"<html>nueva</html>")
    (cut / "web" / "img" / "a.svg").write_bytes(b"<svg/>")
    folder = tmp_path / "pub" / "sg" / "2024-T3"
    (folder / "web").mkdir(parents=True)
    (folder / "web" / "index.html").write_bytes(b"<html>anterior</html>")
    (folder / "web" / "vieja.css").write_bytes(b"/* de la version anterior */")
    names = [PDF.name, "web/index.html", "web/img/a.svg"]
    copies = copy_to_publication(cut, names, folder)
    assert copies == [folder / n for n in names]
    published = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert published == {n: (cut / n).read_bytes() for n in names}  # nothing of the older web folder stays
    assert sorted(p.name for p in folder.iterdir()) == [PDF.name, "web"]  # no staging left


@pytest.mark.parametrize("name", ["../fuera.pdf", "/etc/passwd", "web/../../fuera.html", "web//index.html", ".oculto", "web\\index.html", ""])
def test_a_path_that_could_leave_the_folders_is_refused_before_anything_is_copied(tmp_path, name):
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / PDF.name).write_bytes(PDF.content)
    with pytest.raises(UnsafePathError, match="no es válida"):
        copy_to_publication(tmp_path / "cut", [PDF.name, name], tmp_path / "pub")
    assert not (tmp_path / "pub").exists()


def test_an_entity_folder_is_resolved_inside_the_root_or_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("PEI_PUBLICATION_ROOT", raising=False)
    project = tmp_path / "project"  # the root: beside the output folder
    (project / "inputs" / "sg").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (project / "inputs" / "sg" / "enlace").symlink_to(tmp_path / "outside")  # made by the entity
    out = project / "outputs"
    with pytest.raises(DistributionError, match="fuera de la carpeta de publicación"):
        publication_folder("inputs/sg/enlace", out, "sg", Cut(2024, 3), confined=True)
    assert publication_folder("publicacion", out, "sg", Cut(2024, 3), confined=True) == project / "publicacion" / "sg" / "2024-T3"
    # Set by the administrator (packaged defaults), a link is legitimate.
    assert publication_folder("inputs/sg/enlace", out, "sg", Cut(2024, 3)) == project / "inputs/sg/enlace/sg/2024-T3"


def test_the_publication_root_holds_relative_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("PEI_PUBLICATION_ROOT", str(tmp_path / "srv"))
    folder = publication_folder("publicacion", tmp_path / "outputs", "sg", Cut(2024, 3), confined=True)
    assert folder == tmp_path / "srv" / "publicacion" / "sg" / "2024-T3"


def test_templates_are_filled_without_format_specs_or_attribute_access():
    from dataclasses import replace

    email = replace(EMAIL, subject="PEI {{{slug}}}: {entidad}", body="{entidad:>400000000}")
    with pytest.raises(ValueError):
        build_message(email, "pei@sg.gov.co", FIELDS, [])
    email = replace(EMAIL, subject="PEI {{{slug}}}: {entidad}", body="{entidad} {{no es un campo}}")
    message = build_message(email, "pei@sg.gov.co", {**FIELDS, "entidad": "Entidad {slug}"}, [])
    assert message["Subject"] == f"PEI {{{FIELDS['slug']}}}: Entidad {{slug}}"  # values are never re-read as templates
    assert message.get_content().strip() == "Entidad {slug} {no es un campo}"


@pytest.mark.parametrize(
    ("raised", "spanish"),
    [
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "cerró la conexión"),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), "no admite STARTTLS"),
        (smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server."), "no admite autenticación"),
        (ConnectionRefusedError(111, "Connection refused"), "rechazó la conexión"),
        (socket.gaierror(-2, "Name or service not known"), "no se encontró el servidor"),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "TLS"),
    ],
)
def test_connection_failures_are_told_in_spanish(monkeypatch, raised, spanish):
    from pipeline.delivery import distribution

    def fail(credentials, timeout):
        raise raised

    monkeypatch.setattr(distribution, "_connect", fail)
    credentials = credentials_from_env({"PEI_SMTP_HOST": "smtp.sg.gov.co", "PEI_SMTP_TYPE": "STARTTLS"})
    with pytest.raises(DistributionError) as info:
        send(build_message(EMAIL, "pei@sg.gov.co", FIELDS, [PDF]), credentials)
    message = str(info.value)
    assert spanish in message and "smtp.sg.gov.co" in message
    for english in ("unexpectedly", "not supported by server", "Connection refused", "Name or service"):
        assert english not in message


# --- what the SMTP server answers: a real server on loopback for each reply ----------------


@pytest.fixture
def refusing_server(monkeypatch):
    """Start a real SMTP server that refuses at a step: `refusing_server("RCPT", "451 ...")`."""
    from aiosmtpd.controller import Controller

    from tests.conftest import Refusing, free_port

    controllers = []

    def start(step: str, reply: str) -> Refusing:
        handler = Refusing(step, reply)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        monkeypatch.setenv("PEI_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PEI_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("PEI_SMTP_TYPE", "INSECURE")
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def socket_server(monkeypatch):
    """A plain TCP server on loopback that greets with `greeting` (None: never greets), then
    closes the connection after `hold` seconds; PEI_SMTP_* point at it. Returns the count of
    connections it accepted."""
    import socket
    import threading

    from tests.conftest import free_port

    servers = []

    def start(greeting: bytes | None, hold: float = 0.0) -> list[int]:
        listener = socket.create_server(("127.0.0.1", free_port()))
        listener.settimeout(0.2)
        accepted = [0]
        stop = threading.Event()

        def serve():
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                accepted[0] += 1
                with connection:
                    if greeting is not None:
                        connection.sendall(greeting)
                    stop.wait(hold)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        servers.append((listener, stop, thread))
        monkeypatch.setenv("PEI_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("PEI_SMTP_PORT", str(listener.getsockname()[1]))
        monkeypatch.setenv("PEI_SMTP_TYPE", "INSECURE")
        return accepted

    yield start
    for listener, stop, thread in servers:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _refusal(timeout: float = 5) -> DistributionError:
    credentials = load_credentials(EMAIL)
    message = build_message(EMAIL, "pei@sg.gov.co", FIELDS, [PDF])
    with pytest.raises(DistributionError) as raised:
        send(message, credentials, timeout=timeout)
    return raised.value


def _spanish(text: str) -> bool:
    """The message is a Spanish sentence of the pipeline's, not a system's English text alone."""
    return text.startswith("El servidor de correo 127.0.0.1:") and any(
        verb in text for verb in ("rechazó", "cerró la conexión", "no respondió", "no ofrece")
    )


@pytest.mark.parametrize(
    ("step", "refused"),
    [
        ("MAIL", "rechazó temporalmente al remitente pei@sg.gov.co"),
        ("RCPT", "rechazó temporalmente a los destinatarios"),
        ("DATA", "rechazó temporalmente el mensaje"),
    ],
)
def test_a_temporary_refusal_is_retried_and_says_so(refusing_server, step, refused):
    refusing_server(step, "451 4.7.1 Greylisted, please try again later")
    error = _refusal()
    assert error.transient, str(error)
    assert _spanish(str(error)) and refused in str(error), str(error)
    assert "451" in str(error) and "Greylisted" in str(error)  # the server's own words, quoted
    assert "revise las direcciones" not in str(error)


@pytest.mark.parametrize(
    ("step", "reply", "refused", "fix"),
    [
        ("MAIL", "550 5.7.1 Sender not allowed", "rechazó al remitente pei@sg.gov.co", "correo.remitente"),
        ("RCPT", "550 5.1.1 User unknown", "rechazó a los destinatarios control@sg.gov.co, jefe@sg.gov.co", "destinatarios"),
        ("DATA", "554 5.3.4 Message too big", "rechazó el mensaje", "tamaño de los adjuntos"),
        ("MAIL", "500 5.5.1 Command unrecognized", "rechazó al remitente", "correo.remitente"),
    ],
)
def test_a_permanent_refusal_is_not_retried_and_says_what_to_fix(refusing_server, step, reply, refused, fix):
    refusing_server(step, reply)
    error = _refusal()
    assert not error.transient, str(error)
    assert _spanish(str(error)) and refused in str(error) and fix in str(error), str(error)


def test_a_busy_server_at_connection_is_retried(socket_server):
    socket_server(b"421 4.3.2 Service not available, try later\r\n")
    error = _refusal()
    assert error.transient and _spanish(str(error)) and "rechazó temporalmente la conexión" in str(error), str(error)


def test_a_server_that_closes_without_greeting_is_retried_in_spanish(socket_server):
    socket_server(None)
    error = _refusal()
    assert error.transient and _spanish(str(error)) and "cerró la conexión" in str(error), str(error)
    assert "Connection unexpectedly closed" not in str(error)


def test_a_server_that_never_greets_is_retried_after_the_time_limit(socket_server):
    socket_server(None, hold=10)
    error = _refusal(timeout=1)
    assert error.transient and "no respondió en 1 s" in str(error), str(error)


def test_starttls_that_the_server_does_not_offer_is_not_retried(smtp_server, monkeypatch):
    monkeypatch.setenv("PEI_SMTP_TYPE", "STARTTLS")  # aiosmtpd without a TLS context offers none
    error = _refusal()
    assert not error.transient, str(error)
    assert _spanish(str(error)) and "no ofrece STARTTLS: configure PEI_SMTP_TYPE=SSL" in str(error), str(error)
    assert "extension not supported" not in str(error) and smtp_server.received == []


# --- the manifest's record of a distribution ----------------------------------------------------

AT = datetime(2024, 10, 15, 6, 0, 5, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize(
    ("distribution", "distribute", "status"),
    [
        (Distribution(folder="publicacion"), True, "pending"),
        (Distribution(email=EMAIL), True, "pending"),
        (Distribution(folder="publicacion"), False, "skipped"),
        (Distribution(), True, "not_configured"),
        (Distribution(), False, "not_configured"),
    ],
)
def test_the_status_a_cut_is_published_with(distribution, distribute, status):
    assert status_at_publishing(distribution, distribute) == status


def test_a_distribution_that_copied_and_sent_is_distributed(tmp_path):
    sent = Sent("pei@sg.gov.co", list(EMAIL.to), list(EMAIL.cc), "PEI", [DECK.name, PDF.name], "smtp:25", "<id@sg>", ["x@sg.gov.co"])
    record = distribution_record(AT, copied(tmp_path, ("a.pptx", "web/index.html")), email_sent(sent, AT))
    assert record == {
        "updated_at": "2024-10-15T06:00:05-05:00",
        "publication": {"status": "copied", "folder": str(tmp_path), "files": ["a.pptx", "web/index.html"]},
        "email": {
            "status": "sent", "sent_at": "2024-10-15T06:00:05-05:00", "from": "pei@sg.gov.co", "to": list(EMAIL.to),
            "cc": list(EMAIL.cc), "subject": "PEI", "attachments": [DECK.name, PDF.name], "server": "smtp:25",
            "message_id": "<id@sg>", "refused": "x@sg.gov.co",
        },
        "status": "distributed",
    }
    assert list(record) == ["updated_at", "publication", "email", "status"]


def test_any_failed_part_fails_the_distribution(tmp_path):
    error = DistributionError("No se pudo conectar.", transient=True)
    failed = email_failed(EMAIL, error)
    assert failed == {"status": "failed", "to": list(EMAIL.to), "cc": list(EMAIL.cc), "attempts": EMAIL.retries + 1, "error": "No se pudo conectar."}
    assert email_failed(EMAIL, DistributionError("Usuario rechazado."))["attempts"] == 1  # permanent: not retried
    assert distribution_record(AT, copied(tmp_path, ()), failed)["status"] == "failed"
    copy = copy_failed("publicacion", DistributionError("Fuera de la raíz."))
    assert copy == {"status": "failed", "folder": "publicacion", "error": "Fuera de la raíz."}
    assert distribution_record(AT, copy, email_not_configured())["status"] == "failed"


def test_without_a_publication_folder_the_record_has_only_the_email():
    record = distribution_record(AT, None, email_not_configured())
    assert record == {"updated_at": "2024-10-15T06:00:05-05:00", "email": {"status": "not_configured"}, "status": "distributed"}
    assert not_configured_record(AT) == {"status": "not_configured", "updated_at": "2024-10-15T06:00:05-05:00"}


def test_an_unexpected_error_while_distributing_is_named():
    kept = DistributionError("x")
    assert as_distribution_error(kept) is kept
    assert str(as_distribution_error(KeyError("k"))) == "Falla inesperada al distribuir: KeyError: 'k'"


def test_the_resend_hint_quotes_the_entity_for_the_shell(tmp_path):
    import shlex

    error = failed_after_publishing("mi entidad $(whoami)", Cut(2024, 3), tmp_path / "x", DistributionError("Falló."))
    command = str(error).split("con: ", 1)[1].split(" (con las mismas", 1)[0]
    from pipeline.core.command import suggest

    assert shlex.split(command) == [*shlex.split(suggest(""))[:1], "resend", "--entity", "mi entidad $(whoami)", "--period", "2024-T3"]
