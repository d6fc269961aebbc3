"""Sending a composed message with smtplib; smtplib's exceptions become ours at this boundary.

``smtp://host:port`` (plain, or STARTTLS with ``starttls``) and ``smtps://host:port`` (TLS from
the first byte). Certificates are checked with the system's trust store (or ``ca_file``). A refusal
the server calls permanent (a 5xx reply, a bad login, a certificate that does not verify) raises
:class:`DeliveryError` or :class:`ConfigError`: retrying will not help. Anything else (no
connection, a timeout, a 4xx reply) raises :class:`TransientError`.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ingest.errors import ConfigError, DeliveryError, TransientError
from ingest.logs import get_logger

log = get_logger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ca_file: Path | None = None
    local_hostname: str | None = None


def parse_smtp_url(
    url: str,
    *,
    starttls: bool = False,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 30.0,
) -> SmtpSettings:
    """``smtp://[user@]host[:port]`` or ``smtps://…``; a user in the URL is taken when none is given."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigError(f"INGEST_SMTP_URL must be smtp://host:port or smtps://host:port, not {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise ConfigError(f"INGEST_SMTP_URL has a bad port: {url!r}") from exc
    if parts.password:
        raise ConfigError("put the SMTP password in INGEST_SMTP_PASSWORD or a file, not in INGEST_SMTP_URL")
    implicit = parts.scheme == "smtps"
    if implicit and starttls:
        raise ConfigError("smtps:// is TLS already: STARTTLS goes with smtp://")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit,
        starttls=starttls,
        username=username or (unquote(parts.username) if parts.username else None),
        password=password,
        timeout=timeout,
    )


def _context(settings: SmtpSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)


def _refused(code: int, what: str, detail: bytes | str) -> Exception:
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    message = f"the mail server refused {what}: {code} {text}".strip()
    return DeliveryError(message) if 500 <= code < 600 else TransientError(message)


def send_message(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the server (its To, Cc and Bcc are the recipients)."""
    try:
        client: smtplib.SMTP
        if settings.implicit_tls:
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=_context(settings),
                local_hostname=settings.local_hostname,
            )  # fmt: skip
        else:
            client = smtplib.SMTP(
                settings.host, settings.port, timeout=settings.timeout, local_hostname=settings.local_hostname
            )
        with client:
            client.ehlo()
            if settings.starttls:
                client.starttls(context=_context(settings))
                client.ehlo()
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise ConfigError(f"the mail server did not accept the SMTP login: {exc.smtp_code}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {code} {msg!r}" for rcpt, (code, msg) in exc.recipients.items())
        permanent = all(500 <= c < 600 for c in codes)
        error = f"the mail server refused the recipient: {detail}"
        raise (DeliveryError(error) if permanent else TransientError(error)) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise _refused(exc.smtp_code, f"the sender {exc.sender}", exc.smtp_error) from exc
    except smtplib.SMTPDataError as exc:
        raise _refused(exc.smtp_code, "the message", exc.smtp_error) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ConfigError(f"the mail server does not support what the settings ask for: {exc}") from exc
    except smtplib.SMTPResponseException as exc:
        raise _refused(exc.smtp_code, "the conversation", exc.smtp_error) from exc
    except ssl.SSLCertVerificationError as exc:
        raise ConfigError(f"the mail server's certificate does not verify: {exc.verify_message}") from exc
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise TransientError(f"cannot reach the mail server {settings.host}:{settings.port}: {exc}") from exc
    log.info("mail sent", to=message["To"], message_id=message["Message-ID"], server=settings.host)
