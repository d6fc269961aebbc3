"""The audit log: who did what to which record, when, and the values before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.db.tables import AuditRow


def record(
    session: Session,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        AuditRow(
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )


def history(session: Session, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
    """The audit records of one entity, oldest first."""
    stmt = (
        select(AuditRow)
        .where(AuditRow.entity_type == entity_type, AuditRow.entity_id == entity_id)
        .order_by(AuditRow.id)
    )
    return [
        {"at": r.at.isoformat(), "actor": r.actor, "action": r.action, "before": r.before, "after": r.after}
        for r in session.scalars(stmt)
    ]
