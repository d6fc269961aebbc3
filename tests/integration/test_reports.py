"""`ingest report` and the admins' dashboard against a real database (SQLite and PostgreSQL):
documents taken through the pipeline, one approved by a clerk with a correction, one failed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from review_login import csrf
from samples import CLEAN, UNKNOWN_PART
from test_review_ui import make_client

from ingest.domain.document import DocumentState, Receipt, RecordedError
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.process import process_document
from ingest.services.review import LineCorrection, approve, show_order

SCRIPT_PO = "<script>alert</script>"
ESCAPED_PO = "&lt;script&gt;alert&lt;/script&gt;"
FIRST = f"PO Number,Customer,SKU,Qty\n{SCRIPT_PO},C1,A-1,1\n".encode()
AGAIN = f"PO Number,Customer,SKU,Qty\n{SCRIPT_PO},C1,A-1,2\n".encode()  # the same PO: to review
FAILING = b"PO Number,Customer,SKU,Qty\nPO-7,C2,B-2,1\n"
CSV_FILES = {
    "volume_by_day.csv",
    "volume_by_customer.csv",
    "volume_by_channel.csv",
    "states.csv",
    "review_reasons.csv",
    "cycle_time.csv",
    "customers.csv",
}


@dataclass
class Seeded:
    pipeline: Pipeline
    approved: str  # UNKNOWN_PART, approved by a clerk with line 2 corrected
    failed: str


def put(p: Pipeline, content: bytes, name: str, channel: str, *, process: bool = True) -> str:
    doc = receive(p.db, Receipt(content=content, channel=channel, source="t", source_ref=name, filename=name))
    if process:
        process_document(p, doc.id)
    return doc.id


@pytest.fixture
def seeded(shop: Pipeline) -> Seeded:
    put(shop, CLEAN, "clean.csv", "email")
    unknown = put(shop, UNKNOWN_PART, "unknown.csv", "file")
    put(shop, FIRST, "first.csv", "file")
    put(shop, AGAIN, "again.csv", "email")
    failed = put(shop, FAILING, "failing.csv", "file", process=False)
    with shop.db.unit_of_work() as uow:
        uow.documents.count_attempt(failed)
        uow.documents.set_state(
            failed,
            DocumentState.FAILED,
            error=RecordedError(kind="internal_error", message="KeyError: 'qty'"),
        )
        [record] = uow.orders.for_document(unknown)
        uow.commit()
    order_id = str(record["order_id"])
    version = show_order(shop.db, order_id).version
    verdict = approve(
        shop.db, order_id, "ann", expected_version=version, lines={2: LineCorrection(sku="C-3")}
    )
    assert verdict.status == "committed" and verdict.corrected_lines == (2,)
    return Seeded(pipeline=shop, approved=unknown, failed=failed)


def ingest(p: Pipeline, tmp_path: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_DATABASE_URL=p.settings.database_url, INGEST_DATA_DIR=str(tmp_path / "data"), COLUMNS="200"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


# --- ingest report ------------------------------------------------------------------------------


def test_report_json_gives_the_figures(seeded: Seeded, tmp_path: Path) -> None:
    [line] = ingest(seeded.pipeline, tmp_path, "report", "--json").splitlines()
    report = json.loads(line)
    assert report["touchless"] == {"automatic": 2, "decided": 3, "rate": pytest.approx(0.6667)}
    assert report["orders"] == {"committed": 3, "review": 1}
    assert report["documents"] == {"committed": 3, "failed": 1, "review": 1}
    assert report["volume_by_channel"] == {"file": 2, "email": 2}
    assert report["volume_by_customer"] == {"C1": 4}
    assert sum(d["total"] for d in report["volume_by_day"]) == 4
    assert len(report["volume_by_day"]) in (30, 31)
    reasons = {r["reason"]: r["orders"] for r in report["review_reasons"]}
    assert reasons == {"no product matches SKU …": 1, f"PO {SCRIPT_PO} from … was already received": 1}
    cycle = report["cycle_time"]
    assert cycle["automatic"]["count"] == 2 and cycle["reviewed"]["count"] == 1
    assert cycle["automatic"]["p95_seconds"] is not None
    [customer] = report["customers"]
    assert customer == {
        "customer_id": "C1",
        "orders": 4,
        "automatic": 2,
        "automatic_share": 0.5,
        "reviewed": 1,
        "changed": 1,
        "changed_share": 1.0,
    }


def test_report_periods_and_tables(seeded: Seeded, tmp_path: Path) -> None:
    long_ago = json.loads(
        ingest(
            seeded.pipeline, tmp_path, "report", "--json", "--since", "2020-01-01", "--until", "2020-01-31"
        )
    )
    assert long_ago["orders"] == {} and long_ago["touchless"]["rate"] is None
    assert len(long_ago["volume_by_day"]) == 31
    text = ingest(seeded.pipeline, tmp_path, "report", "--days", "2")
    for title in (
        "orders by day",
        "orders by channel",
        "documents by state",
        "arrival to commit",
        "review reasons",
    ):
        assert title in text
    assert "touchless: 2 of 3 orders decided (67%)" in text
    assert "no product matches SKU …" in text


def test_report_writes_one_csv_per_figure(seeded: Seeded, tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    ingest(seeded.pipeline, tmp_path, "report", "--csv", str(folder))
    assert {p.name for p in folder.iterdir()} == CSV_FILES
    with (folder / "states.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {"kind": "document", "state": "failed", "count": "1"} in rows
    assert {"kind": "order", "state": "committed", "count": "3"} in rows
    with (folder / "review_reasons.csv").open(newline="") as f:
        assert next(csv.reader(f)) == ["reason", "orders"]
    with (folder / "customers.csv").open(newline="") as f:
        [c1] = list(csv.DictReader(f))
    assert c1["customer_id"] == "C1" and c1["changed_share"] == "1.0"
    with (folder / "cycle_time.csv").open(newline="") as f:
        assert [r["path"] for r in csv.DictReader(f)] == ["automatic", "reviewed", "all"]


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_the_figures_to_admins(seeded: Seeded, tmp_path: Path) -> None:
    _, admin = make_client(seeded.pipeline.settings.database_url, tmp_path / "data", "admin")
    response = admin.get("/admin/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 2
    assert "67%" in page  # touchless
    assert "in-process" in page  # no Redis
    assert "no product matches SKU …" in page
    assert f"PO {ESCAPED_PO} from … was already received" in page
    assert SCRIPT_PO not in page
    assert "failing.csv" in page and "KeyError" in page
    assert 'href="/admin/dashboard"' in page  # the admin's navigation
    assert admin.get("/admin/dashboard?days=abc").status_code == 200


def test_the_dashboard_is_for_admins_only(seeded: Seeded, tmp_path: Path) -> None:
    _, clerk = make_client(seeded.pipeline.settings.database_url, tmp_path / "data", "clerk")
    assert clerk.get("/admin/dashboard").status_code == 403
    token = csrf(clerk.get("/").get_data(as_text=True))
    response = clerk.post(f"/admin/dashboard/retry/{seeded.failed}", data={"csrf_token": token})
    assert response.status_code == 403
    assert "/admin/dashboard" not in clerk.get("/").get_data(as_text=True)
    with seeded.pipeline.db.unit_of_work() as uow:
        assert uow.documents.get(seeded.failed).state is DocumentState.FAILED


def test_the_retry_button_runs_a_failed_document_again(seeded: Seeded, tmp_path: Path) -> None:
    _, admin = make_client(seeded.pipeline.settings.database_url, tmp_path / "data", "admin")
    page = admin.get("/admin/dashboard").get_data(as_text=True)
    action = f"/admin/dashboard/retry/{seeded.failed}"
    assert f'action="{action}"' in page
    response = admin.post(action, data={"csrf_token": csrf(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/dashboard")
    with seeded.pipeline.db.unit_of_work() as uow:
        assert uow.documents.get(seeded.failed).state is DocumentState.COMMITTED
    after = admin.get("/admin/dashboard").get_data(as_text=True)
    assert "handed to the in-process runner again" in after and "No failed documents." in after
    assert "nothing to retry" in admin.post(
        action, data={"csrf_token": csrf(after)}, follow_redirects=True
    ).get_data(as_text=True)
    assert admin.post(action, data={}).status_code == 400  # no CSRF token
