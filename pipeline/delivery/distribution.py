"""Distribute a published cut: copy its distributed outputs to the publication folder and e-mail
the single-file ones (the deck and the PDF; `pipeline.outputs.registry` says which outputs are which).

What happened is recorded in the cut's manifest.json under `distribution`: the record and its
status rules are the pure functions below (`status_at_publishing`, `copied`, `copy_failed`,
`email_sent`, `email_failed`, `email_not_configured`, `distribution_record`), so the flow only calls them.

The SMTP server and its credentials never live in the repository or in configuracion.yaml:
they come from a Prefect block (prefect-email's `EmailServerCredentials`, named by
`correo.bloque_smtp`) or from the environment (`PEI_SMTP_*`, see `credentials_from_env`).
The message is built here with the standard library's `EmailMessage`, so the Spanish subject
and the file names travel properly encoded and the attachments carry their real types.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import shlex
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol

from pipeline.core.consolidation import SECTORS_FOLDER
from pipeline.delivery import portal
from pipeline.errors import DistributionError, PublishError, UnsafePathError
from pipeline.core.formatting import long_date
from pipeline.core.command import suggest
from pipeline.core.periods import BOGOTA, Cut, PeriodError, parse_period
from pipeline.core.placeholders import fill
from pipeline.delivery.publish import (
    MANIFEST_FILE, Artifact, clear_leftovers, cut_folder, cut_lock, publish, relative_path, replace_file,
)
from pipeline.core.settings import PUBLICATION_ROOT_ENV, Distribution, Email, Theme, publication_root

__all__ = [
    "PENDING",
    "SKIPPED",
    "NOT_CONFIGURED",
    "DISTRIBUTED",
    "FAILED",
    "status_at_publishing",
    "copied",
    "copy_failed",
    "email_sent",
    "email_failed",
    "email_not_configured",
    "distribution_record",
    "not_configured_record",
    "as_distribution_error",
    "failed_after_publishing",
    "Attachment",
    "Sent",
    "template_fields",
    "Names",
    "PlanNames",
    "plan_record",
    "build_message",
    "credentials_from_env",
    "load_credentials",
    "sender_address",
    "send",
    "publication_folder",
    "copy_to_publication",
    "published_portal_cuts",
    "write_portal",
    "update_portal",
]

ENV_PREFIX = "PEI_SMTP_"
SMTP_TIMEOUT = 30.0
_TYPES = {
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# --- the manifest's record of a distribution -------------------------------------------------

PENDING = "pending"
"""Published, distribution under way; left so by a run that died (see `pipeline.delivery.recovery`)."""
SKIPPED = "skipped"
"""Distribution configured, but the run was told not to distribute (`--no-distribute`)."""
NOT_CONFIGURED = "not_configured"
"""No publication folder and no recipients: nothing to distribute."""
DISTRIBUTED = "distributed"
"""Every configured part (publication copy, e-mail) succeeded."""
FAILED = "failed"
"""Some part failed: the run says why and how to resend; it is not retried on its own."""


def status_at_publishing(distribution: Distribution, distribute: bool) -> str:
    """The status a cut's manifest is published with: `pending` when it is about to be
    distributed, `skipped` when the run was told not to, `not_configured` when there is nothing
    to distribute."""
    if not distribution.active:
        return NOT_CONFIGURED
    return PENDING if distribute else SKIPPED


def copied(folder: Path, names: Sequence[str]) -> dict[str, Any]:
    """The record of a publication copy that succeeded: where, and which paths."""
    return {"status": "copied", "folder": str(folder), "files": list(names)}


def copy_failed(folder: Path | str, error: DistributionError) -> dict[str, Any]:
    """The record of a publication copy that failed (`folder` as configured when it could not
    even be resolved)."""
    return {"status": FAILED, "folder": str(folder), "error": str(error)}


def email_not_configured() -> dict[str, Any]:
    """The record of the e-mail part when no recipients are configured."""
    return {"status": NOT_CONFIGURED}


def email_sent(sent: Sent, at: datetime) -> dict[str, Any]:
    """The record of an e-mail the server accepted (recipients it refused meanwhile included)."""
    return {
        "status": "sent",
        "sent_at": at.isoformat(timespec="seconds"),
        "from": sent.sender,
        "to": sent.to,
        "cc": sent.cc,
        "subject": sent.subject,
        "attachments": sent.attachments,
        "server": sent.server,
        "message_id": sent.message_id,
        **({"refused": ", ".join(sent.refused)} if sent.refused else {}),
    }


def email_failed(email: Email, error: DistributionError) -> dict[str, Any]:
    """The record of an e-mail that failed: a transient failure was retried `email.retries` times."""
    return {
        "status": FAILED,
        "to": list(email.to),
        "cc": list(email.cc),
        "attempts": email.retries + 1 if error.transient else 1,
        "error": str(error),
    }


def distribution_record(at: datetime, publication: dict[str, Any] | None, email: dict[str, Any]) -> dict[str, Any]:
    """The manifest's `distribution` after distributing: each part's record (no `publication`
    without a publication folder), and `failed` if any part failed, else `distributed`."""
    record: dict[str, Any] = {"updated_at": at.isoformat(timespec="seconds")}
    if publication is not None:
        record["publication"] = publication
    record["email"] = email
    parts = [part for part in (publication, email) if part is not None]
    record["status"] = FAILED if any(part["status"] == FAILED for part in parts) else DISTRIBUTED
    return record


def not_configured_record(at: datetime) -> dict[str, Any]:
    """The record of a pending distribution found with distribution since turned off."""
    return {"status": NOT_CONFIGURED, "updated_at": at.isoformat(timespec="seconds")}


def as_distribution_error(error: BaseException) -> DistributionError:
    """A failed distribution step's error, as a `DistributionError` (an unexpected one named)."""
    if isinstance(error, DistributionError):
        return error
    return DistributionError(f"Falla inesperada al distribuir: {type(error).__name__}: {error}")


