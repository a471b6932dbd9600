"""Price formation: the weekly index per category and grade from settled trades, and a
sorting center's resident price list proposed from it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.intake.services import price_on
from backend.markets.models import Listing
from backend.network.models import MaterialCategory

CENT = Decimal("0.01")


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def price_index(session: Session, min_trades: int, category: str | None = None, grade: str | None = None) -> list[dict]:
    """Per ISO week (of the delivery, UTC), category and grade: the volume-weighted mean price of
    the settled trades, their count and tonnage. A group with fewer than ``min_trades`` trades
    is left out: one company's price is not published."""
    stmt = (
        select(Listing.delivered_at, MaterialCategory.code, Listing.grade, Listing.price_per_kg, Listing.delivered_kg)
        .join(MaterialCategory, MaterialCategory.id == Listing.category_id)
        .where(Listing.status == "settled")
    )
    if category:
        stmt = stmt.where(MaterialCategory.code == category)
    if grade:
        stmt = stmt.where(Listing.grade == grade)
    groups: dict[tuple, list[tuple[Decimal, float]]] = defaultdict(list)
    for at, code, grd, price, kg in session.execute(stmt):
        groups[(week_of(at.date()), code, grd)].append((price, kg))
    rows = []
    for (week, code, grd), trades in sorted(groups.items()):
        if len(trades) < min_trades:
            continue
        kg = sum(k for _, k in trades)
        value = sum(p * Decimal(str(k)) for p, k in trades)
        rows.append(
            {
                "week": week,
                "category": code,
                "grade": grd,
                "price_per_kg": (value / Decimal(str(kg))).quantize(CENT, ROUND_HALF_UP),
                "trades": len(trades),
                "tonnes": round(kg / 1000, 3),
            }
        )
    return rows


def propose_prices(session: Session, min_trades: int, margin_pct: float, today: date) -> list[dict]:
    """For each category with a published index: its latest weekly price (all grades), less
    ``margin_pct``, beside the resident price in force. The operator accepts or edits it
    through the price list (POST /api/v1/prices), with its effective date."""
    latest: dict[str, dict] = {}
    by_week: dict[tuple[date, str], list[dict]] = defaultdict(list)
    for row in price_index(session, 1):
        by_week[(row["week"], row["category"])].append(row)
    published = {k: v for k, v in by_week.items() if sum(r["trades"] for r in v) >= min_trades}
    for (week, code), rows in sorted(published.items()):
        tonnes = sum(r["tonnes"] for r in rows)
        value = sum(r["price_per_kg"] * Decimal(str(r["tonnes"])) for r in rows)
        latest[code] = {"week": week, "index_per_kg": (value / Decimal(str(tonnes))).quantize(CENT, ROUND_HALF_UP)}
    cats = {c.code: c for c in session.scalars(select(MaterialCategory).where(MaterialCategory.code.in_(latest)))}
    keep = 1 - Decimal(str(margin_pct)) / 100
    out = []
    for code, figure in sorted(latest.items()):
        cat = cats[code]
        if cat.unit != "kg":
            continue  # the index is per kg; a piece price is set by hand
        current = price_on(session, cat, today)
        out.append(
            {
                "category": code,
                "week": figure["week"],
                "index_per_kg": figure["index_per_kg"],
                "proposed_amount": Decimal(0) if cat.hazardous else (figure["index_per_kg"] * keep).quantize(CENT),
                "unit": cat.unit,
                "current_amount": current.amount if current else None,
                "effective_from": today + timedelta(days=1),
            }
        )
    return out
