"""Mailboxes: take new messages (stored before anything is done to them), then move each to the
processed or failed folder once its document has reached its final state.

A message is fetched with BODY.PEEK (nothing is marked read), its raw bytes are committed as a
document, and only then does the cursor advance; it is moved only after its outcome is known. A
crash at any point leaves the message where the next poll finds it, and the same bytes arriving
again are a duplicate, never a second order.
"""

from __future__ import annotations

import hashlib
import shlex
import threading
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from ingest.db import Database
from ingest.domain.document import DocumentState, Receipt
from ingest.errors import ConfigError, TransientError
from ingest.logs import get_logger
from ingest.services.intake import receive
from ingest.sources.imap import FetchedMessage, Mailbox, MailboxSettings, connect_with_backoff
from ingest.sources.rules import Rule, decide_message, message_facts

log = get_logger(__name__)

FAILED_STATES = {DocumentState.REJECTED.value, DocumentState.FAILED.value}
SECURITY = ("ssl", "starttls", "none")
BATCH = 200


def mailbox_settings(name: str, config: dict[str, Any]) -> MailboxSettings:
    try:
        return MailboxSettings(
            name=name,
            host=config["host"],
            port=int(config["port"]),
            security=config.get("security", "ssl"),
            username=config["username"],
            password_env=config.get("password_env"),
            password_file=Path(config["password_file"]) if config.get("password_file") else None,
            oauth2_token_command=tuple(shlex.split(command))
            if (command := config.get("oauth2_token_command"))
            else None,
            folder=config.get("folder", "INBOX"),
            processed_folder=config.get("processed_folder"),
            failed_folder=config.get("failed_folder"),
            ca_file=Path(config["ca_file"]) if config.get("ca_file") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"mailbox {name}: incomplete settings ({exc}); remove and add it again") from exc


def add_mailbox(
    db: Database, name: str, config: dict[str, Any], *, check: bool = True, actor: str = "cli"
) -> None:
    """Add an IMAP mailbox; with ``check``, log in once first so that a typo is found now."""
    settings = mailbox_settings(name, config)
    if check:
        with Mailbox(settings) as mailbox:
            mailbox.select()
    with db.unit_of_work(actor) as uow:
        uow.sources.add(name, "imap", config)
        uow.commit()


def _sender(raw: bytes) -> str | None:
    facts = message_facts(raw)
    return facts.senders[0] if facts.senders else None


def poll_mailbox(db: Database, name: str, config: dict[str, Any], *, batch: int = BATCH) -> list[str]:
    """Store every new message of one mailbox; returns the ids of the new documents."""
    settings = mailbox_settings(name, config)
    folder = settings.folder
    new_ids: list[str] = []
    with Mailbox(settings) as mailbox:
        state = mailbox.select()
        with db.unit_of_work() as uow:
            cursor = uow.mail.cursor(name, folder)
            rules = [Rule(r.action, r.field, r.pattern, f"#{r.id}") for r in uow.mail.rules(name)]
        validity_changed = cursor is not None and cursor[0] != state.uidvalidity
        after = 0 if cursor is None or validity_changed else cursor[1]
        if validity_changed:
            log.warning(
                "UIDVALIDITY changed: known messages are recognised by Message-ID and content",
                source=name,
                old=cursor[0] if cursor else None,
                new=state.uidvalidity,
            )
        while True:
            messages = mailbox.new_messages(after, limit=batch)
            if not messages:
                break
            for msg in messages:
                doc_id = _take(db, name, folder, state.uidvalidity, msg, rules, validity_changed)
                if doc_id:
                    new_ids.append(doc_id)
                after = msg.uid
    return new_ids


