"""Fixtures for the planning tests: a day at centers A and B solved inline by the real solver,
center A's truck driven by default by the world's `driver`, center B's by `driver2`."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.accounts import services as accounts
from backend.bookings import services as bookings
from backend.bookings.services import SlotPolicy
from backend.network.services import assets
from backend.planning.jobs import run_plan, settings_for_jobs
from backend.planning.services import dispatch
from routing import SolverParams
from tests.support.clock import city_today

TZ = ZoneInfo("Asia/Shanghai")
DAY = city_today() + timedelta(days=2)
# One improving solution is enough for these tests, and the same on any machine at any load.
QUICK = SolverParams(time_limit=10, max_solutions=1, warm_start="none")


def book(app, session, world, who: str, hour: int, day=DAY, now=None, **extra) -> int:
    """A booking of mixed paper by ``who`` (at their home unless lat/lon are given), committed."""
    booking = bookings.create_booking(
        session,
        SlotPolicy.from_config(app.config),
        accounts.get_user(session, world.ids[f"user_{who}"]),
        {
            "items": [{"category": "paper.mixed", "quantity": 12}],
            "window_start": datetime.combine(day, time(hour), TZ),
            "note": f"{who}: ring twice",
            **extra,
        },
        now=now,
    )
    session.commit()
    return booking.id


def solve(app, session, plan_id: int):
    """Solve a queued plan inline (the job the API runs in a worker process)."""
    assert run_plan(settings_for_jobs(app.config), plan_id, with_baseline=False, params=QUICK) == "done"
    session.expire_all()
    plan = dispatch.get_plan(session, plan_id)
    assert plan.routes, plan.summary
    return plan


def solved_plan(app, session, world, center: str, day=DAY):
    return solve(app, session, dispatch.create_plan(session, world.ids[center], day, {"time_limit": 1}, None).id)


def add_center_b_truck(session, world) -> None:
    """Center B gets a truck, driven by default by `driver2`."""
    v = assets.create_vehicle(
        session,
        {
            "plate": "ZJ-B-1",
            "home_center_id": world.ids["center_b"],
            "capacity_kg": 4000,
            "capacity_m3": 16,
            "shift_start": time(7),
            "shift_end": time(17),
            "category_ids": [world.ids["paper"]],
            "default_driver_id": world.ids["user_driver2"],
        },
        None,
    )
    world.ids["vehicle_b"] = v.id


@pytest.fixture
def planned_day(app, session, world):
    """On DAY: at center A (truck ZJ-A-1, default driver `driver`) `resident` and `resident2`
    booked pickups at "Home 1" and "Home 2", served by one route; at center B (truck ZJ-B-1,
    default driver `driver2`) a pickup at "Office B". Both plans solved, not dispatched."""
    assets.update_vehicle(
        session,
        assets.get_vehicle(session, world.ids["vehicle"]),
        {"default_driver_id": world.ids["user_driver"]},
        None,
    )
    add_center_b_truck(session, world)
    world.ids["booking"] = book(app, session, world, "resident", 8)
    world.ids["booking2"] = book(app, session, world, "resident2", 10)
    # Near center B and far from any collection point: center B serves it.
    world.ids["booking_b"] = book(app, session, world, "resident", 13, lat=30.19, lon=120.22, address="Office B")
    # The world's bin has no telemetry, so the fixed round would take it on its weekdays
    # (which depend on DAY's weekday and, on PostgreSQL, on the bin's id): it is in
    # maintenance while the plans are solved, so the day is the same whenever the suite runs.
    the_bin = assets.get_bin(session, world.ids["bin"])
    assets.update_bin(session, the_bin, {"status": "maintenance"}, None)
    plan = solved_plan(app, session, world, "center_a")
    plan_b = solved_plan(app, session, world, "center_b")
    assets.update_bin(session, the_bin, {"status": "in_service"}, None)
    [route] = plan.routes
    assert [s.kind for s in route.stops if s.kind != "unload"] == ["booking", "booking"]
    world.ids.update(
        plan=plan.id,
        route=route.id,
        stop1=route.stops[0].seq,
        plan_b=plan_b.id,
        route_b=plan_b.routes[0].id,
    )
    return world


@pytest.fixture
def dispatched_day(planned_day):
    """The planned day, both plans dispatched by the dispatcher with no body: `driver` drives
    center A's route, `driver2` center B's."""
    w = planned_day
    for plan in ("plan", "plan_b"):
        resp = w.client.post(f"/api/v1/plans/{w.ids[plan]}/dispatch", headers=w.headers("dispatcher"))
        assert resp.status_code == 200, resp.get_json()
    return w
