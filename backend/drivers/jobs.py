"""The drivers' periodic job (run by a worker when `recyclenet scheduler` queues it)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from backend.core.extensions import db
from backend.drivers.services.live import thin_positions

log = logging.getLogger("recyclenet.jobs")


def thin_old_positions(config: Mapping, due: str) -> None:
    """Trucks' positions older than DRIVER_POSITION_RETENTION_DAYS cut to the last of each route."""
    removed = thin_positions(db.session(), int(config["DRIVER_POSITION_RETENTION_DAYS"]))
    log.info("positions retention (%s): %d removed", due, removed)
