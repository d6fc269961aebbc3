"""`ingest user`: the people who sign in to the review UI."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ingest.cli.common import AppContext, IngestGroup, actor_option, out, pass_app
from ingest.db.users import ROLES
from ingest.errors import ConfigError
from ingest.services.users import add_user, list_users


@click.group("user", cls=IngestGroup)
def user_group() -> None:
    """Users of the review UI: clerks review orders; admins also change rules and learned items."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="clerk or admin.")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the password from the first line of this file instead of a prompt.",
)
@actor_option
@pass_app
def user_add(app: AppContext, name: str, role: str, password_file: Path | None, actor: str) -> None:
    """Add a user (or reset an existing one's role and password)."""
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {password_file}: {exc}") from exc
        password = lines[0] if lines else ""
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = add_user(app.pipeline().db, name, role, password, actor)
    out.print(f"user {user.name} ({user.role}) saved", markup=False)


@user_group.command("list")
@pass_app
def user_list(app: AppContext) -> None:
    """The users and their roles."""
    table = Table("name", "role", "active", "created")
    for user in list_users(app.pipeline().db):
        table.add_row(user.name, user.role, "yes" if user.active else "no", user.created_at.isoformat())
    out.print(table)
