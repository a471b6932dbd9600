"""Concurrency on PostgreSQL: parallel bookings never oversubscribe a slot; parallel
retries with one Idempotency-Key create one booking."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from backend.accounts import services as accounts
from backend.bookings.models import Booking, SlotUsage
from tests.backend.bookings.conftest import window


@pytest.fixture
def backend_name():
    return "postgresql"


def test_parallel_bookings_never_exceed_capacity(world, app, session):
    """24 residents book one 5-place window at once: exactly 5 get it, 19 get 409."""
    app.config["SLOT_CAPACITY"] = 5
    tokens = []
    for k in range(24):
        accounts.create_user(
            session,
            {"username": f"r{k}", "password": "long enough pw", "role": "resident", "lat": 30.31, "lon": 120.15},
            None,
        )
        tokens.append(
            world.client.post(
                "/api/v1/auth/token", json={"username": f"r{k}", "password": "long enough pw"}
            ).get_json()["access_token"]
        )
    body = {"items": [{"category": "glass", "quantity": 5}], "window_start": window(8)}

    def attempt(token):
        return (
            app.test_client()
            .post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {token}"})
            .status_code
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(attempt, tokens))
    assert sorted(codes) == [201] * 5 + [409] * 19
    session.expire_all()
    assert session.scalar(select(SlotUsage.booked)) == 5
    assert session.scalar(select(func.count()).select_from(Booking)) == 5


def test_parallel_retries_with_one_key_create_one_booking(world, app, session):
    """Ten simultaneous retries of one request: one booking, every answer the same."""
    body = {"items": [{"category": "glass", "quantity": 5}], "window_start": window(10)}
    headers = world.headers("resident", **{"Idempotency-Key": "retry-storm"})

    def attempt(_):
        r = app.test_client().post("/api/v1/bookings", json=body, headers=headers)
        return r.status_code, r.get_json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(attempt, range(10)))
    assert {code for code, _ in answers} == {201}
    assert len({b["id"] for _, b in answers}) == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Booking)) == 1
    assert session.scalar(select(SlotUsage.booked)) == 1
