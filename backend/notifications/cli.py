"""`recyclenet notifications`: run the outbox by hand (without a worker and scheduler)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from backend.notifications import jobs


@click.group("notifications", help="Residents' notifications (the outbox).")
def notifications_group() -> None:
    pass


@notifications_group.command("run")
@with_appcontext
def run() -> None:
    """Write the pickup messages that are due, then deliver the outbox once."""
    due = datetime.now(UTC).isoformat()
    jobs.queue_pickup_messages(current_app.config, due)
    jobs.deliver_notifications(current_app.config, due)
    click.echo("done (see the log for the counts)")


COMMANDS = (notifications_group,)
