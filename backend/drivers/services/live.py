"""The day as it happens: the truck's last position, each stop's status, the remaining stops'
arrival times re-estimated from the route's actual progress, and what the day taught
(actual service and travel times against the plan's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from statistics import median

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.common import commit
from backend.drivers.models import StopEvent, StopPhoto, VehiclePosition
from backend.drivers.services.access import reportable_route
from backend.planning.models import Plan, PlanRoute, RouteStop
from backend.planning.services.routes import route_query, route_sheet


def record_position(session: Session, user: User, route_id: int, data: dict) -> VehiclePosition:
    """The phone's position on its route (the route's own driver, or dispatch staff)."""
    route = reportable_route(session, user, route_id)
    pos = VehiclePosition(
        route_id=route.id,
        vehicle_id=route.vehicle_id,
        user_id=user.id,
        lat=data["lat"],
        lon=data["lon"],
        accuracy_m=data.get("accuracy_m"),
        at=data.get("at") or datetime.now(UTC),
    )
    session.add(pos)
    commit(session)
    return pos


def last_position(session: Session, route_id: int) -> VehiclePosition | None:
    return session.scalar(
        select(VehiclePosition)
        .where(VehiclePosition.route_id == route_id)
        .order_by(VehiclePosition.at.desc(), VehiclePosition.id.desc())
        .limit(1)
    )


def _event_times(session: Session, route_id: int) -> dict[int, dict[str, datetime]]:
    """Per stop, when it was reached and when it was finished (collected or missed), as the phone said."""
    times: dict[int, dict[str, datetime]] = {}
    for e in session.scalars(select(StopEvent).where(StopEvent.route_id == route_id)):
        key = "arrived" if e.type == "arrived" else "left"
        slot = times.setdefault(e.stop_id, {})
        slot[key] = min(slot.get(key, e.happened_at), e.happened_at)
    return times


def estimates(session: Session, route: PlanRoute, now: datetime | None = None) -> tuple[dict[int, datetime], float]:
    """Each open stop's arrival re-estimated: the plan's times shifted by the delay at the
    last stop reached (actual minus planned), never before now; and that delay in seconds.
    A stop done or missed keeps its actual time."""
    now = now or datetime.now(UTC)
    times = _event_times(session, route.id)
    delay, out = 0.0, {}
    for s in route.stops:
        t = times.get(s.id, {})
        if "left" in t:
            delay = (t["left"] - s.departure_at).total_seconds()
            out[s.id] = t.get("arrived", t["left"])
        elif "arrived" in t:
            delay = (t["arrived"] - s.arrival_at).total_seconds()
            out[s.id] = t["arrived"]
    started = any(times.values())
    for s in route.stops:
        if s.status in ("planned",) and s.id not in out:
            eta = s.arrival_at + timedelta(seconds=delay)
            out[s.id] = max(eta, now) if started else eta
    return out, delay


def _photos_by_stop(session: Session, stop_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if stop_ids:
        for p in session.scalars(select(StopPhoto).where(StopPhoto.stop_id.in_(stop_ids)).order_by(StopPhoto.id)):
            out.setdefault(p.stop_id, []).append(p.photo_id)
    return out


def live_route(session: Session, route: PlanRoute, now: datetime | None = None) -> dict:
    """The route sheet with each stop's estimate and photos, the truck's last position and the delay."""
    sheet = route_sheet(session, route)
    etas, delay = estimates(session, route, now)
    photos = _photos_by_stop(session, [s["id"] for s in sheet["stops"]])
    for stop in sheet["stops"]:
        stop["eta"] = etas.get(stop["id"])
        stop["photos"] = photos.get(stop["id"], [])
    pos = last_position(session, route.id)
    sheet["position"] = (
        None if pos is None else {"lat": pos.lat, "lon": pos.lon, "at": pos.at, "accuracy_m": pos.accuracy_m}
    )
    sheet["delay_s"] = round(delay)
    return sheet


def live_day(session: Session, user: User, day: date, center_id: int | None = None) -> list[dict]:
    """The day's dispatched routes ``user`` may see, live (a driver: their own)."""
    return [live_route(session, r) for r in session.scalars(route_query(user, day, center_id))]


