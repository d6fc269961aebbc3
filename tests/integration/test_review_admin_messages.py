"""The admin's customer-mail page: templates edited, previewed and reset; opt-out per customer;
855s per trading partner on the partners page."""

from __future__ import annotations

import html
from pathlib import Path

from flask.testing import FlaskClient
from test_review_admin_setup import admin, page, post, url  # noqa: F401  (fixtures)
from test_review_ui import make_client

from ingest.db import Database
from ingest.mailout.templates import DEFAULTS
from ingest.services.confirmations import customer_confirmations, opted_out_customers
from ingest.services.message_templates import message_templates
from ingest.services.partners import add_partner, list_partners


def in_db(url: str) -> Database:
    return Database(url)


def test_the_page_is_for_admins(url: str, admin: FlaskClient, tmp_path: Path) -> None:
    body = page(admin, "/admin/messages")
    assert "Customer mail" in body and "$reply_subject" in body and 'id="confirmations-off"' in body
    clerk = make_client(url, tmp_path, "clerk")[1]
    assert clerk.get("/admin/messages").status_code == 403


def test_a_template_is_previewed_saved_and_reset(url: str, admin: FlaskClient) -> None:
    name = "order_confirmation"
    form = {"subject": "$reply_subject (order $order_id)", "body": "Hi $customer_name,\n$summary\nBye"}
    shown = post(admin, f"/admin/messages/{name}", {**form, "action": "preview"}, status=200)
    assert "Re: PO 4500123 (order 0b6f4c2e" in shown and "FAS-10001-ZP" in shown
    db = in_db(url)
    try:
        assert not message_templates(db)[0].custom  # a preview saves nothing
        post(admin, f"/admin/messages/{name}", {**form, "action": "save"})
        [confirmation, _] = message_templates(db)
        assert confirmation.custom and confirmation.subject == form["subject"]
        assert confirmation.body == form["body"]
        refused = post(
            admin,
            f"/admin/messages/{name}",
            {"subject": "x", "body": "$password", "action": "save"},
            status=422,
        )
        assert "unknown placeholders: $password" in html.unescape(refused)
        assert message_templates(db)[0].body == form["body"]
        post(admin, f"/admin/messages/{name}", {**form, "action": "reset"})
        assert message_templates(db)[0] == DEFAULTS[name]
    finally:
        db.dispose()


def test_customers_opt_out_and_back_in(url: str, admin: FlaskClient) -> None:
    db = in_db(url)
    try:
        post(admin, "/admin/messages/customers", {"customer_id": "C1", "confirmations": "off"})
        assert opted_out_customers(db) == ["C1"] and not customer_confirmations(db, "C1")
        assert "C1" in page(admin, "/admin/messages")
        post(admin, "/admin/messages/customers", {"customer_id": "C1", "confirmations": "on"})
        assert opted_out_customers(db) == [] and customer_confirmations(db, "C1")
        refused = post(
            admin, "/admin/messages/customers", {"customer_id": "NOPE", "confirmations": "off"}, 422
        )
        assert "no customer" in html.unescape(refused)
    finally:
        db.dispose()


def test_partners_get_855s_from_the_partners_page(url: str, admin: FlaskClient) -> None:
    post(
        admin, "/admin/partners", {"qualifier": "ZZ", "edi_id": "ACME", "customer_id": "C1", "send_855": "1"}
    )
    db = in_db(url)
    try:
        [partner] = list_partners(db)
        assert partner.send_855 and partner.send_997 is False  # the 997 box was not ticked
        post(admin, "/admin/partners/855", {"qualifier": "ZZ", "edi_id": "ACME", "send_855": "0"})
        assert not list_partners(db)[0].send_855
        add_partner(db, "ZZ", "OTHER", None, None, True, actor="tests")
        assert "Send 855s" in page(admin, "/admin/partners")
    finally:
        db.dispose()
