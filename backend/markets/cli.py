"""`recyclenet markets`: close the due listings now (what the scheduler's job does)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.markets.services.trading import close_due


@click.group("markets")
def markets_group() -> None:
    """Distribution markets: listings and their close."""


@markets_group.command("close-due")
@with_appcontext
def close_due_command() -> None:
    """Award every open listing past its close to its best bid, or mark it unsold."""
    click.echo(f"{close_due(db.session())} listings closed")


COMMANDS = (markets_group,)