def route_timings(session: Session, route: PlanRoute) -> dict:
    """Planned against actual for one route: service time per stop (arrived to finished) and
    travel time per leg (finished at one stop to arrived at the next), where both ends were reported."""
    times = _event_times(session, route.id)
    planned_service, actual_service, planned_travel, actual_travel = [], [], [], []
    by_kind: dict[str, list[float]] = {}
    previous: RouteStop | None = None
    for s in route.stops:
        t = times.get(s.id, {})
        if "arrived" in t and "left" in t:
            planned_service.append((s.departure_at - s.start_at).total_seconds())
            actual = (t["left"] - t["arrived"]).total_seconds()
            actual_service.append(actual)
            by_kind.setdefault(s.kind, []).append(actual)
        prev_t = times.get(previous.id, {}) if previous is not None else {}
        if previous is not None and "left" in prev_t and "arrived" in t:
            planned_travel.append((s.arrival_at - previous.departure_at).total_seconds())
            actual_travel.append((t["arrived"] - prev_t["left"]).total_seconds())
        previous = s
    return {
        "route_id": route.id,
        "plan_id": route.plan_id,
        "vehicle_id": route.vehicle_id,
        "stops_reported": len(actual_service),
        "planned_service_s": sum(planned_service),
        "actual_service_s": sum(actual_service),
        "legs_reported": len(actual_travel),
        "planned_travel_s": sum(planned_travel),
        "actual_travel_s": sum(actual_travel),
        "service_s_by_kind": {k: median(v) for k, v in sorted(by_kind.items())},
    }


def day_timings(session: Session, user: User, day: date, center_id: int | None = None) -> list[dict]:
    return [route_timings(session, r) for r in session.scalars(route_query(user, day, center_id))]


def learned_service_times(session: Session, center_id: int, since: date) -> dict[str, float]:
    """The median actual service time per stop kind at a center since a day: what the planner's
    service-time assumptions can be tuned to."""
    routes = session.scalars(
        select(PlanRoute)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(Plan.center_id == center_id, Plan.day >= since, Plan.status.in_(("dispatched", "superseded")))
    )
    by_kind: dict[str, list[float]] = {}
    for r in routes:
        for kind, value in route_timings(session, r)["service_s_by_kind"].items():
            by_kind.setdefault(kind, []).append(value)
    return {k: median(v) for k, v in sorted(by_kind.items())}


def service_time_samples(session: Session, center_id: int, since: date) -> dict[str, tuple[float, int]]:
    """Per stop kind at a center, from the stops reported since a day: the median actual
    service time (arrived to collected or missed, as the phones said) and how many stops it
    is the median of. One query, whatever the number of routes: planning asks at every solve
    (registered at app start with ``planning.services.service_times.set_service_time_source``)."""
    rows = session.execute(
        select(StopEvent.stop_id, StopEvent.type, StopEvent.happened_at, RouteStop.kind)
        .join(RouteStop, RouteStop.id == StopEvent.stop_id)
        .join(PlanRoute, PlanRoute.id == RouteStop.route_id)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(Plan.center_id == center_id, Plan.day >= since, Plan.status.in_(("dispatched", "superseded")))
    )
    times: dict[int, dict[str, datetime]] = {}
    kinds: dict[int, str] = {}
    for stop_id, type_, at, kind in rows:
        key = "arrived" if type_ == "arrived" else "left"
        slot = times.setdefault(stop_id, {})
        slot[key] = min(slot.get(key, at), at)
        kinds[stop_id] = kind
    by_kind: dict[str, list[float]] = {}
    for stop_id, t in times.items():
        if "arrived" in t and "left" in t and t["left"] >= t["arrived"]:  # a wrong clock teaches nothing
            by_kind.setdefault(kinds[stop_id], []).append((t["left"] - t["arrived"]).total_seconds())
    return {k: (median(v), len(v)) for k, v in sorted(by_kind.items())}


def thin_positions(session: Session, keep_days: int, now: datetime | None = None) -> int:
    """Positions older than ``keep_days`` are cut to the last one of each route; the number removed."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    # The last old position of each route stays: where the truck ended its day.
    last = select(func.max(VehiclePosition.id)).where(VehiclePosition.at < cutoff).group_by(VehiclePosition.route_id)
    result = session.execute(
        delete(VehiclePosition).where(VehiclePosition.at < cutoff, VehiclePosition.id.not_in(last.scalar_subquery()))
    )
    commit(session)
    return result.rowcount or 0
