"""SftpSource against a real OpenSSH server started for this session.

The ``sshd`` fixture runs Debian's ``/usr/sbin/sshd -D -e -f <config>`` as root on a free loopback
port, with throwaway host and user keys made by ssh-keygen in a temporary folder, and stops it at
the end. When ``/usr/sbin/sshd`` is missing it installs ``openssh-server`` with apt (root only) and
stops any system sshd the package's scripts may have started; otherwise the tests are skipped —
except under ``CI=true``, where they fail: CI must not go green by skipping.

The server and the tests share this machine's file system, so each test sets up the remote
folders directly on disk and checks the results there.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import paramiko
import pytest
from apt_packages import apt_get

from ingest.errors import ConfigError, TransientError
from ingest.sources.sftp import RemoteFile, SftpSource, sha256_fingerprint

SSHD = Path("/usr/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")
HOST = "127.0.0.1"
START_SECONDS = 15
PASSPHRASE = "correct horse battery staple"

BINARY = b"ISA*00*\x00\x15\x00" + bytes(range(256)) + b"\r\n\x15\x00~\xff\x00"


def _unavailable(reason: str) -> NoReturn:
    """Fail under CI (``CI=true``), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# --- installing and running sshd ----------------------------------------------------------------


def _sshd_processes() -> dict[int, str]:
    """Running sshd processes: pid -> command line."""
    found: dict[int, str] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with suppress(OSError):
            if (proc / "comm").read_text().strip() == "sshd":
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\x00", b" ").decode()
    return found


def _stop_sshd_started_since(before: dict[int, str]) -> None:
    """Stop a system sshd that installing openssh-server started (ours always run with ``-f``)."""
    for pid, cmdline in _sshd_processes().items():
        daemon = cmdline.startswith((str(SSHD), f"sshd: {SSHD}"))  # not a per-connection child
        if pid in before or not daemon or " -f " in cmdline:
            continue
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)


def _ensure_sshd_installed() -> None:
    if SSHD.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        _unavailable(
            f"{SSHD} is missing and cannot be installed here (needs root and apt-get): "
            "apt-get install -y --no-install-recommends openssh-server"
        )
    before = _sshd_processes()
    install = ("install", "-y", "-q", "--no-install-recommends", "openssh-server")
    try:
        result = apt_get(*install)
        if result.returncode != 0:
            apt_get("update", "-q")
            result = apt_get(*install)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"installing openssh-server failed: {exc}")
    finally:
        _stop_sshd_started_since(before)
    if result.returncode != 0 or not SSHD.exists():
        _unavailable(f"installing openssh-server failed: {(result.stderr or result.stdout)[-2000:]}")


def _keygen(path: Path, kind: str, *extra: str, passphrase: str = "") -> Path:
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            kind,
            *extra,
            "-N",
            passphrase,
            "-C",
            f"test-{path.name}",
            "-f",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


