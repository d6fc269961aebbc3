"""Commands about what a customer gets from us: email confirmations on or off."""

from __future__ import annotations

import click

from ingest.cli.common import AppContext, IngestGroup, actor_option, emit_json, out, pass_app
from ingest.services.confirmations import (
    customer_confirmations,
    opted_out_customers,
    set_customer_confirmations,
)


@click.group("customer", cls=IngestGroup)
def customer_group() -> None:
    """Customers' choices: email confirmations of their emailed orders."""


@customer_group.command("confirmations")
@click.argument("customer_id", required=False)
@click.argument("choice", type=click.Choice(["on", "off"]), required=False)
@click.option("--json", "as_json", is_flag=True)
@actor_option
@pass_app
def customer_confirmations_cmd(
    app: AppContext, customer_id: str | None, choice: str | None, as_json: bool, actor: str
) -> None:
    """Turn email confirmations for CUSTOMER_ID on or off; with CUSTOMER_ID alone, show the
    setting; with nothing, list the customers who opted out."""
    db = app.pipeline().db
    if customer_id is None:
        opted_out = opted_out_customers(db)
        if as_json:
            emit_json({"opted_out": opted_out})
        else:
            out.print("customers who get no confirmations: " + (", ".join(opted_out) or "none"))
        return
    if choice is not None:
        set_customer_confirmations(db, customer_id, choice == "on", actor=actor)
    enabled = customer_confirmations(db, customer_id)
    if as_json:
        emit_json({"customer_id": customer_id, "confirmations": enabled})
    else:
        out.print(f"customer {customer_id}: email confirmations {'on' if enabled else 'off'}")
