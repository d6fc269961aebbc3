"""Trading partners: which customer an EDI sender is, and whether it wants 997s."""

from __future__ import annotations

from ingest.db import Database
from ingest.db.edi import TradingPartner
from ingest.errors import ConfigError


def add_partner(
    db: Database, qualifier: str, edi_id: str, customer_id: str | None, name: str | None, send_997: bool,
    expected_version: str | None = None, actor: str = "cli",
) -> TradingPartner:  # fmt: skip
    partner = TradingPartner(qualifier.strip(), edi_id.strip(), customer_id, name, send_997, expected_version)
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
