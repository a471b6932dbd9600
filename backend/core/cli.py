"""`recyclenet db upgrade|downgrade|current`: the schema, through Alembic only."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.core import migrate


def _url() -> str:
    return current_app.config["DATABASE_URL"]


@click.group("db", help="Schema migrations (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate up to REVISION (default: head)."""
    migrate.upgrade(_url(), revision)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION (default: one step; 'base' empties the schema)."""
    migrate.downgrade(_url(), revision)


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's revision."""
    migrate.current(_url())


COMMANDS = (db_group,)
