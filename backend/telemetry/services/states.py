"""What the dispatcher's map and a bin's page show: each bin's current state, and one bin
with its state and fill forecast."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.network.models import Bin, Site
from backend.telemetry.models import BinState
from backend.telemetry.services.forecast import HISTORY, forecast
from backend.telemetry.services.readings import fill_history


def list_bin_states(session: Session) -> list[dict]:
    """Every active bin with its location and current state."""
    rows = session.execute(
        select(Bin, Site.lat, Site.lon, BinState)
        .join(Site, Bin.site_id == Site.id)
        .outerjoin(BinState, BinState.bin_id == Bin.id)
        .where(Bin.active.is_(True))
        .order_by(Bin.id)
    )
    return [
        {
            "bin_id": b.id,
            "site_id": b.site_id,
            "device_id": b.device_id,
            "category_id": b.category_id,
            "lat": lat,
            "lon": lon,
            "threshold": b.fill_threshold_pct,
            "fill_pct": st.fill_pct if st else None,
            "online": bool(st and st.online),
            "device_status": st.device_status if st else "ok",
        }
        for b, lat, lon, st in rows
    ]


def bin_detail(session: Session, b: Bin, fields: Iterable[str], now: datetime | None = None) -> dict:
    """The bin's registry ``fields`` (raw values: the response schema serializes them), its
    current state and its fill forecast."""
    since = (now or datetime.now(UTC)) - HISTORY
    fc = forecast(fill_history(session, b.id, since), b.fill_threshold_pct)
    return {**{name: getattr(b, name) for name in fields}, "state": session.get(BinState, b.id), "forecast": fc}
