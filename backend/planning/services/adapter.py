"""From database rows to a routing Model and back: which stops a day's plan includes,
the baseline it is compared with, and how a solved plan is stored.

Which stops (need-based): every open booking of the day; every bin forecast to reach its
threshold before the next planning day is required; a bin within a margin below its
threshold is optional, with a prize that grows with its fill, so a truck passing by with
room takes it and no truck drives out to a nearly empty bin. A bin without telemetry
falls back to the fixed round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.bookings.models import Booking
from backend.network.models import Bin, MaterialCategory, Site, Vehicle
from backend.planning.models import Plan, PlanRoute, RouteStop
from backend.planning.services import baseline as static_round
from backend.planning.services.service_times import ServiceTimes
from backend.roads import services as roads
from backend.telemetry.services.forecast import HISTORY, forecast
from backend.telemetry.services.readings import fill_histories
from routing import MatrixProvider, Model, Result

UNLOAD_S = 600
PRIZE_PER_PCT = 0.06  # currency per fill point: an 80%-full optional bin pays for a ~1 km detour at 4.5/km


@dataclass(frozen=True)
class PlanOptions:
    time_limit: float = 20.0
    horizon_hours: float = 24.0
    optional_margin_pct: float = 20.0
    fill_threshold: float | None = None  # overrides each bin's own threshold
    # How much an optional bin is worth against the km to reach it (x1: PRIZE_PER_PCT);
    # 0: optional bins are never worth a detour, higher: trucks take more of them.
    optional_prize_scale: float = 1.0


@dataclass
class Problem:
    model: Model
    midnight: datetime
    counts: dict
    service_times: dict = field(default_factory=dict)  # which were used (the plan's summary)


def _seconds(dt: datetime, midnight: datetime) -> int:
    return int((dt - midnight).total_seconds())


def _vehicles(session: Session, model: Model, depot, center: Site) -> dict[int, object]:
    by_id = {}
    for v in session.scalars(
        select(Vehicle)
        .where(Vehicle.home_center_id == center.id, Vehicle.active.is_(True))
        .options(selectinload(Vehicle.categories))
        .order_by(Vehicle.id)
    ):
        shift = (
            v.shift_start.hour * 3600 + v.shift_start.minute * 60,
            v.shift_end.hour * 3600 + v.shift_end.minute * 60,
        )
        by_id[v.id] = model.add_vehicle(
            v.plate,
            depot,
            capacity_kg=v.capacity_kg,
            capacity_m3=v.capacity_m3,
            shift=shift,
            categories=[c.code for c in v.categories] or None,
            hazardous_licence=v.hazardous_licence,
            cost_per_km=v.cost_per_km or 1.0,
            fixed_cost=v.fixed_cost,
            max_trips=3,
            ref=v.id,
        )
    return by_id


def build_problem(
    session: Session,
    center: Site,
    day: date,
    tz: ZoneInfo,
    opts: PlanOptions,
    *,
    baseline: bool = False,
    overrides: dict | None = None,
    done_stops: set[str] = frozenset(),
    now: datetime | None = None,
    provider: MatrixProvider | None = None,
    service_times: ServiceTimes | None = None,
) -> Problem:
    """The day's routing model for one sorting center (need-based, or the fixed-round baseline),
    measured by ``provider`` (the road network when one is loaded, else great-circle), each stop
    given ``service_times`` (the assumptions when none)."""
    overrides = overrides or {}
    service_times = service_times or ServiceTimes()
    pins, drops = overrides.get("pins", {}), set(overrides.get("drops", []))
    midnight = datetime.combine(day, time(0), tz)
    model = Model(provider=provider or roads.GREAT_CIRCLE)
    depot = model.add_depot(center.name, (center.lat, center.lon), unload_time=UNLOAD_S, ref=center.id)
    vehicles = _vehicles(session, model, depot, center)
    if not vehicles:
        return Problem(model, midnight, {"vehicles": 0}, service_times.summary())
    shift_start = midnight + timedelta(seconds=min(v.shift[0] for v in vehicles.values()))
    horizon_end = shift_start + timedelta(hours=opts.horizon_hours)
    mid_shift = shift_start + timedelta(hours=4)
    now = now or datetime.now(UTC)
    counts = {"vehicles": len(vehicles), "bins_required": 0, "bins_optional": 0, "bookings": 0}

    def add(key: str, **kw):
        if key in drops or key in done_stops:
            return
        pinned = [vehicles[pins[key]]] if key in pins and pins[key] in vehicles else None
        model.add_stop(key, vehicles=pinned, ref=key, **kw)

    in_service = (
        Site.sorting_center_id == center.id,
        Site.active.is_(True),
        Bin.active.is_(True),
        Bin.status == "in_service",
    )
    bins = session.execute(
        select(Bin, MaterialCategory)
        .join(MaterialCategory, Bin.category_id == MaterialCategory.id)
        .join(Site, Bin.site_id == Site.id)
        .where(*in_service)
        .options(selectinload(Bin.site))
        .order_by(Bin.id)
    ).all()
    # Every bin's history in one query (not one per bin): a handful of queries per plan.
    histories = fill_histories(
        session, select(Bin.id).join(Site, Bin.site_id == Site.id).where(*in_service), now - HISTORY
    )
    for b, cat in bins:
        threshold = opts.fill_threshold or b.fill_threshold_pct
        fc = forecast(histories.get(b.id, []), threshold)
        on_round = day.weekday() in static_round.round_days(b.id, cat.code)
        if baseline or fc.last_at is None:
            if not on_round:
                continue
            required, expected = True, (fc.fill_at(mid_shift) if fc.last_at else None) or 60.0
        else:
            at_horizon = fc.fill_at(horizon_end)
            if at_horizon >= threshold:
                required = True
            elif at_horizon >= threshold - opts.optional_margin_pct and opts.optional_prize_scale > 0:
                required = False
            else:
                continue
            expected = fc.fill_at(mid_shift)
        litres = b.capacity_l * min(100.0, max(expected, 5.0)) / 100
        counts["bins_required" if required else "bins_optional"] += 1
        add(
            f"bin:{b.id}",
            location=(b.site.lat, b.site.lon),
            kg=round(litres / 1000 * cat.density_kg_m3, 2),
            m3=round(litres / 1000, 4),
            service_time=service_times.bin(b.capacity_l),
            required=required,
            prize=0.0 if required else max(1.0, expected * PRIZE_PER_PCT) * opts.optional_prize_scale,
            categories=[cat.code],
            hazardous=cat.hazardous,
        )

    bookings = session.scalars(
        select(Booking)
        .where(
            Booking.center_id == center.id,
            Booking.status.in_(("requested", "scheduled")),
            Booking.window_start >= midnight,
            Booking.window_start < midnight + timedelta(days=1),
        )
        .options(selectinload(Booking.items))
        .order_by(Booking.created_at, Booking.id)
    ).all()
    for bk in bookings:
        counts["bookings"] += 1
        cats = [i.category for i in bk.items]
        add(
            f"booking:{bk.id}",
            location=(bk.lat, bk.lon),
            kg=bk.estimated_kg,
            m3=round(sum(i.estimated_kg / i.category.density_kg_m3 for i in bk.items), 4),
            service_time=service_times.booking(),
            windows=[(_seconds(bk.window_start, midnight), _seconds(bk.window_end, midnight))],
            categories=[c.code for c in cats],
            hazardous=any(c.hazardous for c in cats),
        )
    return Problem(model, midnight, counts, service_times.summary())


def store_result(session: Session, plan: Plan, problem: Problem, result: Result, base: Result | None) -> None:
    """Routes and stops as rows; totals, baseline and savings in the plan's summary."""
    midnight = problem.midnight
    at = lambda s: midnight + timedelta(seconds=s)  # noqa: E731
    center = session.get(Site, plan.center_id)
    plan.routes.clear()
    for seq, r in enumerate(result.routes, start=1):
        route = PlanRoute(
            seq=seq,
            vehicle_id=r.vehicle_ref,
            distance_km=round(r.distance_m / 1000, 3),
            empty_km=round(r.empty_m / 1000, 3),
            collected_kg=r.collected_kg,
            trips=r.trips,
            start_at=at(r.start),
            end_at=at(r.end),
        )
        for n, v in enumerate(r.visits, start=1):
            kind, _, ident = (v.ref or "unload:").partition(":") if v.kind == "stop" else ("unload", "", "")
            stop = problem.model.stops[v.index] if v.kind == "stop" else None
            lat, lon = stop.location if stop else (center.lat, center.lon)
            route.stops.append(
                RouteStop(
                    seq=n,
                    kind=kind,
                    bin_id=int(ident) if kind == "bin" else None,
                    booking_id=int(ident) if kind == "booking" else None,
                    lat=lat,
                    lon=lon,
                    arrival_at=at(v.arrival),
                    start_at=at(v.start),
                    departure_at=at(v.departure),
                    leg_km=round(v.leg_m / 1000, 3),
                    load_kg=v.load_kg,
                    expected_kg=stop.kg if stop else 0.0,
                )
            )
        plan.routes.append(route)
    served_bookings = [
        int(v.ref.split(":")[1])
        for r in result.routes
        for v in r.visits
        if v.kind == "stop" and v.ref.startswith("booking:")
    ]
    summary = {
        "provider": result.stats.get("provider"),  # what measured every kilometre below
        "far_from_street": result.stats.get("far_from_street", []),
        "plan": result.summary(),
        "stops": problem.counts,
        "dropped": [{"stop": d.ref, "required": d.required, "reason": d.reason} for d in result.dropped],
        "served_bookings": served_bookings,
        # Which service times the stops were given: learned from the drivers' reports or assumed.
        "service_times": getattr(problem, "service_times", None) or None,
    }
    if base is not None:
        b = base.summary()
        summary["baseline"] = b
        summary["saving"] = {
            "km": round(b["distance_km"] - result.distance_km, 3),
            "km_pct": round(100 * (1 - result.distance_km / b["distance_km"]), 1) if b["distance_km"] else None,
            "empty_km": round(b["empty_km"] - result.empty_km, 3),
            "empty_km_pct": round(100 * (1 - result.empty_km / b["empty_km"]), 1) if b["empty_km"] else None,
        }
    plan.summary = summary
