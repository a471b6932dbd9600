"""`recyclenet users create`: accounts of any role (bootstraps the first admin)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from backend.accounts import services as accounts
from backend.core.auth import ROLES
from backend.core.errors import ServiceError
from backend.core.extensions import db


@click.group("users", help="User accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--center", "center_id", type=int, help="Sorting center id (operators).")
@with_appcontext
def users_create(role: str, username: str, password_stdin: bool, center_id: int | None) -> None:
    """Create a user of any role (bootstraps the first admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            db.session(),
            {"username": username, "password": password, "role": role, "sorting_center_id": center_id},
            None,  # the command line: the system, on the audit trail
        )
    except ServiceError as exc:
        raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from None
    click.echo(f"created {user.role} {user.username} (id {user.id})")


COMMANDS = (users_group,)