def failed_after_publishing(slug: str, cut: Cut, target: Path, error: DistributionError) -> DistributionError:
    """The run's error when a cut was published but its distribution failed: why, and the
    command (quoted for the shell) that resends it."""
    return DistributionError(
        f"Los reportes de {slug} al corte {cut} quedaron publicados en {target}, pero la "
        f"distribución falló: {error} Cuando se resuelva, reenvíelos sin regenerarlos con: "
        + suggest(f"resend --entity {shlex.quote(slug)} --period {shlex.quote(str(cut))}") + " (con las mismas --input y --output)."
    )


# --- the e-mail --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes

    @property
    def mime_type(self) -> tuple[str, str]:
        kind = _TYPES.get(Path(self.name).suffix.lower()) or mimetypes.guess_type(self.name)[0]
        main, _, sub = (kind or "application/octet-stream").partition("/")
        return main, sub


@dataclass(frozen=True)
class Sent:
    """What an e-mail carried: for the manifest and the run's log."""

    sender: str
    to: list[str]
    cc: list[str]
    subject: str
    attachments: list[str]
    server: str
    message_id: str
    refused: list[str] = field(default_factory=list)  # recipients the server refused while accepting others


class Names(Protocol):
    """What the e-mail's texts name about a plan: a `model.Plan`, or a `PlanNames` from a manifest."""

    entity: str
    title: str

    @property
    def acronym(self) -> str: ...


@dataclass(frozen=True)
class PlanNames:
    """A published cut's plan as its manifest names it (`plan_record`): its entity, title and sigla."""

    entity: str
    title: str
    acronym: str


def plan_record(plan: Names) -> dict[str, str]:
    """The manifest's `plan`: the title and sigla a resend of the cut names its e-mail with."""
    return {"title": plan.title, "acronym": plan.acronym}


def template_fields(plan: Names, slug: str, cut: Cut) -> dict[str, str]:
    """The fields of the e-mail's texts: the entity's name, its folder, the cut, the cut's last
    day, and the plan's sigla and title (a municipality's «PDM», «Plan de Desarrollo Municipal»)."""
    return {
        "entidad": plan.entity, "slug": slug, "periodo": str(cut), "fecha_corte": long_date(cut.end),
        "sigla": plan.acronym, "titulo": plan.title,
    }


