"""A throwaway Dovecot IMAP server for integration tests (helpers to import; no tests in here).

:class:`Dovecot` writes a complete configuration into a fresh temporary folder (``base_dir``,
``state_dir``, the log, mail homes, a self-signed certificate with ``IP:127.0.0.1`` in its
subjectAltName) and runs Debian's ``dovecot -F -c CONF`` as root, listening on 127.0.0.1 only: a
plain ``imap`` listener (which also offers STARTTLS) and an ``imaps`` one, on free ports. Users come
from a passwd-file with mail uid 65534 (``nobody``: Dovecot refuses root as a mail user), mail is
Maildir in ``~/Maildir``.

XOAUTH2 works too: an ``oauth2`` passdb asks :class:`TokenIssuer`, a small HTTP introspection
endpoint running in this process (``introspection_mode = auth``), whether a bearer token is valid;
:meth:`Dovecot.issue_token` hands out tokens.

:func:`ensure_dovecot_installed` installs ``dovecot-imapd`` with apt when it is missing (root only)
and stops any system dovecot the package's scripts may have started (here ``/usr/sbin/policy-rc.d``
exits 101, so invoke-rc.d refuses to start it; elsewhere the init script might).

Every server is stopped through ``base_dir/master.pid`` by :meth:`Dovecot.stop` (and at interpreter
exit at the latest); its whole process group goes with it.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from secrets import token_urlsafe
from types import TracebackType
from typing import Any, Self

from apt_packages import apt_get
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
DOVEADM = Path("/usr/bin/doveadm")
OPENSSL = "openssl"
APT_PACKAGE = "dovecot-imapd"
APT_INSTALL = ("install", "-y", "-q", "--no-install-recommends", APT_PACKAGE)

HOST = "127.0.0.1"
MAIL_UID = 65534
MAIL_GID = 65534
START_SECONDS = 20.0
STOP_SECONDS = 15.0
STOP_GRACE_SECONDS = 5.0
"""How long a test server may take to shut down cleanly (its sessions get their BYE at once)
before what is left of its process group is killed."""

_running: weakref.WeakSet[Dovecot] = weakref.WeakSet()


class DovecotUnavailable(Exception):
    """Dovecot is not installed and cannot be installed here, or it would not start."""


# --- installing ---------------------------------------------------------------------------------


def dovecot_masters() -> dict[int, str]:
    """Running dovecot master processes: pid -> command line."""
    found: dict[int, str] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with suppress(OSError):
            if (proc / "comm").read_text().strip() == "dovecot":
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\x00", b" ").decode()
    return found


def _wait_gone(pid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not Path(f"/proc/{pid}").exists():
            return True
        with suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        time.sleep(0.05)
    return not Path(f"/proc/{pid}").exists()


def stop_system_dovecot_started_since(before: Mapping[int, str]) -> list[int]:
    """Stop dovecot masters that appeared since ``before`` and are not test servers (no ``-F``)."""
    stopped: list[int] = []
    for pid, cmdline in dovecot_masters().items():
        if pid in before or " -F " in f" {cmdline} ":
            continue
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
            stopped.append(pid)
        _wait_gone(pid, STOP_SECONDS)
    return stopped


def ensure_dovecot_installed() -> None:
    """Install ``dovecot-imapd`` when missing; DovecotUnavailable when that is impossible."""
    if DOVECOT.exists() and DOVEADM.exists() and shutil.which(OPENSSL):
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise DovecotUnavailable(
            f"{DOVECOT} is missing and cannot be installed here (needs root and apt-get): "
            f"apt-get install -y --no-install-recommends {APT_PACKAGE}"
        )
    before = dovecot_masters()
    try:
        result = apt_get(*APT_INSTALL)
        if result.returncode != 0:
            apt_get("update", "-q")
            result = apt_get(*APT_INSTALL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DovecotUnavailable(f"installing {APT_PACKAGE} failed: {exc}") from exc
    finally:
        stop_system_dovecot_started_since(before)
    if result.returncode != 0 or not DOVECOT.exists():
        raise DovecotUnavailable(
            f"installing {APT_PACKAGE} failed: {(result.stderr or result.stdout)[-2000:]}"
        )


# --- small helpers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def make_self_signed(folder: Path, name: str = "server", *, san: str = "IP:127.0.0.1,DNS:localhost") -> Path:
    """``folder/name.pem`` (certificate) and ``folder/name.key`` (key) via openssl; returns the cert."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            OPENSSL,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "7",
            "-subj",
            "/CN=po-ingest test IMAP server",
            "-addext",
            f"subjectAltName={san}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert


