"""`recyclenet seed-demo`: the demo city, the same for the same seed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from backend.core.extensions import db
from backend.demo.cities import CITIES
from backend.demo.seed import seed_demo_city


@click.command("seed-demo")
@click.option("--seed", default=7, show_default=True, help="Random seed: the same seed gives the same city.")
@click.option("--bins", "n_bins", default=240, show_default=True, help="Number of smart bins.")
@click.option(
    "--city",
    type=click.Choice(sorted(CITIES)),
    default="hangzhou",
    show_default=True,
    help="hangzhou: three centers, great-circle distances; helsinki: one center on the real streets of data/.",
)
@with_appcontext
def seed_demo(seed: int, n_bins: int, city: str) -> None:
    """Register a deterministic demo city (Hangzhou or Helsinki) with fleet, bins and demo accounts."""
    summary = seed_demo_city(db.session(), seed=seed, n_bins=n_bins, city=city)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


COMMANDS = (seed_demo,)