def build_message(
    email: Email, sender: str, fields: Mapping[str, str], attachments: Sequence[Attachment]
) -> EmailMessage:
    """The e-mail of a cut: subject and body from the settings' templates, files attached."""
    message = EmailMessage()
    message["Subject"] = fill(email.subject, fields)
    message["From"] = sender
    if email.to:
        message["To"] = ", ".join(email.to)
    if email.cc:
        message["Cc"] = ", ".join(email.cc)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(fill(email.body, fields))
    for attachment in attachments:
        main, sub = attachment.mime_type
        message.add_attachment(attachment.content, maintype=main, subtype=sub, filename=attachment.name)
    return message


def credentials_from_env(environ: Mapping[str, str]):
    """`EmailServerCredentials` from PEI_SMTP_HOST, _PORT, _TYPE, _USERNAME, _PASSWORD; None
    when PEI_SMTP_HOST is not set."""
    from prefect_email import EmailServerCredentials

    host = environ.get(ENV_PREFIX + "HOST", "").strip()
    if not host:
        return None
    kind = environ.get(ENV_PREFIX + "TYPE", "STARTTLS").strip().upper()
    if kind not in ("SSL", "STARTTLS", "INSECURE"):
        raise DistributionError(
            f"La variable de entorno {ENV_PREFIX}TYPE vale «{kind}»; se esperaba SSL, STARTTLS o INSECURE."
        )
    port_text = environ.get(ENV_PREFIX + "PORT", "").strip()
    try:
        port = int(port_text) if port_text else None
    except ValueError:
        raise DistributionError(
            f"La variable de entorno {ENV_PREFIX}PORT vale «{port_text}»; se esperaba un número de puerto, como 587."
        ) from None
    return EmailServerCredentials(
        smtp_server=host,
        smtp_port=port,
        smtp_type=kind,
        username=environ.get(ENV_PREFIX + "USERNAME") or None,
        password=environ.get(ENV_PREFIX + "PASSWORD", ""),
    )


def load_credentials(email: Email, environ: Mapping[str, str] | None = None):
    """The SMTP credentials: the named Prefect block, else the environment."""
    environ = os.environ if environ is None else environ
    if email.smtp_block:
        from prefect_email import EmailServerCredentials

        try:
            return EmailServerCredentials.load(email.smtp_block)
        except ValueError as exc:
            raise DistributionError(
                f"No se encontró el bloque de Prefect «{email.smtp_block}» (Email Server Credentials) "
                "que configuracion.yaml indica en correo.bloque_smtp: créelo en la interfaz de Prefect "
                f"o corrija el nombre ({exc})."
            ) from None
    credentials = credentials_from_env(environ)
    if credentials is None:
        raise DistributionError(
            "Hay destinatarios de correo configurados pero ningún servidor SMTP: defina las variables "
            f"de entorno {ENV_PREFIX}HOST (y, si aplica, {ENV_PREFIX}PORT, {ENV_PREFIX}TYPE, "
            f"{ENV_PREFIX}USERNAME, {ENV_PREFIX}PASSWORD) o indique en correo.bloque_smtp un bloque "
            "de Prefect «Email Server Credentials»."
        )
    return credentials


