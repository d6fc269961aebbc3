"""Trading partners: which customer an EDI sender is, and whether it wants 997s and 855s."""

from __future__ import annotations

from ingest.db import Database
from ingest.db.edi import TradingPartner
from ingest.errors import ConfigError


def add_partner(
    db: Database, qualifier: str, edi_id: str, customer_id: str | None, name: str | None, send_997: bool,
    expected_version: str | None = None, actor: str = "cli", *, send_855: bool = False,
) -> TradingPartner:  # fmt: skip
    partner = TradingPartner(
        qualifier.strip(), edi_id.strip(), customer_id, name, send_997, expected_version, send_855
    )
    with db.unit_of_work(actor) as uow:
        if customer_id and uow.masterdata_view.customer(customer_id) is None:
            raise ConfigError(
                f"no customer {customer_id!r} in the master data (load it with `ingest masterdata load`)"
            )
        uow.edi.add_partner(partner)
        uow.commit()
    return partner


def list_partners(db: Database) -> list[TradingPartner]:
    with db.unit_of_work() as uow:
        return uow.edi.partners()


def remove_partner(db: Database, qualifier: str, edi_id: str, actor: str = "cli") -> None:
    with db.unit_of_work(actor) as uow:
        uow.edi.remove_partner(qualifier.strip(), edi_id.strip())
        uow.commit()


def set_partner_acknowledgments(
    db: Database,
    qualifier: str,
    edi_id: str,
    *,
    send_997: bool | None = None,
    send_855: bool | None = None,
    actor: str = "cli",
) -> TradingPartner:
    """Turn a partner's 997s or 855s on or off (None keeps the setting)."""
    with db.unit_of_work(actor) as uow:
        partner = uow.edi.set_partner_acknowledgments(
            qualifier.strip(), edi_id.strip(), send_997=send_997, send_855=send_855
        )
        uow.commit()
    return partner
