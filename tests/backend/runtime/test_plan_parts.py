"""A large plan's parts as jobs on the real queue, solved by real worker processes: parts
taken by different workers merge into one plan exactly once, also when a worker is killed
in the middle of a part; a whole city's day is a plan per center; a cancelled plan stops
its parts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.backend.runtime.test_jobs import stored_routes
from tests.support.clock import CITY_TZ, city_today
from tests.support.processes import wait_for

DAY = (city_today() + timedelta(days=1)).isoformat()
# Small enough that the demo city's busiest center (about eight bins) is cut in parts.
SMALL_PARTS = {"PLAN_DECOMPOSE_ABOVE": 3, "PLAN_PART_SIZE": 3}

pytestmark = pytest.mark.slow


def part_rows(city, plan_id: int) -> list[dict]:
    from backend.core.extensions import db
    from backend.planning.models import PlanPart

    with city.app.app_context():
        rows = db.session.scalars(select(PlanPart).where(PlanPart.plan_id == plan_id).order_by(PlanPart.seq)).all()
        out = [{"seq": r.seq, "kind": r.kind, "status": r.status, "attempts": r.attempts, "by": r.solved_by,
                "progress": r.progress} for r in rows]  # fmt: skip
        db.session.remove()
        return out


def checked(city, plan_id: int) -> int:
    """The stored plan through the independent checker; the stops it serves."""
    from backend.core.extensions import db
    from backend.planning.models import Plan
    from tests.backend.planning.stored_check import check_stored_plan

    with city.app.app_context():
        served = check_stored_plan(db.session(), db.session.get(Plan, plan_id), CITY_TZ)
        db.session.remove()
        return served


def assert_merged_once(city, plan_id: int) -> dict:
    plan = city.wait_status(plan_id, "done", "failed", "cancelled")
    assert plan["status"] == "done", plan["error"]
    city.queue_drained()
    again = city.plan(plan_id)
    assert again["finished_at"] == plan["finished_at"] and again["attempts"] == 1
    summary = plan["summary"]["plan"]
    assert stored_routes(city, plan_id) == (summary["vehicles_used"], summary["stops_served"])
    assert checked(city, plan_id) == summary["stops_served"] > 0
    assert plan["summary"]["baseline"]["stops_served"] > 0
    return plan


def test_parts_solved_by_two_workers_merge_into_one_plan_exactly_once(city):
    """Two workers: the plan's parts are shared between them (each solves at least one), and
    the last one done merges them into one checked plan, once."""
    city.worker(**SMALL_PARTS)
    city.worker(**SMALL_PARTS)
    plan_id = city.create_plan(time_limit=4, day=DAY)
    plan = assert_merged_once(city, plan_id)
    rows = part_rows(city, plan_id)
    assert plan["parts"] == len(rows) >= 3
    assert all(r["status"] == "done" and r["attempts"] == 1 for r in rows)
    assert len({r["by"] for r in rows}) == 2, rows


def test_a_worker_killed_mid_part_leaves_the_part_to_another_and_the_plan_merges_once(city):
    """SIGKILL to the only worker while it solves a part: the workers started next take the
    part over (its second attempt) and the others, and the plan is merged once."""
    first = city.worker(**SMALL_PARTS)
    plan_id = city.create_plan(time_limit=6, day=DAY)
    held = wait_for(
        lambda: next((r for r in part_rows(city, plan_id) if r["status"] == "solving" and r["progress"] > 0), None),
        what="a part solving in earnest",
    )
    first.kill()
    city.worker(**SMALL_PARTS)
    city.worker(**SMALL_PARTS)
    assert_merged_once(city, plan_id)
    rows = {r["seq"]: r for r in part_rows(city, plan_id)}
    assert rows[held["seq"]]["attempts"] == 2
    assert all(r["status"] == "done" for r in rows.values())


def test_a_city_day_is_a_plan_per_center_solved_by_the_workers(city):
    """POST /plans/city-days: one child plan per center with a truck, each solved (the
    busiest in parts) and checked; the day reads done."""
    city.worker(**SMALL_PARTS)
    city.worker(**SMALL_PARTS)
    resp = city.client.post(
        "/api/v1/plans/city-days", json={"date": DAY, "options": {"time_limit": 2}}, headers=city.headers()
    )
    assert resp.status_code == 202, resp.get_json()
    day = resp.get_json()
    assert len(day["plans"]) == 3 and day["status"] == "queued"
    url = f"/api/v1/plans/city-days/{day['id']}"
    final = wait_for(
        lambda: (
            (d := city.client.get(url, headers=city.headers()).get_json())["status"] not in ("queued", "solving") and d
        ),
        what="the city's day to end",
    )
    assert final["status"] == "done", final
    assert any(p["parts"] >= 3 for p in final["plans"])
    for p in final["plans"]:
        assert_merged_once(city, p["id"])
    operator = city.client.get(url, headers=city.headers("operator1"))
    assert operator.status_code == 403


def test_a_plan_cancelled_while_its_parts_solve_stops_them(city):
    """Cancelled while parts solve (10-minute budget): the plan ends cancelled at the next
    part heartbeat, with no routes, and its parts' jobs end."""
    city.worker(**SMALL_PARTS)
    plan_id = city.create_plan(time_limit=600, day=DAY)
    wait_for(lambda: any(r["progress"] > 0 for r in part_rows(city, plan_id)), what="a part solving")
    assert city.client.post(f"/api/v1/plans/{plan_id}/cancel", headers=city.headers()).status_code == 200
    plan = city.wait_status(plan_id, "cancelled", "done", "failed", timeout=60)
    assert plan["status"] == "cancelled" and stored_routes(city, plan_id) == (0, 0)
    city.queue_drained(timeout=60)
