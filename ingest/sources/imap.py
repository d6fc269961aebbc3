"""An IMAP mailbox source: new messages of one folder by UID, moved elsewhere once processed.

A pure I/O adapter on imapclient; what became of each message (cursors, documents) is the services
layer's business. The surface:

* :class:`MailboxSettings` says where and how to log in. The password is never stored here: it is
  read from an environment variable (``password_env``) or a secret file (``password_file``) when
  connecting, or an OAuth2 access token is taken from the stdout of ``oauth2_token_command`` (run
  without a shell, with a timeout) for an XOAUTH2 login (Microsoft 365, Gmail).
* ``with Mailbox(settings) as mailbox:`` connects and logs in; :meth:`Mailbox.select` opens the
  folder and returns its :class:`FolderState` (compare ``uidvalidity`` with the stored cursor's);
  :meth:`Mailbox.new_messages` returns the messages whose UID is above the cursor, fetched with
  ``BODY.PEEK[]`` so that nothing is marked ``\\Seen``; :meth:`Mailbox.move` and
  :meth:`Mailbox.flag` act on UIDs; :meth:`Mailbox.find_by_message_id` finds messages again after
  a UIDVALIDITY change; :meth:`Mailbox.idle` waits for new mail.
* A lost connection is not re-opened behind the caller's back (UIDs only mean something together
  with a selected folder and its UIDVALIDITY): the call raises :class:`~ingest.errors.TransientError`
  and the caller connects again, e.g. with :func:`connect_with_backoff`, and selects again.

imapclient, socket and ssl errors are translated here: a rejected login, an untrusted certificate,
a TLS mismatch or a missing folder is a :class:`~ingest.errors.ConfigError` (the message says what
to fix); a refused or timed-out connection, a dropped connection or a server ``BYE`` is a
:class:`~ingest.errors.TransientError`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import select as select_module
import shlex
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, get_args

from imapclient import IMAPClient
from imapclient.exceptions import (
    CapabilityError,
    IMAPClientAbortError,
    IMAPClientError,
    IMAPClientReadOnlyError,
    LoginError,
)

from ingest.errors import ConfigError, IngestError, TransientError
from ingest.logs import get_logger

log = get_logger(__name__)

Security = Literal["ssl", "starttls", "none"]
SECURITY_MODES: tuple[str, ...] = get_args(Security)
DEFAULT_PORTS: dict[str, int] = {"ssl": 993, "starttls": 143, "none": 143}

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024
DEFAULT_TOKEN_COMMAND_TIMEOUT_SECONDS = 30.0
DEFAULT_IDLE_POLL_SECONDS = 30.0

IDLE_RENEW_SECONDS = 25 * 60
"""RFC 2177: a client must re-issue IDLE at least every 29 minutes, or the server may log it out."""

FETCH_BATCH_BYTES = 16 * 1024 * 1024
"""Message bodies are fetched in batches of about this many bytes (at least one message each)."""

EX_TEMPFAIL = 75
"""sysexits.h: a token command exiting with this code failed for a passing reason (retried)."""

_HEADER_MESSAGE_ID = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

_TRANSIENT_CODES = frozenset({"UNAVAILABLE", "INUSE", "LIMIT", "SERVERBUG", "EXPUNGEISSUED", "CORRUPTION"})
_CONFIG_CODES = frozenset({"NONEXISTENT", "NOPERM", "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED"})
_RESPONSE_CODE = re.compile(r"\[([A-Z][A-Z0-9-]*)")


# --- settings -------------------------------------------------------------------------------------


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, kw_only=True)
class MailboxSettings:
    """Where a mailbox is and how to log in; holds no secret, only where to find one.

    ``port`` 0 means the usual port of ``security`` (993 for ssl, 143 for starttls and none).
    Exactly one of ``password_env`` (name of an environment variable), ``password_file`` (a file
    holding the password) and ``oauth2_token_command`` (argv, or a string split like a shell would,
    whose stdout is an OAuth2 access token) must be given. ``security="none"`` is refused unless
    ``host`` is a loopback address. ``ca_file`` (PEM) is trusted instead of the system CAs: a private
    CA, or a server's self-signed certificate.
    """

    name: str
    host: str
    username: str
    port: int = 0
    security: Security = "ssl"
    password_env: str | None = None
    password_file: Path | str | None = None
    oauth2_token_command: Sequence[str] | str | None = None
    oauth2_token_timeout: float = DEFAULT_TOKEN_COMMAND_TIMEOUT_SECONDS
    folder: str = "INBOX"
    processed_folder: str | None = None
    failed_folder: str | None = None
    ca_file: Path | str | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES

    def __post_init__(self) -> None:
        where = f"mailbox {self.name or '(no name)'}"
        if not self.name:
            raise ConfigError("mailbox: no name given")
        if not self.host or not self.host.strip():
            raise ConfigError(f"{where}: no IMAP host given")
        if not self.username:
            raise ConfigError(f"{where}: no IMAP user name given")
        if self.security not in SECURITY_MODES:
            raise ConfigError(
                f"{where}: security {self.security!r} is not one of {', '.join(SECURITY_MODES)} "
                "(ssl: TLS from the start, usually port 993; starttls: port 143 upgraded to TLS)"
            )
        port = int(self.port) if self.port else DEFAULT_PORTS[self.security]
        if not 0 < port < 65536:
            raise ConfigError(f"{where}: port {self.port} is not a TCP port (1-65535)")
        object.__setattr__(self, "port", port)
        if self.security == "none" and not is_loopback_host(self.host):
            raise ConfigError(
                f"{where}: security=none would send the password unencrypted to {self.host}; it is "
                "only allowed for a loopback host (127.0.0.1, ::1, localhost): use security=ssl "
                "(port 993) or security=starttls (port 143)"
            )

        command = self.oauth2_token_command
        if isinstance(command, str):
            try:
                command = tuple(shlex.split(command))
            except ValueError as exc:
                raise ConfigError(
                    f"{where}: oauth2_token_command {command!r} cannot be split: {exc}"
                ) from exc
        elif command is not None:
            command = tuple(str(part) for part in command)
        object.__setattr__(self, "oauth2_token_command", command or None)
        for attr in ("password_file", "ca_file"):
            value = getattr(self, attr)
            object.__setattr__(self, attr, Path(value).expanduser() if value else None)
        object.__setattr__(self, "password_env", self.password_env or None)

        given = [
            label
            for label, value in (
                ("password_env", self.password_env),
                ("password_file", self.password_file),
                ("oauth2_token_command", self.oauth2_token_command),
            )
            if value is not None
        ]
        if len(given) != 1:
            found = f" (got {', '.join(given)})" if given else ""
            raise ConfigError(
                f"{where}: give exactly one of password_env (an environment variable holding the "
                f"password), password_file (a file holding it) or oauth2_token_command{found}"
            )
        if self.timeout <= 0:
            raise ConfigError(f"{where}: timeout must be positive, not {self.timeout}")
        if self.oauth2_token_timeout <= 0:
            raise ConfigError(
                f"{where}: oauth2_token_timeout must be positive, not {self.oauth2_token_timeout}"
            )
        if self.max_message_bytes <= 0:
            raise ConfigError(f"{where}: max_message_bytes must be positive, not {self.max_message_bytes}")
        if not self.folder:
            raise ConfigError(f"{where}: folder must not be empty")
        for attr in ("processed_folder", "failed_folder"):
            value = getattr(self, attr)
            if value == self.folder:
                raise ConfigError(f"{where}: {attr} must differ from the polled folder {self.folder!r}")
            object.__setattr__(self, attr, value or None)

    @property
    def address(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"

    @property
    def token_command(self) -> tuple[str, ...] | None:
        """``oauth2_token_command`` as argv (it is normalised to a tuple when the settings are made)."""
        command = self.oauth2_token_command
        if command is None or isinstance(command, tuple):
            return command
        return tuple(shlex.split(command)) if isinstance(command, str) else tuple(command)

    @property
    def password_path(self) -> Path | None:
        return Path(self.password_file) if self.password_file is not None else None

    @property
    def ca_path(self) -> Path | None:
        return Path(self.ca_file) if self.ca_file is not None else None

    def read_password(self) -> str:
        """The password, read now from ``password_env`` or ``password_file`` (never kept)."""
        where = f"mailbox {self.name}"
        if self.password_env is not None:
            value = os.environ.get(self.password_env)
            if not value:
                raise ConfigError(
                    f"{where}: environment variable {self.password_env} is "
                    f"{'empty' if value == '' else 'not set'}: set it to the password of {self.username}"
                )
            return value
        path = self.password_path
        if path is not None:
            try:
                value = path.read_text(encoding="utf-8").rstrip("\r\n")
            except FileNotFoundError as exc:
                raise ConfigError(f"{where}: password file {path} does not exist") from exc
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{where}: cannot read password file {path}: {exc}") from exc
            if not value:
                raise ConfigError(f"{where}: password file {path} is empty")
            return value
        raise ConfigError(f"{where}: logs in with OAuth2, it has no password")


# --- OAuth2 -----------------------------------------------------------------------------------------


def run_token_command(
    command: Sequence[str], timeout: float = DEFAULT_TOKEN_COMMAND_TIMEOUT_SECONDS, *, name: str = "?"
) -> str:
    """Run ``command`` (no shell) and return the access token it prints on stdout.

    A missing or failing command is a ConfigError; one that times out, or exits with 75
    (EX_TEMPFAIL, e.g. the identity provider is unreachable), a TransientError.
    """
    where = f"mailbox {name}"
    argv = list(command)
    if not argv:
        raise ConfigError(f"{where}: oauth2_token_command is empty")
    try:
        result = subprocess.run(  # noqa: S603 - argv from the operator's settings, no shell
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{where}: token command {argv[0]!r} not found: check oauth2_token_command"
        ) from exc
    except PermissionError as exc:
        raise ConfigError(f"{where}: token command {argv[0]!r} is not executable") from exc
    except subprocess.TimeoutExpired as exc:
        raise TransientError(
            f"{where}: token command {argv[0]!r} did not finish within {timeout:g}s; the next poll retries"
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{where}: cannot run token command {argv[0]!r}: {exc}") from exc
    stderr = result.stderr.decode("utf-8", "replace").strip()[-500:]
    if result.returncode != 0:
        said = f": {stderr}" if stderr else ""
        if result.returncode == EX_TEMPFAIL:
            raise TransientError(
                f"{where}: token command {argv[0]!r} failed for now (exit 75){said}; the next poll retries"
            )
        raise ConfigError(
            f"{where}: token command {argv[0]!r} exited with {result.returncode}{said}: run it by hand "
            "and renew the refresh token / app consent if needed"
        )
    try:
        token = result.stdout.decode("ascii").strip()
    except UnicodeDecodeError:
        token = ""
    if not token or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ConfigError(
            f"{where}: token command {argv[0]!r} must print only the access token (one line of "
            f"printable ASCII) on stdout; it printed {len(result.stdout)} bytes that are not"
        )
    return token


def xoauth2_initial_response(user: str, access_token: str) -> bytes:
    """The XOAUTH2 SASL client response (before base64): ``user=U^Aauth=Bearer T^A^A``."""
    if not user or "\x01" in user:
        raise ValueError("XOAUTH2 user must be non-empty and must not contain \\x01")
    if not access_token or any(ch.isspace() or ch == "\x01" for ch in access_token):
        raise ValueError("XOAUTH2 access token must be non-empty and contain no whitespace")
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode()


class _XOAuth2:
    """SASL callback: sends the XOAUTH2 response once; a later challenge is the server's error
    (JSON, as Gmail and Microsoft send it), which is kept and answered with an empty response."""

    def __init__(self, user: str, access_token: str) -> None:
        self._response = xoauth2_initial_response(user, access_token)
        self._sent = False
        self.error: str | None = None

    def __call__(self, challenge: bytes) -> bytes:
        if not self._sent:
            self._sent = True
            return self._response
        self.error = challenge.decode("utf-8", "replace") if challenge else None
        return b""


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FolderState:
    """What SELECT said: UIDs are only comparable while ``uidvalidity`` stays the same."""

    uidvalidity: int
    uidnext: int
    exists: int


@dataclass(frozen=True)
class FetchedMessage:
    """One message. A ``too_large`` one has ``raw == b""`` (its ``size`` is over the limit)."""

    uid: int
    raw: bytes = field(repr=False)
    message_id: str | None
    internal_date: datetime | None
    size: int
    too_large: bool = False


def parse_message_id(header_block: bytes) -> str | None:
    """The Message-ID value (unfolded, whitespace-collapsed) of a header block, or None."""
    text = header_block.decode("utf-8", "replace")
    unfolded = re.sub(r"\r?\n[ \t]+", " ", text)
    for line in unfolded.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "message-id":
            collapsed = " ".join(value.split())
            return collapsed or None
    return None


def _header_item(item: dict[bytes, Any]) -> bytes:
    for key, value in item.items():
        if isinstance(key, bytes) and key.upper().startswith(b"BODY[HEADER.FIELDS"):
            return value if isinstance(value, bytes) else b""
    return b""


def _announces_new_mail(response: Any) -> bool:
    """``* n EXISTS`` or ``* n RECENT`` (n > 0), as imapclient parses untagged responses."""
    if not isinstance(response, tuple) or len(response) < 2:
        return False
    count, kind = response[0], response[1]
    if not isinstance(kind, bytes) or not isinstance(count, int):
        return False
    kind = kind.upper()
    return kind == b"EXISTS" or (kind == b"RECENT" and count > 0)


def _response_code(text: str) -> str | None:
    match = _RESPONSE_CODE.search(text)
    return match.group(1) if match else None


def _server_text(exc: BaseException) -> str:
    """An imapclient error message without the bytes-repr noise (``b'...'``)."""
    text = str(exc) or type(exc).__name__
    match = re.fullmatch(r"(.*?)(?<!\w)b(['\"])(.*)\2(.*)", text, flags=re.DOTALL)
    if match:
        text = match.group(1) + match.group(3) + match.group(4)
    return text.strip()


# --- the mailbox --------------------------------------------------------------------------------------


class Mailbox:
    """One IMAP connection to one account; use as a context manager."""

    def __init__(self, settings: MailboxSettings) -> None:
        self.settings = settings
        self.state: FolderState | None = None
        """The :class:`FolderState` of the last :meth:`select`."""
        self._client: Any = None
        self._capabilities: frozenset[str] = frozenset()
        self._selected: str | None = None
        self._known_folders: set[str] = set()
        self._lost: str | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._client is not None

    @property
    def capabilities(self) -> frozenset[str]:
        """The server's capabilities after login (upper case, e.g. ``IDLE``, ``MOVE``)."""
        return self._capabilities

    @property
    def tls_version(self) -> str | None:
        """The TLS version of the connection (``TLSv1.3``...), None when unencrypted or closed."""
        if self._client is None:
            return None
        sock = self._client.socket()
        return sock.version() if isinstance(sock, ssl.SSLSocket) else None

    @property
    def _where(self) -> str:
        return f"mailbox {self.settings.name} ({self.settings.address})"

    def connect(self) -> None:
        """Connect, secure the connection as ``security`` says and log in (no-op when connected)."""
        if self._client is not None:
            return
        s = self.settings
        context = self._ssl_context() if s.security != "none" else None
        client: Any = None
        try:
            with self._errors("connecting", connecting=True):
                client = IMAPClient(
                    s.host, port=s.port, ssl=s.security == "ssl", ssl_context=context, timeout=s.timeout
                )
                if s.security == "starttls":
                    if not client.has_capability("STARTTLS"):
                        raise ConfigError(
                            f"{self._where}: the server does not offer STARTTLS on port {s.port}: use "
                            "security=ssl with its TLS port (usually 993)"
                        )
                    client.starttls(context)
            with self._errors("logging in", connecting=True):
                self._login(client)
                client.normalise_times = False
                caps = frozenset(c.decode("ascii", "replace").upper() for c in client.capabilities())
        except BaseException:
            if client is not None:
                with suppress(Exception):
                    client.shutdown()
            raise
        self._client, self._capabilities, self._lost = client, caps, None
        self._known_folders = set()
        log.info(
            "imap connected",
            source=s.name,
            host=s.host,
            port=s.port,
            user=s.username,
            security=s.security,
            tls=self.tls_version,
            idle="IDLE" in caps,
            move="MOVE" in caps,
        )

    def close(self) -> None:
        """Log out and close the connection (idempotent)."""
        client, self._client = self._client, None
        self._selected = None
        if client is None:
            return
        try:
            client.logout()
        except Exception:
            with suppress(Exception):
                client.shutdown()
        log.debug("imap disconnected", source=self.settings.name, host=self.settings.host)

    def _drop(self, reason: str) -> None:
        """Forget a connection that broke (no logout: it would only wait for the timeout)."""
        client, self._client = self._client, None
        self._selected = None
        self._lost = reason
        if client is not None:
            with suppress(Exception):
                client.shutdown()

    def _ssl_context(self) -> ssl.SSLContext:
        ca_file = self.settings.ca_path
        if ca_file is not None and not ca_file.is_file():
            raise ConfigError(f"{self._where}: ca_file {ca_file} does not exist")
        try:
            return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        except (ssl.SSLError, OSError) as exc:
            raise ConfigError(
                f"{self._where}: ca_file {ca_file} is not a PEM certificate file: {exc}"
            ) from exc

    def _login(self, client: Any) -> None:
        s = self.settings
        command = s.token_command
        if command is not None:
            if not client.has_capability("AUTH=XOAUTH2"):
                raise ConfigError(
                    f"{self._where}: the server does not offer XOAUTH2 login: use a password "
                    "(password_env or password_file) instead of oauth2_token_command"
                )
            token = run_token_command(command, s.oauth2_token_timeout, name=s.name)
            mechanism = _XOAuth2(s.username, token)
            try:
                client.sasl_login("XOAUTH2", mechanism)
            except LoginError as exc:
                raise self._login_error(exc, mechanism.error) from exc
            return
        password = s.read_password()
        if client.has_capability("LOGINDISABLED"):
            raise ConfigError(
                f"{self._where}: the server refuses passwords on this connection (LOGINDISABLED): "
                "use security=ssl or security=starttls"
            )
        try:
            if password.isascii() and s.username.isascii():
                client.login(s.username, password)
            elif client.has_capability("AUTH=PLAIN"):
                client.plain_login(s.username, password)  # SASL PLAIN carries UTF-8; LOGIN cannot
            else:
                raise ConfigError(
                    f"{self._where}: the user name or password is not ASCII and the server offers no "
                    "AUTH=PLAIN to send it as UTF-8"
                )
        except LoginError as exc:
            raise self._login_error(exc, None) from exc

    def _login_error(self, exc: LoginError, detail: str | None) -> IngestError:
        said = _server_text(exc)
        if detail:
            said += f" {detail}"
        code = _response_code(said)
        if code == "UNAVAILABLE" or "temporary" in said.lower():
            return TransientError(
                f"{self._where}: the server cannot check logins right now ({said}); the next poll retries"
            )
        if self.settings.oauth2_token_command is not None:
            hint = (
                "check that the token command returns an access token for this user with the IMAP "
                "scope (Microsoft 365: https://outlook.office.com/IMAP.AccessAsUser.All, Gmail: "
                "https://mail.google.com/) and that IMAP access is enabled for the account"
            )
        else:
            secret = (
                f"environment variable {self.settings.password_env}"
                if self.settings.password_env
                else f"password file {self.settings.password_file}"
            )
            hint = f"check the user name and the password in {secret}"
        return ConfigError(f"{self._where}: login refused ({said}): {hint}")

    # --- error translation ----------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str, *, connecting: bool = False) -> Iterator[None]:
        """Translate imapclient/socket/ssl errors of one operation into ConfigError/TransientError."""
        try:
            yield
        except IngestError:
            raise
        except (IMAPClientError, OSError, EOFError) as exc:
            error = self._translate(exc, action, connecting=connecting)
            if not connecting and isinstance(exc, IMAPClientAbortError | OSError | EOFError):
                self._drop(f"{action}: {error.message}")
            raise error from exc

    def _translate(self, exc: BaseException, action: str, *, connecting: bool) -> IngestError:
        s = self.settings
        at = f"{s.host}:{s.port}"
        where = self._where
        if isinstance(exc, ssl.SSLCertVerificationError):
            return ConfigError(
                f"{where}: the TLS certificate of {at} is not trusted ({exc.verify_message}): for a "
                "private CA or a self-signed certificate set ca_file to its PEM file; otherwise check "
                f"that {s.host} is the name the certificate was issued for"
            )
        if connecting and isinstance(exc, ssl.SSLError) and not isinstance(exc, ssl.SSLEOFError):
            return ConfigError(
                f"{where}: TLS handshake with {at} failed ({exc.reason or exc}): security=ssl needs the "
                "server's TLS port (usually 993); for a plain port (143) use security=starttls"
            )
        if isinstance(exc, socket.gaierror):
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                return ConfigError(f"{where}: IMAP host {s.host!r} does not resolve: check the host name")
            return TransientError(
                f"{where}: could not resolve IMAP host {s.host!r} ({exc.strerror}); the next poll retries"
            )
        if isinstance(exc, ConnectionRefusedError):
            return TransientError(
                f"{where}: connection to {at} refused: nothing listens there; check that the IMAP "
                "server is up and the port is right, the next poll retries"
            )
        if isinstance(exc, TimeoutError):
            return TransientError(
                f"{where}: {action}: no answer from {at} within {s.timeout:g}s; the next poll retries"
            )
        if isinstance(exc, OSError | EOFError):
            return TransientError(
                f"{where}: {action}: connection to {at} failed: {exc or type(exc).__name__}; "
                "the next poll retries"
            )
        said = _server_text(exc)
        if isinstance(exc, IMAPClientAbortError):
            bye = self._bye()
            if bye and bye not in said:
                said = f"{said}; it said BYE {bye}"
            return TransientError(
                f"{where}: {action}: the server closed the connection ({said}); the next poll retries"
            )
        if isinstance(exc, CapabilityError):
            return ConfigError(f"{where}: {action}: the server lacks a needed capability ({said})")
        if isinstance(exc, IMAPClientReadOnlyError):
            return ConfigError(
                f"{where}: {action}: the folder is read-only for {s.username}: grant write access"
            )
        if isinstance(exc, LoginError):
            return self._login_error(exc, None)
        code = _response_code(said)
        if code in _CONFIG_CODES:
            return ConfigError(f"{where}: {action}: the server refused ({said})")
        if code in _TRANSIENT_CODES:
            return TransientError(f"{where}: {action}: the server is busy ({said}); the next poll retries")
        return TransientError(f"{where}: {action}: the server said {said}; the next poll retries")

    def _bye(self) -> str | None:
        """The text of a ``* BYE`` the server sent before closing the connection, if any."""
        responses = getattr(getattr(self._client, "_imap", None), "untagged_responses", None)
        said = responses.get("BYE") if isinstance(responses, dict) else None
        if not said:
            return None
        last = said[-1]
        return last.decode("utf-8", "replace") if isinstance(last, bytes) else str(last)

    def _require_client(self) -> Any:
        if self._client is None:
            if self._lost is not None:
                raise TransientError(
                    f"{self._where}: the connection was lost ({self._lost}): connect again and select "
                    "the folder"
                )
            raise RuntimeError(f"{self._where}: not connected: use `with Mailbox(settings)` or connect()")
        return self._client

    def _require_selected(self) -> Any:
        client = self._require_client()
        if self._selected is None:
            raise RuntimeError(f"{self._where}: no folder selected: call select() first")
        return client

    # --- folders --------------------------------------------------------------------------------

    def select(self, folder: str | None = None) -> FolderState:
        """Open ``folder`` (default: the settings' folder) read-write and return its state."""
        client = self._require_client()
        folder = folder or self.settings.folder
        try:
            with self._errors(f"selecting folder {folder}"):
                response = client.select_folder(folder)
        except TransientError:
            if self._client is not None and not self._folder_exists(folder):
                raise self._no_such_folder(folder) from None
            raise
        uidvalidity = response.get(b"UIDVALIDITY")
        uidnext = response.get(b"UIDNEXT")
        exists = int(response.get(b"EXISTS", 0))
        if uidnext is None:
            with self._errors(f"asking for the UIDNEXT of {folder}"):
                status = client.folder_status(folder, [b"UIDNEXT"])
            uidnext = status.get(b"UIDNEXT")
        if uidvalidity is None or uidnext is None:
            raise ConfigError(
                f"{self._where}: the server did not report UIDVALIDITY/UIDNEXT for {folder}: it cannot "
                "be polled by UID"
            )
        self._selected = folder
        self.state = FolderState(uidvalidity=int(uidvalidity), uidnext=int(uidnext), exists=exists)
        log.debug(
            "imap folder selected",
            source=self.settings.name,
            folder=folder,
            uidvalidity=self.state.uidvalidity,
            uidnext=self.state.uidnext,
            exists=exists,
        )
        return self.state

    def _folder_exists(self, folder: str) -> bool:
        with self._errors(f"looking for folder {folder}"):
            return bool(self._require_client().folder_exists(folder))

    def _no_such_folder(self, folder: str) -> ConfigError:
        names: list[str] = []
        with suppress(IngestError), self._errors("listing folders"):
            names = [str(entry[2]) for entry in self._require_client().list_folders()]
        listed = f" (it has: {', '.join(sorted(names)[:20])})" if names else ""
        return ConfigError(f"{self._where}: folder {folder!r} does not exist{listed}: fix the folder setting")

    def ensure_folder(self, folder: str) -> None:
        """Create ``folder`` unless it exists."""
        if folder in self._known_folders:
            return
        client = self._require_client()
        if not self._folder_exists(folder):
            try:
                with self._errors(f"creating folder {folder}"):
                    client.create_folder(folder)
            except TransientError:
                if self._client is None or not self._folder_exists(folder):  # made meanwhile is fine
                    raise
            else:
                log.info("imap folder created", source=self.settings.name, folder=folder)
        self._known_folders.add(folder)

    # --- messages -------------------------------------------------------------------------------

    def new_messages(self, after_uid: int, limit: int) -> list[FetchedMessage]:
        """Up to ``limit`` messages with a UID above ``after_uid``, in ascending UID order.

        Fetched with ``BODY.PEEK[]``: nothing is marked ``\\Seen``. A message bigger than
        ``max_message_bytes`` is returned without its bytes and with ``too_large=True``. One that
        another client expunged meanwhile is left out (and the next UIDs are taken instead), so fewer
        than ``limit`` messages means there are no more.
        """
        if after_uid < 0:
            raise ValueError(f"after_uid must not be negative, not {after_uid}")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        client = self._require_selected()
        with self._errors(f"searching {self._selected} for messages after UID {after_uid}"):
            found = client.search(["UID", f"{after_uid + 1}:*"])
        # "UID n:*" also matches the highest message when n is beyond it: keep only the new ones.
        pending = sorted({int(uid) for uid in found if int(uid) > after_uid})
        messages: list[FetchedMessage] = []
        while pending and len(messages) < limit:
            chunk, pending = pending[: limit - len(messages)], pending[limit - len(messages) :]
            messages.extend(self._fetch(client, chunk))
        log.debug(
            "imap messages fetched",
            source=self.settings.name,
            folder=self._selected,
            after_uid=after_uid,
            count=len(messages),
        )
        return messages

    def _fetch(self, client: Any, uids: list[int]) -> list[FetchedMessage]:
        """The messages ``uids`` (ascending) that still exist: sizes and Message-IDs first, then the
        bodies of those within the size limit, in batches of about FETCH_BATCH_BYTES."""
        folder = self._selected
        with self._errors(f"fetching the headers of {len(uids)} messages in {folder}"):
            meta = client.fetch(uids, ["RFC822.SIZE", "INTERNALDATE", _HEADER_MESSAGE_ID])
        limit_bytes = self.settings.max_message_bytes
        sizes = {uid: int(meta[uid].get(b"RFC822.SIZE", 0)) for uid in uids if uid in meta}
        wanted = [uid for uid in uids if uid in sizes and sizes[uid] <= limit_bytes]
        bodies: dict[int, bytes] = {}
        for batch in _batches(wanted, sizes, FETCH_BATCH_BYTES):
            with self._errors(f"fetching {len(batch)} messages from {folder}"):
                fetched = client.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                body = fetched.get(uid, {}).get(b"BODY[]")
                if isinstance(body, bytes):
                    bodies[uid] = body
        messages: list[FetchedMessage] = []
        for uid in uids:
            if uid not in sizes or (sizes[uid] <= limit_bytes and uid not in bodies):
                log.info("imap message vanished before it was fetched", source=self.settings.name, uid=uid)
                continue
            item = meta[uid]
            date = item.get(b"INTERNALDATE")
            message_id = parse_message_id(_header_item(item))
            internal_date = date if isinstance(date, datetime) else None
            if sizes[uid] <= limit_bytes:
                messages.append(FetchedMessage(uid, bodies[uid], message_id, internal_date, sizes[uid]))
                continue
            log.warning(
                "imap message over the size limit; not fetched",
                source=self.settings.name,
                uid=uid,
                size=sizes[uid],
                limit=limit_bytes,
            )
            messages.append(FetchedMessage(uid, b"", message_id, internal_date, sizes[uid], too_large=True))
        return messages

    def find_by_message_id(self, message_id: str) -> list[int]:
        """UIDs (ascending) of the messages in the selected folder with exactly this Message-ID."""
        wanted = " ".join(message_id.split())
        if not wanted:
            raise ValueError("message_id must not be empty")
        client = self._require_selected()
        charset = None if wanted.isascii() else "UTF-8"
        with self._errors(f"searching {self._selected} for Message-ID {wanted}"):
            candidates = sorted(int(uid) for uid in client.search(["HEADER", "Message-ID", wanted], charset))
        if not candidates:
            return []
        # HEADER search matches substrings: keep only exact matches.
        with self._errors(f"fetching the Message-IDs of {len(candidates)} messages"):
            headers = client.fetch(candidates, [_HEADER_MESSAGE_ID])
        return [uid for uid in candidates if parse_message_id(_header_item(headers.get(uid, {}))) == wanted]

    def move(self, uids: Iterable[int], folder: str) -> None:
        """Move messages of the selected folder to ``folder`` (created when missing).

        MOVE when the server has it; otherwise COPY, ``\\Deleted`` and UID EXPUNGE (UIDPLUS). A server
        with neither leaves the copied originals flagged ``\\Deleted`` (a plain EXPUNGE would also
        remove what other clients marked deleted).
        """
        todo = sorted({int(uid) for uid in uids})
        if not todo:
            return
        client = self._require_selected()
        if folder == self._selected:
            raise ValueError(f"cannot move messages of {folder} to {folder}")
        self.ensure_folder(folder)
        action = f"moving {len(todo)} messages from {self._selected} to {folder}"
        if "MOVE" in self._capabilities:
            with self._errors(action):
                client.move(todo, folder)
            how = "MOVE"
        else:
            with self._errors(action):
                client.copy(todo, folder)
                client.add_flags(todo, [b"\\Deleted"], silent=True)
                if "UIDPLUS" in self._capabilities:
                    client.uid_expunge(todo)
            how = "COPY+UID EXPUNGE" if "UIDPLUS" in self._capabilities else "COPY+\\Deleted"
            if "UIDPLUS" not in self._capabilities:
                log.warning(
                    "imap server has neither MOVE nor UIDPLUS: originals left flagged \\Deleted",
                    source=self.settings.name,
                    folder=self._selected,
                )
        log.info("imap messages moved", source=self.settings.name, to=folder, uids=len(todo), how=how)

    def flag(self, uids: Iterable[int], flag: str) -> None:
        """Add ``flag`` (``\\Flagged``, ``\\Seen`` or a keyword such as ``$PoIngested``) to messages."""
        todo = sorted({int(uid) for uid in uids})
        if not todo:
            return
        if not flag or any(ch.isspace() or ch in '()"{}%*]' for ch in flag):
            raise ValueError(f"{flag!r} is not an IMAP flag or keyword")
        client = self._require_selected()
        with self._errors(f"flagging {len(todo)} messages {flag}"):
            client.add_flags(todo, [flag.encode("ascii")], silent=True)

    # --- waiting for mail ------------------------------------------------------------------------

    def idle(self, timeout: float, *, poll_interval: float = DEFAULT_IDLE_POLL_SECONDS) -> bool:
        """Wait up to ``timeout`` seconds for new mail in the selected folder.

        True when the server announced new mail (EXISTS/RECENT), False on timeout. Uses IDLE when
        the server has it (renewed every 25 minutes); otherwise NOOP every ``poll_interval`` seconds.
        """
        client = self._require_selected()
        deadline = time.monotonic() + max(0.0, timeout)
        if "IDLE" not in self._capabilities:
            return self._poll_for_mail(client, deadline, poll_interval)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with self._errors(f"waiting for new mail in {self._selected} (IDLE)"):
                if self._idle_once(client, min(left, IDLE_RENEW_SECONDS)):
                    return True

    def _idle_once(self, client: Any, seconds: float) -> bool:
        """One IDLE command: wait until the server says something or ``seconds`` pass, then DONE.

        Whatever woke us up is read by DONE's response handling (blocking, with the normal
        timeout), so a dropped connection or a BYE surfaces there as an imapclient abort.
        """
        client.idle()
        try:
            _readable(client, seconds)
        finally:
            _, responses = client.idle_done()
        for response in responses:
            if isinstance(response, tuple) and response and response[0] == b"BYE":
                raise IMAPClientAbortError(
                    b" ".join(_as_bytes(r) for r in response).decode("ascii", "replace")
                )
        return any(_announces_new_mail(response) for response in responses)

    def _poll_for_mail(self, client: Any, deadline: float, poll_interval: float) -> bool:
        interval = max(0.01, poll_interval)
        while True:
            with self._errors(f"checking {self._selected} for new mail (NOOP)"):
                _, responses = client.noop()
            if any(_announces_new_mail(response) for response in responses):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(interval, left))


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _readable(client: Any, seconds: float) -> bool:
    """Whether the server sent something within ``seconds`` (including bytes already buffered)."""
    sock = client.socket()
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    # imaplib reads through a buffered file: a response that arrived together with IDLE's "+ idling"
    # continuation is already in that buffer, where poll() cannot see it.
    buffered = getattr(getattr(client, "_imap", None), "file", None)
    peek = getattr(buffered, "peek", None)
    if peek is not None:
        previous = sock.gettimeout()
        try:
            sock.setblocking(False)
            if peek(1):
                return True
        except (OSError, ValueError):
            pass
        finally:
            sock.settimeout(previous)
    poller = select_module.poll()
    poller.register(sock.fileno(), select_module.POLLIN)
    return bool(poller.poll(max(0, int(seconds * 1000))))


