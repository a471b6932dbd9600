"""`recyclenet markets`: close the due listings now (what the scheduler's job does); seed the
demo city's traders."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.markets.services.demo import seed_traders
from backend.markets.services.trading import close_due


@click.group("markets")
def markets_group() -> None:
    """Distribution markets: listings and their close."""


@markets_group.command("close-due")
@with_appcontext
def close_due_command() -> None:
    """Award every open listing past its close to its best bid, or mark it unsold."""
    click.echo(f"{close_due(db.session())} listings closed")


@markets_group.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Staff for each demo market (market1 ...) and three approved buyers (buyer1 ...)."""
    click.echo(json.dumps(seed_traders(db.session()), ensure_ascii=False, indent=1))


COMMANDS = (markets_group,)
