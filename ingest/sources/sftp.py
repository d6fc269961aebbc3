"""An SFTP pull source: a partner's or VAN's server with an inbound, an outbound and an archive folder.

The same surface as :class:`ingest.sources.edi_folder.EdiFolder`: :meth:`SftpSource.pending` yields
the files waiting in ``remote_inbound`` (each read in full, and only once its size has stopped
changing), :meth:`SftpSource.mark_done` moves a file the caller has stored to ``remote_archive`` (or
deletes it when there is no archive), and :meth:`SftpSource.put_outbound` writes a file to
``remote_outbound`` atomically (``name.part``, then a rename).

The server's host key is always checked, against a known_hosts file and/or a pinned SHA256
fingerprint; an unknown or changed key is a :class:`~ingest.errors.ConfigError`, never accepted.
paramiko and socket errors are translated here: authentication and host-key problems are
:class:`~ingest.errors.ConfigError`, network trouble is :class:`~ingest.errors.TransientError`.

Use it as a context manager (``with SftpSource(...) as src:``) so that the connection is closed; it
connects on first use and, after a lost connection, reconnects on the next call.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import posixpath
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Self

import paramiko
from paramiko.hostkeys import InvalidHostKey
from paramiko.ssh_exception import IncompatiblePeer

from ingest.errors import ConfigError, IngestError, TransientError
from ingest.logs import get_logger

log = get_logger(__name__)

TEMPORARY_SUFFIXES = (".part", ".tmp", ".filepart")
"""Names a sender uses while a file is still being written; never taken (compared case-insensitively)."""

OUTBOUND_PART_SUFFIX = ".part"

DEFAULT_PORT = 22
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_STABLE_SECONDS = 2.0

_HOST_KEY_GROUPS: tuple[tuple[str, ...], ...] = (
    ("ssh-ed25519",),
    ("ecdsa-sha2-nistp256",),
    ("ecdsa-sha2-nistp384",),
    ("ecdsa-sha2-nistp521",),
    ("rsa-sha2-512", "rsa-sha2-256"),
)
"""Host key algorithms by key: an RSA host key is negotiated as rsa-sha2-512/256 but named ssh-rsa."""


_LIBRARY_ERRORS = (paramiko.SSHException, paramiko.SFTPError, EOFError, OSError)
"""What paramiko and the socket layer raise; translated at this module's boundary."""


def _algorithms_for_key_name(key_name: str) -> tuple[str, ...]:
    """The negotiable host key algorithms of a key type as known_hosts names it (``ssh-rsa`` ...)."""
    if key_name == "ssh-rsa":
        return ("rsa-sha2-512", "rsa-sha2-256")
    return (key_name,)


