"""`recyclenet roads build EXTRACT.osm.pbf` and `recyclenet roads status`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.core.errors import ServiceError
from backend.roads import services as roads


@click.group("roads")
def roads_group() -> None:
    """The road network every distance comes from (OpenStreetMap through OSRM)."""


@roads_group.command("build")
@click.argument("extract", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def build_command(extract: str) -> None:
    """Prepare an OpenStreetMap extract (.osm.pbf) as the instance's road network."""
    try:
        out = roads.build(extract, current_app.instance_path)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"road network ready in {out['seconds']} s: {out['folder']}")
    click.echo(f"use it: RECYCLENET_ROAD_NETWORK={out['folder']} (or ROAD_NETWORK in a settings file)")


@roads_group.command("status")
@with_appcontext
def status_command() -> None:
    """Which provider measures kilometres now."""
    try:
        out = roads.status(current_app.config)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for key, value in out.items():
        click.echo(f"{key}: {value}")


COMMANDS = (roads_group,)
