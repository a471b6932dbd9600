"""The channels' periodic job: organisations' recurring pickups become bookings."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from backend.bookings.services import SlotPolicy
from backend.channels.services import organisations
from backend.core.extensions import db

log = logging.getLogger("recyclenet.jobs")


def generate_scheduled_pickups(config: Mapping, due: str) -> None:
    """Book each schedule's coming days (once per schedule and day) within the horizon."""
    counts = organisations.generate(db.session(), SlotPolicy.from_config(config))
    log.info("scheduled pickups (%s): %s", due, counts)
