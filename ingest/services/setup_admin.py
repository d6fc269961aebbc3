"""What the admin pages of the review UI change and show besides the rules: users' roles and
whether they may sign in, whether a source is polled, its settings with secrets masked, and pages
of the master data. Every change is audited like the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.db import Database
from ingest.db.users import ROLES
from ingest.errors import ConfigError

PAGE_SIZE = 50
SECRET_WORDS = ("password", "secret", "token", "private_key", "passphrase", "credential")
MASK = "••••••"


def set_user_role(db: Database, user_id: int, role: str, actor: str) -> None:
    if role not in ROLES:
        raise ConfigError(f"a user is a {' or an '.join(ROLES)}, not {role!r}")
    with db.unit_of_work(actor) as uow:
        if uow.users.get(user_id).name == actor and role != "admin":
            raise ConfigError("you cannot take away your own admin role; another admin can")
        uow.users.set_role(user_id, role)
        uow.commit()


def set_user_active(db: Database, user_id: int, active: bool, actor: str) -> None:
    """Let a user sign in again, or stop them (their sessions end at the next request)."""
    with db.unit_of_work(actor) as uow:
        if not active and uow.users.get(user_id).name == actor:
            raise ConfigError("you cannot deactivate yourself")
        uow.users.set_active(user_id, active)
        uow.commit()


def set_source_enabled(db: Database, name: str, enabled: bool, actor: str) -> None:
    with db.unit_of_work(actor) as uow:
        uow.sources.set_enabled(name, enabled)
        uow.commit()


def is_secret(setting: str) -> bool:
    """A setting whose value is a secret or names one (a password file: shown as set, never read)."""
    lowered = setting.lower()
    return any(word in lowered for word in SECRET_WORDS) and not lowered.endswith("_env")


def masked_settings(source: dict[str, Any]) -> list[tuple[str, str]]:
    """The settings of a source from ``list_sources`` as (name, shown value), secrets masked."""
    shown = []
    for key, value in source.items():
        if key in ("name", "kind", "enabled"):
            continue
        shown.append((key, MASK if is_secret(key) and value else str(value)))
    return shown


@dataclass(frozen=True)
class MasterDataPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _page(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(page, 1), pages), pages


def browse_customers(db: Database, query: str = "", page: int = 1) -> MasterDataPage:
    """Customers whose id or name holds ``query`` (any case), ``PAGE_SIZE`` a page, by id."""
    with db.unit_of_work() as uow:
        _, total = uow.masterdata.browse_customers(query, 0, 0)
        page, pages = _page(total, page)
        customers, _ = uow.masterdata.browse_customers(query, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    shown = [
        {
            "customer_id": c.customer_id,
            "name": c.name,
            "email_domains": ", ".join(c.email_domains),
            "edi": f"{c.edi_qualifier or ''}/{c.edi_id}" if c.edi_id else "",
        }
        for c in customers
    ]
    return MasterDataPage(shown, total, page, pages)


def browse_products(db: Database, query: str = "", page: int = 1) -> MasterDataPage:
    """Products whose SKU or description holds ``query`` (any case), ``PAGE_SIZE`` a page, by SKU."""
    with db.unit_of_work() as uow:
        _, total = uow.masterdata.browse_products(query, 0, 0)
        page, pages = _page(total, page)
        products, _ = uow.masterdata.browse_products(query, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    shown = [
        {
            "sku": p.sku,
            "description": p.description,
            "uom": p.uom or "",
            "unit_price": "" if p.unit_price is None else format(p.unit_price, "f"),
            "gtin": p.upc or "",
        }
        for p in products
    ]
    return MasterDataPage(shown, total, page, pages)


def masterdata_counts(db: Database) -> dict[str, int]:
    with db.unit_of_work() as uow:
        return uow.masterdata.counts()
