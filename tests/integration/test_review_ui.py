"""The review UI's document pages against a real database: SQLite in tmp_path, and once PostgreSQL.
Every page needs a signed-in user; the clerk's and admin's work is in test_review_clerk.py."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from review_login import add, sign_in

from ingest.bootstrap import build_pipeline
from ingest.config import Settings
from ingest.db import Database
from ingest.domain.document import DocumentState, Receipt
from ingest.services.intake import receive
from ingest.services.masterdata import load_directory
from ingest.services.process import process_document
from review_ui import create_app, views
from review_ui.content import TEXT_LIMIT_BYTES

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@dataclass
class Seeded:
    """A database with one document of each kind the pages show."""

    url: str
    tag: str
    committed: str  # CSV, every line matched
    review: str  # CSV with an unmatched line whose description is a <script>, and a <script> file name
    rejected: str  # CSV without a header: sheet_unreadable, location "file"
    binary: str  # bytes that claim to be a PDF but are not: pdf_unreadable
    duplicate: str  # the committed CSV's bytes again

    def po(self, n: int) -> str:
        return f"{self.tag}-{n}"


def seed(url: str, data_dir: Path, start: datetime = T0) -> Seeded:
    """Schema, master data, and documents taken through intake and the real pipeline.

    Contents and PO numbers carry a random tag, so that a shared database (the PostgreSQL one
    of the session) holds no earlier copy of the same bytes or POs. The documents are received
    ``start`` plus 1 to 5 minutes."""
    db = Database(url)
    db.upgrade()
    masterdata = data_dir / "masterdata"
    masterdata.mkdir()
    (masterdata / "customers.csv").write_text("customer_id,name,email_domains\nC1,Acme Corp,acme.com\n")
    (masterdata / "products.csv").write_text(
        "sku,description,uom,unit_price\nWID-1,Widget one,EA,2.50\nWID-2,Widget two,EA,3.00\n"
    )
    assert load_directory(db, masterdata).ok
    pipeline = build_pipeline(Settings(database_url=url, data_dir=data_dir))
    tag = secrets.token_hex(4).upper()
    header = "PO Number,SKU,Description,Qty,UOM,Unit Price\n"

    def put(content: bytes, filename: str, minutes: int, *, process: bool = True) -> str:
        doc = receive(
            db,
            Receipt(
                content=content,
                channel="email",
                source="orders-mailbox",
                source_ref=f"INBOX:{tag}:{minutes}",
                filename=filename,
                sender_email="buyer@acme.com",
                received_at=start + timedelta(minutes=minutes),
            ),
        )
        if process:
            process_document(pipeline, doc.id)
        return doc.id

    committed_csv = (
        header + f"{tag}-1,WID-1,Widget one,5,EA,2.50\n{tag}-1,WID-2,Widget two,2,EA,3.00\n"
    ).encode()
    seeded = Seeded(
        url=url,
        tag=tag,
        committed=put(committed_csv, f"order-{tag}.csv", 1),
        review=put(
            (header + f"{tag}-2,WID-1,Widget one,5,EA,2.50\n{tag}-2,ZZZ-9,{SCRIPT},2,EA,3.00\n").encode(),
            f"{SCRIPT}-{tag}.csv",
            2,
        ),
        rejected=put(f"hello {tag}, no order here\n".encode(), f"note-{tag}.txt", 3),
        binary=put(
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + tag.encode() + b"\x00\x01\x02 stream", f"scan-{tag}.pdf", 4
        ),
        duplicate=put(committed_csv, f"again-{tag}.csv", 5, process=False),
    )
    db.dispose()
    pipeline.db.dispose()
    return seeded


def make_client(url: str, data_dir: Path, role: str = "clerk") -> tuple[Flask, FlaskClient]:
    """The app and a client signed in as a new user with ``role``."""
    app = create_app(Settings(database_url=url, data_dir=data_dir))
    app.config["TESTING"] = True
    name = f"{role}-{secrets.token_hex(3)}"
    add(url, name, role)
    client = app.test_client()
    sign_in(client, name)
    return app, client


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    return seed(f"sqlite:///{tmp_path / 'ingest.db'}", tmp_path)


@pytest.fixture
def client(seeded: Seeded, tmp_path: Path) -> FlaskClient:
    return make_client(seeded.url, tmp_path)[1]


def html(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def listed_ids(page: str) -> list[str]:
    return re.findall(r'<tr class="document" data-id="([^"]+)">', page)


def count(page: str, key: str) -> int:
    match = re.search(rf'id="{re.escape(key)}">(\d+)<', page)
    assert match, f"no count {key}"
    return int(match.group(1))


def assert_security_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (name, headers.get(name))


# --- the overview ---------------------------------------------------------------------------------


def test_overview_counts_and_lists_documents_newest_first(client: FlaskClient, seeded: Seeded) -> None:
    page = html(client, "/")

    assert count(page, "documents-committed") == 1
    assert count(page, "documents-review") == 1
    assert count(page, "documents-rejected") == 2
    assert count(page, "documents-duplicate") == 1
    assert count(page, "documents-received") == 0
    assert count(page, "documents-all") == 5
    assert count(page, "orders-committed") == 1
    assert count(page, "orders-review") == 1
    assert count(page, "orders-rejected") == 0

    assert listed_ids(page) == [
        seeded.duplicate,
        seeded.binary,
        seeded.rejected,
        seeded.review,
        seeded.committed,
    ]
    assert "2025-03-01 09:01 UTC" in page
    assert f"order-{seeded.tag}.csv" in page
    assert seeded.po(1) in page and seeded.po(2) in page
    assert "sheet_unreadable" in page and "pdf_unreadable" in page
    assert f"INBOX:{seeded.tag}:3" in page  # source reference under the file name
    assert f'href="/documents/{seeded.review}"' in page


def test_state_filter(client: FlaskClient, seeded: Seeded) -> None:
    assert listed_ids(html(client, "/?state=review")) == [seeded.review]
    assert listed_ids(html(client, "/?state=rejected")) == [seeded.binary, seeded.rejected]
    assert listed_ids(html(client, "/?state=committed")) == [seeded.committed]
    empty = html(client, "/?state=failed")
    assert listed_ids(empty) == []
    assert "No documents in state failed" in empty
    assert len(listed_ids(html(client, "/?state="))) == 5

    bad = html(client, "/?state=bogus", status=400)
    assert "unknown state" in bad and "Traceback" not in bad


def test_pagination(client: FlaskClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    newest_first = [seeded.duplicate, seeded.binary, seeded.rejected, seeded.review, seeded.committed]

    first = html(client, "/")
    assert listed_ids(first) == newest_first[:2]
    assert "Page 1 of 3" in first
    assert 'href="/?page=2"' in first
    assert listed_ids(html(client, "/?page=2")) == newest_first[2:4]
    assert listed_ids(html(client, "/?page=3")) == newest_first[4:]
    assert listed_ids(html(client, "/?page=99")) == newest_first[4:]  # past the end: the last page
    assert listed_ids(html(client, "/?page=0")) == newest_first[:2]
    assert listed_ids(html(client, "/?page=x")) == newest_first[:2]

    rejected = html(client, "/?state=rejected&page=1")
    assert listed_ids(rejected) == [seeded.binary, seeded.rejected]
    assert "Page" not in rejected  # one page only
    assert listed_ids(html(client, "/?state=duplicate&page=2")) == [seeded.duplicate]


def test_pagination_keeps_the_filter(
    client: FlaskClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    page = html(client, "/?state=rejected")
    assert listed_ids(page) == [seeded.binary]
    assert 'href="/?state=rejected&amp;page=2"' in page
    assert listed_ids(html(client, "/?state=rejected&page=2")) == [seeded.rejected]


# --- one document ---------------------------------------------------------------------------------


def test_detail_of_an_order_in_review(client: FlaskClient, seeded: Seeded) -> None:
    page = html(client, f"/documents/{seeded.review}")

    assert seeded.review in page
    assert "orders-mailbox" in page and f"INBOX:{seeded.tag}:2" in page
    assert "buyer@acme.com" in page and "2025-03-01 09:02 UTC" in page
    assert f"PO {seeded.po(2)}" in page
    assert "C1" in page and "97%" in page and "email domain acme.com" in page
    assert "Why it needs review" in page
    assert "line 2: no product matches SKU ZZZ-9" in page
    # the lines: the matched one plain, the unmatched one highlighted
    assert "our SKU WID-1" in page
    rows = re.findall(r"<tr( class=\"low\")?>\s*<td>[^<]*</td>\s*<td class=\"mono\">([^<]*)</td>", page)
    assert [(bool(low), sku) for low, sku in rows] == [(False, "WID-1"), (True, "—")]
    assert "no product matches SKU ZZZ-9" in page
    assert '<span class="conf low">0%</span>' in page
    assert '<span class="conf">100%</span>' in page
    # the raw content is shown as text
    assert f"{seeded.po(2)},ZZZ-9," in page
    assert f'href="/documents/{seeded.review}/raw"' in page


def test_content_and_file_names_from_documents_are_escaped(client: FlaskClient, seeded: Seeded) -> None:
    for path in (f"/documents/{seeded.review}", "/", "/?state=review"):
        page = html(client, path)
        assert "<script" not in page.lower(), path
        assert ESCAPED_SCRIPT in page, path
    detail = html(client, f"/documents/{seeded.review}")
    assert f"{ESCAPED_SCRIPT}-{seeded.tag}.csv" in detail  # the file name, in the title and the metadata
    assert f"<title>{ESCAPED_SCRIPT}-{seeded.tag}.csv" in detail
    assert detail.count(ESCAPED_SCRIPT) >= 4  # title, heading, metadata, line, raw content


def test_detail_of_a_committed_document(client: FlaskClient, seeded: Seeded) -> None:
    page = html(client, f"/documents/{seeded.committed}")
    assert '<span class="badge state-committed">committed</span>' in page
    assert "Why it needs review" not in page
    assert 'class="low"' not in page
    assert "our SKU WID-1" in page and "our SKU WID-2" in page


def test_detail_of_a_rejected_document_shows_its_error(client: FlaskClient, seeded: Seeded) -> None:
    page = html(client, f"/documents/{seeded.rejected}")
    assert '<span class="error-kind">sheet_unreadable</span>' in page
    assert "no header row in the first 30 rows" in page
    assert 'Location: <span class="mono">file</span>' in page
    assert f"hello {seeded.tag}, no order here" in page
    assert "Order 1" not in page


def test_detail_of_a_duplicate_links_the_first(client: FlaskClient, seeded: Seeded) -> None:
    page = html(client, f"/documents/{seeded.duplicate}")
    assert f'href="/documents/{seeded.committed}"' in page
    assert '<span class="badge state-duplicate">duplicate</span>' in page


def test_binary_content_is_not_shown_as_text(client: FlaskClient, seeded: Seeded) -> None:
    page = html(client, f"/documents/{seeded.binary}")
    size = len(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") + len(seeded.tag) + len(b"\x00\x01\x02 stream")
    assert f"Binary, {size} bytes" in page
    assert f'href="/documents/{seeded.binary}/raw"' in page
    assert "%PDF" not in page
    assert '<pre class="content">' not in page
    assert "pdf_unreadable" in page


def test_long_and_badly_encoded_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    db = Database(url)
    db.upgrade()
    big = b"Qty;Item\n" + b"1;\xe9t\xe9 x\n" * 40_000  # Latin-1 bytes, over the limit
    doc = receive(
        db, Receipt(content=big, channel="file", source="cli", source_ref="big.csv", filename="big.csv")
    )
    _, client = make_client(url, tmp_path)

    page = html(client, f"/documents/{doc.id}")
    assert "Showing the first 200.0 KB of" in page
    shown = re.search(r'<pre class="content">(.*?)</pre>', page, re.S)
    assert shown is not None
    text = shown.group(1)
    assert "1;\ufffdt\ufffd x" in text  # decoded with replacement
    assert text.count("\n") < big.count(b"\n")
    assert len(text.encode("utf-8")) <= TEXT_LIMIT_BYTES * 2  # each bad byte becomes 3 bytes of U+FFFD

    raw = client.get(f"/documents/{doc.id}/raw")
    assert raw.data == big


# --- raw bytes ------------------------------------------------------------------------------------


def test_raw_download(client: FlaskClient, seeded: Seeded) -> None:
    response = client.get(f"/documents/{seeded.binary}/raw")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-1.4") and b"\x00\x01\x02" in response.data
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"] == f"attachment; filename=scan-{seeded.tag}.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert_security_headers(response)


def test_raw_download_name_is_made_safe(client: FlaskClient, seeded: Seeded) -> None:
    response = client.get(f"/documents/{seeded.review}/raw")
    assert response.status_code == 200
    assert f"{seeded.po(2)},ZZZ-9,{SCRIPT}".encode() in response.data
    disposition = response.headers["Content-Disposition"]
    name = disposition.removeprefix("attachment; filename=")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name), disposition
    assert name.endswith(f"-{seeded.tag}.csv")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- errors, health, headers ----------------------------------------------------------------------


def test_missing_documents_are_404_pages(client: FlaskClient) -> None:
    for path in ("/documents/no-such-id", "/documents/no-such-id/raw", "/nowhere"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "text/html"
        body = response.get_data(as_text=True)
        assert "404" in body and "not found" in body.lower() and "Traceback" not in body
        assert_security_headers(response)
    assert "no document no-such-id" in html(client, "/documents/no-such-id", status=404)


def test_only_get(client: FlaskClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert_security_headers(response)


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert_security_headers(response)


def test_healthz_when_the_database_does_not_answer(tmp_path: Path) -> None:
    unreachable = Database(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'ingest.db'}")
    app = create_app(Settings(database_url="sqlite://", data_dir=tmp_path), db=unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_pages_when_the_database_does_not_answer(tmp_path: Path) -> None:
    unreachable = Database(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'ingest.db'}")
    client = create_app(Settings(database_url="sqlite://", data_dir=tmp_path), db=unreachable).test_client()
    assert client.get("/").status_code == 302  # to the sign-in page, which needs no database
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert token is not None
    response = client.post("/login", data={"name": "x", "password": "y", "csrf_token": token.group(1)})
    assert response.status_code == 503
    assert "Database unavailable" in response.get_data(as_text=True)
    assert_security_headers(response)


def test_security_headers_on_every_response(client: FlaskClient, seeded: Seeded) -> None:
    for path in ("/", "/?state=review", f"/documents/{seeded.review}", "/static/style.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)


def test_create_app_connects_to_nothing_and_keeps_a_secret_key(tmp_path: Path) -> None:
    # nothing listens on port 1: building the app must not try
    app = create_app(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", data_dir=tmp_path))
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert app.jinja_env.autoescape is True
    given = create_app(Settings(secret_key="s3cret", data_dir=tmp_path), db=Database("sqlite://"))
    assert given.config["SECRET_KEY"] == "s3cret"


# --- PostgreSQL -----------------------------------------------------------------------------------


@pytest.mark.postgres
def test_pages_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    # received in the future: the newest documents of a database other tests may share
    seeded = seed(postgres_url, tmp_path, start=datetime.now(UTC) + timedelta(days=1))
    app, client = make_client(postgres_url, tmp_path)
    try:
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}

        overview = html(client, "/")
        ids = listed_ids(overview)
        # the session's database may hold other tests' documents; ours are there, newest first
        assert ids[:5] == [seeded.duplicate, seeded.binary, seeded.rejected, seeded.review, seeded.committed]
        assert count(overview, "documents-review") >= 1
        assert seeded.review in listed_ids(html(client, "/?state=review"))
        assert seeded.committed not in listed_ids(html(client, "/?state=review"))

        detail = html(client, f"/documents/{seeded.review}")
        assert "<script" not in detail.lower() and ESCAPED_SCRIPT in detail
        assert "line 2: no product matches SKU ZZZ-9" in detail
        assert '<span class="conf low">0%</span>' in detail
        assert "sheet_unreadable" in html(client, f"/documents/{seeded.rejected}")
        assert "Binary, " in html(client, f"/documents/{seeded.binary}")

        raw = client.get(f"/documents/{seeded.binary}/raw")
        assert raw.status_code == 200 and raw.data.startswith(b"%PDF")
        assert_security_headers(raw)
        assert client.get("/documents/00000000-0000-0000-0000-000000000000").status_code == 404
        assert listed_ids(html(client, f"/?state={DocumentState.DUPLICATE.value}"))[0] == seeded.duplicate
        assert count(overview, "documents-all") >= 5
    finally:
        app.extensions["review_ui.db"].dispose()
