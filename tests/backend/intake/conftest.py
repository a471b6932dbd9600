"""Fixtures for the intake tests: prices, a vehicle's tare and a collected booking at center A."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.accounts import services as accounts
from backend.bookings import services as bookings
from backend.bookings.services import SlotPolicy
from backend.network.models import Vehicle
from tests.support.clock import city_today


def collected_booking(app, session, world, items) -> int:
    """A resident's booking, driven to 'collected' through the lifecycle."""
    resident = accounts.get_user(session, world.ids["user_resident"])
    start = datetime.combine(city_today() + timedelta(days=2), time(8), ZoneInfo("Asia/Shanghai"))
    b = bookings.create_booking(
        session, SlotPolicy.from_config(app.config), resident, {"items": items, "window_start": start}
    )
    for to in ("scheduled", "en_route", "collected"):
        bookings.transition(session, b, to, world.ids["user_driver"])
    session.commit()
    return b.id


@pytest.fixture
def center(world, session, app):
    """Prices, a vehicle with its tare, and a collected booking at center A."""
    v = session.get(Vehicle, world.ids["vehicle"])
    v.tare_kg = 3000.0
    session.commit()
    c, h = world.client, world.headers("admin")
    for body in (
        {"category": "paper", "amount": 0.8, "effective_from": "2026-01-01"},
        {"category": "paper.cardboard", "amount": 1.1, "effective_from": "2026-01-01"},
        {"category": "paper.cardboard", "amount": 1.2, "effective_from": "2099-01-01"},
    ):
        assert c.post("/api/v1/prices", json=body, headers=h).status_code == 201
    world.ids["booking"] = collected_booking(
        app,
        session,
        world,
        [{"category": "paper.cardboard", "quantity": 30}, {"category": "hazardous.fluorescent_lamps", "quantity": 2}],
    )
    return world


def intake_url(world, key="center_a"):
    return f"/api/v1/sorting-centers/{world.ids[key]}/intakes"


def log(world, who="operator", **body):
    body = {"vehicle_id": world.ids["vehicle"], "lines": [{"category": "paper.cardboard", "gross_kg": 3500}], **body}
    return world.client.post(intake_url(world), json=body, headers=world.headers(who))
