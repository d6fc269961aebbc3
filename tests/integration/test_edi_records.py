"""EDI records on SQLite and PostgreSQL: control numbers, interchanges, partners, acknowledgments."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Select, insert, text

from ingest.db import Database
from ingest.db.edi import TradingPartner, undelivered_query
from ingest.db.tables import AcknowledgmentRow
from ingest.domain.document import Receipt
from ingest.errors import ConfigError, NotFoundError
from ingest.services.intake import receive


def test_control_numbers_are_never_shared_between_workers(database_url: str) -> None:
    db = Database(database_url)
    taken: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(10):
            with db.unit_of_work() as uow:
                n = uow.edi.next_control_number("isa:ZZ/US")
                uow.commit()
            with lock:
                taken.append(n)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == list(range(1, 41))
    with db.unit_of_work() as uow:
        assert uow.edi.next_control_number("gs:ZZ/US") == 1  # counters are separate
    db.dispose()


def test_interchanges_are_remembered_per_sender(database_url: str) -> None:
    db = Database(database_url)
    doc = receive(db, Receipt(content=b"ISA", channel="edi", source="t", source_ref="a")).id
    other = receive(db, Receipt(content=b"ISA2", channel="edi", source="t", source_ref="b")).id
    with db.unit_of_work() as uow:
        assert uow.edi.record_interchange("ZZ", "ACME", "000000001", doc) is None
        assert uow.edi.record_interchange("ZZ", "ACME", "000000001", doc) is None  # same document again
        assert uow.edi.record_interchange("ZZ", "OTHER", "000000001", other) is None
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.edi.record_interchange("ZZ", "ACME ", "000000001", other) == doc
    db.dispose()


def test_the_same_interchange_recorded_at_once_by_two_workers_is_new_to_one_only(database_url: str) -> None:
    db = Database(database_url)
    docs = [
        receive(db, Receipt(content=f"ISA {n}".encode(), channel="edi", source="t", source_ref=str(n))).id
        for n in range(2)
    ]
    start = threading.Barrier(2)
    seen: dict[str, str | None] = {}

    def record(doc: str) -> None:
        start.wait()
        with db.unit_of_work() as uow:
            seen[doc] = uow.edi.record_interchange("ZZ", "RACER", "000000042", doc)
            uow.commit()

    threads = [threading.Thread(target=record, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first = [d for d, earlier in seen.items() if earlier is None]
    assert len(first) == 1, seen  # one of them brought it first
    (second,) = set(docs) - set(first)
    assert seen[second] == first[0]  # the other is told which document that was
    db.dispose()


def test_partners(database_url: str) -> None:
    db = Database(database_url)
    with db.unit_of_work() as uow:
        uow.edi.add_partner(TradingPartner("ZZ", "ACMEHW", "C0001", "Acme", True))
        uow.commit()
    with db.unit_of_work() as uow:
        with pytest.raises(ConfigError):
            uow.edi.add_partner(TradingPartner("ZZ", "ACMEHW", None, None, False))
        assert uow.edi.partner("ZZ", " ACMEHW") == TradingPartner("ZZ", "ACMEHW", "C0001", "Acme", True)
        assert uow.masterdata_view.customer_for_partner("ZZ", "acmehw") == "C0001"
        uow.edi.remove_partner("ZZ", "ACMEHW")
        with pytest.raises(NotFoundError):
            uow.edi.remove_partner("ZZ", "ACMEHW")
        uow.commit()
    db.dispose()


def test_acknowledgment_delivery_bookkeeping(database_url: str) -> None:
    db = Database(database_url)
    doc = receive(db, Receipt(content=b"ISA", channel="edi", source="feed", source_ref="a")).id
    with db.unit_of_work() as uow:
        ack_id = uow.edi.add_acknowledgment(doc, "997", "000000001", "ISA*...~", "feed")
        uow.edi.add_acknowledgment(doc, "997", "000000002", "ISA*...~", None)  # nowhere to deliver
        uow.commit()
    with db.unit_of_work() as uow:
        assert [a.id for a in uow.edi.undelivered()] == [ack_id]
        uow.edi.mark_delivered(ack_id, None, error="disk full")
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.edi.undelivered()[0].delivery_error == "disk full"
        uow.edi.mark_delivered(ack_id, "/out/997_000000001.x12")
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.edi.undelivered() == []
        assert len(uow.edi.acknowledgments_for(doc)) == 2
    db.dispose()


def _plan(db: Database, stmt: Select[Any]) -> str:
    """The query plan of ``stmt``, as text (PostgreSQL's EXPLAIN or SQLite's EXPLAIN QUERY PLAN)."""
    with db.engine.connect() as conn:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE acknowledgments"))
            return "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}")))
        return "\n".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


def test_looking_for_undelivered_acknowledgments_does_not_read_them_all(database_url: str) -> None:
    """Every concluded X12 document looks for acknowledgments to deliver: that look goes through a
    partial index of the undelivered ones, not through every acknowledgment ever written (those
    delivered, and those with no source, which stay undelivered for good)."""
    db = Database(database_url)
    doc = receive(db, Receipt(content=b"ISA", channel="edi", source="feed", source_ref="a")).id
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "document_id": doc,
            "kind": "997",
            "control_number": f"{i:09d}",
            "content": "ISA*...~",
            "source": None if i % 2 else "feed",
            "created_at": now,
            "delivered_at": None if i % 2 else now,
        }
        for i in range(2000)
    ]
    with db.unit_of_work() as uow:
        uow.session.execute(insert(AcknowledgmentRow), rows)
        pending = uow.edi.add_acknowledgment(doc, "997", "999999999", "ISA*...~", "feed")
        uow.commit()
    with db.unit_of_work() as uow:
        assert [a.id for a in uow.edi.undelivered()] == [pending]
    plan = _plan(db, undelivered_query())
    assert "ix_acknowledgments_undelivered" in plan, plan
    assert "Seq Scan" not in plan and "SCAN acknowledgments\n" not in f"{plan}\n", plan
    db.dispose()
