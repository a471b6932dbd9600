"""The fill a driver saw at a collection, fed to the bin's history: for a bin whose sensor
reports it completes a cycle the sensor reported too little of (the forecast gains a rate)
and restarts the forecast from empty; a bin with no sensor readings is left alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from backend.telemetry.models import Reading
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.forecast import forecast, rate_samples
from backend.telemetry.services.readings import DeviceDirectory, Incoming
from tests.backend.telemetry.conftest import TOPIC

DAY = datetime.combine(datetime.now(UTC).date() - timedelta(days=2), time(6), tzinfo=UTC)


def _reading(at: datetime, fill: float) -> Incoming:
    return Incoming(TOPIC, json.dumps({"ts": at.isoformat(), "fill_pct": fill}).encode(), at)


def _history(session, bin_id):
    return [
        (t.replace(tzinfo=UTC) if t.tzinfo is None else t, f)
        for t, f in telemetry.fill_history(session, bin_id, DAY - timedelta(days=1))
    ]


def test_the_fill_seen_gives_the_forecast_a_rate_and_restarts_it_from_empty(world, session):
    """Three morning readings make no rate; with the fill seen at noon the day has one, and the last point is 0."""
    bin_id = world.ids["bin"]
    telemetry.ingest_batch(
        session, [_reading(DAY + timedelta(hours=h), 20 + 5 * h) for h in range(3)], DeviceDirectory()
    )
    assert rate_samples(_history(session, bin_id)) == []
    seen_at = DAY + timedelta(hours=6)
    assert telemetry.record_fill_seen(session, bin_id, seen_at, 55.0)
    session.commit()
    history = _history(session, bin_id)
    assert history[-2:] == [(seen_at, 55.0), (seen_at + timedelta(seconds=1), 0.0)]
    samples = rate_samples(history)
    assert len(samples) == 1 and samples[0][1] > 0
    fc = forecast(history, 80)
    assert fc.last_fill == 0.0 and fc.rate_pct_per_day > 0
    # A resent event adds nothing.
    assert telemetry.record_fill_seen(session, bin_id, seen_at, 55.0)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Reading)) == 5


def test_a_bin_without_sensor_readings_gets_no_observation(world, session):
    """No reading from the bin's sensor in the forecast window: nothing stored (it stays on its round)."""
    assert not telemetry.record_fill_seen(session, world.ids["bin"], DAY, 70.0)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Reading)) == 0
