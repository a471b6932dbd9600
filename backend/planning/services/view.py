"""A plan as the dispatcher's page reads it: each route's truck and driver, each booking
stop's window, besides the rows themselves.

The names are attached to the plan's own rows for the response schema to read (plain
attributes, not columns): one query per kind of row, not one per stop.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.bookings.models import Booking
from backend.network.models import Vehicle
from backend.planning.models import Plan
from backend.planning.services.dispatch import day_driver


def describe_plan(session: Session, plan: Plan) -> Plan:
    """``plan`` with ``route.plate`` and ``route.driver`` (the dispatched route's driver, or
    before dispatch the truck's driver for the day; None when nobody is) and
    ``stop.window_start``/``window_end`` (a booking's pickup window; None for a bin)."""
    routes = list(plan.routes)
    vehicles = {v.id: v for v in session.scalars(select(Vehicle).where(Vehicle.id.in_({r.vehicle_id for r in routes})))}
    booking_ids = {s.booking_id for r in routes for s in r.stops if s.booking_id is not None}
    windows = {
        b.id: (b.window_start, b.window_end)
        for b in session.scalars(select(Booking).where(Booking.id.in_(booking_ids)))
    }
    for route in routes:
        vehicle = vehicles[route.vehicle_id]
        route.plate = vehicle.plate
        driver = session.get(User, route.driver_id) if route.driver_id else None
        if driver is None and plan.status in ("queued", "solving", "done"):
            driver = day_driver(session, vehicle, plan.day)
        route.driver = (
            {"id": driver.id, "name": driver.display_name or driver.username, "dispatched": route.driver_id is not None}
            if driver is not None
            else None
        )
        for stop in route.stops:
            stop.window_start, stop.window_end = windows.get(stop.booking_id, (None, None))
    return plan
