"""Learned cross-references: listing them and taking one back."""

from __future__ import annotations

from ingest.db import Database
from ingest.domain.masterdata import LearnedItem


def learned_items(
    db: Database, customer_id: str | None = None, include_revoked: bool = False
) -> list[LearnedItem]:
    with db.unit_of_work() as uow:
        return uow.learned.list(customer_id, include_revoked)


def revoke_learned(db: Database, item_id: int, actor: str) -> LearnedItem:
    """Stop the matcher from using a learned cross-reference; it is kept, marked revoked."""
    with db.unit_of_work(actor) as uow:
        item = uow.learned.revoke(item_id)
        uow.commit()
        return item
