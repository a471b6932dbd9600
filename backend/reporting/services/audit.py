"""Mass balance: for each sorting center and category, collected estimates, intake,
stock and lots must reconcile. Every discrepancy is listed."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.bookings.models import BookingItem
from backend.intake.models import Intake, IntakeLine, Lot, StockMovement
from backend.markets.models import Listing
from backend.network.models import Bin, MaterialCategory, Site
from backend.planning.models import Plan, PlanRoute, RouteStop
from backend.reporting.services.stats import effective_intakes


def _sum_by(session: Session, stmt) -> dict[tuple[int, int], float]:
    return {(c, k): float(v or 0) for c, k, v in session.execute(stmt)}


def audit(session: Session, tolerance_pct: float = 10.0) -> tuple[list[dict], list[dict]]:
    """(rows, discrepancies): one row per center and category with every figure."""
    intake = _sum_by(
        session,
        select(Intake.center_id, IntakeLine.category_id, func.sum(IntakeLine.net_kg))
        .join(IntakeLine, IntakeLine.intake_id == Intake.id)
        .where(Intake.id.in_(effective_intakes()))
        .group_by(Intake.center_id, IntakeLine.category_id),
    )
    ledger = _sum_by(
        session,
        select(StockMovement.center_id, StockMovement.category_id, func.sum(StockMovement.kg)).group_by(
            StockMovement.center_id, StockMovement.category_id
        ),
    )
    shipped = _sum_by(
        session,
        select(Lot.center_id, Lot.category_id, func.sum(Lot.weight_kg)).group_by(Lot.center_id, Lot.category_id),
    )
    received = _sum_by(
        session,
        select(Lot.center_id, Lot.category_id, func.sum(Lot.received_kg))
        .where(Lot.status == "received")
        .group_by(Lot.center_id, Lot.category_id),
    )
    shipped_received = _sum_by(
        session,
        select(Lot.center_id, Lot.category_id, func.sum(Lot.weight_kg))
        .where(Lot.status == "received")
        .group_by(Lot.center_id, Lot.category_id),
    )
    # Sold on at the market: what the buyers' scales found, and what those lots weighed when listed.
    sold = _sum_by(
        session,
        select(Listing.center_id, Listing.category_id, func.sum(Listing.delivered_kg))
        .where(Listing.status == "settled")
        .group_by(Listing.center_id, Listing.category_id),
    )
    sold_listed = _sum_by(
        session,
        select(Listing.center_id, Listing.category_id, func.sum(Listing.weight_kg))
        .where(Listing.status == "settled")
        .group_by(Listing.center_id, Listing.category_id),
    )
    collected: dict[tuple[int, int], float] = defaultdict(float)
    done = (
        select(Plan.center_id, RouteStop)
        .join(PlanRoute, PlanRoute.plan_id == Plan.id)
        .join(RouteStop, RouteStop.route_id == PlanRoute.id)
        .where(RouteStop.status == "done")
    )
    for center_id, stop in session.execute(done):
        if stop.bin_id is not None:
            collected[(center_id, session.get(Bin, stop.bin_id).category_id)] += stop.quantity_kg or 0.0
        elif stop.booking_id is not None:
            for item in session.scalars(select(BookingItem).where(BookingItem.booking_id == stop.booking_id)):
                collected[(center_id, item.category_id)] += item.estimated_kg
    names = dict(session.execute(select(Site.id, Site.name)).all())
    codes = dict(session.execute(select(MaterialCategory.id, MaterialCategory.code)).all())
    rows, problems = [], []
    for key in sorted(set(intake) | set(ledger) | set(shipped) | set(collected)):
        center, cat = key
        i, s, sh, c = intake.get(key, 0.0), ledger.get(key, 0.0), shipped.get(key, 0.0), collected.get(key, 0.0)
        row = {
            "center": names[center],
            "category": codes[cat],
            "collected_kg": round(c, 3),
            "intake_kg": round(i, 3),
            "shipped_kg": round(sh, 3),
            "stock_kg": round(s, 3),
            "sold_kg": round(sold.get(key, 0.0), 3),
        }
        rows.append(row)

        def problem(check, expected, actual, row=row):
            diff = 100 * (actual - expected) / expected if expected else None
            problems.append(
                {
                    **row,
                    "check": check,
                    "expected": round(expected, 3),
                    "actual": round(actual, 3),
                    "diff_pct": round(diff, 2) if diff is not None else None,
                }
            )

        if abs(s - (i - sh)) > 0.01:
            problem("stock ledger = intake - shipped", i - sh, s)
        if s < -0.01:
            problem("stock is not negative", 0.0, s)
        if c > 0 and abs(i - c) > c * tolerance_pct / 100:
            problem(f"intake within {tolerance_pct:g}% of the collected estimate", c, i)
        if c == 0 and i > 0:
            problem("intake has collections behind it", 0.0, i)
        if key in received and abs(received[key] - shipped_received[key]) > shipped_received[key] * tolerance_pct / 100:
            problem(
                f"market receipt within {tolerance_pct:g}% of the lots shipped", shipped_received[key], received[key]
            )
        if key in sold:
            if abs(sold[key] - sold_listed[key]) > sold_listed[key] * tolerance_pct / 100:
                problem(f"delivered to buyers within {tolerance_pct:g}% of the lots sold", sold_listed[key], sold[key])
            if sold_listed[key] > sh + 0.01:
                problem("sold no more than was shipped to the markets", sh, sold_listed[key])
    return rows, problems
