"""Slots and bookings through the API (both databases): capacity, idempotency, isolation,
lifecycle, cancel and reschedule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.bookings.models import Booking, SlotUsage
from tests.backend.bookings.conftest import DAY, TZ, book, window
from tests.support.clock import city_today


def test_slots_show_the_serving_center_and_remaining_room(world, small_slots):
    """Four windows a day at the center serving the address; a booking takes one place."""
    c, h = world.client, world.headers("resident")
    q = {"date": DAY.isoformat(), "lat": 30.31, "lon": 120.15}
    slots = c.get("/api/v1/slots", query_string=q, headers=h).get_json()
    assert [s["remaining"] for s in slots] == [2, 2, 2, 2]
    assert {s["center_id"] for s in slots} == {world.ids["center_a"]}
    assert book(world).status_code == 201
    assert [s["remaining"] for s in c.get("/api/v1/slots", query_string=q, headers=h).get_json()] == [1, 2, 2, 2]


def test_booking_defaults_to_the_residents_address_and_records_its_history(world):
    """No location given: the profile's; items are weighed in kg (pieces via the category's weight)."""
    resp = book(
        world,
        items=[{"category": "paper.cardboard", "quantity": 12}, {"category": "ewaste.refrigerator", "quantity": 1}],
    )
    assert resp.status_code == 201, resp.get_json()
    b = resp.get_json()
    assert (b["lat"], b["lon"], b["address"]) == (30.31, 120.15, "Home 1")
    assert b["status"] == "requested" and b["estimated_kg"] == 72.0
    assert [(e["from_status"], e["to_status"]) for e in b["events"]] == [(None, "requested")]
    assert b["events"][0]["actor_id"] == world.ids["user_resident"]


def test_a_full_window_is_409_and_nothing_is_written(world, small_slots, session):
    """Capacity 2: the third booking is refused and leaves no booking behind."""
    assert book(world).status_code == 201
    assert book(world, who="resident2").status_code == 201
    third = book(world)
    assert third.status_code == 409 and "window_start" in third.get_json()["errors"]["json"]
    assert session.scalar(select(SlotUsage.booked)) == 2
    assert len(session.scalars(select(Booking)).all()) == 2


@pytest.mark.parametrize(
    "body,field",
    [
        ({"items": [{"category": "moon-rock", "quantity": 1}], "window_start": window(8)}, "items"),
        ({"items": [{"category": "paper.cardboard", "quantity": 0}], "window_start": window(8)}, "items"),
        ({"items": [], "window_start": window(8)}, "items"),
        (
            {"items": [{"category": "ewaste.television", "quantity": 1, "unit": "kg"}], "window_start": window(8)},
            "items",
        ),
        ({"items": [{"category": "paper.cardboard", "quantity": 1}], "window_start": window(9)}, "window_start"),
        (
            {"items": [{"category": "paper.cardboard", "quantity": 1}], "window_start": "2026-01-01T08:00:00"},
            "window_start",
        ),
        (
            {
                "items": [{"category": "paper.cardboard", "quantity": 1}],
                "window_start": window(8, city_today() - timedelta(days=1)),
            },
            "window_start",
        ),
        (
            {
                "items": [{"category": "paper.cardboard", "quantity": 1}],
                "window_start": window(8, city_today() + timedelta(days=40)),
            },
            "window_start",
        ),
        (
            {"items": [{"category": "paper.cardboard", "quantity": 1}], "window_start": window(8), "lat": 95, "lon": 1},
            "lat",
        ),
    ],
)
def test_bad_bookings_are_422_with_the_field_and_write_nothing(world, session, body, field):
    resp = world.client.post("/api/v1/bookings", json=body, headers=world.headers("resident"))
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["errors"]["json"]
    assert session.scalars(select(Booking)).all() == [] and session.scalars(select(SlotUsage.booked)).all() in ([], [0])


def test_idempotency_key_replays_the_first_answer(world, session):
    """A retry with the same key returns the first response and books once; another body is 422."""
    first = book(world, key="abc-1")
    again = book(world, key="abc-1")
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert len(session.scalars(select(Booking)).all()) == 1
    other = book(world, key="abc-1", note="different")
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]["json"]
    assert book(world, who="resident2", key="abc-1").status_code == 201  # keys are per user


def test_residents_see_only_their_own_bookings(world):
    """Another resident's booking is 404 to read, cancel or reschedule; lists are per resident."""
    mine = book(world).get_json()["id"]
    theirs = book(world, who="resident2").get_json()["id"]
    c, h = world.client, world.headers("resident")
    assert [b["id"] for b in c.get("/api/v1/bookings", headers=h).get_json()] == [mine]
    assert c.get(f"/api/v1/bookings/{theirs}", headers=h).status_code == 404
    assert c.post(f"/api/v1/bookings/{theirs}/cancel", json={}, headers=h).status_code == 404
    assert (
        c.post(f"/api/v1/bookings/{theirs}/reschedule", json={"window_start": window(10)}, headers=h).status_code == 404
    )
    staff = c.get("/api/v1/bookings", headers=world.headers("dispatcher")).get_json()
    assert {b["id"] for b in staff} == {mine, theirs}
    assert c.post("/api/v1/bookings", json={}, headers=world.headers("dispatcher")).status_code == 403


def test_cancel_and_reschedule_move_the_slot_places(world, session, small_slots):
    """Rescheduling frees the old place and takes a new one; cancelling frees it; both are recorded."""
    c, h = world.client, world.headers("resident")
    bid = book(world).get_json()["id"]
    moved = c.post(f"/api/v1/bookings/{bid}/reschedule", json={"window_start": window(13)}, headers=h)
    assert moved.status_code == 200 and moved.get_json()["window_start"].startswith(DAY.isoformat())
    used = {u.window_start.astimezone(TZ).hour: u.booked for u in session.scalars(select(SlotUsage))}
    assert used == {8: 0, 13: 1}
    done = c.post(f"/api/v1/bookings/{bid}/cancel", json={"reason": "changed my mind"}, headers=h).get_json()
    assert done["status"] == "cancelled" and done["status_reason"] == "changed my mind"
    session.expire_all()
    assert {u.booked for u in session.scalars(select(SlotUsage))} == {0}
    assert c.post(f"/api/v1/bookings/{bid}/cancel", json={}, headers=h).status_code == 409


def test_slots_say_which_windows_can_still_be_booked(world, app, session):
    """Windows inside the booking cutoff, or beyond the booking horizon, are listed as not
    bookable (in the city's time, whatever the server's clock zone)."""
    from backend.bookings.services import SlotPolicy, list_slots

    policy = SlotPolicy.from_config(app.config)
    day = city_today() + timedelta(days=3)
    first_start = datetime.combine(day, time(8), ZoneInfo("Asia/Shanghai"))

    def bookable(now):
        return [s["bookable"] for s in list_slots(session, policy, day, 30.31, 120.15, now)]

    assert bookable(first_start - policy.cutoff - timedelta(minutes=1)) == [True, True, True, True]
    # 09:00 on the day, cutoff 2 h: the 08:00 and 10:00 windows are closed, the afternoon open.
    assert bookable((first_start + timedelta(hours=1)).astimezone(UTC)) == [False, False, True, True]
    assert bookable(first_start - timedelta(days=policy.days_ahead + 1)) == [False] * 4
    q = {"date": DAY.isoformat(), "lat": 30.31, "lon": 120.15}
    listed = world.client.get("/api/v1/slots", query_string=q, headers=world.headers("resident")).get_json()
    assert [s["bookable"] for s in listed] == [True] * 4
