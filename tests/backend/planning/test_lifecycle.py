"""A plan's solve as a job: claims with a lease, the attempt number as a fencing token, the
sweep of plans whose worker vanished, and cancellation (on both databases, inline: the tests
with real worker processes are in tests/backend/runtime)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.audit_log.models import AuditEvent
from backend.planning.jobs import recover_lost_plans, run_plan, settings_for_jobs
from backend.planning.models import Plan, PlanRoute
from backend.planning.services import dispatch, lifecycle
from backend.planning.services.lifecycle import Beat
from tests.backend.planning.conftest import DAY, QUICK, book
from tests.support.processes import wait_for

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def queued_plan(session, world, time_limit: float = 1) -> int:
    return dispatch.create_plan(session, world.ids["center_a"], DAY, {"time_limit": time_limit}, None).id


def claim(session, plan_id, at, lease_s=30, max_attempts=3):
    return lifecycle.claim_plan(session, plan_id, lease_s=lease_s, max_attempts=max_attempts, now=at)


def test_a_claim_takes_over_only_after_the_lease_and_the_old_attempt_can_write_nothing(session, world):
    """Within the lease a second claim is refused (Busy); past it, it becomes attempt 2, and
    attempt 1's heartbeat, failure or result no longer change the plan."""
    plan_id = queued_plan(session, world)
    assert claim(session, plan_id, T0) == 1
    with pytest.raises(lifecycle.Busy):
        claim(session, plan_id, T0 + timedelta(seconds=10))
    assert claim(session, plan_id, T0 + timedelta(seconds=31)) == 2
    assert lifecycle.beat(session, plan_id, 1, 0.5) is Beat.LOST
    lifecycle.fail(session, plan_id, 1, "from the old attempt")
    assert lifecycle.store_solution(session, plan_id, 1, None, None, None) is False
    plan = session.get(Plan, plan_id, populate_existing=True)
    assert (plan.status, plan.attempts, plan.error) == ("solving", 2, "")
    assert lifecycle.beat(session, plan_id, 2, 0.5) is Beat.GO_ON


def test_a_plan_interrupted_as_often_as_allowed_fails_with_the_reason(session, world):
    """After PLAN_MAX_ATTEMPTS claims whose workers died, the next claim fails the plan and says why."""
    plan_id = queued_plan(session, world)
    for n in range(3):
        assert claim(session, plan_id, T0 + timedelta(minutes=n)) == n + 1
    assert claim(session, plan_id, T0 + timedelta(minutes=3)) is None
    plan = session.get(Plan, plan_id, populate_existing=True)
    assert plan.status == "failed" and "interrupted 3 times" in plan.error


def test_a_plan_whose_worker_vanished_is_queued_again_by_the_sweep_and_solved(app, session, world):
    """A plan claimed long ago and silent since is solved again by the sweep (inline here),
    on a second attempt; a freshly claimed one is left to its worker."""
    book(app, session, world, "resident", 8)
    lost = queued_plan(session, world)
    busy = queued_plan(session, world)
    claim(session, lost, datetime.now(UTC) - timedelta(hours=1))
    claim(session, busy, datetime.now(UTC))
    recover_lost_plans(app.config, "2026-01-05T08:00:00+00:00")  # in the session fixture's app context
    session.expire_all()
    assert (session.get(Plan, lost).status, session.get(Plan, lost).attempts) == ("done", 2)
    assert (session.get(Plan, busy).status, session.get(Plan, busy).attempts) == ("solving", 1)


def test_cancelling_a_queued_plan_is_immediate_audited_and_the_solve_job_then_skips_it(app, session, world):
    """POST cancel: 200 cancelled, an audit event by the dispatcher; the job finds nothing to solve."""
    plan_id = queued_plan(session, world)
    resp = world.client.post(f"/api/v1/plans/{plan_id}/cancel", headers=world.headers("dispatcher"))
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.cancel")).one()
    assert event.object_id == plan_id and event.actor_id == world.ids["user_dispatcher"]
    assert event.before["status"] == "queued" and event.after["status"] == "cancelled"
    assert run_plan(settings_for_jobs(app.config), plan_id, params=QUICK) == "cancelled"
    assert session.scalars(select(PlanRoute).where(PlanRoute.plan_id == plan_id)).all() == []


def test_cancelling_a_solving_plan_stops_its_solver_at_the_next_tick(app, session, world):
    """A solve of up to 10 minutes, cancelled once its watch has ticked: it ends cancelled,
    without routes, long before its time limit."""
    book(app, session, world, "resident", 8)
    plan_id = queued_plan(session, world, time_limit=600)
    outcome = {}
    # No stall stop: a small day would otherwise be planned before the first tick.
    settings = settings_for_jobs({**app.config, "PLAN_STALL_PER_STOP": 0})
    job = threading.Thread(target=lambda: outcome.update(status=run_plan(settings, plan_id, isolated=True)))
    job.start()

    def ticking():
        session.expire_all()
        plan = session.get(Plan, plan_id)
        return plan.status == "solving" and plan.progress > 0

    wait_for(ticking, what="the solve to tick")
    resp = world.client.post(f"/api/v1/plans/{plan_id}/cancel", headers=world.headers("dispatcher"))
    assert resp.status_code == 200 and resp.get_json()["cancel_requested_at"] is not None
    job.join(120)
    assert not job.is_alive() and outcome["status"] == "cancelled"
    assert session.scalars(select(PlanRoute).where(PlanRoute.plan_id == plan_id)).all() == []


def test_only_planners_cancel_and_only_open_plans(planned_day):
    """A driver or an operator may not cancel (403); a solved plan cannot be (409); no such plan is 404."""
    w = planned_day
    url = f"/api/v1/plans/{w.ids['plan']}/cancel"
    assert w.client.post(url, headers=w.headers("driver")).status_code == 403
    assert w.client.post(url, headers=w.headers("operator")).status_code == 403
    done = w.client.post(url, headers=w.headers("admin"))
    assert done.status_code == 409 and "done" in done.get_json()["message"]
    assert w.client.post("/api/v1/plans/999999/cancel", headers=w.headers("dispatcher")).status_code == 404


def test_plan_statuses_are_a_closed_list_in_the_filter_and_the_spec(world):
    """?status= takes only a plan status (422 otherwise); the spec lists them, cancelled included."""
    bad = world.client.get("/api/v1/plans?status=bogus", headers=world.headers("dispatcher"))
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]["query"]
    spec = world.client.get("/api/openapi.json").get_json()
    status = spec["components"]["schemas"]["Plan"]["properties"]["status"]
    assert "cancelled" in status["enum"] and "solving" in status["enum"]


def test_a_plan_allowed_two_processes_stores_plan_and_baseline_solved_side_by_side(app, session, world):
    """PLAN_WORKERS = 2: the job's plan and its fixed-round baseline are each solved in a child
    of their own, and the plan is done with both in its summary."""
    book(app, session, world, "resident", 8)
    plan_id = queued_plan(session, world, time_limit=2)
    settings = settings_for_jobs({**app.config, "PLAN_WORKERS": 2})
    assert run_plan(settings, plan_id, isolated=True) == "done"
    session.expire_all()
    summary = session.get(Plan, plan_id).summary
    assert summary["plan"]["stops_served"] >= 1
    assert summary["baseline"]["stops_served"] >= 1
