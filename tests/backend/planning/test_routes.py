"""The day's routes as a crew works them: each stop with its window, what to collect and where,
and no stop of anyone else's route."""

from __future__ import annotations

from datetime import UTC, datetime, time

from backend.network.services import assets
from backend.planning.services.routes import city_today
from tests.backend.planning.conftest import DAY, TZ, book, solved_plan
from tests.support.clock import city_today as machine_city_today


def test_a_drivers_route_sheet_says_when_where_and_what_at_each_stop(dispatched_day):
    """Each pickup comes with its window, the resident's address and note, and the items booked."""
    w = dispatched_day
    resp = w.client.get(f"/api/v1/routes/{w.ids['route']}", headers=w.headers("driver"))
    assert resp.status_code == 200, resp.get_json()
    sheet = resp.get_json()
    assert (sheet["date"], sheet["plan_status"], sheet["center_name"], sheet["plate"], sheet["driver_id"]) == (
        DAY.isoformat(),
        "dispatched",
        "Center A",
        "ZJ-A-1",
        w.ids["user_driver"],
    )
    pickups = {st["booking_id"]: st for st in sheet["stops"] if st["kind"] == "booking"}
    assert set(pickups) == {w.ids["booking"], w.ids["booking2"]}
    for booking, address, who, hour in (("booking", "Home 1", "resident", 8), ("booking2", "Home 2", "resident2", 10)):
        stop = pickups[w.ids[booking]]
        assert (stop["address"], stop["note"]) == (address, f"{who}: ring twice")
        assert datetime.fromisoformat(stop["window_start"]) == datetime.combine(DAY, time(hour), TZ)
        assert stop["items"] == [{"category": "paper.mixed", "quantity": 12.0, "unit": "kg"}]
        assert stop["expected_kg"] > 0 and stop["status"] == "planned"
        assert "resident_id" not in stop
    assert [st["seq"] for st in sheet["stops"]] == sorted(st["seq"] for st in sheet["stops"])


def test_a_drivers_routes_carry_no_address_of_another_route(dispatched_day):
    """Center A's driver lists the day and finds their two pickups, never center B's "Office B"."""
    w = dispatched_day
    sheets = w.client.get(f"/api/v1/routes?date={DAY.isoformat()}", headers=w.headers("driver")).get_json()
    addresses = {st["address"] for r in sheets for st in r["stops"]}
    assert {"Home 1", "Home 2"} <= addresses and "Office B" not in addresses
    others = w.client.get(f"/api/v1/routes?date={DAY.isoformat()}", headers=w.headers("driver2")).get_json()
    assert {st["address"] for r in others for st in r["stops"] if st["kind"] == "booking"} == {"Office B"}


def test_the_route_list_defaults_to_today_in_the_city(app, session, world):
    """Without a date a driver gets today's route (the city's today), not another day's."""
    assets.update_vehicle(
        session,
        assets.get_vehicle(session, world.ids["vehicle"]),
        {"default_driver_id": world.ids["user_driver"]},
        None,
    )
    today = machine_city_today()
    # Booked at the city's midnight, when today's 08:00 window was still open.
    book(app, session, world, "resident", 8, day=today, now=datetime.combine(today, time(0), TZ))
    plan = solved_plan(app, session, world, "center_a", day=today)
    assert (
        world.client.post(f"/api/v1/plans/{plan.id}/dispatch", headers=world.headers("dispatcher")).status_code == 200
    )
    sheets = world.client.get("/api/v1/routes", headers=world.headers("driver")).get_json()
    assert [(r["plan_id"], r["date"]) for r in sheets] == [(plan.id, today.isoformat())]


def test_city_today_is_the_date_on_the_citys_clock():
    """At 22:00 UTC it is already the next day in Hangzhou (UTC+8)."""
    assert city_today("Asia/Shanghai", datetime(2026, 3, 1, 22, 0, tzinfo=UTC)).isoformat() == "2026-03-02"
    assert city_today("Asia/Shanghai", datetime(2026, 3, 1, 15, 59, tzinfo=UTC)).isoformat() == "2026-03-01"


def test_a_bad_date_is_a_422_naming_it(world):
    """A date that is not one is refused with the field named, never a server error."""
    resp = world.client.get("/api/v1/routes?date=2026-02-30", headers=world.headers("driver"))
    assert resp.status_code == 422 and "date" in resp.get_json()["errors"]["query"]