def _append_uid(response: Any) -> int:
    """The UID from an APPEND response's ``[APPENDUID validity uid]``."""
    text = response.decode() if isinstance(response, bytes) else str(response)
    match = re.search(r"APPENDUID \d+ (\d+)", text)
    if not match:
        raise AssertionError(f"no APPENDUID in {text!r}")
    return int(match.group(1))


# --- OAuth2 introspection endpoint ----------------------------------------------------------------


class TokenIssuer:
    """An OAuth2 "userinfo"-style endpoint for Dovecot's oauth2 passdb (``introspection_mode = auth``).

    Dovecot sends ``GET / `` with ``Authorization: Bearer TOKEN``; a known token is answered with
    ``{"email": USER, "active": true}``, anything else with ``{"active": false}``.
    """

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.requests = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests += 1
                auth = self.headers.get("Authorization", "")
                user = issuer.tokens.get(auth.removeprefix("Bearer ").strip()) if auth else None
                reply = {"email": user, "active": True} if user else {"email": "", "active": False}
                body = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="token-issuer", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}/userinfo"

    def issue(self, user: str) -> str:
        token = token_urlsafe(24)
        self.tokens[token] = user
        return token

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


# --- the server -----------------------------------------------------------------------------------


class Dovecot:
    """A Dovecot IMAP server of its own, in a temporary folder removed by :meth:`close`."""

    def __init__(self, users: Mapping[str, str] | None = None, *, spare_users: int = 100) -> None:
        if not DOVECOT.exists():
            raise DovecotUnavailable(f"{DOVECOT} is not installed (apt-get install {APT_PACKAGE})")
        if os.geteuid() != 0:
            raise DovecotUnavailable("this test server runs Dovecot as root (it switches to uid 65534)")
        # Under /tmp and world-traversable: the mail processes run as uid 65534 (pytest's own
        # temporary folders are private to root). Short, too: base_dir holds unix sockets.
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.root.chmod(0o755)
        self.base_dir = self.root / "run"
        self.state_dir = self.root / "state"
        self.homes = self.root / "home"
        for folder in (self.base_dir, self.state_dir, self.homes):
            folder.mkdir()
        self.homes.chmod(0o755)
        self.log_path = self.root / "dovecot.log"
        self.config_path = self.root / "dovecot.conf"
        self.users_path = self.root / "users"
        self.oauth2_path = self.root / "oauth2.conf"
        self.ca_file = make_self_signed(self.root, "server")
        self.key_file = self.root / "server.key"
        self.host = HOST
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.tokens = TokenIssuer()
        self._users: dict[str, str] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._spare: list[str] = [f"user{n}" for n in range(spare_users, 0, -1)]
        accounts = {**{u: token_urlsafe(12) for u in self._spare}, **(users or {})}
        self._write_users(accounts)
        self._write_config()

    # --- configuration ----------------------------------------------------------------------

    def _write_config(self) -> None:
        self.oauth2_path.write_text(
            "introspection_mode = auth\n"
            f"introspection_url = {self.tokens.url}\n"
            "username_attribute = email\n"
            "active_attribute = active\n"
            "active_value = true\n"
        )
        self.config_path.write_text(
            f"""# written by tests/integration/dovecot.py
base_dir = {self.base_dir}
state_dir = {self.state_dir}
log_path = {self.log_path}
listen = {HOST}
protocols = imap
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
auth_verbose = yes
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
ssl = yes
ssl_cert = <{self.ca_file}
ssl_key = <{self.key_file}

passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.users_path}
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.oauth2_path}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.users_path}
}}

# anvil's auth penalty would delay every login from 127.0.0.1 for seconds after a failed one
# (login_trusted_networks does not stop that here); this turns it off.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}

service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self.imaps_port}
    ssl = yes
  }}
}}
"""
        )

    def _write_users(self, accounts: Mapping[str, str]) -> None:
        for user, password in accounts.items():
            if not re.fullmatch(r"[A-Za-z0-9._@+-]+", user) or ":" in password or "\n" in password:
                raise ValueError(f"unusable test user {user!r} or password")
            home = self.homes / user
            if not home.exists():
                home.mkdir()
                os.chown(home, MAIL_UID, MAIL_GID)
        self._users.update(accounts)
        lines = [
            f"{u}:{{PLAIN}}{p}:{MAIL_UID}:{MAIL_GID}::{self.homes / u}::\n" for u, p in self._users.items()
        ]
        tmp = self.users_path.with_suffix(".tmp")
        tmp.write_text("".join(lines))
        tmp.chmod(0o644)
        tmp.replace(self.users_path)

    def add_user(self, user: str, password: str) -> None:
        """Add (or change) a user while the server runs.

        Dovecot looks at a changed passwd-file at most once per second (and compares its mtime in
        whole seconds), so this waits a little over a second; :meth:`take_user` is instant.
        """
        time.sleep(1.1)
        self._write_users({user: password})
        time.sleep(1.1)

    def take_user(self) -> tuple[str, str]:
        """A user with an empty mailbox that no one has used yet: (name, password)."""
        if not self._spare:
            raise DovecotUnavailable("no spare users left: create the server with more spare_users")
        user = self._spare.pop()
        return user, self._users[user]

    def issue_token(self, user: str) -> str:
        """A bearer token the XOAUTH2 login of ``user`` accepts."""
        return self.tokens.issue(user)

    # --- running ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def master_pid(self) -> int | None:
        with suppress(OSError, ValueError):
            return int((self.base_dir / "master.pid").read_text().split()[0])
        return None

    def _our_master(self) -> int | None:
        """The pid in ``base_dir/master.pid`` if it is a dovecot running this configuration."""
        pid = self.master_pid
        if pid is None:
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\x00")
        except OSError:
            return None
        return pid if str(self.config_path).encode() in cmdline else None

    def start(self) -> None:
        if self.running:
            return
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [str(DOVECOT), "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _running.add(self)
        try:
            self._wait_for_banner(self.imap_port)
            self._wait_for_banner(self.imaps_port, tls=True)
        except BaseException:
            self.stop()
            raise

    def _wait_for_banner(self, port: int, *, tls: bool = False) -> None:
        # A complete greeting (and TLS handshake) each time: a login process left half-way (a bare
        # TCP connect to the imaps port) lingers and holds up the master's shutdown for 5 seconds.
        context = ssl.create_default_context(cafile=str(self.ca_file)) if tls else None
        end = time.monotonic() + START_SECONDS
        problem = "no answer"
        while time.monotonic() < end:
            if not self.running:
                raise DovecotUnavailable(f"dovecot exited at start:\n{self.log_tail()}")
            try:
                with socket.create_connection((HOST, port), timeout=2) as raw:
                    sock = context.wrap_socket(raw, server_hostname=HOST) if context else raw
                    with sock:
                        banner = sock.makefile("rb").readline()
                        sock.sendall(b"a LOGOUT\r\n")
                        sock.makefile("rb").read()
                if banner.startswith(b"* OK"):
                    return
                problem = f"unexpected banner {banner!r}"
            except OSError as exc:
                problem = str(exc)
            time.sleep(0.1)
        raise DovecotUnavailable(f"dovecot did not greet on port {port} ({problem}):\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server (SIGTERM to ``base_dir/master.pid``) and wait until it has gone."""
        process, self._process = self._process, None
        pid = self._our_master()
        if pid is None and process is not None and process.poll() is None:
            pid = process.pid
        if pid is not None:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        if process is not None:
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(STOP_SECONDS)
            # The master ends its children; anything left in its process group goes now.
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        elif pid is not None:
            _wait_gone(pid, STOP_SECONDS)
        _running.discard(self)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and the token endpoint, and remove the temporary folder."""
        self.stop()
        self.tokens.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def log_tail(self, lines: int = 40) -> str:
        with suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    # --- mail --------------------------------------------------------------------------------

    def client(self, user: str) -> Any:
        """A logged-in imapclient connection on the plain port (the caller logs out)."""
        client = IMAPClient(HOST, port=self.imap_port, ssl=False, timeout=10)
        client.login(user, self._users[user])
        return client

    def append(self, user: str, folder: str, raw: bytes, flags: Iterable[str] = ()) -> int:
        """Deliver ``raw`` to ``folder`` (created when missing) with IMAP APPEND; returns its UID."""
        client = self.client(user)
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            return _append_uid(client.append(folder, raw, flags=tuple(flags)))
        finally:
            client.logout()

    def uids(self, user: str, folder: str) -> list[int]:
        """UIDs of the messages in ``folder`` (none when it does not exist)."""
        client = self.client(user)
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return sorted(int(uid) for uid in client.search(["ALL"]))
        finally:
            client.logout()

    def flags(self, user: str, folder: str) -> dict[int, set[bytes]]:
        """uid -> flags of every message in ``folder`` (read-only, changes nothing)."""
        client = self.client(user)
        try:
            client.select_folder(folder, readonly=True)
            found = client.get_flags(client.search(["ALL"]))
            return {int(uid): set(flags) for uid, flags in found.items()}
        finally:
            client.logout()

    def delete(self, user: str, folder: str, uids: Iterable[int]) -> None:
        """Expunge messages (as another mail client would)."""
        client = self.client(user)
        try:
            client.select_folder(folder)
            todo = list(uids)
            client.delete_messages(todo)
            client.uid_expunge(todo)
        finally:
            client.logout()

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        """The Maildir++ folder on disk (``~/Maildir`` for INBOX, ``~/Maildir/.NAME`` otherwise)."""
        root = self.homes / user / "Maildir"
        return root if folder.upper() == "INBOX" else root / f".{folder}"

    def doveadm(self, *args: str) -> str:
        result = subprocess.run(
            [str(DOVEADM), "-c", str(self.config_path), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"doveadm {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def uidvalidity(self, user: str, folder: str) -> int:
        out = self.doveadm("mailbox", "status", "-u", user, "uidvalidity", folder)
        return int(out.split("uidvalidity=")[1].split()[0])

    def reset_uidvalidity(self, user: str, folder: str) -> int:
        """Make Dovecot forget the folder's UIDs, as a server migration or a rebuilt index does.

        The messages stay; ``dovecot-uidlist`` and the index files are deleted, so Dovecot numbers
        the messages again from 1 under a new UIDVALIDITY (the next value of ``dovecot-uidvalidity``).
        Sessions that have the folder open are disconnected by Dovecot ("IMAP session state is
        inconsistent, please relogin"). Returns the new UIDVALIDITY.
        """
        old = self.uidvalidity(user, folder)
        path = self.maildir(user, folder)
        if not (path / "cur").is_dir():
            raise AssertionError(f"{path} is not a Maildir folder")
        for name in path.iterdir():
            if name.name == "dovecot-uidlist" or name.name.startswith("dovecot.index"):
                name.unlink()
        new = self.uidvalidity(user, folder)
        if new == old:
            raise AssertionError(f"UIDVALIDITY of {user}/{folder} stayed {old}")
        return new


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_running):
        with suppress(Exception):
            server.stop()
