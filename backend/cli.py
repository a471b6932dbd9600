"""The `recyclenet` command: a Flask CLI group gathering every package's commands."""

from __future__ import annotations

from flask.cli import FlaskGroup

from backend.accounts import cli as accounts_cli
from backend.app import create_app
from backend.core import cli as core_cli
from backend.demo import cli as demo_cli
from backend.drivers import cli as drivers_cli
from backend.markets import cli as markets_cli
from backend.notifications import cli as notifications_cli
from backend.planning import cli as planning_cli
from backend.reporting import cli as reporting_cli
from backend.roads import cli as roads_cli
from backend.runtime import cli as runtime_cli
from backend.runtime.queue import offer
from backend.twin import cli as twin_cli
from iot import cli as iot_cli

PACKAGES = (
    core_cli,
    accounts_cli,
    demo_cli,
    notifications_cli,
    runtime_cli,
    planning_cli,
    drivers_cli,
    markets_cli,
    reporting_cli,
    roads_cli,
    twin_cli,
    iot_cli,
)


def _create_app(*_args):
    app = create_app()
    offer(app)  # the job workers, for a command that asks for them (`twin --on-workers`)
    return app


cli = FlaskGroup(
    name="recyclenet",
    create_app=_create_app,
    add_default_commands=False,
    help="recyclenet: operations platform for a city's recycling network.",
)
for package in PACKAGES:
    for command in package.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="recyclenet")
