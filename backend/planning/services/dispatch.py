"""After planning: dispatching a plan, re-planning with a dispatcher's moves, stop events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record
from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.core.common import commit, flush, get_or_404
from backend.core.errors import Conflict, Invalid, NotFound
from backend.network.models import Site, Vehicle
from backend.network.services.sites import center_of
from backend.planning.models import Plan, RouteStop
from backend.planning.services.progress import advance_stop
from backend.planning.services.routes import get_visible_route
from backend.roads import services as roads


def plan_options(cfg, raw: dict) -> dict:
    """A plan's solver options: the request's, else the settings' defaults."""
    return {
        "time_limit": float(raw.get("time_limit", cfg["PLAN_TIME_LIMIT_S"])),
        "horizon_hours": float(raw.get("horizon_hours", cfg["PLAN_HORIZON_HOURS"])),
        "optional_margin_pct": float(raw.get("optional_margin_pct", cfg["PLAN_OPTIONAL_MARGIN_PCT"])),
        **({"fill_threshold": raw["fill_threshold"]} if "fill_threshold" in raw else {}),
        **({"optional_prize_scale": raw["optional_prize_scale"]} if "optional_prize_scale" in raw else {}),
    }


def get_plan(session: Session, plan_id: int) -> Plan:
    return get_or_404(session, Plan, plan_id, "plan")


def plan_scope(user: User) -> ColumnElement[bool]:
    """The plans ``user`` may see: dispatchers and admins all, an operator their own center's
    (plans carry residents' pickup locations), anyone else none. Drivers see their routes
    instead (``routes.route_query``); the API refuses them plans by role (403)."""
    if user.role in ("dispatcher", "admin"):
        return true()
    if user.role == "operator":
        return Plan.center_id == user.sorting_center_id
    return false()


def get_visible_plan(session: Session, user: User, plan_id: int) -> Plan:
    """A plan ``user`` may see (see ``plan_scope``); any other is 404 to them."""
    plan = session.scalar(select(Plan).where(Plan.id == plan_id, plan_scope(user)))
    if plan is None:
        raise NotFound(f"plan {plan_id} not found")
    return plan


def plan_query(user: User, *, center_id: int | None = None, date: date | None = None, status: str | None = None):
    """Plans ``user`` may see, newest first, by center, date or status."""
    stmt = select(Plan).where(plan_scope(user)).order_by(Plan.id.desc())
    if center_id is not None:
        stmt = stmt.where(Plan.center_id == center_id)
    if date is not None:
        stmt = stmt.where(Plan.day == date)
    if status is not None:
        stmt = stmt.where(Plan.status == status)
    return stmt


def _add_plan(
    session: Session,
    center_id: int,
    day: date,
    options: dict,
    user: User | None,
    parent: Plan | None = None,
    overrides: dict | None = None,
) -> Plan:
    center_of(session, center_id, field="center_id")
    plan = Plan(
        center_id=center_id,
        day=day,
        status="queued",
        options=options,
        overrides=overrides or {},
        created_by=user.id if user else None,
        parent_id=parent.id if parent else None,
    )
    session.add(plan)
    flush(session)
    return plan


def create_plan(
    session: Session,
    center_id: int,
    day: date,
    options: dict,
    user: User | None,
    parent: Plan | None = None,
    overrides: dict | None = None,
) -> Plan:
    plan = _add_plan(session, center_id, day, options, user, parent, overrides)
    commit(session)
    return plan


def _stop_key(stop: RouteStop) -> str | None:
    if stop.kind == "bin":
        return f"bin:{stop.bin_id}"
    if stop.kind == "booking":
        return f"booking:{stop.booking_id}"
    return None


def dispatch(session: Session, plan: Plan, user: User, drivers: dict[int, int] | None = None) -> Plan:
    """Lock the plan for execution; the bookings on its routes are on their way.

    ``drivers`` names a driver per route id; see ``_assign_drivers`` for the others."""
    if plan.status != "done":
        raise Conflict(f"only a solved plan can be dispatched (this one is {plan.status})")
    others = session.scalars(
        select(Plan).where(
            Plan.center_id == plan.center_id, Plan.day == plan.day, Plan.status == "dispatched", Plan.id != plan.id
        )
    ).all()
    before = {"status": plan.status, "dispatched_at": plan.dispatched_at}
    for other in others:
        if other.id != plan.parent_id:
            raise Conflict(f"plan {other.id} is already dispatched for this center and day; re-plan it instead")
    _assign_drivers(session, plan, drivers or {})
    for other in others:
        other.status = "superseded"
    plan.status, plan.dispatched_at = "dispatched", datetime.now(UTC)
    after = {"status": plan.status, "dispatched_at": plan.dispatched_at, "superseded": [o.id for o in others]}
    record(session, user, "plan.dispatch", "plan", plan.id, before, after)
    for route in plan.routes:
        for stop in route.stops:
            if stop.booking_id is not None and stop.status == "planned":
                b = session.get(Booking, stop.booking_id)
                if b.status == "requested":
                    bookings.transition(session, b, "scheduled", user.id, f"in plan {plan.id}")
                if b.status == "scheduled":
                    bookings.transition(session, b, "en_route", user.id, f"plan {plan.id} dispatched")
    commit(session)
    return plan


