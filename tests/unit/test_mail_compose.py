"""Replies to customers' emails: threading headers, header injection, templates, SMTP settings."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ingest.errors import ConfigError
from ingest.mailout.compose import (
    clean_address,
    clean_header,
    compose,
    order_summary,
    read_original,
    reply_subject,
    thread_headers,
)
from ingest.mailout.smtp import parse_smtp_url
from ingest.mailout.templates import (
    CONFIRMATION,
    DEFAULTS,
    REJECTION,
    MessageTemplate,
    check_template,
    render,
)
from ingest.services.message_templates import preview

NOW = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)


def original(headers: str) -> bytes:
    return (headers.strip().replace("\n", "\r\n") + "\r\n\r\nPlease see the order attached.\r\n").encode()


ORIGINAL = original(
    """
From: Jane Miller <jmiller@acme-hardware.example>
To: orders@northwind-supply.example
Subject: PO 4500123
Message-ID: <po-4500123@acme-hardware.example>
References: <thread-1@acme-hardware.example> <thread-2@acme-hardware.example>
"""
)


def payload(**changes: object) -> dict[str, object]:
    found = read_original(ORIGINAL)
    in_reply_to, references = thread_headers(found)
    base: dict[str, object] = {
        "kind": CONFIRMATION,
        "document_id": "d1",
        "to": found.reply_to,
        "subject": reply_subject(found.subject),
        "in_reply_to": in_reply_to,
        "references": references,
        "text": "Thank you.",
    }
    base.update(changes)
    return base


def parsed(msg: email.message.EmailMessage) -> email.message.Message:
    return email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)


def test_a_reply_is_threaded_to_the_original() -> None:
    msg = parsed(compose(payload(), "Northwind <orders@northwind-supply.example>", "<c.d1@northwind>", NOW))
    assert msg["In-Reply-To"] == "<po-4500123@acme-hardware.example>"
    assert msg["References"].split() == [
        "<thread-1@acme-hardware.example>",
        "<thread-2@acme-hardware.example>",
        "<po-4500123@acme-hardware.example>",
    ]
    assert msg["Subject"] == "Re: PO 4500123" and msg["To"] == "jmiller@acme-hardware.example"
    assert msg["Message-ID"] == "<c.d1@northwind>" and msg["Auto-Submitted"] == "auto-replied"


def test_reply_to_wins_over_from_and_re_is_not_doubled() -> None:
    found = read_original(
        original("From: noreply@shop.example\nReply-To: Buyer <buyer@shop.example>\nSubject: RE: order 7\n")
    )
    assert found.reply_to == "buyer@shop.example" and found.message_id is None
    assert reply_subject(found.subject) == "RE: order 7"
    assert thread_headers(found) == (None, [])
    assert reply_subject("") == "Re: your purchase order"


def test_encoded_subjects_are_decoded() -> None:
    found = read_original(original("From: a@b.example\nSubject: =?utf-8?q?Bestellung_M=C3=BCller?=\n"))
    assert found.subject == "Bestellung Müller"


def test_automatic_messages_are_recognised() -> None:
    assert read_original(original("From: a@b.example\nAuto-Submitted: auto-replied\n")).automatic
    assert read_original(original("From: a@b.example\nPrecedence: bulk\n")).automatic
    assert not read_original(original("From: a@b.example\nAuto-Submitted: no\n")).automatic


def test_header_injection_from_a_document_stays_harmless() -> None:
    evil = "PO 1\r\nBcc: victim@evil.example\r\nX-Injected: yes"
    msg = compose(
        payload(
            subject="Re: " + evil,
            in_reply_to="<a@b>\r\nBcc: victim@evil.example",
            references=["<a@b>", "not an id\r\nBcc: x@evil.example"],
        ),
        "orders@northwind-supply.example",
        "<c@d>",
        NOW,
    )
    raw = msg.as_bytes()
    back = parsed(msg)
    assert back["Bcc"] is None and back["X-Injected"] is None
    assert back["To"] == "jmiller@acme-hardware.example"
    assert back["Subject"] == "Re: PO 1 Bcc: victim@evil.example X-Injected: yes"  # one line of text
    assert back["In-Reply-To"] == "<a@b>" and back["References"] == "<a@b>"
    assert b"\nBcc:" not in raw and b"\nX-Injected" not in raw
    with pytest.raises(ValueError, match="plausible address"):  # a recipient with a header behind it
        compose(
            payload(to="jmiller@acme-hardware.example\r\nBcc: victim@evil.example"),
            "o@n.example",
            "<c@d>",
            NOW,
        )


def test_an_address_list_is_no_single_recipient() -> None:
    assert clean_address("a@b.example, c@d.example") is None
    assert clean_address("Jane <jane@acme.example>") == "jane@acme.example"
    assert clean_address("not an address") is None
    with pytest.raises(ValueError, match="plausible address"):
        compose(payload(to="a@b.example, c@d.example"), "orders@n.example", "<c@d>", NOW)


def test_clean_header_removes_control_characters() -> None:
    assert clean_header("a\r\nb\tc\x00d") == "a b c d"


def test_references_are_trimmed_keeping_the_root() -> None:
    many = " ".join(f"<r{i}@x>" for i in range(40))
    found = read_original(original(f"From: a@b.example\nMessage-ID: <last@x>\nReferences: {many}\n"))
    _, refs = thread_headers(found)
    assert len(refs) == 20 and refs[0] == "<r0@x>" and refs[-1] == "<last@x>"


def test_order_summary_lists_lines_with_our_skus() -> None:
    text = order_summary(
        {
            "order_id": "o-1",
            "po_number": "4500123",
            "lines": [
                {"position": 1, "sku": "FAS-10001-ZP", "description": "Hex Cap Screw\nZinc",
                 "quantity": Decimal("10.000"), "uom": "BX", "unit_price": Decimal("12.37")},
            ],
            "ship_date": "2026-03-19",
        }
    )  # fmt: skip
    assert "Order o-1, your PO 4500123" in text
    assert "FAS-10001-ZP" in text and "Hex Cap Screw Zinc" in text and " 10 " in text
    assert "Expected ship date: 2026-03-19" in text


def test_templates_render_values_as_plain_text() -> None:
    template = MessageTemplate(CONFIRMATION, "$reply_subject", "Hello $customer_name, $summary")
    subject, body = render(template, {"reply_subject": "Re: x\r\nBcc: y", "customer_name": "$po_number ${x}"})
    assert subject == "Re: x Bcc: y"
    assert body.startswith("Hello $po_number ${x},")  # a value is never expanded again


def test_defaults_are_valid_and_unknown_placeholders_are_refused() -> None:
    for template in DEFAULTS.values():
        check_template(template.name, template.subject, template.body)
    with pytest.raises(ConfigError, match=r"unknown placeholders: \$password"):
        check_template(REJECTION, "$reply_subject", "Dear $customer_name, $password")
    with pytest.raises(ConfigError, match="dollar"):
        check_template(CONFIRMATION, "$reply_subject", "costs 5 $")
    with pytest.raises(ConfigError, match="one line"):
        check_template(CONFIRMATION, "a\nBcc: b", "x")
    with pytest.raises(ConfigError, match="reasons"):  # $reasons belongs to the rejection
        check_template(CONFIRMATION, "$reply_subject", "$reasons")


def test_preview_renders_a_sample_order() -> None:
    subject, body = preview(CONFIRMATION, DEFAULTS[CONFIRMATION].subject, DEFAULTS[CONFIRMATION].body)
    assert subject == "Re: PO 4500123" and "FAS-10001-ZP" in body and "$" not in body


def test_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://mail.example:2525", starttls=True, username="u", password="p")
    assert (plain.host, plain.port, plain.implicit_tls, plain.starttls, plain.username) == (
        "mail.example", 2525, False, True, "u",
    )  # fmt: skip
    tls = parse_smtp_url("smtps://orders%40n.example@mail.example")
    assert tls.port == 465 and tls.implicit_tls and tls.username == "orders@n.example"
    for bad in ("http://x", "smtp://", "smtp://u:secret@host"):
        with pytest.raises(ConfigError):
            parse_smtp_url(bad)
    with pytest.raises(ConfigError, match="STARTTLS"):
        parse_smtp_url("smtps://host", starttls=True)
