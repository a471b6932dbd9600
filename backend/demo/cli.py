"""`recyclenet seed-demo`: the demo city, the same for the same seed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.demo.seed import seed_demo_city


@click.command("seed-demo")
@click.option("--seed", default=7, show_default=True, help="Random seed: the same seed gives the same city.")
@click.option("--bins", "n_bins", default=240, show_default=True, help="Number of smart bins.")
@with_appcontext
def seed_demo(seed: int, n_bins: int) -> None:
    """Register a deterministic demo city (Hangzhou) with fleet, bins and demo accounts."""
    summary = seed_demo_city(db.session(), seed=seed, n_bins=n_bins)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


COMMANDS = (seed_demo,)