def _batches(uids: list[int], sizes: dict[int, int], budget: int) -> Iterator[list[int]]:
    """Consecutive groups of ``uids`` whose sizes add up to about ``budget`` (at least one each)."""
    batch: list[int] = []
    total = 0
    for uid in uids:
        if batch and total + sizes[uid] > budget:
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch


def connect_with_backoff(
    settings: MailboxSettings,
    attempts: int = 5,
    base_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    *,
    max_delay: float = 300.0,
) -> Mailbox:
    """A connected :class:`Mailbox`, trying up to ``attempts`` times on TransientError.

    Waits ``base_delay * 2**n`` seconds (at most ``max_delay``) between attempts. A ConfigError is
    raised at once: retrying a wrong password only locks the account. After the last attempt the
    last TransientError is raised (saying how often it was tried).
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, not {attempts}")
    last: TransientError | None = None
    for attempt in range(1, attempts + 1):
        mailbox = Mailbox(settings)
        try:
            mailbox.connect()
        except TransientError as exc:
            last = exc
            if attempt == attempts:
                break
            delay = min(max_delay, base_delay * 2 ** (attempt - 1))
            log.warning(
                "imap connection failed; retrying",
                source=settings.name,
                attempt=attempt,
                attempts=attempts,
                delay=delay,
                error=exc.message,
            )
            sleep(delay)
        else:
            if attempt > 1:
                log.info("imap connected after retrying", source=settings.name, attempts=attempt)
            return mailbox
    assert last is not None
    raise TransientError(
        f"mailbox {settings.name}: no connection after {attempts} attempts: {last.message}"
    ) from last
