"""The whole city's day as one request: a child plan for every sorting center with an active
truck, each solved by a job of its own (a large one in parts, each a job), so that the
city's workers solve the day side by side. The day's status is read from its children."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.common import commit, flush, get_or_404
from backend.core.errors import Invalid
from backend.network.models import Site, Vehicle
from backend.planning.models import CityDay, Plan

OPEN = ("queued", "solving")
FINISHED_WELL = ("done", "dispatched", "superseded")


def centers_to_plan(session: Session) -> list[Site]:
    """Active sorting centers with at least one active truck (another has nothing to plan)."""
    has_truck = exists().where(Vehicle.home_center_id == Site.id, Vehicle.active.is_(True))
    return list(
        session.scalars(
            select(Site).where(Site.tier == "sorting_center", Site.active.is_(True), has_truck).order_by(Site.id)
        )
    )


def create_city_day(session: Session, day: date, options: dict, user: User | None) -> CityDay:
    """The day and its queued child plans, one per center; the caller submits their jobs."""
    centers = centers_to_plan(session)
    if not centers:
        raise Invalid.field("date", "no active sorting center has an active truck: nothing to plan")
    city_day = CityDay(day=day, options=options, created_by=user.id if user else None)
    session.add(city_day)
    flush(session)
    for center in centers:
        session.add(
            Plan(
                center_id=center.id,
                day=day,
                status="queued",
                options=options,
                overrides={},
                created_by=city_day.created_by,
                city_day_id=city_day.id,
            )
        )
    commit(session)
    session.refresh(city_day)
    return city_day


def get_city_day(session: Session, city_day_id: int) -> CityDay:
    return get_or_404(session, CityDay, city_day_id, "city day")


def status_of(statuses: list[str]) -> str:
    """solving while any child is open; else done if every child finished well; else failed
    (or cancelled, when every child that did not finish well was cancelled)."""
    if any(s in OPEN for s in statuses):
        return "queued" if all(s == "queued" for s in statuses) else "solving"
    bad = [s for s in statuses if s not in FINISHED_WELL]
    if not bad:
        return "done"
    return "cancelled" if all(s == "cancelled" for s in bad) else "failed"


def city_day_view(session: Session, city_day: CityDay) -> dict:
    plans = list(session.scalars(select(Plan).where(Plan.city_day_id == city_day.id).order_by(Plan.center_id)))
    statuses = [p.status for p in plans]
    return {
        "id": city_day.id,
        "date": city_day.day,
        "status": status_of(statuses),
        "counts": dict(Counter(statuses)),
        "created_at": city_day.created_at,
        "plans": [
            {
                "id": p.id,
                "center_id": p.center_id,
                "status": p.status,
                "progress": p.progress,
                "parts": p.parts_total,
                "error": p.error,
                "url": f"/api/v1/plans/{p.id}",
            }
            for p in plans
        ],
    }
