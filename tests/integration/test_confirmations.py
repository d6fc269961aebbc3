"""Email confirmations end to end: a PO emailed to a real Dovecot mailbox is committed and the
confirmation, threaded to it, arrives at a real SMTP server (aiosmtpd on a loopback port) started
by the test; rejections, opt-out, templates and SMTP refusals."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from dovecot import HOST, Dovecot, free_port, make_self_signed
from test_imap_source import Account, account, dovecot, server  # noqa: F401  (fixtures)

from ingest.config import Settings
from ingest.domain.document import Receipt
from ingest.errors import ConfigError, DeliveryError, TransientError
from ingest.services.confirmations import (
    confirmation_for,
    record_confirmation,
    send_confirmation,
    set_customer_confirmations,
)
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.mail import add_mailbox, poll_mailbox
from ingest.services.message_templates import save_message_template
from ingest.services.outbox import dispatcher_for, list_entries
from ingest.services.process import process_document
from ingest.services.review import reject

ORDER_DESK = "Northwind Orders <orders@northwind-supply.example>"


class Inbox:
    """An aiosmtpd handler keeping what it receives; refuses recipients at refused.example."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.received.append((list(envelope.rcpt_tos), content))
        return "250 Message accepted"

    def wait(self, count: int = 1, seconds: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in self.received]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp: tuple[Inbox, int]) -> Settings:
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{smtp[1]}", "mail_from": ORDER_DESK})