# Who drives a truck on a day, as a higher domain (drivers) knows it: set at start-up by the
# app (``set_crew_source``), the inversion core.auth uses for the user loader, so planning
# never imports the domain above it. None: no day assignments, the vehicle's default driver.
_crew_source: Callable[[Session, int, date], int | None] | None = None


def set_crew_source(source: Callable[[Session, int, date], int | None] | None) -> None:
    """``source(session, vehicle_id, day)`` names the driver assigned to the truck that day."""
    global _crew_source
    _crew_source = source


def day_driver(session: Session, vehicle: Vehicle, day: date) -> User | None:
    """Who is to drive ``vehicle`` on ``day`` before a plan is dispatched: its day assignment,
    else its default driver, if an active driver (what dispatch would choose, less a re-plan's
    inherited crews)."""
    assigned = _crew_source(session, vehicle.id, day) if _crew_source else None
    for candidate in (assigned, vehicle.default_driver_id):
        if (user := _active_driver(session, candidate)) is not None:
            return user
    return None


def _active_driver(session: Session, user_id: int | None) -> User | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user if user is not None and user.role == "driver" and user.active else None


def _assign_drivers(session: Session, plan: Plan, named: dict[str, int]) -> None:
    """Each route's driver: the one named for it, else the truck's driver for the day (its
    day assignment, see ``set_crew_source``), else whoever drove the same truck in the plan this
    one re-plans (a re-plan mid-day keeps the crews), else the vehicle's default driver. Named
    drivers must be active drivers (422); an assigned, inherited or default driver who no
    longer is one is skipped, and the route stays without a driver (only dispatchers and
    admins can then report at its stops)."""
    routes = {str(r.id): r for r in plan.routes}
    for key in named:
        if key not in routes:
            raise Invalid(f"route {key} is not in plan {plan.id}", {"drivers": {key: ["not a route of this plan"]}})
    named = {int(key): user_id for key, user_id in named.items()}
    for route_id, user_id in named.items():
        if session.get(User, user_id) is None:
            raise Invalid(f"no user with id {user_id}", {"drivers": {str(route_id): [f"no user with id {user_id}"]}})
        if _active_driver(session, user_id) is None:
            message = f"user {user_id} is not an active driver"
            raise Invalid(message, {"drivers": {str(route_id): [message]}})
    parent = session.get(Plan, plan.parent_id) if plan.parent_id is not None else None
    inherited = {r.vehicle_id: r.driver_id for r in parent.routes if r.driver_id} if parent else {}
    for route in plan.routes:
        if route.id in named:
            route.driver_id = named[route.id]
            continue
        vehicle = session.get(Vehicle, route.vehicle_id)
        assigned = _crew_source(session, route.vehicle_id, plan.day) if _crew_source else None
        for candidate in (assigned, inherited.get(route.vehicle_id), vehicle.default_driver_id):
            if _active_driver(session, candidate) is not None:
                route.driver_id = candidate
                break
        else:
            route.driver_id = None


def replan(session: Session, plan: Plan, user: User, moves: list[dict], drops: list[int]) -> Plan:
    """A new plan for the same day: moved stops pinned to the chosen route's truck, dropped
    stops left out, stops already done or missed kept out; the rest planned again."""
    if plan.status not in ("done", "dispatched"):
        raise Conflict(f"only a solved or dispatched plan can be re-planned (this one is {plan.status})")
    stops = {s.id: s for r in plan.routes for s in r.stops}
    routes = {r.id: r for r in plan.routes}
    pins, dropped = dict((plan.overrides or {}).get("pins", {})), set((plan.overrides or {}).get("drops", []))
    for n, move in enumerate(moves):
        stop, route = stops.get(move["stop_id"]), routes.get(move["route_id"])
        if stop is None or _stop_key(stop) is None:
            raise Invalid(
                f"stop {move['stop_id']} is not a bin or booking of plan {plan.id}",
                {"moves": {n: {"stop_id": ["not a stop of this plan"]}}},
            )
        if route is None:
            raise Invalid(
                f"route {move['route_id']} is not in plan {plan.id}",
                {"moves": {n: {"route_id": ["not a route of this plan"]}}},
            )
        pins[_stop_key(stop)] = route.vehicle_id
    for n, stop_id in enumerate(drops):
        stop = stops.get(stop_id)
        if stop is None or _stop_key(stop) is None:
            raise Invalid(
                f"stop {stop_id} is not a bin or booking of plan {plan.id}", {"drops": {n: ["not a stop of this plan"]}}
            )
        dropped.add(_stop_key(stop))
    done = sorted(k for s in stops.values() if s.status in ("done", "missed") and (k := _stop_key(s)))
    overrides = {"pins": pins, "drops": sorted(dropped), "done": done}
    before = {"status": plan.status, "overrides": plan.overrides or {}}
    if plan.status == "done":
        plan.status = "superseded"
    new = _add_plan(session, plan.center_id, plan.day, plan.options, user, parent=plan, overrides=overrides)
    after = {"status": plan.status, "replanned_as": new.id, "moves": moves, "drops": drops, "overrides": overrides}
    record(session, user, "plan.replan", "plan", plan.id, before, after)
    commit(session)
    return new


