"""The `recyclenet` command: a Flask CLI group (db, users, seed-demo, serve ...)."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from backend import migrate


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


@click.group("users", help="User accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--role", required=True, type=click.Choice(["resident", "driver", "dispatcher", "operator", "admin"]))
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--center", "center_id", type=int, help="Sorting center id (operators).")
@with_appcontext
def users_create(role: str, username: str, password_stdin: bool, center_id: int | None) -> None:
    """Create a user of any role (bootstraps the first admin)."""
    from backend.extensions import db
    from backend.services import accounts
    from backend.services.errors import ServiceError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            db.session(),
            {"username": username, "password": password, "role": role, "sorting_center_id": center_id},
        )
    except ServiceError as exc:
        raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from None
    click.echo(f"created {user.role} {user.username} (id {user.id})")


@click.command("seed-demo")
@click.option("--seed", default=7, show_default=True, help="Random seed: the same seed gives the same city.")
@click.option("--bins", "n_bins", default=240, show_default=True, help="Number of smart bins.")
@with_appcontext
def seed_demo(seed: int, n_bins: int) -> None:
    """Register a deterministic demo city (Hangzhou) with fleet, bins and demo accounts."""
    from backend.extensions import db
    from backend.services.seed import seed_demo_city

    summary = seed_demo_city(db.session(), seed=seed, n_bins=n_bins)
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", default=8, show_default=True)
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Serve the API and its docs (a threaded server for a demo or a small city)."""
    from werkzeug.serving import run_simple

    click.echo(f"recyclenet on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    run_simple(host, port, current_app._get_current_object(), threaded=threads > 1, use_reloader=False)


def register_cli(app) -> None:
    from backend.demo import demo
    from backend.plan_cli import audit_command, plan_command, twin_command
    from iot.cli import COMMANDS

    for cmd in (db_group, users_group, seed_demo, serve, demo, plan_command, audit_command, twin_command, *COMMANDS):
        app.cli.add_command(cmd)


def _create_app(*_args):
    from backend import create_app

    return create_app()


cli = FlaskGroup(name="recyclenet", create_app=_create_app, add_default_commands=False,
                 help="recyclenet: operations platform for a city's recycling network.")


def main() -> None:
    cli(prog_name="recyclenet")
