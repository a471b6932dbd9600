"""Statistics across the three tiers. Each function returns rows (dicts), which the API
serves as JSON or CSV. Corrected intakes count once, in their latest version."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.bookings.models import Booking, BookingEvent
from backend.intake.models import GenerationEstimate, Intake, IntakeLine
from backend.network.models import Bin, MaterialCategory, Site
from backend.planning.models import Plan, RouteStop
from backend.telemetry.models import Reading

WASTED_BELOW_PCT = 25.0


def effective_intakes():
    """Intakes no later record corrects."""
    corrected = select(Intake.corrects_id).where(Intake.corrects_id.is_not(None))
    return select(Intake.id).where(Intake.id.not_in(corrected))


def tonnage(session: Session, by: str, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """Net tonnes received, by category, center, month, or district (of collection)."""
    if by == "district":
        return _collected_by_district(session, start, end)
    stmt = (
        select(Intake.weighed_at, Site.name, MaterialCategory.code, IntakeLine.net_kg)
        .join(IntakeLine, IntakeLine.intake_id == Intake.id)
        .join(Site, Site.id == Intake.center_id)
        .join(MaterialCategory, MaterialCategory.id == IntakeLine.category_id)
        .where(Intake.id.in_(effective_intakes()))
    )
    if start:
        stmt = stmt.where(Intake.weighed_at >= start)
    if end:
        stmt = stmt.where(Intake.weighed_at < end)
    totals: dict[str, float] = defaultdict(float)
    for at, center, code, kg in session.execute(stmt):
        key = {"category": code, "center": center, "month": at.strftime("%Y-%m")}[by]
        totals[key] += kg
    return [{by: k, "tonnes": round(v / 1000, 3)} for k, v in sorted(totals.items())]


def _done_stops(session: Session, start, end):
    stmt = select(RouteStop).where(RouteStop.status == "done", RouteStop.kind != "unload")
    if start:
        stmt = stmt.where(RouteStop.updated_at >= start)
    if end:
        stmt = stmt.where(RouteStop.updated_at < end)
    return session.scalars(stmt).all()


def _collected_by_district(session: Session, start, end) -> list[dict]:
    """Tonnes collected at stops, by the district of the bin's site or the resident."""
    totals: dict[str, float] = defaultdict(float)
    for stop in _done_stops(session, start, end):
        if stop.bin_id is not None:
            district = session.get(Site, session.get(Bin, stop.bin_id).site_id).district
        else:
            district = session.get(User, session.get(Booking, stop.booking_id).resident_id).district
        totals[district or "(unknown)"] += stop.quantity_kg or 0.0
    return [{"district": k, "tonnes": round(v / 1000, 3)} for k, v in sorted(totals.items())]


def recovery(session: Session, year: int) -> list[dict]:
    """Collected tonnes against each district's generation estimate (the province's
    main-recyclables recovery rate), and the city total."""
    start, end = datetime(year, 1, 1).astimezone(), datetime(year + 1, 1, 1).astimezone()
    collected = {r["district"]: r["tonnes"] for r in _collected_by_district(session, start, end)}
    rows, tot_c, tot_g = [], 0.0, 0.0
    for est in session.scalars(
        select(GenerationEstimate).where(GenerationEstimate.year == year).order_by(GenerationEstimate.district)
    ):
        c = collected.get(est.district, 0.0)
        tot_c, tot_g = tot_c + c, tot_g + est.tonnes
        rows.append(
            {
                "district": est.district,
                "collected_tonnes": c,
                "generated_tonnes": est.tonnes,
                "recovery_pct": round(100 * c / est.tonnes, 2),
            }
        )
    if rows:
        rows.append(
            {
                "district": "(city)",
                "collected_tonnes": round(tot_c, 3),
                "generated_tonnes": tot_g,
                "recovery_pct": round(100 * tot_c / tot_g, 2),
            }
        )
    return rows


def route_efficiency(session: Session) -> list[dict]:
    """Per month: km, empty km, tonnes, km per tonne and share of empty km of dispatched plans."""
    months: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for plan in session.scalars(select(Plan).where(Plan.status == "dispatched")):
        for route in plan.routes:
            m = months[plan.day.strftime("%Y-%m")]
            m[0] += route.distance_km
            m[1] += route.empty_km
            m[2] += sum(s.quantity_kg or 0.0 for s in route.stops if s.status == "done") / 1000
    return [
        {
            "month": k,
            "km": round(km, 3),
            "empty_km": round(ekm, 3),
            "tonnes": round(t, 3),
            "km_per_tonne": round(km / t, 3) if t else None,
            "empty_share_pct": round(100 * ekm / km, 2) if km else None,
        }
        for k, (km, ekm, t) in sorted(months.items())
    ]


def bin_service(session: Session, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """Visits, wasted visits (emptied below 25% full) and overflows (a reading at 100% or an
    alarm, before the pickup came)."""
    visits = wasted = 0
    for stop in _done_stops(session, start, end):
        if stop.bin_id is None:
            continue
        visits += 1
        fill = session.scalar(
            select(Reading.fill_pct)
            .where(Reading.bin_id == stop.bin_id, Reading.measured_at <= stop.updated_at)
            .order_by(Reading.measured_at.desc())
            .limit(1)
        )
        if fill is not None and fill < WASTED_BELOW_PCT:
            wasted += 1
    stmt = select(Reading.bin_id, Reading.measured_at).where((Reading.fill_pct >= 100) | (Reading.alarms != ""))
    if start:
        stmt = stmt.where(Reading.measured_at >= start)
    if end:
        stmt = stmt.where(Reading.measured_at < end)
    overflow_bin_days = {(b, t.date()) for b, t in session.execute(stmt)}
    return [
        {
            "visits": visits,
            "wasted_visits": wasted,
            "wasted_share_pct": round(100 * wasted / visits, 2) if visits else None,
            "overflow_bin_days": len(overflow_bin_days),
        }
    ]


def bookings_on_time(session: Session) -> list[dict]:
    """Collected bookings, and how many were collected within their window."""
    collected = on_time = 0
    rows = session.execute(
        select(Booking, BookingEvent.at)
        .join(BookingEvent, BookingEvent.booking_id == Booking.id)
        .where(BookingEvent.to_status == "collected")
    )
    for booking, at in rows:
        collected += 1
        on_time += booking.window_start <= at <= booking.window_end
    return [
        {
            "collected": collected,
            "within_window": on_time,
            "within_window_pct": round(100 * on_time / collected, 2) if collected else None,
        }
    ]
