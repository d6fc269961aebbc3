"""What one document costs the database, on SQLite and PostgreSQL: the statements processing an
X12 850 sends. Each is a round trip, and with the database on another machine round trips are
most of a document's time: a change that adds some fails here and says which."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import event

from ingest.domain.document import DocumentState, Receipt
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.process import process_document

BUDGET = 24  # statements per committed X12 850 with its 997 (22 when this was written)

LINES = [("FAS-10001-ZP", "BX", "9.0545"), ("FAS-10002-SS", "BX", "25.45")]


def _x12(control: int) -> bytes:
    body = [
        f"BEG*00*SA*RT{control}**20260302",
        "CUR*BY*USD",
        "N1*BY*Acme Hardware Co*92*C0001",
        "N1*ST*Acme Hardware Co - Store 12*92*STORE12",
        "N3*1200 Industrial Pkwy",
        "N4*Portland*OR*97210*US",
    ]
    body += [f"PO1*{n}*4*{uom}*{price}**VN*{sku}" for n, (sku, uom, price) in enumerate(LINES, start=1)]
    body.append(f"CTT*{len(LINES)}")
    segments = [
        "ISA*00*          *00*          *ZZ*ACMEHW         *ZZ*NORTHWINDSUP   *260302*1015*U*00401*"
        f"{control:09d}*0*P*>",
        f"GS*PO*ACMEHW*NORTHWINDSUP*20260302*1015*{control}*X*004010",
        "ST*850*0001",
        *body,
        f"SE*{len(body) + 2}*0001",
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return ("~\n".join(segments) + "~\n").encode("ascii")


def _receive(p: Pipeline, control: int) -> str:
    receipt = Receipt(content=_x12(control), channel="edi", source="test", source_ref=f"{control}.x12")
    return receive(p.db, receipt).id


def test_an_edi_order_costs_few_statements(loaded_pipeline: Pipeline) -> None:
    p = loaded_pipeline
    assert process_document(p, _receive(p, 501)) is DocumentState.COMMITTED  # builds the indexes
    doc_id = _receive(p, 502)
    sent: Counter[str] = Counter()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent[re.sub(r"\s+", " ", statement)[:90]] += 1

    event.listen(p.db.engine, "before_cursor_execute", count)
    try:
        assert process_document(p, doc_id) is DocumentState.COMMITTED
    finally:
        event.remove(p.db.engine, "before_cursor_execute", count)
    total = sum(sent.values())
    listing = "\n".join(f"{n} x {s}" for s, n in sent.most_common())
    assert total <= BUDGET, f"{total} statements for one X12 850 (budget {BUDGET}):\n{listing}"
    # what was taken out stays out: the document is read once per transaction, with its size
    assert sum(n for s, n in sent.items() if s.startswith("SELECT documents.")) <= 2, listing
    assert not any(s.startswith("SELECT raw_blobs.size") for s in sent), listing
    assert not any("SAVEPOINT" in s for s in sent), listing
