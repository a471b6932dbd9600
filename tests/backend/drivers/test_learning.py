"""What the platform learns from a collected bin: the fill the driver saw joins the bin's
history (its sensor reports), once however often the phone resends the event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backend.planning.models import RouteStop
from backend.telemetry.models import Reading
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.readings import DeviceDirectory, Incoming
from tests.backend.drivers.conftest import report


def _bin_stop(session, w) -> RouteStop:
    """The world's bin added at the end of `driver`'s dispatched route (a day with a bin on it)."""
    last = session.scalars(select(RouteStop).where(RouteStop.route_id == w.ids["route"]).order_by(RouteStop.seq)).all()[
        -1
    ]
    stop = RouteStop(
        route_id=w.ids["route"],
        seq=last.seq + 1,
        kind="bin",
        bin_id=w.ids["bin"],
        lat=last.lat,
        lon=last.lon,
        arrival_at=last.departure_at,
        start_at=last.departure_at,
        departure_at=last.departure_at,
        leg_km=0.0,
        load_kg=0.0,
        expected_kg=30.0,
    )
    session.add(stop)
    session.commit()
    return stop


def test_a_collected_bins_fill_seen_joins_its_history_once(session, dispatched_day):
    """collected, fill 70: the history gets 70 at that time and 0 a second later; a resend adds nothing."""
    w = dispatched_day
    stop = _bin_stop(session, w)
    now = datetime.now(UTC).replace(microsecond=0)
    sensor = Incoming(
        "recyclenet/v1/bins/T-BIN-1/telemetry",
        json.dumps({"ts": (now - timedelta(hours=3)).isoformat(), "fill_pct": 40}).encode(),
        now,
    )
    telemetry.ingest_batch(session, [sensor], DeviceDirectory())
    seen_at = now - timedelta(minutes=5)
    event_id = "7f0c1a2e-0000-4000-8000-000000000001"
    for _ in range(2):
        resp = report(w, "driver", stop.id, "collected", event_id, seen_at, fill_pct=70)
        assert resp.status_code in (200, 201), resp.get_json()
    history = [
        (t.replace(tzinfo=UTC) if t.tzinfo is None else t, f)
        for t, f in telemetry.fill_history(session, w.ids["bin"], now - timedelta(days=1))
    ]
    assert history == [(now - timedelta(hours=3), 40.0), (seen_at, 70.0), (seen_at + timedelta(seconds=1), 0.0)]
    assert len(session.scalars(select(Reading)).all()) == 3
