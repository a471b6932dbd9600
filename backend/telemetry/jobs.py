"""Telemetry's periodic jobs (run by a worker when `recyclenet scheduler` queues them).

Each is called as ``job(config, due)``: the app's settings, and the start of the period it
runs for (ISO 8601), which the scheduler queues it for once, however many schedulers run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from backend.core.extensions import db
from backend.telemetry.services.partitions import ensure_partitions
from backend.telemetry.services.readings import mark_silent_offline
from backend.telemetry.services.retention import apply_retention

log = logging.getLogger("recyclenet.jobs")


def mark_silent_bins_offline(config: Mapping, due: str) -> None:
    """Bins not heard from for OFFLINE_AFTER_S go offline, each with an alert."""
    count = mark_silent_offline(db.session(), timedelta(seconds=float(config["OFFLINE_AFTER_S"])))
    log.info("silent bins (%s): %d went offline", due, count)


def thin_old_readings(config: Mapping, due: str) -> None:
    """Readings older than READINGS_KEEP_RAW_DAYS thinned to one per bin and hour, and
    deleted after READINGS_KEEP_HOURLY_DAYS."""
    outcome = apply_retention(
        db.session(), int(config["READINGS_KEEP_RAW_DAYS"]), int(config["READINGS_KEEP_HOURLY_DAYS"])
    )
    log.info("readings retention (%s): %s", due, outcome)


def create_reading_partitions(config: Mapping, due: str) -> None:
    """This month's readings partition and the next READINGS_PARTITIONS_AHEAD_MONTHS, made
    when missing (PostgreSQL; nothing to do on SQLite)."""
    outcome = ensure_partitions(db.session(), int(config["READINGS_PARTITIONS_AHEAD_MONTHS"]))
    log.info("readings partitions (%s): %s", due, outcome)