def po_mail(
    n: int,
    sender: str = "Jane Miller <jmiller@acme-hardware.example>",
    csv: str | None = None,
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["Message-ID"] = f"<po-{n}@acme-hardware.example>"
    msg["References"] = "<thread-start@acme-hardware.example>"
    msg["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    msg["From"] = sender
    msg["To"] = "orders@northwind-supply.example"
    msg["Subject"] = f"PO AC-{n}"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Please find our order attached.")
    body = csv if csv is not None else f"PO Number,SKU,Qty,UOM\nAC-{n},FAS-10001-ZP,3,BX\n"
    msg.add_attachment(body.encode(), maintype="text", subtype="csv", filename=f"po-{n}.csv")
    return msg.as_bytes()


def stored(p: Pipeline, raw: bytes) -> str:
    receipt = Receipt(
        content=raw, channel="email", source="cli", source_ref="test", filename="po.eml",
        content_type="message/rfc822",
    )  # fmt: skip
    doc = receive(p.db, receipt)
    process_document(p, doc.id)
    return doc.id


def payload_for(p: Pipeline, document_id: str) -> dict[str, Any] | None:
    with p.db.unit_of_work() as uow:
        return confirmation_for(uow, document_id)


@pytest.mark.slow
def test_an_emailed_po_from_the_mailbox_is_confirmed_in_its_thread(
    loaded_pipeline: Pipeline,
    mail_settings: Settings,
    smtp: tuple[Inbox, int],
    server: Dovecot,
    account: Account,
) -> None:
    p, (inbox, _port) = loaded_pipeline, smtp
    config = {"host": HOST, "port": server.imap_port, "security": "none", "username": account.user,
              "password_env": account.env}  # fmt: skip
    add_mailbox(p.db, "orders", config, check=False)
    server.append(account.user, "INBOX", po_mail(1))
    [doc_id] = poll_mailbox(p.db, "orders", config)
    assert process_document(p, doc_id).value == "committed"
    payload = payload_for(p, doc_id)
    assert payload is not None and payload["kind"] == "order_confirmation"
    message_id = send_confirmation(mail_settings, payload)
    [msg] = inbox.wait()
    assert inbox.received[0][0] == ["jmiller@acme-hardware.example"]
    assert msg["In-Reply-To"] == "<po-1@acme-hardware.example>"
    assert msg["References"].split() == [
        "<thread-start@acme-hardware.example>",
        "<po-1@acme-hardware.example>",
    ]
    assert msg["Subject"] == "Re: PO AC-1" and msg["Message-ID"] == message_id
    assert "orders@northwind-supply.example" in msg["From"] and msg["Auto-Submitted"] == "auto-replied"
    body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    [order_id] = payload["order_ids"]
    assert "Hello Acme Hardware Co" in body and f"Order {order_id}, your PO AC-1" in body
    assert "FAS-10001-ZP" in body and "Hex Cap Screw" in body and " 3 " in body and "BX" in body
    assert "Northwind Industrial Supply" in body
    # the same document always gets the same Message-ID: a repeat after a crash is one message
    assert send_confirmation(mail_settings, payload) == message_id


def test_an_unreadable_order_gets_a_polite_rejection(
    loaded_pipeline: Pipeline, mail_settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    p, (inbox, _port) = loaded_pipeline, smtp
    doc_id = stored(p, po_mail(2, csv="PO,SKU,Colour\n1,A,red\n"))
    payload = payload_for(p, doc_id)
    assert payload is not None and payload["kind"] == "order_rejection"
    send_confirmation(mail_settings, payload)
    [msg] = inbox.wait()
    assert msg["In-Reply-To"] == "<po-2@acme-hardware.example>" and msg["Subject"] == "Re: PO AC-2"
    body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "could not enter" in body and "\n- " in body


def test_a_clerks_rejection_reason_is_explained(loaded_pipeline: Pipeline) -> None:
    p = loaded_pipeline
    raw = po_mail(3, sender="buyer@cascadefm.example", csv="PO,Part,Qty\nCF-3,NO-SUCH-PART-3,3\n")
    doc_id = stored(p, raw)
    assert payload_for(p, doc_id) is None  # waiting for a clerk: nothing yet
    with p.db.unit_of_work() as uow:
        [order_id] = uow.orders.existing_ids(doc_id)
    reject(p.db, order_id, "clerk1", "part NO-SUCH-PART-3 is not one of ours: please send our SKU")
    payload = payload_for(p, doc_id)
    assert (
        payload is not None
        and payload["kind"] == "order_rejection"
        and payload["to"] == "buyer@cascadefm.example"
    )
    assert "- part NO-SUCH-PART-3 is not one of ours: please send our SKU" in payload["text"]
    assert "Cascade Facilities Management" in payload["text"]


def test_no_confirmation_for_opted_out_unknown_or_automatic_senders(loaded_pipeline: Pipeline) -> None:
    p = loaded_pipeline
    set_customer_confirmations(p.db, "C0001", False, actor="tests")
    assert payload_for(p, stored(p, po_mail(4))) is None
    set_customer_confirmations(p.db, "C0001", True, actor="tests")
    assert payload_for(p, stored(p, po_mail(5))) is not None
    assert payload_for(p, stored(p, po_mail(6, sender="someone@stranger.example"))) is None
    assert payload_for(p, stored(p, po_mail(7, Auto_Submitted="auto-generated"))) is None
    forwarded = po_mail(8, sender="Sam Rivera <srivera@northwind-supply.example>")
    assert payload_for(p, stored(p, forwarded)) is None  # our own people get no confirmation


def test_an_administrators_template_is_used(loaded_pipeline: Pipeline) -> None:
    p = loaded_pipeline
    save_message_template(
        p.db, "order_confirmation", "$reply_subject [order $order_id]",
        "Dear $customer_name,\nPO $po_number is in.\n$summary", actor="admin",
    )  # fmt: skip
    payload = payload_for(p, stored(p, po_mail(9)))
    assert payload is not None
    assert payload["subject"] == f"Re: PO AC-9 [order {payload['order_ids'][0]}]"
    assert payload["text"].startswith("Dear Acme Hardware Co,\nPO AC-9 is in.\nOrder ")


def test_subject_injection_from_the_customers_message_stays_text(
    loaded_pipeline: Pipeline, mail_settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    p, (inbox, _port) = loaded_pipeline, smtp
    raw = po_mail(10).replace(
        b"Subject: PO AC-10", b"Subject: =?utf-8?q?PO_AC-10=0D=0ABcc:_victim@evil.example?="
    )
    payload = payload_for(p, stored(p, raw))
    assert payload is not None
    send_confirmation(mail_settings, payload)
    [msg] = inbox.wait()
    assert inbox.received[0][0] == ["jmiller@acme-hardware.example"] and msg["Bcc"] is None
    assert msg["Subject"] == "Re: PO AC-10 Bcc: victim@evil.example"


def test_smtp_refusals_are_permanent_or_transient(loaded_pipeline: Pipeline, mail_settings: Settings) -> None:
    payload = payload_for(loaded_pipeline, stored(loaded_pipeline, po_mail(11)))
    assert payload is not None
    with pytest.raises(DeliveryError, match="550"):
        send_confirmation(mail_settings, {**payload, "to": "nobody@refused.example"})
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    nowhere = mail_settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{closed}", "smtp_timeout_seconds": 3}
    )
    with pytest.raises(TransientError, match="cannot reach"):
        send_confirmation(nowhere, payload)


def test_confirmations_need_smtp_settings(
    loaded_pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    from ingest.services.confirmations import confirmations_enabled

    assert not confirmations_enabled(settings)
    payload = payload_for(loaded_pipeline, stored(loaded_pipeline, po_mail(12)))
    assert payload is not None
    with pytest.raises(ConfigError, match="INGEST_SMTP_URL"):
        send_confirmation(settings, payload)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # smtps is TLS throughout
@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_confirmations_over_tls_with_a_login(
    loaded_pipeline: Pipeline, settings: Settings, tmp_path: Path, mode: str
) -> None:
    cert = make_self_signed(tmp_path, "smtp")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, tmp_path / "smtp.key")
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        logins.append((data.login, data.password))
        ok = data.login == b"orders" and data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself

    inbox, port = Inbox(), free_port()
    options: dict[str, Any] = {"authenticator": authenticator, "auth_required": True}
    if mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    else:
        options.update(ssl_context=context, auth_require_tls=False)  # TLS from the first byte
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        password_file = tmp_path / "smtp-password"
        password_file.write_text("s3cret\n")
        scheme = "smtp" if mode == "starttls" else "smtps"
        configured = settings.model_copy(
            update={
                "smtp_url": f"{scheme}://orders@127.0.0.1:{port}",
                "smtp_starttls": mode == "starttls",
                "smtp_password_file": password_file,
                "smtp_ca_file": cert,
                "mail_from": ORDER_DESK,
            }
        )
        payload = payload_for(loaded_pipeline, stored(loaded_pipeline, po_mail(13)))
        assert payload is not None
        send_confirmation(configured, payload)
        [msg] = inbox.wait()
        assert msg["In-Reply-To"] == "<po-13@acme-hardware.example>" and logins == [(b"orders", b"s3cret")]
        untrusted = configured.model_copy(update={"smtp_ca_file": None})
        with pytest.raises(ConfigError, match="certificate"):
            send_confirmation(untrusted, payload)
        wrong = configured.model_copy(update={"smtp_password": "wrong"})
        with pytest.raises(ConfigError, match="login"):
            send_confirmation(wrong, payload)
    finally:
        controller.stop()


def test_confirmations_travel_through_the_outbox_once(
    loaded_pipeline: Pipeline, mail_settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    """With SMTP configured, settling an emailed document records its reply in the outbox in the
    same transaction, and the reply is sent after the commit, once, whatever repeats."""
    p = replace(loaded_pipeline, settings=mail_settings, outbox=None)  # delivered in this process
    inbox, _port = smtp
    committed = stored(p, po_mail(21))
    [msg] = inbox.wait()
    assert msg["In-Reply-To"] == "<po-21@acme-hardware.example>"
    # a clerk's rejection is answered too, when the clerk decides
    raw = po_mail(22, sender="buyer@cascadefm.example", csv="PO,Part,Qty\nCF-22,NO-SUCH-PART,3\n")
    waiting = stored(p, raw)
    assert len(inbox.received) == 1  # in review: no reply yet
    with p.db.unit_of_work() as uow:
        [order_id] = uow.orders.existing_ids(waiting)
    reject(
        p.db, order_id, "clerk1", "NO-SUCH-PART is not one of ours", outbox=dispatcher_for(p), confirm=True
    )
    messages = inbox.wait(2)
    assert messages[1]["In-Reply-To"] == "<po-22@acme-hardware.example>"
    assert "NO-SUCH-PART is not one of ours" in messages[1].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    entries = [e for e in list_entries(p.db) if e.kind == "confirmation"]
    assert sorted(e.document_id or "" for e in entries) == sorted([committed, waiting])
    assert {e.state for e in entries} == {"delivered"}
    # processing the document again records nothing new, sends nothing new
    with p.db.unit_of_work() as uow:
        assert record_confirmation(uow, committed) is None
    assert len(inbox.wait(3, seconds=1.0)) == 2


def test_without_smtp_no_confirmation_is_recorded(loaded_pipeline: Pipeline) -> None:
    assert loaded_pipeline.settings.smtp_url is None
    stored(loaded_pipeline, po_mail(23))
    assert [e for e in list_entries(loaded_pipeline.db) if e.kind == "confirmation"] == []
