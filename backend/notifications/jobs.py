"""Notifications' periodic jobs (queued by `recyclenet scheduler`, run by a worker), each
called as ``job(config, due)``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from backend.core.extensions import db
from backend.notifications.services import outbox, pickups, senders

log = logging.getLogger("recyclenet.jobs")


def _moment(due: str) -> datetime:
    """The period's start the scheduler queued the job for: the job's "now" (at most one
    period behind the clock), so a run is reproducible."""
    try:
        moment = datetime.fromisoformat(due)
    except (TypeError, ValueError):
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def deliver_notifications(config: Mapping, due: str) -> None:
    """Send the outbox's due messages through the configured channel."""
    counts = outbox.deliver_due(db.session(), config, senders.from_config(config), now=_moment(due))
    log.info("notifications (%s): %s", due, counts)


def queue_pickup_messages(config: Mapping, due: str) -> None:
    """Write the day-before reminders, "on its way" and "collected" messages into the outbox."""
    session, now = db.session(), _moment(due)
    added = {
        "reminder": pickups.queue_reminders(session, config, now),
        "on_its_way": pickups.queue_on_its_way(session, config, now),
        "collected": pickups.queue_collected(session, config, now),
    }
    log.info("pickup messages (%s): %s", due, added)
