"""bulk.insert_rows and member_of on both databases: the array path on PostgreSQL must
behave like executemany on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.core import bulk
from backend.telemetry.models import BinState, Reading

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def reading(bin_id: int, minutes: int, fill) -> dict:
    return {
        "bin_id": bin_id,
        "measured_at": T0 + timedelta(minutes=minutes),
        "received_at": T0,
        "fill_pct": fill,
        "distance_mm": None,
        "battery_pct": None,
        "temp_c": None,
        "alarms": "",
        "seq": 2**62 + minutes,
    }


def test_insert_rows_mixes_ints_floats_and_nulls_and_skips_conflicts(world, session):
    """Whole and fractional numbers in one column, all-NULL columns, 64-bit ints; a row that
    conflicts with a stored one is skipped, the others stored."""
    b = world.ids["bin"]
    bulk.insert_rows(session, Reading.__table__, [reading(b, 0, 10), reading(b, 1, 12.5)])
    bulk.insert_rows(session, Reading.__table__, [reading(b, 1, 99.0), reading(b, 2, 14)])
    session.commit()
    got = session.execute(
        select(Reading.fill_pct, Reading.seq, Reading.distance_mm)
        .where(Reading.bin_id == b)
        .order_by(Reading.measured_at)
    ).all()
    assert got == [(10.0, 2**62, None), (12.5, 2**62 + 1, None), (14.0, 2**62 + 2, None)]


def test_insert_rows_updates_the_named_columns_on_conflict(world, session):
    """An upsert replaces the listed columns of the existing row and leaves the rest."""
    b = world.ids["bin"]
    bulk.insert_rows(
        session,
        BinState.__table__,
        [{"bin_id": b, "online": False, "device_status": "ok", "fill_pct": 5, "last_emptied_at": T0}],
    )
    bulk.insert_rows(
        session,
        BinState.__table__,
        [{"bin_id": b, "online": True, "device_status": "burning", "fill_pct": 40, "last_emptied_at": None}],
        conflict=["bin_id"],
        update=["online", "device_status", "fill_pct"],
    )
    session.commit()
    state = session.get(BinState, b)
    session.refresh(state)
    assert (state.online, state.device_status, state.fill_pct, state.last_emptied_at) == (True, "burning", 40, T0)


def test_member_of_matches_a_list_of_ids(world, session):
    """member_of selects exactly the listed keys, on an array parameter or an IN list."""
    b = world.ids["bin"]
    bulk.insert_rows(session, Reading.__table__, [reading(b, m, 1) for m in range(5)])
    session.commit()
    wanted = [T0 + timedelta(minutes=m) for m in (1, 3)]
    got = session.scalars(
        select(Reading.measured_at)
        .where(bulk.member_of(session, Reading.measured_at, wanted))
        .order_by(Reading.measured_at)
    ).all()
    assert got == wanted


def test_naive_datetimes_are_refused(world, session):
    """A naive time would be read in the server's zone on PostgreSQL: refused on both paths."""
    row = reading(world.ids["bin"], 0, 1) | {"measured_at": datetime(2026, 1, 5, 8, 0)}
    with pytest.raises(Exception, match="naive"):
        bulk.insert_rows(session, Reading.__table__, [row])
    session.rollback()
