"""What the sorting center expects today, and how its stock moved: the operator's reads.

An arrival is a dispatched route of the center's day: the truck (with the tare on file, so the
scale needs only the gross), its driver, the bookings and bins on board and the kilograms to
expect per category. Until the crew reports a stop, the plan's estimate stands; once they do,
their weight (weighed at the door, or from the fill they saw) replaces it, and a missed stop
brings nothing. Routes carry residents' pickups, so an operator sees only their own center's:
another center is 404 to them, as route ids are (``planning.services.routes``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.accounts.models import User
from backend.bookings.models import Booking, BookingItem
from backend.core.errors import NotFound
from backend.intake.models import Intake, StockMovement
from backend.network.models import Bin, MaterialCategory, Site, Vehicle
from backend.network.services.sites import center_of
from backend.planning.models import PlanRoute
from backend.planning.services.routes import city_today, route_query

FINAL = ("done", "missed")


def get_visible_center(session: Session, user: User, center_id: int) -> Site:
    """The center, if ``user`` may read its arrivals: its operators, dispatchers and admins.
    Another center is 404 to an operator (its routes carry residents' addresses)."""
    if user.role == "operator" and user.sorting_center_id != center_id:
        raise NotFound(f"sorting center {center_id} not found")
    return center_of(session, center_id)


def _category_row(cat: MaterialCategory) -> dict:
    return {"category": cat.code, "name_en": cat.name_en, "name_zh": cat.name_zh, "unit": cat.unit}


def _share(total: float | None, parts: list[float]) -> list[float | None]:
    """``total`` kg split in proportion to ``parts`` (a booking's items by their estimates)."""
    if total is None:
        return [None] * len(parts)
    whole = sum(parts)
    return [round(total * p / whole, 1) if whole > 0 else round(total / len(parts), 1) for p in parts]


def list_arrivals(session: Session, user: User, center: Site, day: date | None, timezone: str) -> list[dict]:
    """The center's dispatched routes of ``day`` (default: the city's today), each with what
    it brings (see the module)."""
    day = day or city_today(timezone)
    routes = session.scalars(route_query(user, day, center.id).options(selectinload(PlanRoute.stops))).all()
    stops = [s for r in routes for s in r.stops]
    bookings = {
        b.id: b
        for b in session.scalars(
            select(Booking)
            .where(Booking.id.in_({s.booking_id for s in stops if s.booking_id is not None}))
            .options(selectinload(Booking.items).selectinload(BookingItem.category))
        )
    }
    bins = {
        b.id: b
        for b in session.scalars(
            select(Bin)
            .where(Bin.id.in_({s.bin_id for s in stops if s.bin_id is not None}))
            .options(selectinload(Bin.site), selectinload(Bin.category))
        )
    }
    vehicles = {v.id: v for v in session.scalars(select(Vehicle).where(Vehicle.id.in_({r.vehicle_id for r in routes})))}
    drivers = {
        u.id: u for u in session.scalars(select(User).where(User.id.in_({r.driver_id for r in routes if r.driver_id})))
    }
    intakes = defaultdict(list)
    for intake_id, route_id in session.execute(
        select(Intake.id, Intake.route_id).where(Intake.route_id.in_([r.id for r in routes])).order_by(Intake.id)
    ):
        intakes[route_id].append(intake_id)
    return [
        _arrival(r, vehicles[r.vehicle_id], drivers.get(r.driver_id), bookings, bins, intakes[r.id]) for r in routes
    ]


def _arrival(route: PlanRoute, vehicle: Vehicle, driver: User | None, bookings, bins, intake_ids) -> dict:
    per_category: dict[str, dict] = {}

    def add(cat: MaterialCategory, expected: float, estimated: float, reported: float | None) -> None:
        row = per_category.setdefault(
            cat.code, {**_category_row(cat), "expected_kg": 0.0, "estimated_kg": 0.0, "reported_kg": None}
        )
        row["expected_kg"] = round(row["expected_kg"] + expected, 1)
        row["estimated_kg"] = round(row["estimated_kg"] + estimated, 1)
        if reported is not None:
            row["reported_kg"] = round((row["reported_kg"] or 0.0) + reported, 1)

    on_board, in_bins = [], []
    work = [s for s in route.stops if s.kind != "unload"]
    for s in work:
        reported = s.quantity_kg if s.status == "done" else None
        if s.booking_id is not None:
            b = bookings[s.booking_id]
            parts = [i.estimated_kg for i in b.items]
            shares = _share(reported, parts)
            items = []
            for item, part, share in zip(b.items, parts, shares, strict=True):
                estimated = 0.0 if s.status == "missed" else (share if share is not None else part)
                add(item.category, part, estimated, share)
                items.append(
                    {
                        **_category_row(item.category),
                        "quantity": item.quantity,
                        "item_unit": item.unit,
                        "expected_kg": part,
                        "reported_kg": share,
                    }
                )
            on_board.append(
                {
                    "booking_id": b.id,
                    "seq": s.seq,
                    "stop_status": s.status,
                    "status": b.status,
                    "window_start": b.window_start,
                    "window_end": b.window_end,
                    "expected_kg": s.expected_kg,
                    "reported_kg": reported,
                    "weighable": b.status == "collected",
                    "items": items,
                }
            )
        elif s.bin_id is not None:
            b = bins[s.bin_id]
            estimated = 0.0 if s.status == "missed" else (reported if reported is not None else s.expected_kg)
            add(b.category, s.expected_kg, estimated, reported)
            in_bins.append(
                {
                    "bin_id": b.id,
                    "seq": s.seq,
                    "stop_status": s.status,
                    "place": b.site.name,
                    **_category_row(b.category),
                    "expected_kg": s.expected_kg,
                    "reported_kg": reported,
                }
            )
    done = sum(s.status == "done" for s in work)
    missed = sum(s.status == "missed" for s in work)
    if intake_ids:
        progress = "weighed"
    elif work and done + missed == len(work):
        progress = "completed"
    elif done + missed or any(s.status == "arrived" for s in work):
        progress = "on_route"
    else:
        progress = "planned"
    return {
        "route_id": route.id,
        "plan_id": route.plan_id,
        "seq": route.seq,
        "vehicle_id": vehicle.id,
        "plate": vehicle.plate,
        "tare_kg": vehicle.tare_kg,
        "capacity_kg": vehicle.capacity_kg,
        "driver_id": driver.id if driver else None,
        "driver_name": (driver.display_name or driver.username) if driver else None,
        "start_at": route.start_at,
        "end_at": route.end_at,
        "progress": progress,
        "stops_total": len(work),
        "stops_done": done,
        "stops_missed": missed,
        "intake_ids": intake_ids,
        "bookings": on_board,
        "bins": in_bins,
        "categories": sorted(per_category.values(), key=lambda c: c["category"]),
        "estimated_kg": round(sum(c["estimated_kg"] for c in per_category.values()), 1),
    }


def stock_history(session: Session, center_id: int, weeks: int, timezone: str, now: datetime | None = None) -> dict:
    """The center's stock per category at the end of each of the last ``weeks`` weeks (the
    city's calendar, the current week up to now): intake, less corrections and lots."""
    tz = ZoneInfo(timezone)
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    ends = [today - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    # The end of each week is the city's midnight after its last day, in UTC for the query.
    edges = [datetime.combine(d + timedelta(days=1), time(0), tz).astimezone(UTC) for d in ends]
    first = edges[0] - timedelta(weeks=1)
    level: dict[int, float] = defaultdict(float)
    for cat_id, kg in session.execute(
        select(StockMovement.category_id, StockMovement.kg).where(
            StockMovement.center_id == center_id, StockMovement.at < first
        )
    ):
        level[cat_id] += kg
    moves = session.execute(
        select(StockMovement.category_id, StockMovement.kg, StockMovement.at)
        .where(StockMovement.center_id == center_id, StockMovement.at >= first)
        .order_by(StockMovement.at)
    ).all()
    series: dict[int, list[float]] = {}
    i = 0
    for n, edge in enumerate(edges):
        while i < len(moves) and _aware(moves[i].at) < edge:
            level[moves[i].category_id] += moves[i].kg
            i += 1
        for cat_id, kg in level.items():
            series.setdefault(cat_id, [0.0] * len(edges))[n] = round(kg, 1)
    cats = {c.id: c for c in session.scalars(select(MaterialCategory).where(MaterialCategory.id.in_(series)))}
    return {
        "weeks": ends,
        "categories": [
            {**_category_row(cats[k]), "kg": v} for k, v in sorted(series.items(), key=lambda kv: cats[kv[0]].code)
        ],
    }


def _aware(at: datetime) -> datetime:
    """SQLite returns naive UTC datetimes; PostgreSQL aware ones."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
