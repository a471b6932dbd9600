"""Organisations' bulk collection (both databases): registered with a verified credit code,
recurring pickups booked day by day with their real weight, once, and a monthly statement
summing what the sorting center weighed, by price list and fees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.bookings.services import SlotPolicy
from backend.channels.models import ScheduledPickup
from backend.channels.services import organisations
from backend.network.models import Vehicle
from tests.backend.bookings.conftest import DAY, window
from tests.backend.channels.conftest import book_as

SCHOOL = {
    "name": "No. 2 Primary School",
    "kind": "school",
    "credit_code": "91350100M000100Y43",
    "address": "8 School Road",
    "lat": 30.30,
    "lon": 120.16,
}


def make_school(world, who="dispatcher", **extra):
    body = {**SCHOOL, "account_id": world.ids["user_resident2"], **extra}
    return world.client.post("/api/v1/organisations", json=body, headers=world.headers(who))


def add_schedule(world, org_id, who="resident2", **extra):
    body = {"weekday": DAY.weekday(), "window_start": "08:00", "category": "paper.cardboard", "estimated_kg": 300}
    return world.client.post(
        f"/api/v1/organisations/{org_id}/schedules", json={**body, **extra}, headers=world.headers(who)
    )


def test_an_organisation_needs_a_valid_credit_code_and_is_seen_by_its_account_only(world):
    """A wrong check character is 422; the account holder sees it, another resident gets 404."""
    bad = make_school(world, credit_code="91350100M000100Y44")
    assert bad.status_code == 422 and "credit_code" in bad.get_json()["errors"]["json"]
    assert make_school(world, who="resident").status_code == 403
    org = make_school(world)
    assert org.status_code == 201, org.get_json()
    oid = org.get_json()["id"]
    assert make_school(world, account_id=world.ids["user_resident"]).status_code == 409  # same code
    c = world.client
    assert c.get(f"/api/v1/organisations/{oid}", headers=world.headers("resident2")).status_code == 200
    assert c.get(f"/api/v1/organisations/{oid}", headers=world.headers("resident")).status_code == 404
    assert c.get("/api/v1/organisations", headers=world.headers("resident")).get_json() == []
    assert add_schedule(world, oid, who="resident").status_code == 404


def test_schedules_take_a_window_start_and_at_least_the_bulk_minimum(world):
    """09:00 starts no window; 10 kg is below BULK_MIN_KG; pieces are no bulk category."""
    oid = make_school(world).get_json()["id"]
    assert add_schedule(world, oid, window_start="09:00").status_code == 422
    assert add_schedule(world, oid, estimated_kg=10).status_code == 422
    assert add_schedule(world, oid, category="ewaste.television").status_code == 422
    ok = add_schedule(world, oid)
    assert ok.status_code == 201 and ok.get_json()["category"] == "paper.cardboard"


def test_each_matching_day_becomes_one_booking_with_its_real_weight(world, app, session):
    """Every <weekday> within the horizon is booked at the school, 300 kg, once however often
    the job runs."""
    oid = make_school(world).get_json()["id"]
    add_schedule(world, oid)
    policy = SlotPolicy.from_config(app.config)
    first = organisations.generate(session, policy)
    assert first["booked"] >= 1 and first["refused"] == 0
    assert organisations.generate(session, policy) == {"booked": 0, "refused": 0}
    booked = session.scalars(select(Booking).where(Booking.resident_id == world.ids["user_resident2"])).all()
    assert len(booked) == first["booked"]
    assert all(b.estimated_kg == 300 and (b.lat, b.lon) == (30.30, 120.16) for b in booked)
    days = {b.window_start.astimezone(policy.timezone).date() for b in booked}
    assert DAY in days and all(d.weekday() == DAY.weekday() for d in days)
    assert all(b.window_start.astimezone(policy.timezone).hour == 8 for b in booked)


def test_a_full_window_keeps_the_reason(world, app, session):
    """Capacity taken by a resident: that day's pickup is not booked and says why, once."""
    app.config.update(SLOT_CAPACITY=1, BOOKING_DAYS_AHEAD=(DAY - datetime.now(UTC).date()).days)
    assert book_as(world, "resident", window(8)).status_code == 201
    oid = make_school(world).get_json()["id"]
    add_schedule(world, oid)
    policy = SlotPolicy.from_config(app.config)
    assert organisations.generate(session, policy)["refused"] >= 1
    notes = session.scalars(select(ScheduledPickup.note).where(ScheduledPickup.day == DAY)).all()
    assert len(notes) == 1 and "full" in notes[0]


def test_the_monthly_statement_sums_the_weighed_pickups(world, app, session):
    """Weighed 280.5 kg of cardboard at 1.1/kg: 308.55 in the JSON and the printable page;
    another resident cannot read it."""
    c = world.client
    assert (
        c.post(
            "/api/v1/prices",
            json={"category": "paper.cardboard", "amount": 1.1, "effective_from": "2026-01-01"},
            headers=world.headers("admin"),
        ).status_code
        == 201
    )
    oid = make_school(world).get_json()["id"]
    add_schedule(world, oid)
    organisations.generate(session, SlotPolicy.from_config(app.config))
    booking = session.scalars(select(Booking).order_by(Booking.window_start)).first()
    for to in ("scheduled", "en_route", "collected"):
        bookings.transition(session, booking, to, world.ids["user_driver"])
    session.get(Vehicle, world.ids["vehicle"]).tare_kg = 3000.0
    session.commit()
    weigh = {
        "vehicle_id": world.ids["vehicle"],
        "lines": [{"category": "paper.cardboard", "gross_kg": 3300}],
        "booking_weights": [{"booking_id": booking.id, "category": "paper.cardboard", "quantity": 280.5}],
    }
    resp = c.post(
        f"/api/v1/sorting-centers/{world.ids['center_a']}/intakes", json=weigh, headers=world.headers("operator")
    )
    assert resp.status_code == 201, resp.get_json()
    month = booking.window_start.astimezone(SlotPolicy.from_config(app.config).timezone).strftime("%Y-%m")
    url = f"/api/v1/organisations/{oid}/statement"
    st = c.get(url, query_string={"month": month}, headers=world.headers("resident2")).get_json()
    assert [(line["booking_id"], line["kg"], line["value"]) for line in st["lines"]] == [(booking.id, 280.5, "308.55")]
    assert (st["total_kg"], st["total_value"], st["total_fees"], st["balance"]) == (280.5, "308.55", "0.00", "308.55")
    page = c.get(f"{url}.html", query_string={"month": month}, headers=world.headers("resident2"))
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "308.55" in page.get_data(as_text=True) and SCHOOL["name"] in page.get_data(as_text=True)
    assert c.get(url, query_string={"month": month}, headers=world.headers("resident")).status_code == 404
    other = (DAY + timedelta(days=62)).strftime("%Y-%m")
    assert c.get(url, query_string={"month": other}, headers=world.headers("dispatcher")).get_json()["lines"] == []
    assert c.get(url, query_string={"month": "2026-13"}, headers=world.headers("dispatcher")).status_code == 422
