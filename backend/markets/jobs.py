"""The markets' periodic job (queued by `recyclenet scheduler`, run by a worker)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from backend.core.extensions import db
from backend.markets.services.trading import close_due

log = logging.getLogger("recyclenet.jobs")


def close_due_listings(config: Mapping, due: str) -> None:
    """Award every listing past its close to its best bid (or mark it unsold); idempotent."""
    count = close_due(db.session())
    log.info("market close (%s): %d listings closed", due, count)
