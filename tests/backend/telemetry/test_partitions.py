"""Readings partitioned by month on PostgreSQL: where a reading lands, months made ahead by the
scheduler's job, retention by dropping months; SQLite keeps one plain table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from backend.telemetry.models import Reading
from backend.telemetry.services import partitions
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.partitions import Month
from backend.telemetry.services.readings import DeviceDirectory, Incoming
from backend.telemetry.services.retention import apply_retention
from tests.backend.telemetry.conftest import TOPIC

on_postgresql = pytest.mark.parametrize("backend_name", ["postgresql"])


def ingest_at(session, *instants: datetime) -> None:
    """Each reading as the ingest worker stores it, received a second after it was measured."""
    for instant in instants:
        item = Incoming(TOPIC, json.dumps({"ts": instant.isoformat(), "fill_pct": 30}).encode(), instant)
        outcome = telemetry.ingest_batch(session, [item], DeviceDirectory(), now=instant + timedelta(seconds=1))
        assert outcome.readings == 1, outcome


def where_stored(session, world, instant: datetime) -> str | None:
    return partitions.partition_of(session, world.ids["bin"], instant)


def months(session) -> list[str]:
    return [m.table for m in partitions.monthly_partitions(session)]


@on_postgresql
def test_a_reading_lands_in_its_months_partition(world, session):
    """Ingest stores a reading of this month in this month's partition, one of a month without a
    partition in the default one; making that month later moves it into the new partition."""
    now = datetime.now(UTC).replace(microsecond=0)
    old = datetime(2020, 2, 14, 9, 30, tzinfo=UTC)
    ingest_at(session, old, now - timedelta(minutes=5))
    assert where_stored(session, world, now - timedelta(minutes=5)) == f"readings_by_month.{Month.of(now).table}"
    assert where_stored(session, world, old) == "readings_by_month.readings_default"

    outcome = partitions.ensure_partitions(session, months_ahead=0, now=old)
    assert outcome == {"created": ["readings_2020_02"], "moved": 1}
    assert where_stored(session, world, old) == "readings_by_month.readings_2020_02"
    assert session.scalar(select(func.count()).select_from(Reading)) == 2


@on_postgresql
def test_the_scheduled_job_makes_the_next_months_once(app, world, session):
    """The scheduler's job creates this month and the next READINGS_PARTITIONS_AHEAD_MONTHS; run
    again (a second period, a second scheduler) it creates nothing and loses no reading."""
    from backend.telemetry import jobs

    session.execute(text("DROP TABLE readings_by_month." + Month.of(datetime.now(UTC)).plus(2).table))
    session.commit()
    this_month = Month.of(datetime.now(UTC))
    config = {**app.config, "READINGS_PARTITIONS_AHEAD_MONTHS": 5}
    jobs.create_reading_partitions(config, "2026-01-01T00:00:00+00:00")
    expected = [this_month.plus(k).table for k in range(6)]
    assert months(session)[-6:] == expected
    ingest_at(session, this_month.plus(4).start + timedelta(days=3))
    jobs.create_reading_partitions(config, "2026-01-01T06:00:00+00:00")
    assert months(session)[-6:] == expected and len(months(session)) == len(set(months(session)))
    assert partitions.ensure_partitions(session, 5) == {"created": [], "moved": 0}
    assert session.scalar(select(func.count()).select_from(Reading)) == 1


@on_postgresql
def test_retention_drops_whole_old_months(world, session):
    """Months wholly older than the hourly window are dropped as tables, readings and all; the
    month the cut falls in is kept whole, and no row of it is deleted."""
    partitions.ensure_partitions(session, months_ahead=3, now=datetime(2025, 1, 5, tzinfo=UTC))
    jan, feb, mar = (datetime(2025, m, 10, 8, tzinfo=UTC) for m in (1, 2, 3))
    ingest_at(session, jan, feb, mar, mar + timedelta(days=5))
    now = datetime(2025, 2, 20, tzinfo=UTC) + timedelta(days=40)  # hourly cut: 20 February
    outcome = apply_retention(session, keep_raw_days=30, keep_hourly_days=40, now=now)
    assert outcome["dropped_partitions"] == ["readings_2025_01"] and outcome["pruned"] == 0
    assert "readings_2025_01" not in months(session) and "readings_2025_02" in months(session)
    left = session.scalars(select(Reading.measured_at).order_by(Reading.measured_at)).all()
    assert left == [feb, mar, mar + timedelta(days=5)]
    exists = session.execute(text("SELECT to_regclass('readings_by_month.readings_2025_01')")).scalar()
    assert exists is None


@pytest.mark.parametrize("backend_name", ["sqlite"])
def test_sqlite_has_no_partitions_and_deletes_rows(world, session):
    """On SQLite the partition job does nothing and retention deletes the old rows themselves."""
    assert partitions.ensure_partitions(session, 3) == {"created": [], "moved": 0}
    jan = datetime(2025, 1, 10, 8, tzinfo=UTC)
    ingest_at(session, jan, jan + timedelta(days=60))
    outcome = apply_retention(session, keep_raw_days=1, keep_hourly_days=40, now=jan + timedelta(days=61))
    assert outcome == {"pruned": 1, "dropped_partitions": [], "thinned": 0}
    assert session.scalar(select(func.count()).select_from(Reading)) == 1
