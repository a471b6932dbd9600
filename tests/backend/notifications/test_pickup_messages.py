"""Messages about pickups (both databases): the reminder the day before, "on its way" a few
stops ahead on a dispatched route, "collected" with the weight; each written once however
often the job runs, only to residents with a number, and the whole chain from an agent's
booking to the gateway."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.notifications import jobs
from backend.notifications.models import Notification
from backend.notifications.services import pickups
from backend.planning.models import Plan, PlanRoute, RouteStop
from tests.backend.bookings.conftest import DAY, TZ, book

EVE = datetime.combine(DAY - timedelta(days=1), time(12), TZ)  # the day before the pickups
MORNING = datetime.combine(DAY, time(9), TZ)


def _kinds(session, kind):
    session.expire_all()
    return session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id)).all()


def test_reminders_the_day_before_once_and_only_to_residents_with_a_number(world, app, session):
    """Both residents booked for DAY: resident and resident2 have numbers, a third booking of
    the day after gets none yet; running again adds nothing."""
    first = book(world).get_json()
    second = book(world, who="resident2", hour=10).get_json()
    assert pickups.queue_reminders(session, app.config, now=EVE) == 2
    assert pickups.queue_reminders(session, app.config, now=EVE) == 0
    reminders = _kinds(session, "reminder")
    assert sorted(n.booking_id for n in reminders) == sorted([first["id"], second["id"]])
    assert all("tomorrow" in n.body for n in reminders)
    assert pickups.queue_reminders(session, app.config, now=EVE - timedelta(days=1)) == 0


def test_a_cancelled_booking_gets_no_reminder(world, app, session):
    """Only live bookings are reminded."""
    b = book(world).get_json()
    world.client.post(f"/api/v1/bookings/{b['id']}/cancel", json={}, headers=world.headers("resident"))
    assert pickups.queue_reminders(session, app.config, now=EVE) == 0


def _dispatched_route(world, session, booking_ids):
    """A dispatched plan of DAY whose route serves a bin stop, then the bookings in order."""
    plan = Plan(center_id=world.ids["center_a"], day=DAY, status="dispatched")
    start = datetime.combine(DAY, time(8), TZ)
    route = PlanRoute(
        seq=1, vehicle_id=world.ids["vehicle"], distance_km=10, empty_km=1, collected_kg=100, trips=1,
        start_at=start, end_at=start + timedelta(hours=4),
    )  # fmt: skip
    kinds = [("bin", None)] + [("booking", b) for b in booking_ids] + [("unload", None)]
    for seq, (kind, booking_id) in enumerate(kinds, start=1):
        at = start + timedelta(minutes=15 * seq)
        route.stops.append(
            RouteStop(
                seq=seq, kind=kind, booking_id=booking_id, bin_id=world.ids["bin"] if kind == "bin" else None,
                lat=30.3, lon=120.1, arrival_at=at, start_at=at, departure_at=at, leg_km=1, load_kg=10,
            )
        )  # fmt: skip
    plan.routes.append(route)
    session.add(plan)
    for booking_id in booking_ids:
        bookings.transition(session, session.get(Booking, booking_id), "scheduled", None, "planned")
    session.commit()
    return route


def test_on_its_way_once_the_truck_is_a_few_stops_away(world, app, session):
    """Nothing before the truck serves its first stop; then the bookings within
    ON_ITS_WAY_STOPS stops, once each."""
    app.config["ON_ITS_WAY_STOPS"] = 0
    ids = [book(world).get_json()["id"], book(world, who="resident2").get_json()["id"]]
    route = _dispatched_route(world, session, ids)
    assert pickups.queue_on_its_way(session, app.config, now=MORNING) == 0
    route.stops[0].status = "done"  # the bin: the truck is out
    session.commit()
    assert pickups.queue_on_its_way(session, app.config, now=MORNING) == 1
    assert [n.booking_id for n in _kinds(session, "on_its_way")] == [ids[0]]
    route.stops[1].status = "done"
    session.commit()
    assert pickups.queue_on_its_way(session, app.config, now=MORNING) == 1
    assert pickups.queue_on_its_way(session, app.config, now=MORNING) == 0
    assert [n.booking_id for n in _kinds(session, "on_its_way")] == ids


def test_collected_with_the_weight(world, app, session):
    """A collected booking gets one message naming the weight."""
    b = book(world).get_json()
    booking = session.get(Booking, b["id"])
    bookings.transition(session, booking, "scheduled", None)
    bookings.transition(session, booking, "en_route", None)
    booking.collected_kg = 11.5
    bookings.transition(session, booking, "collected", None)
    session.commit()
    assert pickups.queue_collected(session, app.config) == 1
    assert pickups.queue_collected(session, app.config) == 0
    assert "11.5 kg" in _kinds(session, "collected")[0].body


def test_from_the_job_to_the_gateway(world, app, session, gateway):
    """The periodic jobs write the reminders and deliver them through the SMS gateway, once."""
    book(world)
    jobs.queue_pickup_messages(app.config, EVE.isoformat())
    jobs.deliver_notifications(app.config, EVE.isoformat())
    jobs.deliver_notifications(app.config, (EVE + timedelta(minutes=1)).isoformat())
    assert [m["to"] for m in gateway.received] == ["+8613912345678"]
    assert _kinds(session, "reminder")[0].status == "sent"
