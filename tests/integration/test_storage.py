"""Storage on SQLite and PostgreSQL: migrations, raw bytes first, dedupe, audit, orders."""

from __future__ import annotations

import hashlib
import random
import threading
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, select, text

from ingest.db import Database
from ingest.db.audit import history
from ingest.db.documents import states_query
from ingest.db.tables import AuditRow, Base, DocumentRow, RawBlob
from ingest.domain.document import DocumentState, Receipt, RecordedError
from ingest.domain.matching import CustomerMatch, Decision, LineMatch, OrderMatch
from ingest.domain.order import Order, OrderLine
from ingest.errors import NotFoundError, SchemaError
from ingest.queue.runners import WAIT_WINDOW
from ingest.services.intake import receive


def receipt(content: bytes = b"sku,qty\nA,1\n", ref: str = "a.csv") -> Receipt:
    return Receipt(content=content, channel="file", source="test", source_ref=ref, filename=ref)


def test_migrations_match_the_models(database_url: str) -> None:
    db = Database(database_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    db.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_schema_check_names_the_fix(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/empty.db")
    with pytest.raises(SchemaError, match="ingest db upgrade"):
        db.check()
    db.upgrade()
    db.check()
    assert db.upgrade()[0] == db.upgrade()[1]  # a second upgrade is a no-op


def test_raw_bytes_are_kept_and_repeats_are_duplicates(database_url: str) -> None:
    db = Database(database_url)
    content = b"\x00binary\xffbytes" * 100
    first = receive(db, receipt(content, "one.bin"))
    second = receive(db, receipt(content, "two.bin"))
    assert first.state is DocumentState.RECEIVED and first.sha256 == hashlib.sha256(content).hexdigest()
    assert second.state is DocumentState.DUPLICATE and second.duplicate_of == first.id
    with db.unit_of_work() as uow:
        assert uow.documents.content(first.sha256) == content
        assert uow.documents.get(second.id).source_ref == "two.bin"
        assert uow.documents.count_by_state() == {"received": 1, "duplicate": 1}
        with pytest.raises(NotFoundError):
            uow.documents.get("nope")
    db.dispose()


def test_concurrent_receipts_of_the_same_bytes_give_one_original(database_url: str) -> None:
    db = Database(database_url)
    results = []
    barrier = threading.Barrier(4)

    def go(n: int) -> None:
        barrier.wait()
        results.append(receive(db, receipt(b"same bytes", f"copy{n}")))

    threads = [threading.Thread(target=go, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    states = sorted(r.state.value for r in results)
    assert states == ["duplicate", "duplicate", "duplicate", "received"]
    db.dispose()


def test_every_state_change_is_audited(database_url: str) -> None:
    db = Database(database_url)
    doc = receive(db, receipt())
    with db.unit_of_work("clerk:ann") as uow:
        uow.documents.set_state(
            doc.id,
            DocumentState.REJECTED,
            format="csv",
            error=RecordedError(kind="sheet_unreadable", message="bad", location="row 2"),
        )
        uow.commit()
    with db.unit_of_work() as uow:
        got = uow.documents.get(doc.id)
        assert got.state is DocumentState.REJECTED and got.error and got.error.location == "row 2"
        trail = history(uow.session, "document", doc.id)
    assert [t["action"] for t in trail] == ["document.received", "document.rejected"]
    assert trail[1]["actor"] == "clerk:ann"
    assert trail[1]["before"]["state"] == "received" and trail[1]["after"]["state"] == "rejected"
    db.dispose()


def test_orders_store_decimals_exactly_and_are_unique_per_position(database_url: str) -> None:
    db = Database(database_url)
    doc = receive(db, receipt())
    order = Order(
        po_number="P1",
        lines=[OrderLine(quantity=Decimal("1.125"), unit_price=Decimal("0.0001"))],
        total_amount=Decimal("12345678901.23"),
    )
    match = OrderMatch(
        customer=CustomerMatch(customer_id="C1", confidence=1.0, reason="r"),
        lines=(LineMatch(sku="S", confidence=1.0, reason="sku"),),
    )
    decision = Decision(commit=True, line_decisions=("auto",))
    with db.unit_of_work() as uow:
        uow.orders.add(doc.id, 0, order, match, decision)
        uow.commit()
    with db.unit_of_work() as uow:
        [view] = uow.orders.for_document(doc.id)
        assert view["lines"][0]["quantity"] == "1.125" and view["lines"][0]["sku"] == "S"
        assert view["total_amount"] == "12345678901.23" and view["status"] == "committed"
        actions = list(uow.session.scalars(select(AuditRow.action)))
        assert "order.committed" in actions
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), db.unit_of_work() as uow:
        uow.orders.add(doc.id, 0, order, match, decision)
        uow.commit()
    db.dispose()


def test_waiting_for_documents_looks_up_only_those_asked_about(database_url: str) -> None:
    """`ingest process` and the bench wait for their documents by polling the states of a window
    of them several times a second, beside the workers: each poll must stay a few primary-key
    lookups, never a read of the whole documents table, however many documents it holds."""
    db = Database(database_url)
    now = datetime.now(UTC)
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(10_000)]
    rng = random.Random(7)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(10_000)]
    with db.engine.begin() as conn:
        conn.execute(
            insert(RawBlob), [{"sha256": d, "size": 1, "content": b"x", "created_at": now} for d in digests]
        )
        conn.execute(
            insert(DocumentRow),
            [
                {"id": i, "sha256": d, "dedupe_key": d, "channel": "edi", "source": "test", "source_ref": i}
                | {"received_at": now, "state": "received", "attempts": 0, "updated_at": now}
                for i, d in zip(ids, digests, strict=True)
            ],
        )
    window = ids[5_000 : 5_000 + WAIT_WINDOW]
    with db.unit_of_work() as uow:
        assert set(uow.documents.states(window).values()) == {DocumentState.RECEIVED}
    with db.engine.connect() as conn:
        sql = str(states_query(window).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE documents"))
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}")))
            assert "Seq Scan" not in plan, plan
        else:
            plan = "\n".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert plan.startswith("SEARCH documents"), plan
    db.dispose()
