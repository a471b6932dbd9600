"""The open figures: the staff statistics' own functions, aggregated, with nothing about a
resident or one company's trade (the price index hides thin weeks)."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.intake.models import GenerationEstimate
from backend.markets.services.prices import price_index
from backend.network.models import Site
from backend.reporting.services import stats

TARGET_PCT = 60.0  # the province's recovery target for the main recyclables


def _finite(pct: float) -> float | None:
    """A rate, or None where an estimate too small for a float makes it infinite (JSON has no
    infinity)."""
    return pct if math.isfinite(pct) else None


def recovery(session: Session, year: int) -> list[dict]:
    """The staff recovery figures per district and city for the year, against the target."""
    rows = []
    for row in stats.recovery(session, year):
        pct = _finite(row["recovery_pct"])
        rows.append(
            {
                **row,
                "recovery_pct": pct,
                "target_pct": TARGET_PCT,
                "meets_target": pct is not None and pct >= TARGET_PCT,
            }
        )
    return rows


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1).astimezone()
    end = datetime(year + (month == 12), month % 12 + 1, 1).astimezone()
    return start, end


def recovery_by_month(session: Session, year: int) -> list[dict]:
    """Per month and district: tonnes collected against a twelfth of the year's estimate."""
    estimates = {
        e.district: e.tonnes for e in session.scalars(select(GenerationEstimate).where(GenerationEstimate.year == year))
    }
    rows = []
    for month in range(1, 13):
        start, end = _month_bounds(year, month)
        collected = {r["district"]: r["tonnes"] for r in stats.tonnage(session, "district", start, end)}
        for district, tonnes in sorted(estimates.items()):
            c = collected.get(district, 0.0)
            rows.append(
                {
                    "month": f"{year}-{month:02d}",
                    "district": district,
                    "collected_tonnes": c,
                    # 12 * c / tonnes, not c / (tonnes / 12): a tiny estimate divided first is 0.
                    "recovery_pct": _finite(round(100 * 12 * c / tonnes, 2)),
                    "target_pct": TARGET_PCT,
                }
            )
    return rows


def tonnage(session: Session, year: int) -> list[dict]:
    """Tonnes received per month and category (the staff tonnage statistic, month by month)."""
    rows = []
    for month in range(1, 13):
        start, end = _month_bounds(year, month)
        for row in stats.tonnage(session, "category", start, end):
            rows.append({"month": f"{year}-{month:02d}", **row})
    return rows


def prices(session: Session, min_trades: int, category: str | None, grade: str | None) -> list[dict]:
    return price_index(session, min_trades, category, grade)


def sites(session: Session, tier: str | None) -> list[dict]:
    """Active collection points, sorting centers and markets: where, when open, what they take."""
    stmt = select(Site).where(Site.active.is_(True)).order_by(Site.id)
    if tier:
        stmt = stmt.where(Site.tier == tier)
    return [
        {
            "id": s.id,
            "tier": s.tier,
            "name": s.name,
            "district": s.district,
            "lat": s.lat,
            "lon": s.lon,
            "opening_hours": s.opening_hours,
            "categories": [c.code for c in s.categories],
        }
        for s in session.scalars(stmt)
    ]
