"""Ingest workers sharing the subscription, on PostgreSQL: a batch that touches a bin
another worker's batch holds waits for it, then builds on the state it committed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.telemetry.models import Alert, BinState
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.readings import DeviceDirectory
from tests.backend.telemetry.conftest import T0, msg


@pytest.fixture
def backend_name():
    return "postgresql"


def test_a_batch_waits_for_the_other_workers_batch_and_keeps_its_newer_state(world, session):
    """Worker A holds the bin (mid-batch) with a newer reading; worker B's older reading
    waits, then is stored without rolling the state back or opening a second alert."""
    telemetry.ingest_batch(session, [msg(0, fill_pct=10)], DeviceDirectory())
    bin_id = world.ids["bin"]
    worker_a = Session(session.get_bind())
    # A's batch has begun: it holds the bin's state row as ingest_batch does.
    worker_a.execute(select(BinState).where(BinState.bin_id == bin_id).with_for_update())

    def worker_b():
        b = Session(session.get_bind())
        telemetry.ingest_batch(b, [msg(20, fill_pct=30, alarms=["fire"])], DeviceDirectory())
        b.close()

    thread = threading.Thread(target=worker_b)
    thread.start()
    thread.join(1.0)
    assert thread.is_alive(), "worker B did not wait for the bin A holds"
    telemetry.ingest_batch(worker_a, [msg(40, fill_pct=60, alarms=["fire"])], DeviceDirectory())  # commits
    worker_a.close()
    thread.join(10)
    assert not thread.is_alive()
    session.expire_all()
    state = session.get(BinState, bin_id)
    assert (state.fill_pct, state.last_reading_at) == (60, T0 + timedelta(minutes=40))
    assert len(session.scalars(select(Alert).where(Alert.bin_id == bin_id, Alert.kind == "fire")).all()) == 1