def sender_address(email: Email, credentials, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    sender = email.sender or environ.get(ENV_PREFIX + "FROM") or credentials.username
    if not sender or "@" not in sender:
        raise DistributionError(
            "Falta el remitente del correo: indíquelo en correo.remitente de configuracion.yaml o "
            f"en la variable de entorno {ENV_PREFIX}FROM."
        )
    return sender


def _server_name(credentials) -> str:
    server = credentials.smtp_server
    return getattr(server, "value", server)


def _connect(credentials, timeout: float) -> smtplib.SMTP:
    """Like `EmailServerCredentials.get_server()`, but with a time limit on every socket call,
    so a server that never answers fails (and is retried) instead of hanging the run."""
    host = _server_name(credentials)
    kind = credentials.smtp_type
    port = credentials.smtp_port or kind.value
    context = ssl.create_default_context() if credentials.verify else ssl._create_unverified_context()
    if kind.name == "SSL":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if kind.name == "STARTTLS":
            server.ehlo()
            if not server.has_extn("starttls"):
                server.close()
                raise DistributionError(_NO_STARTTLS.format(where=f"{host}:{port}"))
            server.starttls(context=context)
    if credentials.username:
        server.ehlo_or_helo_if_needed()
        if not server.has_extn("auth"):
            server.close()
            raise DistributionError(_NO_AUTH.format(where=f"{host}:{port}"))
        server.login(credentials.username, credentials.password.get_secret_value())
    return server


def connection_failure(exc: BaseException, timeout: float = SMTP_TIMEOUT) -> str:
    """Why a connection to the SMTP server failed, in Spanish; the system's own words are kept
    in parentheses only where they add something (an SSL library's reason, an unusual error)."""
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no respondió en {timeout:.0f} s"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "el servidor cerró la conexión de forma inesperada"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if "STARTTLS" in detail.upper():
            return ("el servidor no admite STARTTLS (conexión cifrada): revise PEI_SMTP_TYPE (SSL, STARTTLS o "
                    "INSECURE) y el puerto")
        if "AUTH" in detail.upper():
            return "el servidor no admite autenticación con usuario y contraseña en esta conexión"
        return f"el servidor no admite lo que se le pidió ({detail})"
    if isinstance(exc, ConnectionRefusedError):
        return "el servidor rechazó la conexión (no hay un servidor de correo escuchando en ese puerto)"
    if isinstance(exc, socket.gaierror):
        return "no se encontró el servidor (su nombre no se pudo resolver en la red)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"el certificado del servidor no es válido ({exc.verify_message or detail})"
    if isinstance(exc, ssl.SSLError):
        return f"falló la negociación TLS/SSL: ¿corresponden el tipo de conexión y el puerto? ({getattr(exc, 'reason', None) or detail})"
    if isinstance(exc, ConnectionResetError):
        return "el servidor interrumpió la conexión"
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "no hay ruta de red hasta el servidor"
    return f"falla de conexión ({type(exc).__name__}: {detail})"


# Checked before smtplib's starttls() and login(), whose English "extension not supported"
# errors would otherwise be retried although the server will never offer it.
_NO_STARTTLS = (
    "El servidor de correo {where} no ofrece STARTTLS: configure PEI_SMTP_TYPE=SSL (con el puerto "
    "SSL del servidor, normalmente 465) o, solo en una red de confianza, PEI_SMTP_TYPE=INSECURE; si "
    "las credenciales vienen de un bloque de Prefect, cambie allí su tipo (smtp_type)."
)
_NO_AUTH = (
    "El servidor de correo {where} no ofrece autenticación (AUTH) y hay un usuario configurado: "
    "quite PEI_SMTP_USERNAME y PEI_SMTP_PASSWORD si el servidor no la pide, o use PEI_SMTP_TYPE=STARTTLS "
    "o SSL si solo la ofrece en una conexión cifrada."
)


def _reply_text(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    return (error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)).strip()


def _refusal(where: str, exc: smtplib.SMTPResponseException) -> DistributionError:
    """What the server refused at which step, in Spanish, with its own reply quoted.

    A 4xx reply (greylisting, a busy or rate-limited server) is temporary: the error is
    transient and the e-mail is retried. A 5xx reply is permanent: the message says what to fix.
    """
    if isinstance(exc, smtplib.SMTPConnectError):
        what, fix = "la conexión", (
            "revise el servidor y el puerto (PEI_SMTP_HOST, PEI_SMTP_PORT o el bloque de Prefect) o pida "
            "a quien administra el correo que acepte envíos desde este equipo"
        )
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        sender = exc.sender.decode() if isinstance(exc.sender, bytes) else exc.sender
        what, fix = f"al remitente {sender}", (
            "revise el remitente (correo.remitente en configuracion.yaml o PEI_SMTP_FROM): debe ser una "
            "dirección que ese servidor le permita usar al usuario configurado"
        )
    elif isinstance(exc, smtplib.SMTPDataError):
        what, fix = "el mensaje", (
            "suele deberse al tamaño de los adjuntos o a un filtro de contenido: consulte el límite a "
            "quien administra el correo"
        )
    else:
        what, fix = "la solicitud", "consulte a quien administra el correo"
    reply = f"respondió {exc.smtp_code}: «{_reply_text(exc)}»"
    if 400 <= exc.smtp_code < 500:
        return DistributionError(
            f"El servidor de correo {where} rechazó temporalmente {what} ({reply}); suele ocurrir cuando "
            "está ocupado, limita los envíos o aplica listas grises, y se reintenta.",
            transient=True,
        )
    return DistributionError(f"El servidor de correo {where} rechazó {what} ({reply}); {fix}.")


def _recipients_refused(where: str, exc: smtplib.SMTPRecipientsRefused) -> DistributionError:
    """Every recipient refused: transient if any refusal was temporary (4xx)."""
    by_reply: dict[tuple[int, str], list[str]] = {}
    for address, (code, reply) in sorted(exc.recipients.items()):
        text = (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)).strip()
        by_reply.setdefault((code, text), []).append(address)
    listed = "; ".join(f"{', '.join(addresses)} ({code}: «{text}»)" for (code, text), addresses in by_reply.items())
    if any(400 <= code < 500 for code, _ in by_reply):
        return DistributionError(
            f"El servidor de correo {where} rechazó temporalmente a los destinatarios {listed}; suele "
            "ocurrir cuando aplica listas grises o limita los envíos, y se reintenta.",
            transient=True,
        )
    return DistributionError(
        f"El servidor de correo {where} rechazó a los destinatarios {listed}; revise esas direcciones en "
        "distribucion.correo.destinatarios y copia de configuracion.yaml."
    )


