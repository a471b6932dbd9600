"""Helpers for the bookings tests: windows on a day open for booking, a booking by API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.clock import city_today

TZ = ZoneInfo("Asia/Shanghai")
DAY = city_today() + timedelta(days=2)


def window(hour: int, day: date = DAY) -> str:
    return datetime.combine(day, time(hour), TZ).isoformat()


def book(world, who="resident", hour=8, key=None, **extra):
    body = {"items": [{"category": "paper.cardboard", "quantity": 12}], "window_start": window(hour), **extra}
    headers = world.headers(who, **({"Idempotency-Key": key} if key else {}))
    return world.client.post("/api/v1/bookings", json=body, headers=headers)


@pytest.fixture
def small_slots(app):
    app.config["SLOT_CAPACITY"] = 2
