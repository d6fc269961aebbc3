"""The IMAP source (ingest.sources.imap) against a real Dovecot started for this session.

The ``dovecot`` fixture runs Debian's dovecot as root on free loopback ports (see dovecot.py): a
plain port that also offers STARTTLS, an implicit-TLS port with a self-signed certificate, and an
OAuth2 passdb whose tokens come from a small introspection endpoint in this process, so XOAUTH2 is
tested end to end. When dovecot is missing it is installed with apt (root only); otherwise the
tests are skipped, except under ``CI=true``, where they fail: CI must not go green by skipping.

Every test gets a user (and so a mailbox) of its own. Tests that restart the server leave it
running again.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from dovecot import HOST, Dovecot, DovecotUnavailable, ensure_dovecot_installed, free_port, make_self_signed

from ingest.errors import ConfigError, TransientError
from ingest.sources.imap import (
    FolderState,
    Mailbox,
    MailboxSettings,
    connect_with_backoff,
    parse_message_id,
    run_token_command,
    xoauth2_initial_response,
)

pytestmark = pytest.mark.slow

INTL_USER, INTL_PASSWORD = "intl", "Grüße-Paßwort-€"


def _unavailable(reason: str) -> NoReturn:
    """Fail under CI (``CI=true``), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    try:
        ensure_dovecot_installed()
        server = Dovecot(users={INTL_USER: INTL_PASSWORD})
    except DovecotUnavailable as exc:
        _unavailable(str(exc))
    try:
        server.start()
    except DovecotUnavailable as exc:
        server.close()
        _unavailable(str(exc))
    yield server
    server.close()


@pytest.fixture
def server(dovecot: Dovecot) -> Iterator[Dovecot]:
    """The session's server, started again if a test stopped it."""
    yield dovecot
    if not dovecot.running:
        dovecot.start()


@dataclass(frozen=True)
class Account:
    user: str
    password: str
    env: str


_numbers = itertools.count(1)


@pytest.fixture
def account(server: Dovecot, monkeypatch: pytest.MonkeyPatch) -> Account:
    """A new user with an empty mailbox; its password is in an environment variable."""
    user, password = server.take_user()
    acc = Account(user=user, password=password, env=f"PO_TEST_IMAP_PASSWORD_{next(_numbers)}")
    monkeypatch.setenv(acc.env, acc.password)
    return acc


def settings(server: Dovecot, account: Account, security: str = "none", **overrides: Any) -> MailboxSettings:
    values: dict[str, Any] = {
        "name": "orders",
        "host": HOST,
        "port": server.imaps_port if security == "ssl" else server.imap_port,
        "security": security,
        "username": account.user,
        "password_env": account.env,
        "ca_file": server.ca_file if security != "none" else None,
        "timeout": 10.0,
        **overrides,
    }
    return MailboxSettings(**values)


def message(n: int, *, message_id: str | None = None, body_bytes: int = 0) -> bytes:
    mid = message_id if message_id is not None else f"<po-{n}@customer.test>"
    head = (
        f"From: Buyer <buyer@customer.test>\r\nTo: orders@supplier.test\r\nSubject: PO {n}\r\n"
        f"Message-ID: {mid}\r\nDate: Mon, 03 Mar 2025 10:00:00 +0000\r\n\r\n"
    )
    body = f"Please deliver order {n}.\r\n" + "x" * body_bytes
    return (head + body).encode()


def deliver(server: Dovecot, account: Account, count: int, folder: str = "INBOX") -> list[int]:
    return [server.append(account.user, folder, message(n)) for n in range(1, count + 1)]


# --- plain and TLS connections --------------------------------------------------------------------