def _take(
    db: Database,
    name: str,
    folder: str,
    uidvalidity: int,
    msg: FetchedMessage,
    rules: list[Rule],
    check_seen: bool,
) -> str | None:
    sha = hashlib.sha256(msg.raw).hexdigest()
    with db.unit_of_work(f"mailbox:{name}") as uow:
        if check_seen and uow.mail.seen(name, msg.message_id, sha):
            uow.mail.set_cursor(name, folder, uidvalidity, msg.uid)
            uow.commit()
            return None
    reason: str | None
    doc_id: str | None = None
    if msg.too_large:
        decision, reason = "too_large", f"message of {msg.size:,} bytes is over the size limit"
    else:
        take, reason = decide_message(rules, message_facts(msg.raw))
        decision = "taken" if take else "skipped"
    new_document = None
    if decision == "taken":
        receipt = Receipt(
            content=msg.raw,
            channel="email",
            source=name,
            source_ref=f"{name}:{folder}:{uidvalidity}:{msg.uid}",
            filename=f"{folder}-{msg.uid}.eml",
            content_type="message/rfc822",
            sender_email=_sender(msg.raw),
        )
        doc = receive(db, receipt, actor=f"mailbox:{name}")
        doc_id = doc.id
        new_document = doc.id if doc.state is DocumentState.RECEIVED else None
    with db.unit_of_work(f"mailbox:{name}") as uow:
        uow.mail.record_message(
            name, folder, uidvalidity, msg.uid, msg.message_id, sha, doc_id, decision, reason
        )
        uow.mail.set_cursor(name, folder, uidvalidity, msg.uid)
        uow.commit()
    if decision == "skipped":
        log.info("message skipped", source=name, uid=msg.uid, reason=reason)
    return new_document


def settle_mailbox(db: Database, name: str, config: dict[str, Any]) -> dict[str, int]:
    """Move messages whose documents are final: to the failed folder when rejected or failed, to
    the processed folder otherwise. Skipped messages stay where they are. Returns counts."""
    settings = mailbox_settings(name, config)
    with db.unit_of_work() as uow:
        settled = uow.mail.settled(name)
    if not settled:
        return {}
    moves: dict[str, list[Any]] = {}
    for msg in settled:
        if msg.decision == "skipped":
            target = ""  # a rule said to leave it alone
        elif msg.decision == "too_large" or msg.state in FAILED_STATES:
            target = settings.failed_folder or ""
        else:
            target = settings.processed_folder or ""
        moves.setdefault(target, []).append(msg)
    counts: dict[str, int] = {}
    with Mailbox(settings) as mailbox:
        state = mailbox.select()
        for target, messages in moves.items():
            current = [m for m in messages if m.uidvalidity == state.uidvalidity]
            if target and current:
                mailbox.move([m.uid for m in current], target)
            with db.unit_of_work(f"mailbox:{name}") as uow:
                uow.mail.mark_moved([m.id for m in messages], target or "(left in place)")
                uow.commit()
            counts[target or "(left in place)"] = len(messages)
    return counts


def parse_forwarders(values: tuple[str, ...]) -> list[str]:
    """Internal forwarder addresses or @domains, validated."""
    out = []
    for value in values:
        v = value.strip().lower()
        if v.startswith("@") and "." in v:
            out.append(v)
        elif "@" in parseaddr(v)[1]:
            out.append(parseaddr(v)[1])
        else:
            raise ConfigError(f"{value!r} is neither an email address nor an @domain")
    return out


class MailWatcher:
    """Keeps an IDLE connection per mailbox and wakes the poller when mail arrives.

    Each mailbox has its own thread that reconnects with backoff after a dropped connection or a
    server restart; the poller waits on :meth:`wait` instead of sleeping, so new mail is taken
    within seconds while quiet mailboxes cost one idle connection each.
    """

    def __init__(self, mailboxes: dict[str, dict[str, Any]], idle_seconds: float = 25 * 60) -> None:
        self._settings = {name: mailbox_settings(name, cfg) for name, cfg in mailboxes.items()}
        self._idle_seconds = idle_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for name, settings in self._settings.items():
            thread = threading.Thread(
                target=self._watch, args=(name, settings), name=f"idle-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def wait(self, timeout: float) -> bool:
        """Block until mail arrives or ``timeout`` passes; True when woken by new mail."""
        woke = self._wake.wait(timeout)
        self._wake.clear()
        return woke

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _watch(self, name: str, settings: MailboxSettings) -> None:
        delay = 1.0
        while not self._stop.is_set():
            try:
                mailbox = connect_with_backoff(settings, attempts=1)
                with mailbox:
                    mailbox.select()
                    delay = 1.0
                    while not self._stop.is_set():
                        if mailbox.idle(min(self._idle_seconds, 60.0)):
                            log.info("new mail announced", source=name)
                            self._wake.set()
            except ConfigError as exc:
                log.error("mailbox settings are wrong; watching stops", source=name, error=str(exc))
                return
            except TransientError as exc:
                log.warning("mailbox connection lost; reconnecting", source=name, error=str(exc), wait=delay)
                self._stop.wait(delay)
                delay = min(delay * 2, 300.0)
