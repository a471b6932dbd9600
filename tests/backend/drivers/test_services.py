"""The day as it happens: arrival estimates moved by the route's actual progress, planned against
actual service and travel times, and the positions' retention."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from backend.accounts import services as accounts
from backend.drivers.models import VehiclePosition
from backend.drivers.services import events, live
from backend.planning.models import PlanRoute


def _report(session, user, stop, type_, at, **extra):
    data = {"id": str(uuid.uuid4()), "type": type_, "happened_at": at, **extra}
    # The plan's day lies ahead; the phone's "now" is the moment it reports.
    return events.record_event(session, user, stop.id, data, now=at)


def test_remaining_arrivals_move_with_the_routes_delay(session, dispatched_day):
    """Reaching the first stop 30 minutes late moves every later open stop's estimate 30 minutes on."""
    w = dispatched_day
    route = session.get(PlanRoute, w.ids["route"])
    driver = accounts.get_user(session, w.ids["user_driver"])
    first, rest = route.stops[0], route.stops[1:]
    late = first.arrival_at + timedelta(minutes=30)
    _report(session, driver, first, "arrived", late)
    etas, delay = live.estimates(session, route, now=first.arrival_at)
    assert delay == 1800
    assert etas[first.id] == late
    assert all(etas[s.id] == s.arrival_at + timedelta(minutes=30) for s in rest)


def test_actual_service_and_travel_times_are_measured_against_the_plan(session, dispatched_day):
    """Arrived then collected 7 minutes later at each of two stops, 20 minutes apart: 7-minute
    services and a 13-minute leg, beside the plan's figures."""
    w = dispatched_day
    route = session.get(PlanRoute, w.ids["route"])
    driver = accounts.get_user(session, w.ids["user_driver"])
    a, b = route.stops[0], route.stops[1]
    t0 = a.arrival_at
    _report(session, driver, a, "arrived", t0)
    _report(session, driver, a, "collected", t0 + timedelta(minutes=7), quantity_kg=10)
    _report(session, driver, b, "arrived", t0 + timedelta(minutes=20))
    _report(session, driver, b, "collected", t0 + timedelta(minutes=27), quantity_kg=10)
    timings = live.route_timings(session, route)
    assert (timings["stops_reported"], timings["actual_service_s"]) == (2, 840)
    assert (timings["legs_reported"], timings["actual_travel_s"]) == (1, 780)
    assert timings["planned_travel_s"] == (b.arrival_at - a.departure_at).total_seconds()
    assert timings["service_s_by_kind"] == {a.kind: 420} if a.kind == b.kind else True
    assert live.learned_service_times(session, w.ids["center_a"], route.start_at.date()) == timings["service_s_by_kind"]


def test_positions_past_the_retention_are_cut_to_each_routes_last(session, dispatched_day):
    """Three positions past the retention leave their last; a recent one is kept."""
    w = dispatched_day
    route = session.get(PlanRoute, w.ids["route"])
    now = datetime.now(UTC)
    for days in (20, 19, 18, 0):
        session.add(
            VehiclePosition(
                route_id=route.id,
                vehicle_id=route.vehicle_id,
                user_id=w.ids["user_driver"],
                lat=30.3,
                lon=120.1,
                at=now - timedelta(days=days),
            )
        )
    session.commit()
    assert live.thin_positions(session, keep_days=7, now=now) == 2
    left = sorted(p.at for p in session.query(VehiclePosition).filter_by(route_id=route.id))
    assert len(left) == 2 and left[-1] == now
