"""What we write to customers: editable message templates and each customer's confirmation choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import CustomerSettingRow, MessageTemplateRow


@dataclass(frozen=True)
class StoredTemplate:
    name: str
    subject: str
    body: str
    updated_at: datetime
    updated_by: str


class MessageRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    # --- templates ----------------------------------------------------------------------------

    def template(self, name: str) -> StoredTemplate | None:
        row = self.session.get(MessageTemplateRow, name)
        if row is None:
            return None
        return StoredTemplate(row.name, row.subject, row.body, row.updated_at, row.updated_by)

    def save_template(self, name: str, subject: str, body: str) -> None:
        row = self.session.get(MessageTemplateRow, name)
        before = {"subject": row.subject, "body": row.body} if row else None
        now = datetime.now(UTC)
        if row is None:
            self.session.add(
                MessageTemplateRow(
                    name=name, subject=subject, body=body, updated_at=now, updated_by=self.actor
                )
            )
        else:
            row.subject, row.body, row.updated_at, row.updated_by = subject, body, now, self.actor
        self.session.flush()
        record(
            self.session, self.actor, "template.saved", "message_template", name, before,
            {"subject": subject, "body": body},
        )  # fmt: skip

    def reset_template(self, name: str) -> bool:
        """Drop an administrator's version: the built-in one is used again."""
        row = self.session.get(MessageTemplateRow, name)
        if row is None:
            return False
        before = {"subject": row.subject, "body": row.body}
        self.session.delete(row)
        self.session.flush()
        record(self.session, self.actor, "template.reset", "message_template", name, before, None)
        return True

    # --- customers' choices -------------------------------------------------------------------

    def confirmations(self, customer_id: str) -> bool:
        """Whether the customer gets email confirmations (yes unless they opted out)."""
        row = self.session.get(CustomerSettingRow, customer_id)
        return True if row is None else bool(row.confirmations)

    def set_confirmations(self, customer_id: str, enabled: bool) -> None:
        row = self.session.get(CustomerSettingRow, customer_id)
        before = {"confirmations": row.confirmations} if row else None
        now = datetime.now(UTC)
        if row is None:
            self.session.add(
                CustomerSettingRow(
                    customer_id=customer_id, confirmations=enabled, updated_at=now, updated_by=self.actor
                )
            )
        else:
            row.confirmations, row.updated_at, row.updated_by = enabled, now, self.actor
        self.session.flush()
        record(
            self.session, self.actor, "customer.confirmations", "customer", customer_id, before,
            {"confirmations": enabled},
        )  # fmt: skip

    def opted_out(self) -> list[str]:
        """Customers who asked for no confirmations, by id."""
        stmt = (
            select(CustomerSettingRow.customer_id)
            .where(CustomerSettingRow.confirmations.is_(False))
            .order_by(CustomerSettingRow.customer_id)
        )
        return list(self.session.scalars(stmt))
