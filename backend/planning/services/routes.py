"""Routes as a crew works them: who may see which route, the day's routes, and each stop with
what the crew needs there (the window, what to collect, where).

A route carries residents' pickup addresses, so it is shown only to those who need it: its
own driver, the operators of its sorting center, and the dispatchers and admins. Anyone else
gets 404 for it, not 403, so route ids cannot be probed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session, selectinload

from backend.accounts.models import User
from backend.bookings.models import Booking, BookingItem
from backend.core.errors import NotFound
from backend.network.models import Bin, Site, Vehicle
from backend.planning.models import Plan, PlanRoute


def city_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date on the city's clock (config TIMEZONE), which is the planning day."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def route_scope(user: User) -> ColumnElement[bool]:
    """The routes ``user`` may see, as a condition on PlanRoute joined to Plan: a driver
    their own, an operator their center's, dispatchers and admins all, anyone else none."""
    if user.role in ("dispatcher", "admin"):
        return true()
    if user.role == "driver":
        return PlanRoute.driver_id == user.id
    if user.role == "operator":
        return Plan.center_id == user.sorting_center_id
    return false()


def route_query(user: User, day: date, center_id: int | None = None):
    """The day's routes ``user`` may see: those of the plans dispatched for that day (a plan
    only solved is not driven yet), by sorting center and route number."""
    stmt = (
        select(PlanRoute)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(Plan.day == day, Plan.status == "dispatched", route_scope(user))
        .order_by(Plan.center_id, PlanRoute.seq, PlanRoute.id)
    )
    if center_id is not None:
        stmt = stmt.where(Plan.center_id == center_id)
    return stmt


def get_visible_route(session: Session, user: User, route_id: int) -> PlanRoute:
    """A route ``user`` may see (see ``route_scope``); any other is 404 to them."""
    route = session.scalar(
        select(PlanRoute).join(Plan, Plan.id == PlanRoute.plan_id).where(PlanRoute.id == route_id, route_scope(user))
    )
    if route is None:
        raise NotFound(f"route {route_id} not found")
    return route


def route_sheets(session: Session, routes: list[PlanRoute]) -> list[dict]:
    return [route_sheet(session, r) for r in routes]


def route_sheet(session: Session, route: PlanRoute) -> dict:
    """The route with its stops in order: arrival times, the booking's window, what to
    collect and how much, and where (a bin's station, a booking's pickup address)."""
    plan = session.get(Plan, route.plan_id)
    center = session.get(Site, plan.center_id)
    vehicle = session.get(Vehicle, route.vehicle_id)
    booking_ids = [s.booking_id for s in route.stops if s.booking_id is not None]
    bin_ids = [s.bin_id for s in route.stops if s.bin_id is not None]
    bookings = {
        b.id: b
        for b in session.scalars(
            select(Booking)
            .where(Booking.id.in_(booking_ids))
            .options(selectinload(Booking.items).selectinload(BookingItem.category))
        )
    }
    bins = {
        b.id: b
        for b in session.scalars(
            select(Bin).where(Bin.id.in_(bin_ids)).options(selectinload(Bin.site), selectinload(Bin.category))
        )
    }
    stops = []
    for s in route.stops:
        stop = {
            "id": s.id,
            "seq": s.seq,
            "kind": s.kind,
            "status": s.status,
            "bin_id": s.bin_id,
            "booking_id": s.booking_id,
            "lat": s.lat,
            "lon": s.lon,
            "arrival_at": s.arrival_at,
            "departure_at": s.departure_at,
            "window_start": None,
            "window_end": None,
            "place": "",
            "address": "",
            "note": "",
            "items": [],
            "expected_kg": s.expected_kg,
            "load_kg": s.load_kg,
            "quantity_kg": s.quantity_kg,
            "reason": s.reason,
        }
        if s.booking_id is not None:
            b = bookings[s.booking_id]
            stop.update(window_start=b.window_start, window_end=b.window_end, address=b.address, note=b.note)
            stop["items"] = [{"category": i.category.code, "quantity": i.quantity, "unit": i.unit} for i in b.items]
        elif s.bin_id is not None:
            b = bins[s.bin_id]
            stop.update(place=b.site.name, address=b.site.address)
            stop["items"] = [{"category": b.category.code, "quantity": s.expected_kg, "unit": "kg"}]
        else:  # unloading at the sorting center
            stop.update(place=center.name, address=center.address)
        stops.append(stop)
    return {
        "id": route.id,
        "plan_id": plan.id,
        "date": plan.day,
        "plan_status": plan.status,
        "center_id": center.id,
        "center_name": center.name,
        "seq": route.seq,
        "vehicle_id": vehicle.id,
        "plate": vehicle.plate,
        "driver_id": route.driver_id,
        "start_at": route.start_at,
        "end_at": route.end_at,
        "distance_km": route.distance_km,
        "distance_provider": (plan.summary or {}).get("provider"),
        "trips": route.trips,
        "stops": stops,
    }