def send(message: EmailMessage, credentials, timeout: float = SMTP_TIMEOUT) -> Sent:
    """Send through the SMTP server. Raises `DistributionError`, `transient` when a retry may help."""
    where = f"{_server_name(credentials)}:{credentials.smtp_port or credentials.smtp_type.value}"
    try:
        server = _connect(credentials, timeout)
        try:
            refused = server.send_message(message)
        finally:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                pass
    except smtplib.SMTPAuthenticationError as exc:
        raise DistributionError(
            f"El servidor de correo {where} rechazó el usuario o la contraseña ({exc.smtp_code}); "
            "revise las credenciales.",
            transient=400 <= exc.smtp_code < 500,  # 454: a temporary authentication failure
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise _recipients_refused(where, exc) from None
    except smtplib.SMTPResponseException as exc:
        raise _refusal(where, exc) from None
    except smtplib.SMTPServerDisconnected as exc:  # no greeting, or dropped half-way
        timed_out = isinstance(exc.__context__, TimeoutError)
        what = f"no respondió en {timeout:.0f} s" if timed_out else "cerró la conexión sin responder"
        raise DistributionError(
            f"El servidor de correo {where} {what} (al saludar o durante el envío); se reintenta.", transient=True
        ) from None
    except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out, dropped
        reason = connection_failure(exc, timeout)
        raise DistributionError(f"No se pudo conectar con el servidor de correo {where}: {reason}.", transient=True) from None
    # Some recipients may have been refused while others were accepted: the e-mail went out,
    # and the refused ones are recorded.
    return Sent(
        sender=message["From"],
        to=[a.strip() for a in (message["To"] or "").split(",") if a.strip()],
        cc=[a.strip() for a in (message["Cc"] or "").split(",") if a.strip()],
        subject=str(message["Subject"]),
        attachments=[part.get_filename() for part in message.iter_attachments()],
        server=where,
        message_id=message["Message-ID"],
        refused=sorted(refused),
    )


def publication_folder(
    setting: str, output_dir: Path, slug: str, cut: Cut, confined: bool = False, environ: Mapping[str, str] | None = None
) -> Path:
    """`<carpeta_publicacion>/<slug>/<cut>` (`publish.cut_folder` under the publication folder).

    A relative folder sits in the publication root (PEI_PUBLICATION_ROOT), else beside the
    output folder. A `confined` folder (the entity's own configuracion.yaml named it) must still
    be inside that root once links are resolved: raises `DistributionError` if not.
    """
    root = publication_root(environ) or output_dir.resolve().parent
    base = Path(setting).expanduser()
    if not base.is_absolute():
        base = root / base
    folder = cut_folder(base, slug, cut)
    if confined and not folder.resolve().is_relative_to(root.resolve()):
        raise DistributionError(
            f"La carpeta de publicación «{setting}» (carpeta_publicacion en configuracion.yaml de {slug}) lleva a "
            f"{folder.resolve()}, fuera de la carpeta de publicación de la instalación ({root}): no se copió nada. "
            f"Corrija carpeta_publicacion o quite el enlace simbólico; una carpeta fuera de {root} solo la fija el "
            f"administrador (variable de entorno {PUBLICATION_ROOT_ENV})."
        )
    return folder


def copy_to_publication(source: Path, names: Sequence[str], folder: Path) -> list[Path]:
    """Make `folder` hold exactly the files `names` (paths relative to the cut's folder `source`).

    The whole set is staged beside `folder` (the same file system) and swapped in one step, as
    publishing the outputs is (`publish.publish`): readers see the earlier version or the new
    one, never a mix; a disk that fills up half-way leaves the earlier version whole, and a file
    the new version no longer has (renamed, say `archivo_pdf`) goes with the old version. A path
    that could leave either folder raises `UnsafePathError` before anything is copied.
    """
    for name in names:
        relative_path(name, f"los archivos a copiar de {source}")
    try:
        artifacts = [Artifact(name, (source / name).read_bytes()) for name in names]
        publish(folder, artifacts)
    except (OSError, PublishError) as exc:
        if isinstance(exc, UnsafePathError):
            raise
        # publish raises PublishError from the OSError; name the system's reason either way.
        cause = exc.__cause__ if isinstance(exc, PublishError) and exc.__cause__ else exc
        raise DistributionError(
            f"No se pudieron copiar los archivos a la carpeta de publicación {folder} "
            f"({getattr(cause, 'strerror', None) or cause}). La carpeta de publicación {folder} quedó como "
            "estaba: con la versión anterior completa, o sin crear si no la había; no se mezclaron archivos "
            "nuevos y anteriores. Revise que exista, se pueda escribir y tenga espacio "
            "(carpeta_publicacion en configuracion.yaml)."
        ) from None
    update_portal(source, folder)
    return [folder / name for name in names]


# --- the publication folder's standing pages (pipeline.delivery.portal) ---------------------------------

_PORTAL_LOCK_TIMEOUT = 120.0


def _portal_root(folder: Path) -> Path:
    """The publication folder a cut's copy `<root>/<slug>/<cut>` sits in (a sector's,
    `<root>/sectores/<id>/<cut>`, too)."""
    return folder.parent.parent.parent if folder.parent.parent.name == SECTORS_FOLDER else folder.parent.parent


def _cut_of(name: str) -> Cut | None:
    """The cut a folder's name is (`2024-T3`, exactly as `cut_folder` writes it), or None."""
    try:
        cut = parse_period(name)
    except PeriodError:
        return None
    return cut if str(cut) == name else None


def _published_files(folder: Path) -> dict[str, int]:
    """The files of a cut's copy the portal links: those at its top (not a hidden staging file)
    and its web page."""
    sizes = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            sizes[path.name] = path.stat().st_size
    page = folder / portal.WEB_PAGE
    if page.is_file():
        sizes[portal.WEB_PAGE] = page.stat().st_size
    return sizes


def _record(folder: Path) -> dict[str, Any] | None:
    """The cut's record (`portal.RECORD_FILE`); None where there is none (copied before records
    were kept). An unreadable one counts as a draft: nothing proves the cut was approved."""
    path = folder.parent / portal.record_name(folder.name)
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"estado": portal.DRAFT}
    return record if isinstance(record, dict) else {"estado": portal.DRAFT}


