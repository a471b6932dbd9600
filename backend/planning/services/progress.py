"""A stop's progress as the crew reports it, applied in the order things happened.

A phone that lost its signal sends its events late and possibly out of order, so a stop only
moves forward: planned -> arrived -> done or missed. An event that would move it back (an
"arrived" reaching us after the "done" it preceded) changes nothing, and the first final
status stays. The time a stop changed is the time it happened on the phone, not when the
server heard of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.planning.models import PlanRoute, RouteStop
from backend.telemetry.services.readings import record_emptying

RANK = {"planned": 0, "arrived": 1, "done": 2, "missed": 2}

# What else happens when a booking is collected, in the same transaction: registered at app
# start by the domains above planning (channels keeps the custody chain's pickup link), the
# inversion ``set_crew_source`` uses; planning names none of them.
CollectionListener = Callable[[Session, RouteStop, Booking, datetime, int], None]
_on_collected: list[CollectionListener] = []


def add_collection_listener(listener: CollectionListener) -> None:
    """Call ``listener(session, stop, booking, at, actor_id)`` whenever a stop collects a
    booking (once: a stop moves to done once). Registering the same function twice (an app
    built twice in one process) keeps one."""
    if listener not in _on_collected:
        _on_collected.append(listener)


def advance_stop(
    session: Session,
    stop: RouteStop,
    status: str,
    at: datetime,
    actor_id: int,
    quantity_kg: float | None = None,
    reason: str = "",
) -> bool:
    """Move ``stop`` to ``status`` (arrived, done or missed) as of ``at``, with the booking
    and the bin it serves; False, and nothing changed, when the stop is already as far or
    further. The caller commits (a bin's emptying commits on its own, as telemetry does)."""
    if RANK[status] <= RANK[stop.status]:
        return False
    stop.status, stop.updated_at = status, at
    if status == "done":
        stop.quantity_kg = stop.expected_kg if quantity_kg is None else quantity_kg
    if status == "missed":
        stop.reason = reason[:255]
    if stop.booking_id is not None and status != "arrived":
        b = session.get(Booking, stop.booking_id)
        if b.status == "scheduled":
            bookings.transition(session, b, "en_route", actor_id, "truck on its way")
        if b.status == "en_route" and status == "done":
            b.collected_kg = stop.quantity_kg
            bookings.transition(session, b, "collected", actor_id, f"collected by route {stop.route_id}")
            for listener in _on_collected:
                listener(session, stop, b, at, actor_id)
        elif b.status == "en_route":
            bookings.transition(session, b, "missed", actor_id, stop.reason)
    if status == "done" and stop.bin_id is not None:
        record_emptying(session, stop.bin_id, at)
    return True


def set_route_driver(route: PlanRoute, driver_id: int) -> bool:
    """Hand a dispatched route to another driver (the day's assignment changed); the caller
    checks the driver and commits. False when it was theirs already."""
    if route.driver_id == driver_id:
        return False
    route.driver_id = driver_id
    return True