def test_plain_connection_selects_and_fetches(server: Dovecot, account: Account) -> None:
    uids = deliver(server, account, 3)
    assert uids == [1, 2, 3]
    with Mailbox(settings(server, account)) as mailbox:
        assert mailbox.tls_version is None
        state = mailbox.select()
        assert isinstance(state, FolderState)
        assert (state.uidnext, state.exists) == (4, 3)
        assert state.uidvalidity > 0
        got = mailbox.new_messages(0, limit=10)
    assert [m.uid for m in got] == [1, 2, 3]
    assert [m.raw for m in got] == [message(n) for n in (1, 2, 3)]
    assert [m.message_id for m in got] == [
        "<po-1@customer.test>",
        "<po-2@customer.test>",
        "<po-3@customer.test>",
    ]
    assert all(m.size == len(m.raw) and not m.too_large for m in got)
    assert all(m.internal_date is not None and m.internal_date.tzinfo is not None for m in got)


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls(server: Dovecot, account: Account, security: str) -> None:
    deliver(server, account, 1)
    with Mailbox(settings(server, account, security)) as mailbox:
        assert mailbox.tls_version in ("TLSv1.2", "TLSv1.3")
        mailbox.select()
        assert [m.raw for m in mailbox.new_messages(0, limit=5)] == [message(1)]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_untrusted_certificate_is_a_config_error(
    server: Dovecot, account: Account, security: str, tmp_path: Path
) -> None:
    other_ca = make_self_signed(tmp_path, "other")
    with pytest.raises(ConfigError, match=r"not trusted.*ca_file"):
        Mailbox(settings(server, account, security, ca_file=other_ca)).connect()
    with pytest.raises(ConfigError, match="not trusted"):  # the system CAs do not know it either
        Mailbox(settings(server, account, security, ca_file=None)).connect()


def test_tls_on_the_plain_port_is_a_config_error(server: Dovecot, account: Account) -> None:
    with pytest.raises(ConfigError, match="security=starttls"):
        Mailbox(settings(server, account, "ssl", port=server.imap_port)).connect()


def test_security_none_only_on_loopback() -> None:
    common: dict[str, Any] = {"name": "m", "username": "u", "password_env": "X", "security": "none"}
    with pytest.raises(ConfigError, match="only allowed for a loopback host"):
        MailboxSettings(host="imap.example.com", **common)
    for host in ("127.0.0.1", "127.0.0.5", "::1", "localhost"):
        assert MailboxSettings(host=host, **common).port == 143


def test_settings_validation(tmp_path: Path) -> None:
    base: dict[str, Any] = {"name": "m", "host": "imap.example.com", "username": "u"}
    with pytest.raises(ConfigError, match="exactly one of"):
        MailboxSettings(**base)
    with pytest.raises(ConfigError, match="exactly one of"):
        MailboxSettings(password_env="A", password_file=tmp_path / "p", **base)
    s = MailboxSettings(oauth2_token_command="get-token --tenant 'a b'", **base)
    assert s.oauth2_token_command == ("get-token", "--tenant", "a b")
    assert (s.port, s.security, s.folder) == (993, "ssl", "INBOX")
    assert MailboxSettings(password_env="A", security="starttls", **base).port == 143
    with pytest.raises(ConfigError, match="security"):
        MailboxSettings(password_env="A", security="tls", **base)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="must differ"):
        MailboxSettings(password_env="A", processed_folder="INBOX", **base)
    assert "secret" not in repr(MailboxSettings(password_env="A", **base))


# --- logging in ---------------------------------------------------------------------------------


