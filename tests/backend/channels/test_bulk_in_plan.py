"""A recurring bulk pickup in the matching day's plan (both databases): booked by the
schedule job, then solved by the real planner (OR-Tools), it is a stop of that day's route
carrying its real weight, and the schedule's other days are not in that plan."""

from __future__ import annotations

from sqlalchemy import select

from backend.bookings.models import Booking
from backend.bookings.services import SlotPolicy
from backend.channels.services import organisations
from backend.network.models import Vehicle
from backend.network.services import catalog
from tests.backend.bookings.conftest import DAY
from tests.backend.channels.test_organisations import add_schedule, make_school
from tests.backend.planning.conftest import solved_plan


def test_a_scheduled_bulk_pickup_is_a_stop_of_its_days_plan_with_its_weight(world, app, session):
    """300 kg of cardboard every <DAY's weekday>: DAY's plan at center A serves that booking
    with an expected 300 kg, and the truck's load grows by 300 kg there."""
    truck = session.get(Vehicle, world.ids["vehicle"])  # the world's truck carries mixed paper only
    truck.categories.append(catalog.by_code(session, "paper.cardboard"))
    session.commit()
    oid = make_school(world).get_json()["id"]
    assert add_schedule(world, oid, estimated_kg=300).status_code == 201
    policy = SlotPolicy.from_config(app.config)
    assert organisations.generate(session, policy)["booked"] >= 1
    booked = session.scalars(select(Booking).where(Booking.resident_id == world.ids["user_resident2"])).all()
    on_day = [b for b in booked if b.window_start.astimezone(policy.timezone).date() == DAY]
    assert len(on_day) == 1 and on_day[0].center_id == world.ids["center_a"]
    plan = solved_plan(app, session, world, "center_a", day=DAY)
    stops = [s for r in plan.routes for s in sorted(r.stops, key=lambda s: s.seq)]
    bulk = [s for s in stops if s.booking_id is not None and s.kind == "booking"]
    assert [s.booking_id for s in bulk] == [on_day[0].id]
    stop = bulk[0]
    assert stop.expected_kg == 300
    route_stops = sorted(next(r for r in plan.routes if stop in r.stops).stops, key=lambda s: s.seq)
    before = route_stops[route_stops.index(stop) - 1]
    carried_before = 0.0 if before.kind == "unload" or route_stops.index(stop) == 0 else before.load_kg
    assert stop.load_kg - carried_before == 300
    assert {b.id for b in booked} - {on_day[0].id}, "the other matching days are booked too, for their own plans"