def sha256_fingerprint(key: paramiko.PKey) -> str:
    """``SHA256:<base64 without padding>`` of a public key, as ``ssh-keygen -lf`` prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def normalize_fingerprint(raw: str) -> str:
    """A pinned fingerprint as ``SHA256:...``: the token alone or a whole ``ssh-keygen -lf`` line.

    Raises ConfigError for anything that is not a SHA256 fingerprint (MD5 ones are refused).
    """
    for token in raw.split():
        if token[:7].upper() != "SHA256:":
            continue
        b64 = token[7:].rstrip("=")
        try:
            digest = base64.b64decode(b64 + "=" * (-len(b64) % 4), validate=True)
        except (binascii.Error, ValueError):
            digest = b""
        if len(digest) == hashlib.sha256().digest_size:
            return "SHA256:" + b64
    raise ConfigError(
        f"host key fingerprint {raw!r} is not a SHA256 fingerprint: give it as `ssh-keygen -lf` prints it, "
        "e.g. SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s "
        "(from `ssh-keyscan -p PORT HOST | ssh-keygen -lf -`, checked with the partner)"
    )


def _is_candidate_name(name: str) -> bool:
    """Not hidden and not a temporary name of a transfer in progress."""
    return bool(name) and not name.startswith(".") and not name.lower().endswith(TEMPORARY_SUFFIXES)


def _numbered(name: str, n: int) -> str:
    """``po.edi`` -> ``po.1.edi`` (as EdiFolder.mark_done names duplicates)."""
    p = PurePosixPath(name)
    return f"{p.stem}.{n}{p.suffix}"


@dataclass(frozen=True)
class RemoteFile:
    """One file read from ``remote_inbound``.

    ``path`` is the full remote path, so ``item.path.name`` works as for ``FolderFile``; ``mtime``
    (seconds, as the server reports it) lets :meth:`SftpSource.mark_done` notice a file replaced
    after it was read.
    """

    name: str
    content: bytes = field(repr=False)
    path: PurePosixPath
    mtime: int | None = None


class SftpSource:
    """An SFTP server polled for inbound files, with an outbound folder for acknowledgements."""

    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        username: str,
        remote_inbound: str,
        remote_outbound: str,
        remote_archive: str | None = None,
        password: str | None = None,
        private_key_path: str | None = None,
        known_hosts_path: str | None = None,
        host_key_fingerprint: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        *,
        private_key_passphrase: str | None = None,
        stable_seconds: float = DEFAULT_STABLE_SECONDS,
    ) -> None:
        self.name = name
        self.host = host
        self.port = int(port)
        self.username = username
        self.remote_inbound = remote_inbound
        self.remote_outbound = remote_outbound
        self.remote_archive = remote_archive or None
        self.password = password
        self.private_key_path = private_key_path
        self.private_key_passphrase = private_key_passphrase
        self.known_hosts_path = known_hosts_path or None
        self.timeout = float(timeout)
        self.stable_seconds = float(stable_seconds)

        where = f"source {name}"
        if not host:
            raise ConfigError(f"{where}: no SFTP host given")
        if not 0 < self.port < 65536:
            raise ConfigError(f"{where}: port {port} is not a TCP port (1-65535)")
        if not username:
            raise ConfigError(f"{where}: no SFTP user name given")
        if not remote_inbound or not remote_outbound:
            raise ConfigError(f"{where}: remote_inbound and remote_outbound must both be set")
        if password is None and not private_key_path:
            raise ConfigError(f"{where}: give a password or a private_key_path for {username}@{host}")
        if self.known_hosts_path is None and not host_key_fingerprint:
            raise ConfigError(
                f"{where}: host key checking is mandatory: give known_hosts_path or host_key_fingerprint "
                f"for {host}:{self.port} (verify the server's key with the partner first)"
            )
        if self.timeout <= 0:
            raise ConfigError(f"{where}: timeout must be positive, not {timeout}")
        if self.stable_seconds < 0:
            raise ConfigError(f"{where}: stable_seconds must not be negative, not {stable_seconds}")
        self.host_key_fingerprint = (
            normalize_fingerprint(host_key_fingerprint) if host_key_fingerprint else None
        )

        self._transport: paramiko.Transport | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._pinned_algorithms: tuple[str, ...] | None = None
        self._archive_ready = False

    # --- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._client()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the SFTP session and the SSH connection (idempotent)."""
        sftp, transport = self._sftp, self._transport
        self._sftp = self._transport = None
        if sftp is not None:
            with suppress(Exception):
                sftp.close()
        if transport is not None:
            with suppress(Exception):
                transport.close()
            log.debug("sftp disconnected", source=self.name, host=self.host, port=self.port)

    @property
    def _where(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"

    def _client(self) -> paramiko.SFTPClient:
        """The open SFTP session, connecting (again) when there is none or it was lost."""
        if self._sftp is not None and self._transport is not None and self._transport.is_active():
            return self._sftp
        self.close()
        self._connect()
        assert self._sftp is not None
        return self._sftp

    # --- connecting -----------------------------------------------------------------------------

    def _connect(self) -> None:
        transport = self._open_verified_transport()
        try:
            self._authenticate(transport)
            sftp = paramiko.SFTPClient.from_transport(transport)
            if sftp is None:
                raise TransientError(
                    f"source {self.name}: {self._where} did not open an SFTP session; retry later"
                )
            channel = sftp.get_channel()
            if channel is not None:
                channel.settimeout(self.timeout)
        except IngestError:
            transport.close()
            raise
        except paramiko.ChannelException as exc:
            transport.close()
            raise ConfigError(
                f"source {self.name}: {self._where} refused the SFTP subsystem ({exc}): "
                "ask the partner to enable SFTP for this account"
            ) from exc
        except _LIBRARY_ERRORS as exc:
            transport.close()
            raise TransientError(
                f"source {self.name}: could not open an SFTP session on {self._where}: {exc}; "
                "the next poll retries"
            ) from exc
        self._transport, self._sftp = transport, sftp
        log.info(
            "sftp connected",
            source=self.name,
            host=self.host,
            port=self.port,
            user=self.username,
            host_key=sha256_fingerprint(transport.get_remote_server_key()),
        )

    def _open_transport(
        self, algorithms: tuple[str, ...] | None, *, only: bool = False
    ) -> paramiko.Transport:
        """TCP connect and SSH key exchange (no authentication yet), preferring ``algorithms``."""
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                raise ConfigError(
                    f"source {self.name}: SFTP host {self.host!r} does not resolve ({exc.strerror}): "
                    "check the host name"
                ) from exc
            raise TransientError(
                f"source {self.name}: could not resolve SFTP host {self.host!r} ({exc.strerror}); "
                "check DNS, the next poll retries"
            ) from exc
        except ConnectionRefusedError as exc:
            raise TransientError(
                f"source {self.name}: connection to {self.host}:{self.port} refused: nothing listens "
                "there; check that the SFTP server is up and the port is right, the next poll retries"
            ) from exc
        except TimeoutError as exc:
            raise TransientError(
                f"source {self.name}: connection to {self.host}:{self.port} timed out after "
                f"{self.timeout:g}s; check the network path and firewall, the next poll retries"
            ) from exc
        except OSError as exc:
            raise TransientError(
                f"source {self.name}: cannot connect to {self.host}:{self.port}: {exc.strerror or exc}; "
                "the next poll retries"
            ) from exc

        transport: paramiko.Transport | None = None
        try:
            transport = paramiko.Transport(sock)
            transport.banner_timeout = self.timeout
            transport.handshake_timeout = self.timeout
            transport.auth_timeout = self.timeout
            if algorithms:
                options = transport.get_security_options()
                rest = () if only else tuple(a for a in options.key_types if a not in algorithms)
                options.key_types = [a for a in algorithms if a in options.key_types] + list(rest)
            transport.start_client(timeout=self.timeout)  # returns quietly when the timeout is over
            try:
                transport.get_remote_server_key()
            except paramiko.SSHException:
                raise TimeoutError(f"no key exchange within {self.timeout:g}s") from None
        except IncompatiblePeer as exc:
            (transport or sock).close()
            raise ConfigError(
                f"source {self.name}: {self.host}:{self.port} and this client share no "
                f"{'such host key type' if only else 'algorithms'}: {exc}"
            ) from exc
        except _LIBRARY_ERRORS as exc:
            (transport or sock).close()
            raise TransientError(
                f"source {self.name}: SSH handshake with {self.host}:{self.port} failed: "
                f"{exc or type(exc).__name__}; is it an SSH server? the next poll retries"
            ) from exc
        return transport

    def _open_verified_transport(self) -> paramiko.Transport:
        """A transport whose host key passed the checks; ConfigError (naming the key) otherwise."""
        known = self._known_host_keys()
        if self._pinned_algorithms is not None:
            preferred: tuple[str, ...] | None = self._pinned_algorithms
        elif known:
            preferred = tuple(a for name in known for a in _algorithms_for_key_name(name))
        else:
            preferred = None
        transport = self._open_transport(preferred)
        key = transport.get_remote_server_key()
        problem = self._host_key_problem(key, known)
        if problem is None:
            return transport
        transport.close()
        if self.host_key_fingerprint and sha256_fingerprint(key) != self.host_key_fingerprint:
            # The pin may be the fingerprint of another of the server's keys (partners often publish
            # their RSA one): ask for each other key type in turn before giving up.
            tried = _algorithms_for_key_name(key.get_name())
            for group in _HOST_KEY_GROUPS:
                if set(group) & set(tried):
                    continue
                try:
                    other = self._open_transport(group, only=True)
                except ConfigError:
                    continue  # the server has no key of this type
                other_key = other.get_remote_server_key()
                if self._host_key_problem(other_key, known) is None:
                    self._pinned_algorithms = group
                    return other
                other.close()
        raise ConfigError(problem)

    def _known_host_keys(self) -> dict[str, paramiko.PKey]:
        """Keys (by key type name) that the known_hosts file lists for this host and port."""
        if self.known_hosts_path is None:
            return {}
        path = Path(self.known_hosts_path).expanduser()
        hostkeys = paramiko.HostKeys()
        try:
            hostkeys.load(str(path))
        except FileNotFoundError as exc:
            raise ConfigError(
                f"source {self.name}: known_hosts file {path} does not exist: create it with the server's "
                f"verified key (ssh-keyscan -p {self.port} {self.host} > {path}, then check the fingerprints)"
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"source {self.name}: cannot read known_hosts file {path}: {exc}") from exc
        except InvalidHostKey as exc:
            raise ConfigError(
                f"source {self.name}: known_hosts file {path} has a broken line: {exc.line!r}"
            ) from exc
        name = self.host if self.port == DEFAULT_PORT else f"[{self.host}]:{self.port}"
        entry = hostkeys.lookup(name)
        return {} if entry is None else {k: entry[k] for k in entry}

    def _revoked(self, key: paramiko.PKey) -> bool:
        """Whether the known_hosts file marks this key ``@revoked`` (paramiko ignores such lines)."""
        if self.known_hosts_path is None:
            return False
        blob = key.asbytes()
        with suppress(OSError, UnicodeDecodeError):
            for line in Path(self.known_hosts_path).expanduser().read_text().splitlines():
                fields = line.split()
                if len(fields) >= 4 and fields[0] == "@revoked":
                    with suppress(binascii.Error, ValueError):
                        if base64.b64decode(fields[3]) == blob:
                            return True
        return False

    def _host_key_problem(self, key: paramiko.PKey, known: dict[str, paramiko.PKey]) -> str | None:
        """Why this host key must not be trusted, or None when it is the expected one."""
        seen = f"{key.get_name()} {sha256_fingerprint(key)}"
        at = f"{self.host}:{self.port}"
        if self._revoked(key):
            return (
                f"source {self.name}: host key of {at} is marked @revoked in {self.known_hosts_path}: "
                f"the server offered {seen}; refusing to connect — ask the partner for its current key"
            )
        expected = known.get(key.get_name())
        if expected is not None and expected.asbytes() != key.asbytes():
            return (
                f"source {self.name}: host key of {at} has CHANGED: the server offered {seen}, but "
                f"{self.known_hosts_path} expects {sha256_fingerprint(expected)}. This may be a "
                "man-in-the-middle attack or a re-keyed server: confirm the new fingerprint with the "
                "partner before replacing the known_hosts entry"
            )
        if self.host_key_fingerprint is not None and sha256_fingerprint(key) != self.host_key_fingerprint:
            return (
                f"source {self.name}: host key of {at} does not match the pinned fingerprint "
                f"{self.host_key_fingerprint}: the server offered {seen} (and no other key type of "
                "this server matches either). This may be a man-in-the-middle attack or a re-keyed "
                "server: confirm the fingerprint with the partner before changing host_key_fingerprint"
            )
        if expected is None and self.host_key_fingerprint is None:
            listed = f" (it lists only {', '.join(sorted(known))} keys for this host)" if known else ""
            return (
                f"source {self.name}: host key of {at} is unknown: the server offered {seen}, which is "
                f"not in {self.known_hosts_path}{listed}. Confirm this fingerprint with the partner, then "
                f"add the key (ssh-keyscan -p {self.port} {self.host} >> {self.known_hosts_path}) or set "
                f"host_key_fingerprint={sha256_fingerprint(key)}"
            )
        return None

    def _load_private_key(self) -> paramiko.PKey:
        assert self.private_key_path is not None
        path = Path(self.private_key_path).expanduser()
        passphrase = self.private_key_passphrase
        # PKey.from_path hands the passphrase to cryptography, which needs bytes (the stubs say str).
        secret = passphrase.encode() if passphrase is not None else None
        try:
            return paramiko.PKey.from_path(path, secret)  # type: ignore[arg-type]
        except FileNotFoundError as exc:
            raise ConfigError(f"source {self.name}: private key file {path} does not exist") from exc
        except (paramiko.PasswordRequiredException, TypeError) as exc:
            if passphrase is None:
                hint = "is encrypted: set private_key_passphrase"
            elif isinstance(exc, TypeError) and "not encrypted" in str(exc):
                hint = "is not encrypted: remove private_key_passphrase"
            else:
                hint = f"cannot be loaded ({exc})"
            raise ConfigError(f"source {self.name}: private key {path} {hint}") from exc
        except (paramiko.SSHException, ValueError, OSError) as exc:
            raise ConfigError(
                f"source {self.name}: cannot load private key {path} ({exc}): give an Ed25519, ECDSA or "
                "RSA key in OpenSSH or PEM format, and the right private_key_passphrase if it is encrypted"
            ) from exc

    def _authenticate(self, transport: paramiko.Transport) -> None:
        failures: list[str] = []
        methods: list[tuple[str, paramiko.PKey | str]] = []
        if self.private_key_path:
            methods.append(("publickey", self._load_private_key()))
        if self.password is not None:
            methods.append(("password", self.password))
        for method, secret in methods:
            try:
                if isinstance(secret, paramiko.PKey):
                    transport.auth_publickey(self.username, secret)
                else:
                    transport.auth_password(self.username, secret)
            except paramiko.BadAuthenticationType as exc:
                failures.append(f"{method} is not allowed (server allows: {', '.join(exc.allowed_types)})")
                continue
            except paramiko.AuthenticationException as exc:
                failures.append(f"{method} rejected ({exc})")
                continue
            except _LIBRARY_ERRORS as exc:
                raise TransientError(
                    f"source {self.name}: connection to {self._where} broke during login: {exc}; "
                    "the next poll retries"
                ) from exc
            if transport.is_authenticated():
                return
            failures.append(f"{method} accepted but the server asks for more factors")
        raise ConfigError(
            f"source {self.name}: login as {self._where} failed: {'; '.join(failures)}. Check the user "
            "name, and that the partner has installed our public key / the password is current"
        )

    # --- error translation for SFTP calls -------------------------------------------------------

    def _lost(self, exc: BaseException) -> bool:
        """Whether an SFTP call failed because the connection is gone (rather than the file)."""
        return (
            isinstance(exc, TimeoutError | paramiko.SSHException)
            or self._transport is None
            or not self._transport.is_active()
        )

    @contextmanager
    def _sftp_errors(self, action: str) -> Iterator[None]:
        """Translate paramiko/socket errors of one SFTP operation into ConfigError/TransientError."""
        try:
            yield
        except IngestError:
            raise
        except _LIBRARY_ERRORS as exc:
            if self._lost(exc):
                self.close()
                raise TransientError(
                    f"source {self.name}: lost the connection to {self._where} while {action}: "
                    f"{exc or type(exc).__name__}; the next poll retries"
                ) from exc
            if isinstance(exc, FileNotFoundError):
                raise ConfigError(
                    f"source {self.name}: {action} on {self._where}: no such file or folder: check the "
                    "remote folder settings with the partner"
                ) from exc
            if isinstance(exc, PermissionError):
                raise ConfigError(
                    f"source {self.name}: {action} on {self._where}: permission denied: ask the partner "
                    f"to grant {self.username} access"
                ) from exc
            raise TransientError(
                f"source {self.name}: {action} on {self._where} failed: {exc or type(exc).__name__}"
            ) from exc

    def _exists(self, sftp: paramiko.SFTPClient, path: str) -> bool:
        try:
            sftp.stat(path)
        except FileNotFoundError:
            return False
        return True

    # --- the source surface ---------------------------------------------------------------------

    def check(self) -> None:
        """Connect, log in and make sure the inbound and outbound folders are there."""
        sftp = self._client()
        for label, folder in (("inbound", self.remote_inbound), ("outbound", self.remote_outbound)):
            with self._sftp_errors(f"looking at the remote {label} folder {folder}"):
                attrs = sftp.stat(folder)
            if attrs.st_mode is not None and not stat.S_ISDIR(attrs.st_mode):
                raise ConfigError(f"source {self.name}: remote {label} {folder} is not a folder")

    def _listing(self, sftp: paramiko.SFTPClient) -> dict[str, tuple[int, int | None]]:
        """Regular, non-hidden, non-temporary files of the inbound folder: name -> (size, mtime)."""
        with self._sftp_errors(f"listing the remote inbound folder {self.remote_inbound}"):
            entries = sftp.listdir_attr(self.remote_inbound)
        files: dict[str, tuple[int, int | None]] = {}
        for attrs in entries:
            name = attrs.filename
            if not _is_candidate_name(name) or "/" in name:
                continue
            if attrs.st_mode is not None and not stat.S_ISREG(attrs.st_mode):
                continue  # folders, symlinks, devices
            if attrs.st_size is None:
                continue  # a server that does not say a file's size: it cannot be checked for stability
            files[name] = (attrs.st_size, attrs.st_mtime)
        return files

    def pending(self) -> Iterator[RemoteFile]:
        """Files waiting in ``remote_inbound``, oldest first, each read in full.

        A file is taken only when its size and mtime are the same on two listings ``stable_seconds``
        apart and the bytes read match that size; anything else is left for the next poll.
        """
        sftp = self._client()
        first = self._listing(sftp)
        if not first:
            return
        if self.stable_seconds > 0:
            time.sleep(self.stable_seconds)
        second = self._listing(sftp)
        stable = {n: attrs for n, attrs in second.items() if first.get(n) == attrs}
        for name in set(second) - set(stable):
            log.info("sftp file still changing; left for the next poll", source=self.name, file=name)
        for name, (size, mtime) in sorted(stable.items(), key=lambda item: (item[1][1] or 0, item[0])):
            path = posixpath.join(self.remote_inbound, name)
            content = self._read(sftp, path, size)
            if content is None:
                continue
            log.info("sftp file read", source=self.name, file=path, bytes=len(content))
            yield RemoteFile(name=name, content=content, path=PurePosixPath(path), mtime=mtime)
            sftp = self._client()

    def _read(self, sftp: paramiko.SFTPClient, path: str, size: int) -> bytes | None:
        """The whole file, or None when it vanished, cannot be read or changed while being read."""
        try:
            with sftp.open(path, "rb") as fh:
                if size:
                    fh.prefetch(size)
                content = fh.read()
                after = fh.stat().st_size
        except _LIBRARY_ERRORS as exc:
            if self._lost(exc):
                self.close()
                raise TransientError(
                    f"source {self.name}: lost the connection to {self._where} while reading {path}: "
                    f"{exc or type(exc).__name__}; the next poll retries"
                ) from exc
            # One unreadable file must not hold up the others: report it and go on.
            log.error("sftp file cannot be read; skipped", source=self.name, file=path, error=str(exc))
            return None
        if len(content) != size or after != size:
            log.info(
                "sftp file changed while being read; left for the next poll",
                source=self.name,
                file=path,
                listed=size,
                read=len(content),
            )
            return None
        return content

    def _ensure_archive(self, sftp: paramiko.SFTPClient) -> str:
        assert self.remote_archive is not None
        if self._archive_ready:
            return self.remote_archive
        missing: list[str] = []
        folder = self.remote_archive.rstrip("/") or "/"
        with self._sftp_errors(f"creating the remote archive folder {self.remote_archive}"):
            while True:
                try:
                    attrs = sftp.stat(folder)
                except FileNotFoundError:
                    missing.append(folder)
                    parent = posixpath.dirname(folder)
                    if parent in ("", folder):
                        break
                    folder = parent
                    continue
                if attrs.st_mode is not None and not stat.S_ISDIR(attrs.st_mode):
                    raise ConfigError(f"source {self.name}: remote archive path {folder} is not a folder")
                break
            for folder in reversed(missing):
                try:
                    sftp.mkdir(folder)
                except OSError:
                    if not self._exists(sftp, folder):  # made at the same time by someone else is fine
                        raise
                log.info("sftp archive folder created", source=self.name, folder=folder)
        self._archive_ready = True
        return self.remote_archive

    def mark_done(self, item: RemoteFile) -> str | None:
        """After the caller stored ``item``: move it to the archive (or delete it); returns where to.

        A file that is gone already, or was replaced after it was read, is left alone (logged).
        """
        sftp = self._client()
        source_path = str(item.path)
        with self._sftp_errors(f"looking at {source_path}"):
            try:
                attrs = sftp.stat(source_path)
            except FileNotFoundError:
                log.warning("sftp file already gone", source=self.name, file=source_path)
                return None
        if attrs.st_size != len(item.content) or (item.mtime is not None and attrs.st_mtime != item.mtime):
            log.warning(
                "sftp file replaced since it was read; left for the next poll",
                source=self.name,
                file=source_path,
            )
            return None
        if self.remote_archive is None:
            with self._sftp_errors(f"deleting {source_path}"):
                sftp.remove(source_path)
            log.info("sftp file deleted", source=self.name, file=source_path)
            return None
        archive = self._ensure_archive(sftp)
        target = self._rename_unique(sftp, source_path, archive, item.name, f"archiving {source_path}")
        log.info("sftp file archived", source=self.name, file=source_path, archived_as=target)
        return target

    def _rename_unique(
        self, sftp: paramiko.SFTPClient, source: str, folder: str, name: str, action: str
    ) -> str:
        """Rename ``source`` into ``folder`` as ``name``, or ``stem.N.suffix`` when that is taken."""
        n = 0
        with self._sftp_errors(action):
            while True:
                target = posixpath.join(folder, name if n == 0 else _numbered(name, n))
                if not self._exists(sftp, target):
                    try:
                        sftp.rename(source, target)  # SFTP v3 rename never replaces an existing file
                        return target
                    except OSError:
                        if not self._exists(sftp, target) or not self._exists(sftp, source):
                            raise
                n += 1
                if n > 10_000:
                    raise ConfigError(f"source {self.name}: {action}: no free name for {name} in {folder}")

    def put_outbound(self, name: str, content: bytes) -> str:
        """Write ``content`` to ``remote_outbound/name`` atomically; returns the remote path written.

        The bytes go to ``name.part`` first and are renamed once complete, so a partner polling the
        folder never sees half a file. An existing ``name`` is not replaced: ``stem.N.suffix`` is used.
        """
        if not _is_candidate_name(name) or "/" in name or "\\" in name or "\x00" in name:
            raise ValueError(f"outbound file name {name!r} must be a plain, non-hidden, non-temporary name")
        sftp = self._client()
        part = posixpath.join(self.remote_outbound, name + OUTBOUND_PART_SUFFIX)
        try:
            with self._sftp_errors(f"uploading {part}"):
                sftp.putfo(io.BytesIO(content), part, file_size=len(content), confirm=True)
            target = self._rename_unique(sftp, part, self.remote_outbound, name, f"renaming {part}")
        except IngestError:
            if self._sftp is not None:
                with suppress(Exception):
                    self._sftp.remove(part)
            raise
        log.info("sftp outbound file written", source=self.name, file=target, bytes=len(content))
        return target