def _subfolders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


CURRENT_SECTORS_FILE = "vigentes.json"
"""In `<publicación>/sectores/`: the ids of the sectors (and `distrito`) sectores.yaml names now,
written by each consolidation that copies there (`write_current_sectors`)."""


def write_current_sectors(sectors_root: Path, ids: Sequence[str]) -> None:
    """Say which sectors sectores.yaml names now in the publication folder's `sectores/`: a
    sector removed or renamed since keeps its published cuts (nothing published is deleted), and
    the standing pages list them as no longer in sectores.yaml. Raises `DistributionError`."""
    try:
        sectors_root.mkdir(parents=True, exist_ok=True)
        replace_file(sectors_root / CURRENT_SECTORS_FILE, (json.dumps({"sectores": list(ids)}, ensure_ascii=False) + "\n").encode())
    except (OSError, PublishError) as exc:
        raise DistributionError(f"No se pudo escribir {sectors_root / CURRENT_SECTORS_FILE} ({exc}): revise permisos y espacio.") from None


def _current_sectors(sectors_root: Path) -> set[str] | None:
    """The sectors sectores.yaml named at the last copy; None where no list was written (every
    sector is then taken as current, as before the list was kept) or it cannot be read."""
    try:
        ids = json.loads((sectors_root / CURRENT_SECTORS_FILE).read_text(encoding="utf-8"))["sectores"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {str(i) for i in ids} if isinstance(ids, list) else None


def published_portal_cuts(root: Path) -> list[portal.PublishedCut]:
    """Every cut the publication folder `root` holds (`<root>/<slug>/<YYYY-Tq>/` with published
    files, and each sector's, `<root>/sectores/<id>/<YYYY-Tq>/`), drafts included
    (`PublishedCut.listed` tells them apart), read from its files. A sector that sectores.yaml
    no longer names (`CURRENT_SECTORS_FILE`) is `retired`: still there, said to be gone."""
    try:
        entities = _subfolders(root)
    except FileNotFoundError:
        return []
    cuts = []
    for entity in entities:
        if entity.name == SECTORS_FOLDER:
            current = _current_sectors(entity)
            for sector in _subfolders(entity):
                found = _cuts_in(sector, f"{SECTORS_FOLDER}/{sector.name}", ("entidades.csv", "datapackage.json"), True)
                retired = current is not None and sector.name not in current
                cuts += [replace(c, retired=True) for c in found] if retired else found
        else:
            cuts += _cuts_in(entity, entity.name, ("objetivos.csv", "datapackage.json"), False)
    return cuts


def _cuts_in(parent: Path, slug: str, read: tuple[str, ...], sector: bool) -> list[portal.PublishedCut]:
    """The cuts of one entity's (or sector's) folder of the publication folder."""
    cuts = []
    for folder in _subfolders(parent):
        cut = _cut_of(folder.name)
        sizes = _published_files(folder) if cut else {}
        if not sizes:
            continue
        contents = {n: (folder / n).read_bytes() for n in read if n in sizes}
        newest = max((folder / n).stat().st_mtime for n in sizes)
        modified = datetime.fromtimestamp(newest, BOGOTA).replace(microsecond=0)
        cuts.append(portal.read_cut(slug, cut, sizes, contents, _record(folder), modified, sector=sector))
    return cuts


def _default_theme() -> Theme:
    from pipeline.ingest import load_settings  # the packaged defaults: the publication is no one entity's

    return load_settings().theme


def write_portal(root: Path, theme: Theme | None = None, now: datetime | None = None) -> list[Path]:
    """Rewrite the publication folder's index, entity pages, feed and catalog from what it holds.

    Holds the folder's lock while reading and writing, so two entities distributing at once
    cannot lose each other's entry; each file is replaced atomically (a staging file renamed), the
    index last. Raises `PublishError` if a file cannot be written (each page stays whole: the
    earlier version or the new one).
    """
    theme = theme or _default_theme()
    now = now or datetime.now(BOGOTA).replace(microsecond=0)
    with cut_lock(root / portal.INDEX, timeout=_PORTAL_LOCK_TIMEOUT):
        files = portal.portal_files(published_portal_cuts(root), theme, now)
        written = []
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            clear_leftovers(path.parent, [path.name])
            replace_file(path, content)
            written.append(path)
    return written


def update_portal(source: Path, folder: Path, now: datetime | None = None) -> list[Path]:
    """After a cut was copied from `source` to `folder`: write its record (from its manifest.json,
    see `portal.record_bytes`; none if it has no manifest) and rewrite the standing pages of the
    publication folder it is in. Raises `DistributionError` saying the files were copied."""
    root = _portal_root(folder)
    now = now or datetime.now(BOGOTA).replace(microsecond=0)
    try:
        manifest_path = source / MANIFEST_FILE
        if manifest_path.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            replace_file(folder.parent / portal.record_name(folder.name), portal.record_bytes(manifest, now))
        return write_portal(root, now=now)
    except (OSError, ValueError, PublishError) as exc:
        cause = exc.__cause__ if isinstance(exc, PublishError) and exc.__cause__ else exc
        raise DistributionError(
            f"Los archivos del corte quedaron copiados en {folder}, pero no se pudo actualizar el índice de la "
            f"carpeta de publicación {root} (index.html, novedades.xml, catalogo.json: "
            f"{getattr(cause, 'strerror', None) or cause}). Cada una de esas páginas quedó completa, en su versión "
            "anterior o en la nueva. Revise permisos y espacio en disco y reenvíe el corte con pei-report resend."
        ) from None
