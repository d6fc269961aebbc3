"""The templates of the mail we send customers: shown, changed and reset by an administrator,
and previewed with a sample order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest.db import Database
from ingest.errors import ConfigError
from ingest.mailout.compose import order_summary, reply_subject
from ingest.mailout.templates import (
    CONFIRMATION,
    DEFAULTS,
    PLACEHOLDERS,
    MessageTemplate,
    check_template,
    render,
)

SAMPLE_ORDER: dict[str, Any] = {
    "order_id": "0b6f4c2e-5d1a-4f7e-9a3b-2c8d7e6f5a41",
    "po_number": "4500123",
    "lines": [
        {"position": 1, "sku": "FAS-10001-ZP", "description": "Hex Cap Screw 1/4-20 x 1 Zinc",
         "quantity": Decimal(10), "uom": "BX", "unit_price": Decimal("12.37")},
        {"position": 2, "sku": "HTL-20001", "description": "Claw Hammer 16 oz",
         "quantity": Decimal(6), "uom": "EA", "unit_price": Decimal("18.70")},
    ],
    "ship_date": "2026-03-19",
}  # fmt: skip


def message_templates(db: Database) -> list[MessageTemplate]:
    """Every template as in force: an administrator's version, else the built-in one."""
    with db.unit_of_work() as uow:
        found = []
        for name, default in DEFAULTS.items():
            stored = uow.messages.template(name)
            found.append(MessageTemplate(name, stored.subject, stored.body, True) if stored else default)
        return found


def save_message_template(db: Database, name: str, subject: str, body: str, actor: str) -> None:
    """Save an administrator's version; refused (ConfigError) when a placeholder is unknown."""
    body = body.replace("\r\n", "\n")
    check_template(name, subject, body)
    with db.unit_of_work(actor) as uow:
        uow.messages.save_template(name, subject.strip(), body)
        uow.commit()


def reset_message_template(db: Database, name: str, actor: str) -> bool:
    """Go back to the built-in template; False when it was in force already."""
    if name not in DEFAULTS:
        raise ConfigError(f"no message template {name!r}; there are {', '.join(sorted(DEFAULTS))}")
    with db.unit_of_work(actor) as uow:
        done = uow.messages.reset_template(name)
        uow.commit()
    return done


def sample_values(name: str, company: str = "Northwind Industrial Supply") -> dict[str, str]:
    """The values of a sample order for a preview."""
    values = {
        "reply_subject": reply_subject("PO 4500123"),
        "original_subject": "PO 4500123",
        "customer_name": "Acme Hardware",
        "customer_id": "C0001",
        "po_number": "4500123",
        "company": company,
    }
    if name == CONFIRMATION:
        values.update(
            order_id=str(SAMPLE_ORDER["order_id"]),
            summary=order_summary(SAMPLE_ORDER),
            ship_date="2026-03-19",
            not_accepted="",
        )
    else:
        values["reasons"] = "- line 2: we found no product for your part number 77-1004"
    return values


def preview(name: str, subject: str, body: str) -> tuple[str, str]:
    """(subject, body) of a template rendered with the sample order; checks the template first."""
    check_template(name, subject, body.replace("\r\n", "\n"))
    return render(MessageTemplate(name, subject, body.replace("\r\n", "\n")), sample_values(name))


__all__ = ["PLACEHOLDERS", "message_templates", "preview", "reset_message_template", "save_message_template"]
