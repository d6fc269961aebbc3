"""Signing in, roles, CSRF, and the clerk's and admin's work in the review UI (Flask's test
client against SQLite; the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from review_login import PASSWORD, add, csrf, sign_in
from test_review_ui import ESCAPED_SCRIPT, Seeded, make_client, seed

from ingest.config import Settings
from ingest.db import Database
from ingest.services.learned import learned_items, revoke_learned
from ingest.services.review import show_order
from ingest.services.rules import active_rules
from ingest.services.sign_ins import SignInLimiter
from review_ui import create_app


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    return seed(f"sqlite:///{tmp_path / 'ingest.db'}", tmp_path)


@pytest.fixture
def clerk(seeded: Seeded, tmp_path: Path) -> FlaskClient:
    return make_client(seeded.url, tmp_path, "clerk")[1]


@pytest.fixture
def admin(seeded: Seeded, tmp_path: Path) -> FlaskClient:
    return make_client(seeded.url, tmp_path, "admin")[1]


def review_order_id(seeded: Seeded) -> str:
    db = Database(seeded.url)
    try:
        with db.unit_of_work() as uow:
            return str(uow.orders.for_document(seeded.review)[0]["order_id"])
    finally:
        db.dispose()


def stored(seeded: Seeded, order_id: str):  # type: ignore[no-untyped-def]
    db = Database(seeded.url)
    try:
        return show_order(db, order_id)
    finally:
        db.dispose()


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


# --- signing in ---------------------------------------------------------------------------------


def test_every_page_needs_a_signed_in_user(seeded: Seeded, tmp_path: Path) -> None:
    client = create_app(Settings(database_url=seeded.url, data_dir=tmp_path)).test_client()
    order_id = review_order_id(seeded)
    for path in (
        "/",
        "/review",
        f"/documents/{seeded.review}",
        f"/documents/{seeded.review}/raw",
        f"/orders/{order_id}",
        "/admin/rules",
        "/admin/learned",
        "/catalog/search?q=widget",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    token = csrf(page(client, "/login"))
    response = client.post(f"/orders/{order_id}/approve", data={"csrf_token": token, "version": "1"})
    assert response.status_code == 401
    assert stored(seeded, order_id).status == "review"


def test_sign_in_and_out(seeded: Seeded, tmp_path: Path) -> None:
    add(seeded.url, "carol", "clerk")
    client = create_app(Settings(database_url=seeded.url, data_dir=tmp_path)).test_client()
    assert "Wrong name or password" in sign_in(client, "carol", "wrong password", expect=401)
    assert "Wrong name or password" in sign_in(client, "nobody", PASSWORD, expect=401)
    response = client.get("/review")
    assert response.status_code == 302
    token = csrf(page(client, "/login?next=/review"))
    response = client.post(
        "/login", data={"name": "carol", "password": PASSWORD, "csrf_token": token, "next": "/review"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/review"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "carol" in page(client, "/review")
    token = csrf(page(client, "/review"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/review").status_code == 302


def test_no_redirect_to_another_site(seeded: Seeded, tmp_path: Path) -> None:
    add(seeded.url, "dave", "clerk")
    client = create_app(Settings(database_url=seeded.url, data_dir=tmp_path)).test_client()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        token = csrf(page(client, "/login"))
        response = client.post(
            "/login", data={"name": "dave", "password": PASSWORD, "csrf_token": token, "next": target}
        )
        assert response.headers["Location"] == "/review", target


def test_secure_cookie_when_configured(seeded: Seeded, tmp_path: Path) -> None:
    add(seeded.url, "erin", "clerk")
    client = create_app(
        Settings(database_url=seeded.url, data_dir=tmp_path), secure_cookies=True
    ).test_client()
    token = csrf(page(client, "/login"))
    response = client.post("/login", data={"name": "erin", "password": PASSWORD, "csrf_token": token})
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_ins_are_limited(seeded: Seeded, tmp_path: Path) -> None:
    add(seeded.url, "frank", "clerk")
    client = create_app(Settings(database_url=seeded.url, data_dir=tmp_path)).test_client()
    for _ in range(5):
        sign_in(client, "frank", "guess", expect=401)
    blocked = sign_in(client, "frank", PASSWORD, expect=429)  # even the right password, for a while
    assert "Too many failed sign-ins" in blocked
    sign_in(client, "someone-else", "guess", expect=401)  # other names are not blocked
    # another UI process on the same database counts the same failures
    other = create_app(Settings(database_url=seeded.url, data_dir=tmp_path)).test_client()
    sign_in(other, "frank", PASSWORD, expect=429)


def test_limiter_window(database_url: str) -> None:
    db = Database(database_url)
    limiter = SignInLimiter(db, max_failures=2, window=10)
    limiter.failed("A", "1.2.3.4", now=100)
    limiter.failed("a", "1.2.3.4", now=101)
    assert limiter.blocked("a", "1.2.3.4", now=105)
    assert not limiter.blocked("a", "5.6.7.8", now=105)
    assert not limiter.blocked("a", "1.2.3.4", now=111)
    limiter.failed("b", "1.2.3.4", now=106)
    limiter.succeeded("B", "1.2.3.4")  # a success forgets that name's failures from that address
    limiter.failed("b", "1.2.3.4", now=107)
    assert not limiter.blocked("b", "1.2.3.4", now=108)
    for n in range(19):
        limiter.failed(f"user{n}", "9.9.9.9", now=200)
    assert not limiter.blocked("someone", "9.9.9.9", now=201)
    limiter.failed("user19", "9.9.9.9", now=200)
    assert limiter.blocked("someone", "9.9.9.9", now=201)  # many names from one address
    with db.unit_of_work() as uow:  # failures older than the window are not kept
        assert uow.sign_ins.counts("a", "1.2.3.4", datetime(1970, 1, 1, tzinfo=UTC)) == (0, 0)


def test_forms_need_the_csrf_token(clerk: FlaskClient, seeded: Seeded) -> None:
    order_id = review_order_id(seeded)
    for token in (None, "forged"):
        data = {"version": "1", "reason": "spam"}
        if token:
            data["csrf_token"] = token
        response = clerk.post(f"/orders/{order_id}/reject", data=data)
        assert response.status_code == 400
        assert "form expired" in response.get_data(as_text=True)
    assert stored(seeded, order_id).status == "review"


def test_a_clerk_cannot_open_admin_pages(clerk: FlaskClient) -> None:
    for path in ("/admin/rules", "/admin/learned"):
        assert clerk.get(path).status_code == 403, path
    token = csrf(page(clerk, "/review"))
    response = clerk.post(
        "/admin/rules/setting", data={"csrf_token": token, "path": "thresholds.line", "value": "0.5"}
    )
    assert response.status_code == 403
    assert "Rules</a>" not in page(clerk, "/review")


def test_a_removed_role_takes_effect_at_once(seeded: Seeded, tmp_path: Path) -> None:
    _, client = make_client(seeded.url, tmp_path, "admin")
    name = re.search(r'class="who">([^ ]+) ', page(client, "/admin/rules"))
    assert name is not None
    add(seeded.url, name.group(1), "clerk")
    assert client.get("/admin/rules").status_code == 302  # signed out: sign in again


# --- the clerk's work ---------------------------------------------------------------------------


def test_queue_lists_orders_waiting_oldest_first_with_filters(clerk: FlaskClient, seeded: Seeded) -> None:
    queue = page(clerk, "/review")
    assert seeded.po(2) in queue and seeded.po(1) not in queue
    assert re.search(r'id="queue-count">1<', queue)
    assert "line 2: no product matches SKU ZZZ-9" in queue
    assert "<script>alert" not in queue and ESCAPED_SCRIPT in queue
    assert seeded.po(2) in page(clerk, "/review?customer=C1&channel=email&reason=no+product")
    assert seeded.po(2) not in page(clerk, "/review?customer=C9")
    assert seeded.po(2) not in page(clerk, "/review?channel=edi")
    assert "unknown channel" in page(clerk, "/review?channel=fax", status=400)


def test_order_screen_shows_source_and_flags_the_doubtful_line(clerk: FlaskClient, seeded: Seeded) -> None:
    order_id = review_order_id(seeded)
    screen = page(clerk, f"/orders/{order_id}")
    assert '<pre class="content">' in screen and f"{seeded.po(2)},ZZZ-9," in screen  # the source
    rows = re.findall(r'<tr class="line( low)?[^"]*" id="line-(\d)"', screen)
    assert rows == [("", "1"), (" low", "2")]
    assert "line 2: no product matches SKU ZZZ-9" in screen
    assert 'name="version" value="1"' in screen
    assert "<script>alert" not in screen and ESCAPED_SCRIPT in screen
    assert '<script src="/static/review.js" defer></script>' in screen


def approve_form(client: FlaskClient, order_id: str, **fields: str) -> dict[str, str]:
    screen = page(client, f"/orders/{order_id}")
    form = re.search(r'<form method="post" id="approve-form".*?</form>', screen, re.S)
    assert form is not None
    data = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', form.group(0)))
    data.update(fields)
    return data


def test_approve_with_corrections(clerk: FlaskClient, seeded: Seeded) -> None:
    order_id = review_order_id(seeded)
    response = clerk.post(
        f"/orders/{order_id}/approve",
        data=approve_form(clerk, order_id, **{"sku-2": "WID-2", "quantity-2": "4"}),
    )
    assert response.status_code == 302 and response.headers["Location"] == "/review"
    assert "approved and committed" in page(clerk, "/review")
    order = stored(seeded, order_id)
    assert order.status == "committed"
    assert [(line.sku, line.quantity) for line in order.lines] == [
        ("WID-1", Decimal("5")),
        ("WID-2", Decimal("4")),
    ]
    assert order.reviewed_by is not None and order.reviewed_by.startswith("clerk-")


def test_invalid_values_are_shown_on_their_line(clerk: FlaskClient, seeded: Seeded) -> None:
    order_id = review_order_id(seeded)
    response = clerk.post(
        f"/orders/{order_id}/approve", data=approve_form(clerk, order_id, **{"quantity-2": "four"})
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "the quantity must be a number, not &#39;four&#39;" in body
    assert 'value="four"' in body  # what the clerk typed is kept
    response = clerk.post(
        f"/orders/{order_id}/approve", data=approve_form(clerk, order_id, **{"sku-2": "NOPE-1"})
    )
    assert response.status_code == 422
    assert "line 2: no product with SKU &#39;NOPE-1&#39;" in response.get_data(as_text=True)
    response = clerk.post(
        f"/orders/{order_id}/approve",
        data=approve_form(clerk, order_id, **{"quantity-1": "-3", "sku-2": "WID-2"}),
    )
    assert response.status_code == 422
    assert "line 1: the quantity must be a number more than zero" in response.get_data(as_text=True)
    assert stored(seeded, order_id).status == "review"


def test_a_stale_version_asks_to_reload(clerk: FlaskClient, seeded: Seeded) -> None:
    order_id = review_order_id(seeded)
    form = approve_form(clerk, order_id, **{"sku-2": "WID-2"})
    token = form["csrf_token"]
    held = clerk.post(f"/orders/{order_id}/hold", data={"csrf_token": token, "version": "1", "note": "asked"})
    assert held.status_code == 302
    response = clerk.post(f"/orders/{order_id}/approve", data=form)  # still version 1
    assert response.status_code == 409
    assert "Someone changed this order" in response.get_data(as_text=True)
    assert stored(seeded, order_id).status == "held"


def test_reject_needs_a_reason(clerk: FlaskClient, seeded: Seeded) -> None:
    order_id = review_order_id(seeded)
    token = csrf(page(clerk, f"/orders/{order_id}"))
    response = clerk.post(
        f"/orders/{order_id}/reject", data={"csrf_token": token, "version": "1", "reason": " "}
    )
    assert response.status_code == 422
    response = clerk.post(
        f"/orders/{order_id}/reject", data={"csrf_token": token, "version": "1", "reason": "test order"}
    )
    assert response.status_code == 302
    order = stored(seeded, order_id)
    assert order.status == "rejected" and order.review_note == "test order"


def test_product_search(clerk: FlaskClient) -> None:
    by_sku = clerk.get("/catalog/search?q=wid-2").get_json()
    assert by_sku[0]["sku"] == "WID-2" and by_sku[0]["how"] == "SKU"
    by_words = clerk.get("/catalog/search?q=widget+two").get_json()
    assert by_words[0]["sku"] == "WID-2" and by_words[0]["how"].startswith("description")
    assert clerk.get("/catalog/search?q=").get_json() == []


# --- the admin's work ---------------------------------------------------------------------------


def test_admin_changes_a_threshold_and_a_customer_and_synonyms(admin: FlaskClient, seeded: Seeded) -> None:
    rules = page(admin, "/admin/rules")
    token = csrf(rules)
    response = admin.post(
        "/admin/rules/setting",
        data={"csrf_token": token, "path": "thresholds.line", "value": "0.9", "comment": "fewer reviews"},
    )
    assert response.status_code == 302
    after = page(admin, "/admin/rules")
    assert "saved as rules version 1" in after and "fewer reviews" in after
    assert re.search(r'data-path="thresholds.line">0.9<', after)
    bad = admin.post(
        "/admin/rules/setting", data={"csrf_token": token, "path": "thresholds.nope", "value": "1"}
    )
    assert bad.status_code == 422 and "no setting" in bad.get_data(as_text=True)
    admin.post(
        "/admin/rules/customer", data={"csrf_token": token, "customer_id": "C1", "automation": "never"}
    )
    admin.post(
        "/admin/rules/synonym", data={"csrf_token": token, "abbreviation": "wdgt", "meaning": "widget"}
    )
    db = Database(seeded.url)
    try:
        version, active = active_rules(db)
    finally:
        db.dispose()
    assert version == 3
    assert active.thresholds.line == 0.9
    assert active.customers["C1"].automation == "never"
    assert active.synonyms == {"wdgt": "widget"}


def test_admin_dry_run_saves_nothing(admin: FlaskClient, seeded: Seeded) -> None:
    token = csrf(page(admin, "/admin/rules"))
    response = admin.post(
        "/admin/rules/dry-run",
        data={"csrf_token": token, "path": "thresholds.line", "value": "0.5", "days": "3650"},
    )
    assert response.status_code == 422
    response = admin.post(
        "/admin/rules/dry-run",
        data={"csrf_token": token, "path": "thresholds.line", "value": "0.5", "days": "365"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Dry run: thresholds.line = 0.5" in body and "Nothing was saved" in body
    assert "orders replayed" in body
    db = Database(seeded.url)
    try:
        assert active_rules(db)[0] == 0
    finally:
        db.dispose()


def test_admin_revokes_a_learned_cross_reference(
    admin: FlaskClient, clerk: FlaskClient, seeded: Seeded
) -> None:
    order_id = review_order_id(seeded)
    clerk.post(f"/orders/{order_id}/approve", data=approve_form(clerk, order_id, **{"sku-2": "WID-2"}))
    learned = page(admin, "/admin/learned")
    ids = re.findall(r'class="learned-item" data-id="(\d+)"', learned)
    assert len(ids) == 1 and "WID-2" in learned and ESCAPED_SCRIPT in learned
    token = csrf(learned)
    assert admin.post(f"/admin/learned/{ids[0]}/revoke", data={"csrf_token": token}).status_code == 302
    assert "Nothing learned yet" in page(admin, "/admin/learned")
    assert "revoked by" in page(admin, "/admin/learned?all=1")
    assert admin.post("/admin/learned/999999/revoke", data={"csrf_token": token}).status_code == 404


# --- the source beside the order ----------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _process(url: str, data_dir: Path, path: Path, channel: str = "file") -> str:
    from ingest.bootstrap import build_pipeline
    from ingest.domain.document import Receipt
    from ingest.services.intake import receive
    from ingest.services.masterdata import load_directory
    from ingest.services.process import process_document

    pipeline = build_pipeline(Settings(database_url=url, data_dir=data_dir))
    try:
        assert load_directory(pipeline.db, FIXTURES / "masterdata").ok
        doc = receive(
            pipeline.db,
            Receipt(
                content=path.read_bytes(),
                channel=channel,
                source="cli",
                source_ref=path.name,
                filename=path.name,
            ),
        )
        process_document(pipeline, doc.id)
        with pipeline.db.unit_of_work() as uow:
            return str(uow.orders.for_document(doc.id)[0]["order_id"])
    finally:
        pipeline.db.dispose()


def test_a_pdf_source_shows_its_pages_and_boxes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    Database(url).upgrade()
    order_id = _process(url, tmp_path, FIXTURES / "pdf/families/ruled_grid/ruled_grid_1.pdf")
    _, client = make_client(url, tmp_path)
    screen = page(client, f"/orders/{order_id}")
    assert '<svg class="page"' in screen
    assert f'href="/orders/{order_id}/pages/1.png"' in screen
    assert '<rect class="prov" data-target="line-1"' in screen
    image = client.get(f"/orders/{order_id}/pages/1.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert client.get(f"/orders/{order_id}/pages/99.png").status_code == 404


def test_an_x12_source_shows_its_segments(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    Database(url).upgrade()
    order_id = _process(url, tmp_path, FIXTURES / "documents/acme_850_4500200.x12", channel="edi")
    _, client = make_client(url, tmp_path)
    screen = page(client, f"/orders/{order_id}")
    assert '<ol class="segments" start="0">' in screen
    assert re.search(r"<li[^>]*>ISA\*", screen)
    assert re.search(r'<li data-target="[^"]*\bline-1\b[^"]*">PO1\*', screen)


@pytest.mark.postgres
def test_approve_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    # received in the past: the other tests on the shared database want the newest documents
    seeded = seed(postgres_url, tmp_path, start=datetime.now(UTC) - timedelta(days=1))
    app, client = make_client(postgres_url, tmp_path, "clerk")
    order_id = review_order_id(seeded)
    try:
        assert f'href="/orders/{order_id}"' in page(client, "/review")
        data = approve_form(client, order_id, **{"sku-2": "WID-2", "price-2": "2.95"})
        assert client.post(f"/orders/{order_id}/approve", data=data).status_code == 302
        order = stored(seeded, order_id)
        assert order.status == "committed"
        assert order.lines[1].sku == "WID-2" and order.lines[1].unit_price == Decimal("2.95")
        again = client.post(f"/orders/{order_id}/approve", data=data)
        assert again.status_code == 409  # not waiting any more
    finally:
        # what the approval taught would match other tests' lines on the shared database
        db = app.extensions["review_ui.db"]
        for item in learned_items(db, "C1"):
            if item.id is not None and item.order_id == order_id:
                revoke_learned(db, item.id, "tests")
        db.dispose()


def test_user_add_command(database_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ingest.cli import cli
    from ingest.services.users import authenticate

    env = {
        "INGEST_DATABASE_URL": database_url,
        "INGEST_DATA_DIR": str(tmp_path / "data"),
        "INGEST_REDIS_URL": "",
    }
    runner = CliRunner()
    secret = tmp_path / "pw"
    secret.write_text("long enough secret\n")
    result = runner.invoke(
        cli, ["user", "add", "gina", "--role", "admin", "--password-file", str(secret)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "user gina (admin) saved" in result.output
    prompted = runner.invoke(
        cli, ["user", "add", "hank", "--role", "clerk"], env=env, input="another secret\nanother secret\n"
    )
    assert prompted.exit_code == 0, prompted.output
    short = runner.invoke(cli, ["user", "add", "ivan", "--role", "clerk"], env=env, input="short\nshort\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    assert runner.invoke(cli, ["user", "add", "ivan", "--role", "boss"], env=env).exit_code == 2
    db = Database(database_url)
    try:
        gina = authenticate(db, "gina", "long enough secret")
        assert gina is not None and gina.role == "admin"
        assert authenticate(db, "hank", "another secret") is not None
        assert authenticate(db, "hank", "long enough secret") is None
        with db.unit_of_work() as uow:
            stored_hash = uow.users.find("hank").password_hash  # type: ignore[union-attr]
        assert "another secret" not in stored_hash and stored_hash.startswith("$argon2id$")
    finally:
        db.dispose()
    listed = runner.invoke(cli, ["user", "list"], env={**env, "COLUMNS": "200"})
    assert "gina" in listed.output and "hank" in listed.output


def test_an_email_source_shows_headers_and_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    Database(url).upgrade()
    order_id = _process(url, tmp_path, FIXTURES / "email/acme_po_csv_attachment.eml", channel="email")
    _, client = make_client(url, tmp_path)
    screen = page(client, f"/orders/{order_id}")
    assert "<dt>From</dt>" in screen and "<dt>Subject</dt>" in screen
    assert "Attachments:" in screen


# --- runner-up candidates ---------------------------------------------------------------------------


def test_a_doubtful_line_shows_its_runner_up_candidates(tmp_path: Path) -> None:
    from ingest.bootstrap import build_pipeline
    from ingest.domain.document import Receipt
    from ingest.services.intake import receive
    from ingest.services.masterdata import load_directory
    from ingest.services.process import process_document

    url = f"sqlite:///{tmp_path / 'runners.db'}"
    settings = Settings(database_url=url, data_dir=tmp_path)
    pipeline = build_pipeline(settings)
    pipeline.db.upgrade()
    md = tmp_path / "md"
    md.mkdir()
    (md / "customers.csv").write_text("customer_id,name,email_domains\nC1,Acme Hardware,acme.example\n")
    (md / "products.csv").write_text(
        "sku,description,uom\nGLV-S,Nitrile Gloves Blue Size S,BX\nGLV-M,Nitrile Gloves Blue Size M,BX\n"
        "GLV-L,Nitrile Gloves Blue Size L,BX\n"
    )
    assert load_directory(pipeline.db, md).ok
    content = b"PO Number,Customer,Description,Qty,UOM\nPO-R1,C1,nitrile gloves blue,2,BX\n"
    doc = receive(
        pipeline.db,
        Receipt(content=content, channel="file", source="t", source_ref="r.csv", filename="r.csv"),
    )
    process_document(pipeline, doc.id)
    with pipeline.db.unit_of_work() as uow:
        order_id = str(uow.orders.for_document(doc.id)[0]["order_id"])
    order = show_order(pipeline.db, order_id)
    skus = [c["sku"] for c in order.lines[0].candidates]
    assert set(skus) == {"GLV-S", "GLV-M", "GLV-L"}
    pipeline.db.dispose()

    client = make_client(url, tmp_path, "clerk")[1]
    html = page(client, f"/orders/{order_id}")
    shown = re.findall(r'class="use" data-sku="([^"]+)"', html)
    assert len(shown) == 2 and set(shown) < {"GLV-S", "GLV-M", "GLV-L"}
    assert "ambiguous" in html


# --- reprocess ----------------------------------------------------------------------------------


def test_reprocess_reads_the_document_again_with_todays_master_data(tmp_path: Path) -> None:
    from ingest.bootstrap import build_pipeline
    from ingest.domain.document import Receipt
    from ingest.errors import ConflictError
    from ingest.services.intake import receive
    from ingest.services.masterdata import load_directory
    from ingest.services.process import process_document

    url = f"sqlite:///{tmp_path / 'again.db'}"
    pipeline = build_pipeline(Settings(database_url=url, data_dir=tmp_path))
    pipeline.db.upgrade()
    md = tmp_path / "md"
    md.mkdir()
    (md / "customers.csv").write_text("customer_id,name,email_domains\nC1,Acme Hardware,acme.example\n")
    (md / "products.csv").write_text("sku,description,uom,unit_price\nA-1,Hex bolt,EA,1.25\n")
    assert load_directory(pipeline.db, md).ok
    content = b"PO Number,Customer,SKU,Qty,UOM,Unit Price\nPO-A1,C1,A-1,5,EA,1.25\nPO-A1,C1,B-2,2,EA,3.00\n"
    doc = receive(pipeline.db, Receipt(content=content, channel="file", source="t", source_ref="a.csv"))
    process_document(pipeline, doc.id)
    with pipeline.db.unit_of_work() as uow:
        order_id = str(uow.orders.for_document(doc.id)[0]["order_id"])
    pipeline.db.dispose()

    (md / "products.csv").write_text("sku,description,uom,unit_price\nB-2,Hammer,EA,3.00\n")
    assert load_directory(pipeline.db, md).ok
    client = make_client(url, tmp_path, "clerk")[1]
    screen = page(client, f"/orders/{order_id}")
    assert 'id="reprocess"' in screen
    token = csrf(screen)
    stale = client.post(f"/orders/{order_id}/reprocess", data={"csrf_token": token, "version": "7"})
    assert stale.status_code == 409
    response = client.post(f"/orders/{order_id}/reprocess", data={"csrf_token": token, "version": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith(f"/documents/{doc.id}")

    db = Database(url)
    try:
        with db.unit_of_work() as uow:
            assert uow.documents.get(doc.id).state.value == "committed"
            orders = uow.orders.for_document(doc.id)
        assert len(orders) == 1 and orders[0]["order_id"] != order_id
        with pytest.raises(ConflictError, match="committed"):
            from ingest.services.review import reprocess

            reprocess(db, str(orders[0]["order_id"]), "clerk")
    finally:
        db.dispose()


def test_an_admin_adds_and_removes_a_pattern_rule(admin: FlaskClient, seeded: Seeded) -> None:
    token = csrf(page(admin, "/admin/rules"))
    bad = admin.post(
        "/admin/rules/regex",
        data={"csrf_token": token, "name": "x", "field": "notes", "pattern": "(", "action": "review"},
    )
    assert bad.status_code == 422 and "does not compile" in bad.get_data(as_text=True)
    added = admin.post(
        "/admin/rules/regex",
        data={
            "csrf_token": token,
            "name": "rush",
            "field": "notes",
            "pattern": r"\brush\b",
            "action": "review",
        },
    )
    assert added.status_code == 302
    db = Database(seeded.url)
    try:
        _, rules = active_rules(db)
        assert [r.name for r in rules.regex_rules] == ["rush"]
        assert "rush" in page(admin, "/admin/rules")
        admin.post("/admin/rules/regex", data={"csrf_token": token, "name": "rush", "remove": "1"})
        assert active_rules(db)[1].regex_rules == ()
    finally:
        db.dispose()
