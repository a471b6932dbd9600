"""How the web app hands plans to the queue: a Redis it cannot reach, and an app left without
its queue although REDIS_URL is set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.clock import city_today
from tests.support.servers import free_port

DAY = (city_today() + timedelta(days=1)).isoformat()


def test_a_plan_the_queue_cannot_take_fails_with_the_reason_and_the_api_answers_503(app, session, world):
    """Redis unreachable: POST /plans is a 503 in the API's error shape, and the plan is kept,
    failed, saying why (no worker would ever see it)."""
    from backend.runtime.queue import install

    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    install(app)
    body = {"center_id": world.ids["center_a"], "date": DAY}
    resp = world.client.post("/api/v1/plans", json=body, headers=world.headers("dispatcher"))
    assert resp.status_code == 503
    assert resp.get_json()["code"] == 503 and "queue is unavailable" in resp.get_json()["message"]
    session.expire_all()  # the test client's requests share the fixture's session
    plans = world.client.get("/api/v1/plans", headers=world.headers("dispatcher")).get_json()
    assert [(p["status"], "queue is unavailable" in p["error"]) for p in plans] == [("failed", True)]


def test_an_app_with_redis_url_but_no_queue_installed_refuses_to_solve_in_the_request(app, session, world):
    """create_app alone does not wire the queue: with REDIS_URL set, queueing a plan is an
    error rather than a solve of minutes inside a web request."""
    from backend.planning.jobs import submit_plan
    from backend.planning.services import dispatch

    plan = dispatch.create_plan(session, world.ids["center_a"], city_today() + timedelta(days=1), {}, None)
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    with pytest.raises(RuntimeError, match="no job queue installed"):
        submit_plan(plan.id)
    session.expire_all()
    assert dispatch.get_plan(session, plan.id).status == "queued"
