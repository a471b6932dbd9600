"""`recyclenet drivers thin-positions`: apply the positions' retention now."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.drivers.services.live import thin_positions


@click.group("drivers")
def drivers_group() -> None:
    """The driver in the loop: positions' retention."""


@drivers_group.command("thin-positions")
@click.option("--keep-days", type=int, help="Default: DRIVER_POSITION_RETENTION_DAYS.")
@with_appcontext
def thin_positions_command(keep_days: int | None) -> None:
    """Cut trucks' positions older than the retention to the last one of each route."""
    days = current_app.config["DRIVER_POSITION_RETENTION_DAYS"] if keep_days is None else keep_days
    click.echo(f"removed {thin_positions(db.session(), int(days))} positions older than {days} days")


COMMANDS = (drivers_group,)
