"""Professional collection (both databases): hazardous pickups are planned only on licensed
trucks, and the resident gets a certificate of proper handover with the chain of custody."""

from __future__ import annotations

from datetime import time

from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.network.models import Vehicle
from backend.network.services import assets, catalog
from backend.planning.models import PlanRoute, RouteStop
from tests.backend.planning.conftest import book, solved_plan

LAMPS = [{"category": "hazardous.fluorescent_lamps", "quantity": 3}]


def licensed_truck(session, world) -> int:
    cats = [catalog.by_code(session, c).id for c in ("paper.mixed", "hazardous", "hazardous.fluorescent_lamps")]
    v = assets.create_vehicle(
        session,
        {
            "plate": "ZJ-HAZ-1",
            "home_center_id": world.ids["center_a"],
            "capacity_kg": 2000,
            "capacity_m3": 10,
            "shift_start": time(7),
            "shift_end": time(17),
            "hazardous_licence": True,
            "category_ids": cats,
        },
        None,
    )
    return v.id


def _vehicle_of(session, plan, booking_id):
    for route in session.query(PlanRoute).filter(PlanRoute.plan_id == plan.id):
        if any(s.booking_id == booking_id for s in session.query(RouteStop).filter(RouteStop.route_id == route.id)):
            return route.vehicle_id
    return None


def test_a_hazardous_pickup_is_planned_only_on_the_licensed_truck(app, session, world):
    """Two trucks at center A: the lamps go on the licensed one, never on the paper truck."""
    licensed = licensed_truck(session, world)
    lamps = book(app, session, world, "resident", 8, items=LAMPS)
    paper = book(app, session, world, "resident2", 8)
    plan = solved_plan(app, session, world, "center_a")
    assert _vehicle_of(session, plan, lamps) == licensed
    assert _vehicle_of(session, plan, paper) in (licensed, world.ids["vehicle"])


def test_without_a_licensed_truck_a_hazardous_pickup_is_left_out(app, session, world):
    """Only the unlicensed paper truck: the lamps are on no route (the paper pickup is)."""
    assert session.get(Vehicle, world.ids["vehicle"]).hazardous_licence is False
    lamps = book(app, session, world, "resident", 8, items=LAMPS)
    paper = book(app, session, world, "resident2", 10)
    plan = solved_plan(app, session, world, "center_a")
    assert _vehicle_of(session, plan, lamps) is None
    assert _vehicle_of(session, plan, paper) == world.ids["vehicle"]


def _weigh(world, booking_id, vehicle_id):
    body = {
        "vehicle_id": vehicle_id,
        "lines": [{"category": "hazardous.fluorescent_lamps", "gross_kg": 3003}],
        "booking_weights": [{"booking_id": booking_id, "category": "hazardous.fluorescent_lamps", "quantity": 3}],
    }
    url = f"/api/v1/sorting-centers/{world.ids['center_a']}/intakes"
    return world.client.post(url, json=body, headers=world.headers("operator"))


def test_the_resident_gets_a_certificate_of_proper_handover(app, session, world):
    """After the weigh-in: resident -> licensed truck -> center; before it 409; others 404."""
    vehicle_id = licensed_truck(session, world)
    session.get(Vehicle, vehicle_id).tare_kg = 3000.0
    lamps = book(app, session, world, "resident", 8, items=LAMPS)
    c, url = world.client, f"/api/v1/handover-certificates/{lamps}"
    assert c.get(url, headers=world.headers("resident")).status_code == 409  # not handed over yet
    booking = session.get(Booking, lamps)
    for to in ("scheduled", "en_route", "collected"):
        bookings.transition(session, booking, to, world.ids["user_driver"])
    session.commit()
    assert _weigh(world, lamps, vehicle_id).status_code == 201
    resp = c.get(url, headers=world.headers("resident"))
    assert resp.status_code == 200, resp.get_json()
    cert = resp.get_json()
    assert [(s["from_party"], s["to_party"]) for s in cert["chain"]] == [
        (f"resident {world.ids['user_resident']}", "vehicle ZJ-HAZ-1"),
        ("vehicle ZJ-HAZ-1", f"center {world.ids['center_a']}"),
    ]
    assert cert["vehicles"] == [{"plate": "ZJ-HAZ-1", "hazardous_licence": True}]
    assert c.get(url, headers=world.headers("resident2")).status_code == 404
    assert c.get(url, headers=world.headers("operator_b")).status_code == 404
    paper = book(app, session, world, "resident", 10)
    assert c.get(f"/api/v1/handover-certificates/{paper}", headers=world.headers("resident")).status_code == 409