def stop_event(session: Session, route_id: int, seq: int, user: User, data: dict) -> RouteStop:
    """A driver reports at a stop of their own route (another route is 404 to them; dispatchers
    and admins may report on any): arrived, done (with the estimated quantity), or missed (why)."""
    route = get_visible_route(session, user, route_id)
    plan = session.get(Plan, route.plan_id)
    if plan.status != "dispatched":
        raise Conflict("stop events are for dispatched plans")
    stop = next((s for s in route.stops if s.seq == seq), None)
    if stop is None:
        raise Invalid.field("seq", f"route {route_id} has no stop {seq}")
    kind, now = data["type"], datetime.now(UTC)
    allowed = {"arrived": ("planned",), "done": ("planned", "arrived"), "missed": ("planned", "arrived")}
    if stop.status not in allowed[kind]:
        raise Conflict(f"stop {seq} is already {stop.status}")
    if kind == "missed" and not data.get("reason"):
        raise Invalid.field("reason", "say why the stop was missed")
    # The one write path of a stop's progress, shared with the drivers' phone events: the
    # booking, the bin's emptying and whatever listens for a collection (custody) move alike.
    advance_stop(session, stop, kind, now, user.id, quantity_kg=data.get("quantity_kg"), reason=data.get("reason", ""))
    commit(session)
    return stop


def _route_line(provider, places: list[tuple[float, float]]) -> tuple[list[list[float]], str]:
    """[lon, lat] vertices of a route through ``places`` (lat, lon): along the streets when a
    road network is loaded (a leg with no street route stays straight), else straight legs."""
    if not hasattr(provider, "leg"):
        return [[lon, lat] for lat, lon in places], "straight"
    coords: list[list[float]] = []
    for a, b in zip(places, places[1:], strict=False):
        leg = provider.leg(a, b)
        points = leg.points if leg is not None else [a, b]
        coords += [[lon, lat] for lat, lon in points]
    return coords, "streets"


def geojson(session: Session, plan: Plan, config: Mapping | None = None) -> dict:
    """Routes as LineStrings (center -> stops in order -> center; along the streets with a
    road network) and stops as Points."""
    provider = roads.provider(config or {})

    center = session.get(Site, plan.center_id)
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [center.lon, center.lat]},
            "properties": {"kind": "sorting_center", "site_id": center.id, "name": center.name},
        }
    ]
    for route in plan.routes:
        vehicle = session.get(Vehicle, route.vehicle_id)
        color = palette[(route.seq - 1) % len(palette)]
        places = [(center.lat, center.lon)] + [(s.lat, s.lon) for s in route.stops] + [(center.lat, center.lon)]
        coords, drawn = _route_line(provider, places)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "kind": "route",
                    "route_id": route.id,
                    "seq": route.seq,
                    "vehicle_id": route.vehicle_id,
                    "plate": vehicle.plate,
                    "color": color,
                    "distance_km": route.distance_km,
                    "distance_provider": (plan.summary or {}).get("provider"),
                    "geometry": drawn,
                    "empty_km": route.empty_km,
                    "collected_kg": route.collected_kg,
                    "trips": route.trips,
                    "stops": sum(1 for s in route.stops if s.kind != "unload"),
                    "start": route.start_at.isoformat(),
                    "end": route.end_at.isoformat(),
                },
            }
        )
        for s in route.stops:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                    "properties": {
                        "kind": s.kind,
                        "route_id": route.id,
                        "route_seq": route.seq,
                        "seq": s.seq,
                        "bin_id": s.bin_id,
                        "booking_id": s.booking_id,
                        "arrival": s.arrival_at.isoformat(),
                        "load_kg": s.load_kg,
                        "expected_kg": s.expected_kg,
                        "status": s.status,
                        "color": color,
                    },
                }
            )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "plan_id": plan.id,
            "status": plan.status,
            "day": plan.day.isoformat(),
            "distance_provider": (plan.summary or {}).get("provider"),
        },
    }
