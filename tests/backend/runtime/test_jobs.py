"""Plans as durable jobs, with real worker processes on real Redis and PostgreSQL: a worker
killed mid-solve, a web server restarted with plans queued, cancellation of a queued and of
a solving plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.clock import city_today
from tests.support.processes import wait_for

DAY = (city_today() + timedelta(days=1)).isoformat()

pytestmark = pytest.mark.slow


def stored_routes(city, plan_id: int) -> tuple[int, int]:
    """(routes, bin and booking stops) stored for the plan, counted in the database."""
    from backend.core.extensions import db
    from backend.planning.models import PlanRoute, RouteStop

    with city.app.app_context():
        routes = db.session.scalar(select(func.count()).where(PlanRoute.plan_id == plan_id))
        stops = db.session.scalar(
            select(func.count())
            .select_from(RouteStop)
            .join(PlanRoute, RouteStop.route_id == PlanRoute.id)
            .where(PlanRoute.plan_id == plan_id, RouteStop.kind != "unload")
        )
        db.session.remove()
        return routes, stops


def solving_in_earnest(city, plan_id: int) -> bool:
    """The worker has claimed the plan and its watch over the solver process has ticked."""
    plan = city.plan(plan_id)
    return plan["status"] == "solving" and plan["progress"] > 0


def test_a_plan_whose_worker_is_killed_mid_solve_is_solved_by_the_restarted_worker_exactly_once(city):
    """SIGKILL to the worker (and its solver) mid-solve: the next worker takes the job over and
    the plan ends done on the second attempt, with one set of routes."""
    plan_id = city.create_plan(time_limit=6, day=DAY)
    first = city.worker()
    wait_for(lambda: solving_in_earnest(city, plan_id), what="the first worker solving")
    first.kill()
    assert city.plan(plan_id)["status"] == "solving"
    city.worker()
    plan = city.wait_status(plan_id, "done", "failed")
    assert plan["status"] == "done", plan["error"]
    assert plan["attempts"] == 2
    city.queue_drained()
    assert city.plan(plan_id)["finished_at"] == plan["finished_at"]
    summary = plan["summary"]["plan"]
    assert stored_routes(city, plan_id) == (summary["vehicles_used"], summary["stops_served"])
    assert len(plan["routes"]) == summary["vehicles_used"] > 0


def test_plans_queued_while_the_web_server_restarts_are_solved_by_a_worker(city):
    """Plans accepted by gunicorn, the server killed and started again, then a worker: every
    plan is solved and readable through the restarted server."""
    import json
    import urllib.request

    from tests.support.servers import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def call(method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        req = urllib.request.Request(
            base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def serve():
        server = city.start("serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2")
        wait_for(lambda: _answers(base), what="gunicorn to answer")
        return server

    web = serve()
    token = call("POST", "/api/v1/auth/token", {"username": "dispatcher", "password": "recyclenet-demo"})[
        "access_token"
    ]
    body = {"center_id": city.center(), "date": DAY, "options": {"time_limit": 1}}
    queued = [call("POST", "/api/v1/plans", body, token) for _ in range(2)]
    assert [q["status"] for q in queued] == ["queued", "queued"]
    web.kill()
    serve()
    city.worker()
    for q in queued:
        plan = wait_for(lambda q=q: (p := call("GET", q["url"], token=token))["status"] in ("done", "failed") and p)
        assert plan["status"] == "done" and plan["routes"] and plan["attempts"] == 1, plan["error"]


def _answers(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(base + "/api/openapi.json", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


def test_a_queued_plan_cancelled_is_never_solved(city):
    """Cancelled while queued: 200 and cancelled at once; the worker that later gets its job
    acknowledges it without solving (no attempt, no routes)."""
    plan_id = city.create_plan(time_limit=1, day=DAY)
    resp = city.client.post(f"/api/v1/plans/{plan_id}/cancel", headers=city.headers())
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    city.worker()
    city.queue_drained()
    plan = city.plan(plan_id)
    assert plan["status"] == "cancelled" and plan["attempts"] == 0
    assert stored_routes(city, plan_id) == (0, 0)


def test_a_solving_plan_cancelled_stops_at_its_workers_next_tick(city):
    """Cancelled mid-solve (a 10-minute time limit): the plan ends cancelled without routes,
    and the same worker is free at once for the next plan."""
    plan_id = city.create_plan(time_limit=600, day=DAY)
    city.worker()
    wait_for(lambda: solving_in_earnest(city, plan_id), what="the worker solving")
    resp = city.client.post(f"/api/v1/plans/{plan_id}/cancel", headers=city.headers())
    assert resp.status_code == 200
    asked = resp.get_json()
    assert asked["cancel_requested_at"] is not None and asked["status"] in ("solving", "cancelled")
    plan = city.wait_status(plan_id, "cancelled", "done", "failed", timeout=120)
    assert plan["status"] == "cancelled" and stored_routes(city, plan_id) == (0, 0)
    again = city.client.post(f"/api/v1/plans/{plan_id}/cancel", headers=city.headers())
    assert again.status_code == 200 and again.get_json()["status"] == "cancelled"
    next_plan = city.create_plan(time_limit=1, day=DAY)
    assert city.wait_status(next_plan, "done", "failed", timeout=120)["status"] == "done"