def _keygen_fingerprint(public_key: Path) -> str:
    """The ``SHA256:...`` fingerprint as ssh-keygen itself prints it."""
    out = subprocess.run(["ssh-keygen", "-lf", str(public_key)], check=True, capture_output=True, text=True)
    return out.stdout.split()[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class SshServer:
    host: str
    port: int
    base: Path
    user_key: Path
    """Ed25519, authorized; the default login key."""
    rsa_user_key: Path
    ecdsa_user_key: Path
    encrypted_user_key: Path
    """Ed25519 with the passphrase ``PASSPHRASE``."""
    stranger_key: Path
    """Not authorized."""
    known_hosts: Path
    """Lists both host keys of the server for [127.0.0.1]:port."""
    ed25519_host_pub: Path
    rsa_host_pub: Path
    ed25519_fingerprint: str
    rsa_fingerprint: str


def _config(base: Path, port: int, extra: str = "") -> Path:
    path = base / "sshd_config"
    path.write_text(
        f"""\
ListenAddress {HOST}
Port {port}
HostKey {base / "ssh_host_ed25519_key"}
HostKey {base / "ssh_host_rsa_key"}
PidFile {base / "sshd.pid"}
AuthorizedKeysFile {base / "authorized_keys"}
Subsystem sftp internal-sftp
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
LogLevel VERBOSE
{extra}"""
    )
    return path


def _config_with_optional_settings(base: Path, port: int) -> Path:
    """The config; on OpenSSH >= 9.8 without penalties (the failed-login tests would trip them)."""
    extra = "PerSourcePenalties no\n"
    path = _config(base, port, extra)
    if subprocess.run([str(SSHD), "-t", "-f", str(path)], capture_output=True, check=False).returncode != 0:
        path = _config(base, port)
    check = subprocess.run([str(SSHD), "-t", "-f", str(path)], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        pytest.fail(f"sshd rejects the test config: {check.stderr}", pytrace=False)
    return path


def _wait_for_banner(proc: subprocess.Popen[bytes], port: int) -> bool:
    """True once sshd answers with its banner; False when it exited."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with suppress(OSError), socket.create_connection((HOST, port), timeout=1) as s:
            if s.recv(64).startswith(b"SSH-"):
                return True
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop sshd and the per-connection children it forked (its own process group)."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    _ensure_sshd_installed()
    if os.geteuid() != 0:
        _unavailable("the sshd fixture runs sshd as root and logs in as root: run the tests as root")
    base = tmp_path_factory.mktemp("sshd")
    _keygen(base / "ssh_host_ed25519_key", "ed25519")
    _keygen(base / "ssh_host_rsa_key", "rsa", "-b", "2048")
    user_key = _keygen(base / "id_ed25519", "ed25519")
    rsa_user_key = _keygen(base / "id_rsa", "rsa", "-b", "2048")
    ecdsa_user_key = _keygen(base / "id_ecdsa", "ecdsa", "-b", "256")
    encrypted_user_key = _keygen(base / "id_encrypted", "ed25519", passphrase=PASSPHRASE)
    stranger_key = _keygen(base / "id_stranger", "ed25519")
    (base / "authorized_keys").write_text(
        "".join(
            Path(f"{k}.pub").read_text() for k in (user_key, rsa_user_key, ecdsa_user_key, encrypted_user_key)
        )
    )
    created_privsep = not PRIVSEP_DIR.exists()
    PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)

    proc: subprocess.Popen[bytes] | None = None
    log_path = base / "sshd.log"
    port = 0
    try:
        for _attempt in range(5):
            port = _free_port()
            config = _config_with_optional_settings(base, port)
            with log_path.open("ab") as log_file:
                proc = subprocess.Popen(
                    [str(SSHD), "-D", "-e", "-f", str(config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if _wait_for_banner(proc, port):
                break
            _stop(proc)
            proc = None
        if proc is None:
            pytest.fail(f"sshd did not start; its log:\n{log_path.read_text()[-3000:]}", pytrace=False)

        known_hosts = base / "known_hosts"
        known_hosts.write_text(
            "".join(
                f"[{HOST}]:{port} " + " ".join(Path(f"{k}.pub").read_text().split()[:2]) + "\n"
                for k in (base / "ssh_host_ed25519_key", base / "ssh_host_rsa_key")
            )
        )
        yield SshServer(
            host=HOST,
            port=port,
            base=base,
            user_key=user_key,
            rsa_user_key=rsa_user_key,
            ecdsa_user_key=ecdsa_user_key,
            encrypted_user_key=encrypted_user_key,
            stranger_key=stranger_key,
            known_hosts=known_hosts,
            ed25519_host_pub=base / "ssh_host_ed25519_key.pub",
            rsa_host_pub=base / "ssh_host_rsa_key.pub",
            ed25519_fingerprint=_keygen_fingerprint(base / "ssh_host_ed25519_key.pub"),
            rsa_fingerprint=_keygen_fingerprint(base / "ssh_host_rsa_key.pub"),
        )
    finally:
        if proc is not None:
            _stop(proc)
        if created_privsep:
            with suppress(OSError):
                PRIVSEP_DIR.rmdir()


# --- per-test remote folders and sources --------------------------------------------------------


@dataclass(frozen=True)
class Remote:
    inbound: Path
    outbound: Path
    archive: Path


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    """Empty inbound and outbound folders; the archive does not exist yet (the source makes it)."""
    r = Remote(tmp_path / "inbound", tmp_path / "outbound", tmp_path / "archive" / "done")
    r.inbound.mkdir()
    r.outbound.mkdir()
    return r


SourceFactory = Callable[..., SftpSource]


@pytest.fixture
def make_source(sshd: SshServer, remote: Remote) -> Iterator[SourceFactory]:
    made: list[SftpSource] = []

    def make(**overrides: Any) -> SftpSource:
        args: dict[str, Any] = {
            "name": "partner",
            "host": sshd.host,
            "port": sshd.port,
            "username": "root",
            "remote_inbound": str(remote.inbound),
            "remote_outbound": str(remote.outbound),
            "remote_archive": str(remote.archive),
            "password": None,
            "private_key_path": str(sshd.user_key),
            "known_hosts_path": str(sshd.known_hosts),
            "host_key_fingerprint": None,
            "timeout": 10,
            "stable_seconds": 0,
        }
        args.update(overrides)
        source = SftpSource(**args)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()


def _names(files: list[RemoteFile]) -> list[str]:
    return [f.name for f in files]


# --- pending ------------------------------------------------------------------------------------


def test_pending_takes_only_stable_visible_regular_files(make_source: SourceFactory, remote: Remote) -> None:
    (remote.inbound / "po1.edi").write_bytes(b"ISA*first~")
    (remote.inbound / "po2.x12").write_bytes(b"ISA*second~")
    for skipped in (".hidden.edi", "upload.part", "upload.PART", "upload.tmp", "upload.filepart"):
        (remote.inbound / skipped).write_bytes(b"not yet")
    (remote.inbound / "subfolder").mkdir()
    (remote.inbound / "subfolder" / "nested.edi").write_bytes(b"nested")
    (remote.inbound / "link.edi").symlink_to(remote.inbound / "po1.edi")
    os.utime(remote.inbound / "po1.edi", (1_700_000_000, 1_700_000_000))
    os.utime(remote.inbound / "po2.x12", (1_700_000_100, 1_700_000_100))

    with make_source() as source:
        files = list(source.pending())

    assert _names(files) == ["po1.edi", "po2.x12"]  # oldest first
    assert [f.content for f in files] == [b"ISA*first~", b"ISA*second~"]
    assert files[0].path.name == "po1.edi"
    assert str(files[0].path) == str(remote.inbound / "po1.edi")
    assert (remote.inbound / "po1.edi").exists()  # pending never moves anything


def test_pending_on_an_empty_folder_yields_nothing(make_source: SourceFactory) -> None:
    with make_source(stable_seconds=5) as source:
        started = time.monotonic()
        assert list(source.pending()) == []
        assert time.monotonic() - started < 4  # nothing listed: no waiting for stability


def test_files_are_read_byte_exact(make_source: SourceFactory, remote: Remote) -> None:
    big = os.urandom(3 * 1024 * 1024 + 17) + b"\x00\x15"
    (remote.inbound / "binary.edi").write_bytes(BINARY)
    (remote.inbound / "big.bin").write_bytes(big)
    (remote.inbound / "crlf.edi").write_bytes(b"ISA*00\r\nGS*PO\r\n\x15")

    with make_source() as source:
        got = {f.name: f.content for f in source.pending()}

    assert got == {"binary.edi": BINARY, "big.bin": big, "crlf.edi": b"ISA*00\r\nGS*PO\r\n\x15"}


def test_a_file_still_growing_is_not_taken(make_source: SourceFactory, remote: Remote) -> None:
    (remote.inbound / "done.edi").write_bytes(b"complete")
    growing = remote.inbound / "growing.edi"
    growing.write_bytes(b"ISA*")
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            with growing.open("ab") as fh:
                fh.write(b"SEG*1~")
            time.sleep(0.05)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with make_source(stable_seconds=0.5) as source:
            first = list(source.pending())
    finally:
        stop.set()
        thread.join()
    assert _names(first) == ["done.edi"]

    with make_source(stable_seconds=0.2) as source:
        second = {f.name: f.content for f in source.pending()}
    assert second["growing.edi"] == growing.read_bytes()


# --- mark_done ----------------------------------------------------------------------------------


def test_mark_done_moves_into_the_archive_with_unique_names(
    make_source: SourceFactory, remote: Remote
) -> None:
    (remote.inbound / "po.edi").write_bytes(b"first")
    with make_source() as source:
        [item] = list(source.pending())
        archived = source.mark_done(item)
    assert archived == str(remote.archive / "po.edi")
    assert (remote.archive / "po.edi").read_bytes() == b"first"
    assert not (remote.inbound / "po.edi").exists()

    (remote.inbound / "po.edi").write_bytes(b"second, same name")
    with make_source() as source:
        for item in source.pending():
            source.mark_done(item)
    assert (remote.archive / "po.edi").read_bytes() == b"first"
    assert (remote.archive / "po.1.edi").read_bytes() == b"second, same name"
    assert list(remote.inbound.iterdir()) == []


def test_mark_done_deletes_when_there_is_no_archive(make_source: SourceFactory, remote: Remote) -> None:
    (remote.inbound / "po.edi").write_bytes(BINARY)
    with make_source(remote_archive=None) as source:
        [item] = list(source.pending())
        assert source.mark_done(item) is None
    assert list(remote.inbound.iterdir()) == []
    assert not remote.archive.exists()


def test_mark_done_leaves_a_file_replaced_after_it_was_read(
    make_source: SourceFactory, remote: Remote
) -> None:
    (remote.inbound / "po.edi").write_bytes(b"old")
    with make_source() as source:
        [item] = list(source.pending())
        (remote.inbound / "po.edi").write_bytes(b"new and longer")
        assert source.mark_done(item) is None
    assert (remote.inbound / "po.edi").read_bytes() == b"new and longer"


def test_storing_while_iterating_works_like_the_poll_loop(make_source: SourceFactory, remote: Remote) -> None:
    for i in range(5):
        (remote.inbound / f"po{i}.edi").write_bytes(f"ISA*{i}~".encode())
    stored: dict[str, bytes] = {}
    with make_source() as source:
        for item in source.pending():
            stored[item.path.name] = item.content
            source.mark_done(item)
    assert stored == {f"po{i}.edi": f"ISA*{i}~".encode() for i in range(5)}
    assert sorted(p.name for p in remote.archive.iterdir()) == [f"po{i}.edi" for i in range(5)]


# --- put_outbound -------------------------------------------------------------------------------


def test_put_outbound_uploads_as_part_then_renames(
    make_source: SourceFactory, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[str, str, bytes, bool]] = []
    with make_source() as source:
        sftp = source._client()
        real_rename = sftp.rename

        def spy(old: str, new: str) -> None:
            # At the moment of the rename the complete bytes are in the .part file, the name is free.
            renames.append((old, new, Path(old).read_bytes(), Path(new).exists()))
            real_rename(old, new)

        monkeypatch.setattr(sftp, "rename", spy)
        written = source.put_outbound("997_0001.x12", BINARY)

    assert written == str(remote.outbound / "997_0001.x12")
    assert renames == [
        (str(remote.outbound / "997_0001.x12.part"), str(remote.outbound / "997_0001.x12"), BINARY, False)
    ]
    assert (remote.outbound / "997_0001.x12").read_bytes() == BINARY
    assert [p.name for p in remote.outbound.iterdir()] == ["997_0001.x12"]


def test_put_outbound_never_replaces_an_existing_file(make_source: SourceFactory, remote: Remote) -> None:
    (remote.outbound / "855.x12").write_bytes(b"not picked up yet")
    with make_source() as source:
        written = source.put_outbound("855.x12", b"new")
    assert written == str(remote.outbound / "855.1.x12")
    assert (remote.outbound / "855.x12").read_bytes() == b"not picked up yet"
    assert (remote.outbound / "855.1.x12").read_bytes() == b"new"
    assert sorted(p.name for p in remote.outbound.iterdir()) == ["855.1.x12", "855.x12"]


@pytest.mark.parametrize("name", ["", ".hidden", "a/b.x12", "x.part", "../escape.x12"])
def test_put_outbound_refuses_names_that_are_not_plain(make_source: SourceFactory, name: str) -> None:
    with make_source() as source, pytest.raises(ValueError, match="outbound file name"):
        source.put_outbound(name, b"x")


# --- host keys ----------------------------------------------------------------------------------


def test_unknown_host_key_is_a_config_error_naming_host_and_fingerprint(
    make_source: SourceFactory, sshd: SshServer, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    ed25519_line = " ".join(sshd.ed25519_host_pub.read_text().split()[:2])
    known_hosts.write_text(f"[{HOST}]:1 {ed25519_line}\nother.example {ed25519_line}\n")
    with pytest.raises(ConfigError) as info:
        make_source(known_hosts_path=str(known_hosts)).check()
    message = str(info.value)
    assert "unknown" in message
    assert f"{HOST}:{sshd.port}" in message
    assert sshd.ed25519_fingerprint in message


def test_changed_host_key_is_a_config_error(
    make_source: SourceFactory, sshd: SshServer, tmp_path: Path
) -> None:
    impostor = _keygen(tmp_path / "other_host_key", "ed25519")
    impostor_line = " ".join(Path(f"{impostor}.pub").read_text().split()[:2])
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"[{HOST}]:{sshd.port} {impostor_line}\n")
    with pytest.raises(ConfigError) as info:
        make_source(known_hosts_path=str(known_hosts)).check()
    message = str(info.value)
    assert "CHANGED" in message
    assert f"{HOST}:{sshd.port}" in message
    assert sshd.ed25519_fingerprint in message
    assert _keygen_fingerprint(Path(f"{impostor}.pub")) in message


def test_revoked_host_key_is_a_config_error(
    make_source: SourceFactory, sshd: SshServer, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    ed25519_line = " ".join(sshd.ed25519_host_pub.read_text().split()[:2])
    known_hosts.write_text(sshd.known_hosts.read_text() + f"@revoked * {ed25519_line}\n")
    with pytest.raises(ConfigError, match="revoked"):
        make_source(known_hosts_path=str(known_hosts)).check()


def test_known_hosts_with_only_the_rsa_key_is_enough(
    make_source: SourceFactory, sshd: SshServer, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    rsa_line = " ".join(sshd.rsa_host_pub.read_text().split()[:2])
    known_hosts.write_text(f"[{HOST}]:{sshd.port} {rsa_line}\n")
    with make_source(known_hosts_path=str(known_hosts)) as source:
        source.check()


def test_pinned_fingerprint_instead_of_known_hosts(make_source: SourceFactory, sshd: SshServer) -> None:
    whole_keygen_line = f"256 {sshd.ed25519_fingerprint} root@partner (ED25519)"
    for pin in (sshd.ed25519_fingerprint, whole_keygen_line, sshd.rsa_fingerprint):
        with make_source(known_hosts_path=None, host_key_fingerprint=pin) as source:
            source.check()


def test_wrong_pinned_fingerprint_is_a_config_error(make_source: SourceFactory, sshd: SshServer) -> None:
    wrong = "SHA256:" + "A" * 43
    with pytest.raises(ConfigError) as info:
        make_source(known_hosts_path=None, host_key_fingerprint=wrong).check()
    message = str(info.value)
    assert wrong in message
    assert sshd.ed25519_fingerprint in message
    assert f"{HOST}:{sshd.port}" in message


def test_fingerprint_matches_ssh_keygen(sshd: SshServer) -> None:
    key_type, key_b64 = sshd.ed25519_host_pub.read_text().split()[:2]
    key = paramiko.PKey.from_type_string(key_type, base64.b64decode(key_b64))
    assert sha256_fingerprint(key) == sshd.ed25519_fingerprint


def test_host_key_checking_is_mandatory(sshd: SshServer) -> None:
    with pytest.raises(ConfigError, match="host key checking is mandatory"):
        SftpSource(
            "partner",
            sshd.host,
            sshd.port,
            "root",
            "in",
            "out",
            None,
            None,
            str(sshd.user_key),
            None,
            None,
            5,
        )
    with pytest.raises(ConfigError, match="not a SHA256 fingerprint"):
        SftpSource(
            "partner",
            sshd.host,
            sshd.port,
            "root",
            "in",
            "out",
            None,
            None,
            str(sshd.user_key),
            None,
            "abc",
            5,
        )


# --- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["user_key", "rsa_user_key", "ecdsa_user_key"])
def test_login_with_ed25519_rsa_and_ecdsa_keys(
    make_source: SourceFactory, sshd: SshServer, remote: Remote, key: str
) -> None:
    (remote.inbound / "po.edi").write_bytes(b"x")
    with make_source(private_key_path=str(getattr(sshd, key))) as source:
        assert _names(list(source.pending())) == ["po.edi"]


def test_wrong_user_key_is_a_config_error(make_source: SourceFactory, sshd: SshServer) -> None:
    with pytest.raises(ConfigError, match=r"login as root@127\.0\.0\.1:\d+ failed"):
        make_source(private_key_path=str(sshd.stranger_key)).check()


def test_password_refused_by_the_server_is_a_config_error(make_source: SourceFactory) -> None:
    with pytest.raises(ConfigError, match="password"):
        make_source(private_key_path=None, password="secret").check()


def test_encrypted_key_needs_its_passphrase(make_source: SourceFactory, sshd: SshServer) -> None:
    key = str(sshd.encrypted_user_key)
    with make_source(private_key_path=key, private_key_passphrase=PASSPHRASE) as source:
        source.check()
    with pytest.raises(ConfigError, match="encrypted: set private_key_passphrase"):
        make_source(private_key_path=key).check()
    with pytest.raises(ConfigError, match="cannot load private key"):
        make_source(private_key_path=key, private_key_passphrase="wrong").check()
    with pytest.raises(ConfigError, match="not encrypted: remove private_key_passphrase"):
        make_source(private_key_path=str(sshd.user_key), private_key_passphrase=PASSPHRASE).check()


def test_missing_key_file_is_a_config_error(make_source: SourceFactory, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        make_source(private_key_path=str(tmp_path / "nope")).check()


# --- network trouble and folders ----------------------------------------------------------------


def test_nothing_listening_is_a_transient_error(make_source: SourceFactory) -> None:
    with pytest.raises(TransientError, match="refused"):
        make_source(port=_free_port()).check()


def test_a_server_that_never_answers_is_a_transient_error(make_source: SourceFactory) -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen(5)  # connections complete in the backlog; no SSH banner ever comes
        started = time.monotonic()
        with pytest.raises(TransientError, match="next poll retries"):
            make_source(port=silent.getsockname()[1], timeout=1).check()
        assert time.monotonic() - started < 10


def test_missing_inbound_folder_is_a_config_error(make_source: SourceFactory, remote: Remote) -> None:
    with make_source(remote_inbound=str(remote.inbound / "missing")) as source:
        with pytest.raises(ConfigError, match="no such file or folder"):
            list(source.pending())
        with pytest.raises(ConfigError, match="no such file or folder"):
            source.check()


def test_context_manager_closes_the_connection(make_source: SourceFactory) -> None:
    with make_source() as source:
        source.check()
        transport = source._transport
        assert transport is not None and transport.is_active()
    assert not transport.is_active()
    assert source._transport is None


# --- the whole EDI channel over SFTP, from the command line -------------------------------------


def test_partner_sftp_feed_end_to_end(sshd: SshServer, remote: Remote, tmp_path: Path) -> None:
    """An 850 on the partner's server is stored, committed, archived there, and a 997 comes back."""
    import json
    import os
    import sys

    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(INGEST_DATABASE_URL=f"sqlite:///{tmp_path / 'i.db'}", INGEST_DATA_DIR=str(tmp_path / "data"))

    def ingest(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "ingest", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    ingest("db", "upgrade")
    ingest("masterdata", "load", str(repo / "fixtures" / "masterdata"))
    ingest(
        "source",
        "add",
        "sftp",
        "acme-van",
        "--host",
        sshd.host,
        "--port",
        str(sshd.port),
        "--user",
        "root",
        "--inbound",
        str(remote.inbound),
        "--outbound",
        str(remote.outbound),
        "--archive",
        str(remote.archive),
        "--key",
        str(sshd.user_key),
        "--known-hosts",
        str(sshd.known_hosts),
    )
    (remote.inbound / "po-4500200.x12").write_bytes(
        (repo / "fixtures" / "documents" / "acme_850_4500200.x12").read_bytes()
    )
    ingest("run", "--once")
    [doc] = [json.loads(line) for line in ingest("documents", "--json").stdout.splitlines()]
    assert doc["status"] == "committed" and doc["source_ref"] == "acme-van:po-4500200.x12"
    assert list(remote.inbound.iterdir()) == []
    assert [p.name for p in remote.archive.iterdir()] == ["po-4500200.x12"]
    [ack] = list(remote.outbound.iterdir())
    assert ack.name.startswith("997_") and "AK5*A" in ack.read_text()
