"""The whole city's day: a child plan per center with a truck, its status from its children,
and who may ask for it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.planning.models import CityDay, Plan
from backend.planning.services import cityday
from tests.support.clock import city_today

DAY = city_today() + timedelta(days=1)


def test_a_city_day_has_one_queued_plan_per_center_with_an_active_truck(session, world):
    """Center A has a truck, center B none: one child plan, for A, queued, under the day."""
    day = cityday.create_city_day(session, DAY, {"time_limit": 1.0}, None)
    plans = session.scalars(select(Plan).where(Plan.city_day_id == day.id)).all()
    assert [(p.center_id, p.status, p.day) for p in plans] == [(world.ids["center_a"], "queued", DAY)]
    view = cityday.city_day_view(session, day)
    assert view["status"] == "queued" and view["counts"] == {"queued": 1}
    assert view["plans"][0]["url"] == f"/api/v1/plans/{plans[0].id}"


def test_the_days_status_is_read_from_its_plans():
    """Solving while any plan is open; done only when all finished well; cancelled when every
    other one was cancelled; failed otherwise."""
    assert cityday.status_of(["queued", "queued"]) == "queued"
    assert cityday.status_of(["done", "queued"]) == "solving"
    assert cityday.status_of(["done", "dispatched", "superseded"]) == "done"
    assert cityday.status_of(["done", "cancelled"]) == "cancelled"
    assert cityday.status_of(["done", "failed", "cancelled"]) == "failed"


def test_without_a_job_queue_the_api_refuses_the_city_day_and_writes_nothing(client, session, world):
    """No queue (no REDIS_URL): 409 with the reason, no day and no plan stored (ten centers
    solved inside one request would hold it for minutes)."""
    resp = client.post("/api/v1/plans/city-days", json={"date": DAY.isoformat()}, headers=world.headers("dispatcher"))
    assert resp.status_code == 409 and "job queue" in resp.get_json()["message"]
    assert session.scalar(select(func.count()).select_from(CityDay)) == 0
    assert session.scalar(select(func.count()).select_from(Plan)) == 0


def test_only_planners_read_a_city_day_and_an_unknown_one_is_404(client, session, world):
    """An operator (one center's) is refused the city-wide day (403); a dispatcher reads it;
    an unknown id is 404."""
    day = cityday.create_city_day(session, DAY, {"time_limit": 1.0}, None)
    url = f"/api/v1/plans/city-days/{day.id}"
    assert client.get(url, headers=world.headers("operator")).status_code == 403
    resp = client.get(url, headers=world.headers("dispatcher"))
    assert resp.status_code == 200 and resp.get_json()["status"] == "queued"
    assert client.get("/api/v1/plans/city-days/99999", headers=world.headers("dispatcher")).status_code == 404
