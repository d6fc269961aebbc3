"""The admin's set-up pages of the review UI: users and roles, sources with secrets masked,
trading partners, master data browsing and upload, and a change order shown as a difference."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from review_login import PASSWORD, csrf, sign_in
from test_edi_channel import FIXTURES as DOCUMENTS
from test_edi_channel import drop_and_run
from test_review_ui import make_client

from ingest.config import Settings
from ingest.db import Database
from ingest.services.deps import Pipeline
from ingest.services.mail import add_mailbox
from ingest.services.masterdata import load_directory
from ingest.services.partners import add_partner, list_partners
from ingest.services.setup_admin import masterdata_counts
from ingest.services.sources import add_edi_folder, list_sources
from ingest.services.users import list_users
from review_ui import create_app

PAGES = ("/admin/users", "/admin/sources", "/admin/partners", "/admin/masterdata")
SECRET = "s3cret-Mailbox-Passw0rd"


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    db = Database(url)
    db.upgrade()
    md = tmp_path / "md"
    md.mkdir()
    (md / "customers.csv").write_text("customer_id,name,email_domains\nC1,Acme Corp,acme.com\n")
    (md / "products.csv").write_text("sku,description,uom,unit_price\nWID-1,Widget one,EA,2.50\n")
    assert load_directory(db, md).ok
    db.dispose()
    return url


@pytest.fixture
def admin(url: str, tmp_path: Path) -> FlaskClient:
    return make_client(url, tmp_path, "admin")[1]


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict, status: int = 302, **kwargs: object) -> str:
    data = {**data, "csrf_token": csrf(page(client, "/admin/users"))}
    response = client.post(path, data=data, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def users_by_name(url: str) -> dict:
    db = Database(url)
    try:
        return {u.name: u for u in list_users(db)}
    finally:
        db.dispose()


# --- access -------------------------------------------------------------------------------------


def test_pages_render_for_an_admin_and_are_forbidden_to_a_clerk(
    url: str, admin: FlaskClient, tmp_path: Path
) -> None:
    for path in PAGES:
        assert "<h1>" in page(admin, path)
    home = page(admin, "/review")
    for path in PAGES:
        assert f'href="{path}"' in home
    clerk = make_client(url, tmp_path, "clerk")[1]
    for path in PAGES:
        page(clerk, path, 403)
    assert 'href="/admin/users"' not in page(clerk, "/review")


def test_posts_without_the_csrf_token_are_refused(admin: FlaskClient) -> None:
    for path, data in (
        (
            "/admin/users",
            {"name": "mallory", "role": "admin", "password": "x" * 12, "password_again": "x" * 12},
        ),
        ("/admin/partners", {"qualifier": "ZZ", "edi_id": "EVIL"}),
        ("/admin/masterdata", {}),
        ("/admin/sources/anything/enabled", {"enabled": "0"}),
    ):
        assert admin.post(path, data=data).status_code == 400, path


# --- users --------------------------------------------------------------------------------------


def test_an_added_user_signs_in_and_a_deactivated_one_cannot(
    url: str, admin: FlaskClient, tmp_path: Path
) -> None:
    new = {"name": "dana", "role": "clerk", "password": PASSWORD, "password_again": PASSWORD}
    assert "the two passwords differ" in post(
        admin, "/admin/users", {**new, "password_again": "other password"}, status=422
    )
    assert "at least 8 characters" in post(
        admin, "/admin/users", {**new, "password": "short", "password_again": "short"}, status=422
    )
    post(admin, "/admin/users", new)
    listing = page(admin, "/admin/users")
    assert 'data-name="dana"' in listing
    app = create_app(Settings(database_url=url, data_dir=tmp_path))
    dana = app.test_client()
    sign_in(dana, "dana")
    page(dana, "/review")
    page(dana, "/admin/users", 403)

    user_id = users_by_name(url)["dana"].id
    post(admin, f"/admin/users/{user_id}/role", {"role": "admin"})
    assert users_by_name(url)["dana"].role == "admin"
    assert page(dana, "/admin/users", 302)  # the role changed: signed out
    sign_in(dana, "dana")
    page(dana, "/admin/users")

    post(admin, f"/admin/users/{user_id}/active", {"active": "0"})
    assert users_by_name(url)["dana"].active is False
    page(dana, "/review", 302)
    assert "Wrong name or password" in sign_in(app.test_client(), "dana", expect=401)

    post(admin, f"/admin/users/{user_id}/active", {"active": "1"})
    sign_in(app.test_client(), "dana")


def test_an_admin_cannot_deactivate_themself(url: str, admin: FlaskClient) -> None:
    [me] = [u for u in users_by_name(url).values() if u.role == "admin"]
    assert "cannot deactivate yourself" in post(
        admin, f"/admin/users/{me.id}/active", {"active": "0"}, status=422
    )
    assert users_by_name(url)[me.name].active
    assert "own admin role" in post(admin, f"/admin/users/{me.id}/role", {"role": "clerk"}, status=422)
    assert users_by_name(url)[me.name].role == "admin"
    post(admin, "/admin/users/999999/active", {"active": "0"}, status=404)


def test_uploads_are_limited_in_size(url: str, tmp_path: Path) -> None:
    app = create_app(Settings(database_url=url, data_dir=tmp_path))
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024


# --- sources and partners -------------------------------------------------------------------------


def test_sources_are_listed_without_secrets_and_can_be_disabled(
    url: str, admin: FlaskClient, tmp_path: Path
) -> None:
    secret_file = tmp_path / "mailbox-password"
    secret_file.write_text(SECRET)
    inbound = tmp_path / "in"
    inbound.mkdir()
    db = Database(url)
    try:
        add_mailbox(
            db,
            "orders-mailbox",
            {"host": "imap.example", "port": 993, "username": "orders", "password_file": str(secret_file)},
            check=False,
        )
        add_edi_folder(db, "acme-edi", inbound, tmp_path / "out")
    finally:
        db.dispose()
    listing = page(admin, "/admin/sources")
    assert "orders-mailbox" in listing and "imap.example" in listing and "acme-edi" in listing
    assert SECRET not in listing and str(secret_file) not in listing
    assert "password_file" in listing  # shown as set, masked

    post(admin, "/admin/sources/acme-edi/enabled", {"enabled": "0"})
    db = Database(url)
    try:
        enabled = {s["name"]: s["enabled"] for s in list_sources(db)}
    finally:
        db.dispose()
    assert enabled == {"acme-edi": False, "orders-mailbox": True}
    post(admin, "/admin/sources/nothing-here/enabled", {"enabled": "1"}, status=404)


def test_partners_are_added_and_removed(url: str, admin: FlaskClient) -> None:
    assert "no customer &#39;NOPE&#39;" in post(
        admin, "/admin/partners", {"qualifier": "ZZ", "edi_id": "ACME", "customer_id": "NOPE"}, status=422
    )
    post(
        admin,
        "/admin/partners",
        {
            "qualifier": "ZZ",
            "edi_id": "ACME",
            "customer_id": "C1",
            "name": "Acme",
            "expected_version": "004010",
        },
    )
    db = Database(url)
    try:
        [partner] = list_partners(db)
        assert (partner.customer_id, partner.send_997, partner.expected_version) == ("C1", False, "004010")
        assert "ACME" in page(admin, "/admin/partners")
        post(admin, "/admin/partners/remove", {"qualifier": "ZZ", "edi_id": "ACME"})
        assert list_partners(db) == []
    finally:
        db.dispose()


# --- master data --------------------------------------------------------------------------------


def upload(client: FlaskClient, files: dict[str, str], status: int) -> str:
    data = {name: (io.BytesIO(text.encode()), f"{name}.csv") for name, text in files.items()}
    return post(client, "/admin/masterdata", data, status=status, content_type="multipart/form-data")


def counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        return masterdata_counts(db)
    finally:
        db.dispose()


def test_master_data_upload_loads_good_files(url: str, admin: FlaskClient) -> None:
    shown = upload(
        admin,
        {
            "customers": "customer_id,name\nC2,Blue Ridge\nC3,Cascade\n",
            "products": "sku,description,unit_price\nBOLT-1,Bolt one,0.10\n",
            "customer_items": "customer_id,customer_part_number,sku\nC2,BR-1,BOLT-1\n",
        },
        302,
    )
    shown = page(admin, "/admin/masterdata")
    assert "customers.csv (2 rows)" in shown and "customer_items.csv (1 rows)" in shown
    assert counts(url) == {"customers": 3, "products": 2, "customer_items": 1, "ship_to_locations": 0}
    assert "Blue Ridge" in page(admin, "/admin/masterdata?show=customers&q=blue")
    assert "Cascade" not in page(admin, "/admin/masterdata?show=customers&q=blue")
    assert "Bolt one" in page(admin, "/admin/masterdata?show=products&q=BOLT")


def test_a_bad_row_rejects_the_file_and_names_row_and_column(url: str, admin: FlaskClient) -> None:
    shown = upload(
        admin, {"products": "sku,description,unit_price\nOK-1,Fine,1.00\nBAD-1,Broken,lots\n"}, 422
    )
    problem = re.search(r'<tr class="problem">(.*?)</tr>', shown, re.S)
    assert problem, shown
    cells = re.findall(r"<td[^>]*>(.*?)</td>", problem.group(1))
    assert cells[:3] == ["products.csv", "3", "unit_price"]
    assert counts(url)["products"] == 1  # nothing of the file was loaded


def test_master_data_is_paged(url: str, admin: FlaskClient, tmp_path: Path) -> None:
    rows = "".join(f"P{n:03d},Part {n}\n" for n in range(120))
    upload(admin, {"products": "sku,description\n" + rows}, 302)
    first = page(admin, "/admin/masterdata?show=products")
    assert "P000" in first and "P049" in first and "P050" not in first and "page 1 of 3" in first
    third = page(admin, "/admin/masterdata?show=products&page=3")
    assert "P119" in third and "WID-1" in third  # 121 products, sorted by SKU


# --- change orders ------------------------------------------------------------------------------


def test_a_change_order_shows_the_difference(
    loaded_pipeline: Pipeline, settings: Settings, tmp_path: Path
) -> None:
    p = loaded_pipeline
    inbound, outbound = tmp_path / "in", tmp_path / "out"
    inbound.mkdir()
    add_edi_folder(p.db, "acme-edi", inbound, outbound)
    add_partner(p.db, "ZZ", "ACMEHW", "C0001", "Acme Hardware", send_997=True)
    original = drop_and_run(p, inbound, "po.x12", (DOCUMENTS / "acme_850_4500200.x12").read_bytes())
    change = drop_and_run(p, inbound, "chg.x12", (DOCUMENTS / "acme_860_4500200.x12").read_bytes())
    [order] = change["orders"]
    client = make_client(settings.database_url, tmp_path, "clerk")[1]
    shown = page(client, f"/orders/{order['order_id']}")
    assert 'id="change-difference"' in shown
    assert original["orders"][0]["order_id"] in shown
    rows = re.findall(r'<tr class="change-row">(.*?)</tr>', shown, re.S)
    assert any("20" in r and "40" in r and "quantity 20 → 40" in r for r in rows), rows
    assert any("delete" in r for r in rows), rows
    assert 'id="change-difference"' not in page(client, f"/orders/{original['orders'][0]['order_id']}")
