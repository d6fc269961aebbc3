"""Acknowledgments to trading partners: written with the document's outcome, delivered after.

Delivery is retried by every `ingest run` poll until it succeeds, so an acknowledgment is never
lost between the database commit and the partner's outbound folder.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ingest.db import Database, UnitOfWork
from ingest.domain.document import StoredDocument
from ingest.errors import IngestError, NotFoundError
from ingest.logs import get_logger
from ingest.parsers.x12.ack import ControlNumbers, build_acknowledgment
from ingest.parsers.x12.model import Interchange
from ingest.services.sources import open_source

log = get_logger(__name__)


def write_acknowledgments(uow: UnitOfWork, doc: StoredDocument, interchanges: list[Interchange]) -> int:
    """Build and store the 997/TA1 for each interchange (inside the caller's transaction)."""
    deliver_to = doc.source if uow.sources.exists(doc.source) else None
    written = 0
    for ic in interchanges:
        partner = uow.edi.partner(ic.sender_qualifier, ic.sender_id)
        if partner is not None and not partner.send_997 and not ic.ack_requested:
            continue
        ours = f"{ic.receiver_qualifier.strip()}/{ic.receiver_id.strip()}"
        numbers = ControlNumbers(
            interchange=uow.edi.next_control_number(f"isa:{ours}"),
            group=uow.edi.next_control_number(f"gs:{ours}"),
        )
        ack = build_acknowledgment(ic, numbers, datetime.now(UTC))
        if ack is None:
            continue
        uow.edi.add_acknowledgment(doc.id, ack.kind, f"{numbers.interchange:09d}", ack.text, deliver_to)
        written += 1
    return written


def deliver_pending(db: Database, limit: int = 500) -> int:
    """Deliver every acknowledgment not yet in its source's outbound; returns how many went."""
    with db.unit_of_work("outbound") as uow:
        pending = uow.edi.undelivered(limit)
    delivered = 0
    for ack in pending:
        ref: str | None = None
        error: str | None = None
        try:
            with db.unit_of_work("outbound") as uow:
                kind, config = uow.sources.get(ack.source or "")
            with open_source(ack.source or "", kind, config) as source:
                ref = source.put_outbound(
                    f"{ack.kind}_{ack.control_number}.x12", ack.content.encode("latin-1")
                )
        except NotFoundError:
            error = f"source {ack.source} no longer exists"
        except (IngestError, OSError) as exc:
            error = f"delivery failed: {exc}"
        with db.unit_of_work("outbound") as uow:
            uow.edi.mark_delivered(ack.id, ref, error)
            uow.commit()
        if error:
            log.warning("acknowledgment not delivered; retried on the next poll", ack_id=ack.id, error=error)
        else:
            delivered += 1
            log.info("acknowledgment delivered", ack_id=ack.id, kind=ack.kind, to=ref)
    return delivered
