"""Cross-references learned from clerks: a customer's part number or description means a SKU.

The matcher looks them up with :func:`find_learned`; revoked ones are kept for the record and
never used.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import LearnedItemRow
from ingest.domain.identifiers import normalize_code
from ingest.domain.masterdata import LearnedItem, LearnedKind
from ingest.errors import ConfigError, NotFoundError
from ingest.matching.descriptions import description_key

KINDS: tuple[LearnedKind, ...] = ("part", "description")


def learned_key(kind: str, text: str) -> str:
    """The lookup key of a part number (``normalize_code``) or a description (``description_key``)."""
    if kind == "part":
        return normalize_code(text)
    if kind == "description":
        return description_key(text)
    raise ConfigError(f"a learned cross-reference is a 'part' or a 'description', not {kind!r}")


def _item(row: LearnedItemRow) -> LearnedItem:
    return LearnedItem(
        id=row.id,
        customer_id=row.customer_id,
        kind="part" if row.kind == "part" else "description",
        key=row.key,
        text=row.text,
        sku=row.sku,
        learned_by=row.learned_by,
        learned_at=row.learned_at,
        order_id=row.order_id,
        revoked_by=row.revoked_by,
        revoked_at=row.revoked_at,
    )


def _snapshot(row: LearnedItemRow) -> dict[str, Any]:
    return {
        "customer_id": row.customer_id,
        "kind": row.kind,
        "key": row.key,
        "text": row.text,
        "sku": row.sku,
        "order_id": row.order_id,
        "revoked": row.revoked_at is not None,
    }


def find_learned(session: Session, customer_id: str, kind: str, key: str) -> LearnedItem | None:
    """The cross-reference learned for this customer and key, unless it was revoked."""
    stmt = select(LearnedItemRow).where(
        LearnedItemRow.customer_id == customer_id,
        LearnedItemRow.kind == kind,
        LearnedItemRow.key == key,
        LearnedItemRow.revoked_at.is_(None),
    )
    row = session.scalars(stmt).first()
    return None if row is None else _item(row)


class LearnedRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def learn(
        self, customer_id: str, kind: str, text: str, sku: str, order_id: str | None = None
    ) -> LearnedItem:
        """Remember that this customer's ``text`` means ``sku``. Learning a key again replaces the
        SKU, the learner and the time, and takes back a revocation."""
        key = learned_key(kind, text)
        if not key:
            raise ConfigError(f"nothing to learn from {text!r}: it has no letters or digits")
        now = datetime.now(UTC)
        stmt = select(LearnedItemRow).where(
            LearnedItemRow.customer_id == customer_id, LearnedItemRow.kind == kind, LearnedItemRow.key == key
        )
        row = self.session.scalars(stmt.with_for_update()).first()
        before = None if row is None else _snapshot(row)
        values = {"text": text, "sku": sku, "order_id": order_id, "learned_by": self.actor, "learned_at": now}
        if row is None:
            row = LearnedItemRow(customer_id=customer_id, kind=kind, key=key, **values)
            try:
                with self.session.begin_nested():
                    self.session.add(row)
            except IntegrityError:  # learned at the same moment by another approval: update that one
                row = self.session.scalars(stmt.with_for_update()).one()
                before = _snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.revoked_by = row.revoked_at = None
        self.session.flush()
        record(self.session, self.actor, "learned.added", "learned_item", str(row.id), before, _snapshot(row))
        return _item(row)

    def get(self, item_id: int) -> LearnedItem:
        row = self.session.get(LearnedItemRow, item_id)
        if row is None:
            raise NotFoundError(
                f"no learned cross-reference {item_id}: `ingest learned list --all` shows them"
            )
        return _item(row)

    def list(
        self, customer_id: str | None = None, include_revoked: bool = False
    ) -> builtins.list[LearnedItem]:
        """Learned cross-references by customer, kind and key; revoked ones only when asked."""
        stmt = select(LearnedItemRow).order_by(
            LearnedItemRow.customer_id, LearnedItemRow.kind, LearnedItemRow.key
        )
        if customer_id is not None:
            stmt = stmt.where(LearnedItemRow.customer_id == customer_id)
        if not include_revoked:
            stmt = stmt.where(LearnedItemRow.revoked_at.is_(None))
        return [_item(row) for row in self.session.scalars(stmt)]

    def revoke(self, item_id: int) -> LearnedItem:
        """Stop using a learned cross-reference (kept, marked with who revoked it and when)."""
        row = self.session.get(LearnedItemRow, item_id, with_for_update=True)
        if row is None:
            raise NotFoundError(
                f"no learned cross-reference {item_id}: `ingest learned list --all` shows them"
            )
        if row.revoked_at is None:
            before = _snapshot(row)
            row.revoked_by, row.revoked_at = self.actor, datetime.now(UTC)
            self.session.flush()
            record(
                self.session,
                self.actor,
                "learned.revoked",
                "learned_item",
                str(row.id),
                before,
                _snapshot(row),
            )
        return _item(row)