def test_wrong_password_is_a_config_error(
    server: Dovecot, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(account.env, "not-the-password")
    with pytest.raises(ConfigError, match=rf"login refused.*AUTHENTICATIONFAILED.*{account.env}") as info:
        Mailbox(settings(server, account)).connect()
    assert "not-the-password" not in str(info.value)


def test_password_from_file_and_missing_secrets(
    server: Dovecot, account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "imap-password"
    secret.write_text(account.password + "\n")
    with Mailbox(settings(server, account, password_env=None, password_file=secret)) as mailbox:
        assert mailbox.select().exists == 0
    monkeypatch.delenv(account.env)
    with pytest.raises(ConfigError, match=f"{account.env} is not set"):
        Mailbox(settings(server, account)).connect()
    with pytest.raises(ConfigError, match="does not exist"):
        Mailbox(settings(server, account, password_env=None, password_file=tmp_path / "nope")).connect()


def test_non_ascii_password_goes_by_sasl_plain(server: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PO_TEST_IMAP_INTL", INTL_PASSWORD)
    intl = Account(INTL_USER, INTL_PASSWORD, "PO_TEST_IMAP_INTL")
    with Mailbox(settings(server, intl, "starttls")) as mailbox:
        assert mailbox.select().exists == 0
    monkeypatch.setenv("PO_TEST_IMAP_INTL", "Grüße-falsch")
    with pytest.raises(ConfigError, match="login refused"):
        Mailbox(settings(server, intl, "starttls")).connect()


def test_xoauth2_login_with_a_token_command(server: Dovecot, account: Account) -> None:
    """End to end: Dovecot's oauth2 passdb checks the token with the test's introspection endpoint."""
    deliver(server, account, 1)
    token = server.issue_token(account.user)
    command = (sys.executable, "-c", f"print({token!r})")
    before = server.tokens.requests
    with Mailbox(
        settings(server, account, "starttls", password_env=None, oauth2_token_command=command)
    ) as mb:
        mb.select()
        assert [m.uid for m in mb.new_messages(0, limit=5)] == [1]
    assert server.tokens.requests > before

    stale = (sys.executable, "-c", "print('expired-token')")
    with pytest.raises(ConfigError, match=r"login refused.*IMAP scope"):
        Mailbox(
            settings(server, account, "starttls", password_env=None, oauth2_token_command=stale)
        ).connect()
    other = server.issue_token("someone-else")
    wrong_user = (sys.executable, "-c", f"print({other!r})")
    with pytest.raises(ConfigError, match="login refused"):
        Mailbox(
            settings(server, account, "starttls", password_env=None, oauth2_token_command=wrong_user)
        ).connect()


def test_xoauth2_initial_response() -> None:
    assert xoauth2_initial_response("po@example.com", "ya29.tok-EN_") == (
        b"user=po@example.com\x01auth=Bearer ya29.tok-EN_\x01\x01"
    )
    with pytest.raises(ValueError):
        xoauth2_initial_response("po@example.com", "two words")


def test_token_command_runner(tmp_path: Path) -> None:
    py = sys.executable
    assert run_token_command([py, "-c", "print('  abc.DEF-123  ')"], 10) == "abc.DEF-123"
    with pytest.raises(ConfigError, match="not found"):
        run_token_command([str(tmp_path / "no-such-command")], 10)
    with pytest.raises(ConfigError, match=r"exited with 3.*refresh token expired"):
        run_token_command(
            [py, "-c", "import sys; sys.stderr.write('refresh token expired'); sys.exit(3)"], 10
        )
    with pytest.raises(TransientError, match="exit 75"):
        run_token_command([py, "-c", "import sys; sys.exit(75)"], 10)
    with pytest.raises(ConfigError, match="only the access token"):
        run_token_command([py, "-c", "print('Token: abc')"], 10)
    with pytest.raises(ConfigError, match="only the access token"):
        run_token_command([py, "-c", "pass"], 10)
    started = time.monotonic()
    with pytest.raises(TransientError, match=r"did not finish within 0\.5s"):
        run_token_command([py, "-c", "import time; time.sleep(30)"], 0.5)
    assert time.monotonic() - started < 10
    # No shell: metacharacters reach the command as they are.
    assert run_token_command([py, "-c", "import sys; print(sys.argv[1])", "$(id);|x"], 10) == "$(id);|x"


# --- fetching -----------------------------------------------------------------------------------


def test_peek_leaves_messages_unseen(server: Dovecot, account: Account) -> None:
    deliver(server, account, 2)
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        assert len(mailbox.new_messages(0, limit=10)) == 2
    assert all(b"\\Seen" not in flags for flags in server.flags(account.user, "INBOX").values())


def test_new_messages_after_a_uid_and_limit(server: Dovecot, account: Account) -> None:
    deliver(server, account, 5)
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        assert [m.uid for m in mailbox.new_messages(2, limit=10)] == [3, 4, 5]
        assert [m.uid for m in mailbox.new_messages(0, limit=2)] == [1, 2]
        assert [m.uid for m in mailbox.new_messages(2, limit=2)] == [3, 4]
        # "UID 6:*" matches message 5 (the highest) although 5 < 6: it must not come back.
        assert mailbox.new_messages(5, limit=10) == []
        assert mailbox.new_messages(99, limit=10) == []
        server.delete(account.user, "INBOX", [3])
        assert [m.uid for m in mailbox.new_messages(2, limit=2)] == [4, 5]
        with pytest.raises(ValueError):
            mailbox.new_messages(0, limit=0)


def test_size_limit(server: Dovecot, account: Account) -> None:
    server.append(account.user, "INBOX", message(1))
    big = message(2, body_bytes=200_000)
    server.append(account.user, "INBOX", big)
    server.append(account.user, "INBOX", message(3))
    with Mailbox(settings(server, account, max_message_bytes=100_000)) as mailbox:
        mailbox.select()
        got = mailbox.new_messages(0, limit=10)
    assert [(m.uid, m.too_large) for m in got] == [(1, False), (2, True), (3, False)]
    assert got[1].raw == b""
    assert got[1].size == len(big)
    assert got[1].message_id == "<po-2@customer.test>"
    assert got[2].raw == message(3)


def test_parse_message_id() -> None:
    assert parse_message_id(b"Message-ID: <a@b>\r\n\r\n") == "<a@b>"
    assert parse_message_id(b"message-id:\r\n   <folded@x>\r\n\r\n") == "<folded@x>"
    assert parse_message_id(b"\r\n") is None


# --- moving and flagging ------------------------------------------------------------------------


def test_move_to_a_folder_that_does_not_exist_yet(server: Dovecot, account: Account) -> None:
    deliver(server, account, 3)
    assert server.uids(account.user, "Processed") == []
    with Mailbox(settings(server, account, processed_folder="Processed")) as mailbox:
        mailbox.select()
        assert "MOVE" in mailbox.capabilities
        mailbox.move([1, 2], "Processed")
        assert [m.uid for m in mailbox.new_messages(0, limit=10)] == [3]
        mailbox.move([], "Processed")
    assert server.uids(account.user, "Processed") == [1, 2]
    assert server.uids(account.user, "INBOX") == [3]


def test_move_without_the_move_capability(
    server: Dovecot, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COPY + \\Deleted + UID EXPUNGE; another client's \\Deleted message is not expunged with them."""
    deliver(server, account, 3)
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        mailbox.flag([3], "\\Deleted")
        monkeypatch.setattr(mailbox, "_capabilities", mailbox.capabilities - {"MOVE"})
        mailbox.move([1], "Failed")
    assert server.uids(account.user, "Failed") == [1]
    assert server.uids(account.user, "INBOX") == [2, 3]


def test_flag(server: Dovecot, account: Account) -> None:
    deliver(server, account, 2)
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        mailbox.flag([2], "\\Flagged")
        mailbox.flag([1, 2], "$PoIngested")
        with pytest.raises(ValueError):
            mailbox.flag([1], "two words")
    flags = server.flags(account.user, "INBOX")
    assert flags[1] == {b"$PoIngested"}
    assert flags[2] == {b"$PoIngested", b"\\Flagged"}


def test_missing_folder_is_a_config_error(server: Dovecot, account: Account) -> None:
    with Mailbox(settings(server, account, folder="Orders")) as mailbox:
        with pytest.raises(ConfigError, match=r"folder 'Orders' does not exist \(it has: INBOX\)"):
            mailbox.select()
        assert mailbox.select("INBOX").exists == 0  # the connection is still usable


# --- waiting for mail ---------------------------------------------------------------------------


def _later(seconds: float, action: Callable[[], object]) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("security", ["none", "ssl"])
def test_idle_wakes_up_when_mail_arrives(server: Dovecot, account: Account, security: str) -> None:
    with Mailbox(settings(server, account, security)) as mailbox:
        assert "IDLE" in mailbox.capabilities
        mailbox.select()
        thread = _later(0.5, lambda: server.append(account.user, "INBOX", message(1)))
        started = time.monotonic()
        assert mailbox.idle(20) is True
        assert time.monotonic() - started < 10
        thread.join()
        assert [m.uid for m in mailbox.new_messages(0, limit=5)] == [1]


@pytest.mark.parametrize("security", ["none", "ssl"])
def test_idle_reports_mail_that_came_before_it_started(
    server: Dovecot, account: Account, security: str
) -> None:
    with Mailbox(settings(server, account, security)) as mailbox:
        mailbox.select()
        server.append(account.user, "INBOX", message(1))
        started = time.monotonic()
        assert mailbox.idle(20) is True
        assert time.monotonic() - started < 5


def test_idle_times_out(server: Dovecot, account: Account) -> None:
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        started = time.monotonic()
        assert mailbox.idle(1.0) is False
        assert 0.9 <= time.monotonic() - started < 5
        assert mailbox.new_messages(0, limit=5) == []  # the connection is fine after IDLE


def test_idle_falls_back_to_noop_polling(
    server: Dovecot, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        monkeypatch.setattr(mailbox, "_capabilities", mailbox.capabilities - {"IDLE"})
        assert mailbox.idle(0.5, poll_interval=0.1) is False
        thread = _later(0.3, lambda: server.append(account.user, "INBOX", message(1)))
        assert mailbox.idle(20, poll_interval=0.1) is True
        thread.join()


# --- a server that goes away --------------------------------------------------------------------


def test_server_restart_between_calls(server: Dovecot, account: Account) -> None:
    deliver(server, account, 2)
    s = settings(server, account)
    mailbox = Mailbox(s)
    mailbox.connect()
    mailbox.select()
    assert len(mailbox.new_messages(0, limit=10)) == 2
    server.restart()
    with pytest.raises(TransientError, match="the next poll retries"):
        mailbox.new_messages(0, limit=10)
    assert not mailbox.connected
    with pytest.raises(TransientError, match="connect again"):
        mailbox.new_messages(0, limit=10)
    mailbox.close()

    sleeps: list[float] = []
    with connect_with_backoff(s, attempts=3, base_delay=0.01, sleep=sleeps.append) as again:
        assert sleeps == []
        again.select()
        assert [m.uid for m in again.new_messages(0, limit=10)] == [1, 2]


def test_connect_with_backoff_waits_for_the_server(server: Dovecot, account: Account) -> None:
    s = settings(server, account)
    server.stop()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            server.start()

    with connect_with_backoff(s, attempts=5, base_delay=0.5, sleep=sleep) as mailbox:
        assert mailbox.select().exists == 0
    assert sleeps == [0.5, 1.0]


def test_connect_with_backoff_gives_up_and_does_not_retry_config_errors(
    server: Dovecot, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []
    nothing_there = settings(server, account, port=free_port())
    with pytest.raises(TransientError, match=r"after 3 attempts.*refused"):
        connect_with_backoff(nothing_there, attempts=3, base_delay=2, sleep=sleeps.append, max_delay=3)
    assert sleeps == [2, 3]

    sleeps.clear()
    monkeypatch.setenv(account.env, "wrong")
    with pytest.raises(ConfigError):
        connect_with_backoff(settings(server, account), attempts=3, base_delay=2, sleep=sleeps.append)
    assert sleeps == []


def test_server_shutdown_during_idle(server: Dovecot, account: Account) -> None:
    with Mailbox(settings(server, account)) as mailbox:
        mailbox.select()
        thread = _later(0.5, server.stop)
        started = time.monotonic()
        with pytest.raises(TransientError, match=r"closed the connection|connection to .* failed"):
            mailbox.idle(30)
        assert time.monotonic() - started < 15
        assert not mailbox.connected
        thread.join()


# --- UIDVALIDITY ----------------------------------------------------------------------------------


def test_uidvalidity_change_and_find_by_message_id(server: Dovecot, account: Account) -> None:
    deliver(server, account, 3)
    server.append(account.user, "INBOX", message(4, message_id="bare-id@customer.test"))
    server.append(account.user, "INBOX", message(5, message_id="<bare-id@customer.test>"))
    server.delete(account.user, "INBOX", [1])  # UIDs are now 2..5; after the reset they are 1..4
    s = settings(server, account)
    with Mailbox(s) as mailbox:
        before = mailbox.select()
        assert mailbox.find_by_message_id("<po-3@customer.test>") == [3]
        # HEADER search matches substrings; only the exact Message-ID counts.
        assert mailbox.find_by_message_id("bare-id@customer.test") == [4]
        server.reset_uidvalidity(account.user, "INBOX")
        # Dovecot disconnects a session whose folder lost its UIDs under it.
        with pytest.raises(TransientError):
            mailbox.new_messages(0, limit=10)

    with connect_with_backoff(s, attempts=2, base_delay=0.01, sleep=lambda _: None) as mailbox:
        after = mailbox.select()
        assert after.uidvalidity != before.uidvalidity
        assert after.exists == before.exists == 4
        assert mailbox.find_by_message_id("<po-3@customer.test>") == [2]
        assert mailbox.find_by_message_id("<bare-id@customer.test>") == [4]
        assert mailbox.find_by_message_id("<po-1@customer.test>") == []
        assert [m.message_id for m in mailbox.new_messages(0, limit=10)][:2] == [
            "<po-2@customer.test>",
            "<po-3@customer.test>",
        ]
