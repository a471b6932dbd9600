"""A large plan solved as parts, each a job (here inline, without a queue): cut, solved,
merged into one plan that passes the independent checker, and a part's claim rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.planning.jobs import run_part, run_plan, settings_for_jobs
from backend.planning.models import Plan, PlanPart
from backend.planning.services import dispatch, parts
from tests.backend.planning.stored_check import check_stored_plan
from tests.support.clock import CITY_TZ, city_today

DAY = city_today() + timedelta(days=1)
SMALL_PARTS = {"PLAN_DECOMPOSE_ABOVE": 4, "PLAN_PART_SIZE": 4}


@pytest.fixture
def sensed_city(session):
    """The demo city (40 bins, three centers, trucks at each) with three days of readings."""
    from backend.demo.seed import seed_demo_city
    from iot.simulator import Simulator

    seed_demo_city(session, seed=5, n_bins=40)
    Simulator.from_registry(session, "mqtt://unused", interval=1800, speedup=1, seed=5, backfill_hours=72).backfill()
    session.commit()
    return session


def busiest_center(session) -> int:
    from backend.network.models import Bin, Site

    return session.execute(
        select(Site.sorting_center_id, func.count())
        .join(Bin, Bin.site_id == Site.id)
        .group_by(Site.sorting_center_id)
        .order_by(func.count().desc())
    ).first()[0]


def test_a_large_plan_is_cut_in_parts_solved_and_merged_into_one_checked_plan(app, sensed_city):
    """Above the split size the plan's job stores parts (sectors and the baseline); solved,
    they merge into one plan whose stored routes pass the independent checker, with every
    part's stops and a baseline."""
    session = sensed_city
    plan = dispatch.create_plan(session, busiest_center(session), DAY, {"time_limit": 2}, None)
    settings = {**settings_for_jobs(app.config), **SMALL_PARTS}
    assert run_plan(settings, plan.id, isolated=True, in_parts=True) == "done"
    session.expire_all()
    plan = session.get(Plan, plan.id)
    rows = session.scalars(select(PlanPart).where(PlanPart.plan_id == plan.id).order_by(PlanPart.seq)).all()
    assert plan.parts_total == len(rows) >= 3
    assert [r.kind for r in rows][-1] == "baseline" and all(r.status == "done" and r.attempts == 1 for r in rows)
    served = check_stored_plan(session, plan, CITY_TZ)
    assert served == plan.summary["plan"]["stops_served"] > 0
    assert served + len(plan.summary["dropped"]) == sum(r.stops for r in rows if r.kind == "plan")
    assert plan.summary["baseline"]["stops_served"] > 0
    assert plan.progress == 1.0 and plan.attempts == 1


def test_a_part_delivered_again_after_its_plan_merged_changes_nothing(app, sensed_city):
    """A part's job run again (its worker died after the merge, before the acknowledgement):
    no claim, no second merge, the plan's routes and finish time unchanged."""
    session = sensed_city
    plan = dispatch.create_plan(session, busiest_center(session), DAY, {"time_limit": 1}, None)
    settings = {**settings_for_jobs(app.config), **SMALL_PARTS}
    assert run_plan(settings, plan.id, isolated=True, in_parts=True) == "done"
    session.expire_all()
    before = session.get(Plan, plan.id)
    finished, route_ids = before.finished_at, [r.id for r in before.routes]
    run_part(settings, plan.id, 1)
    session.expire_all()
    after = session.get(Plan, plan.id)
    assert after.finished_at == finished and [r.id for r in after.routes] == route_ids


def test_a_part_held_by_a_live_worker_is_not_claimed_and_an_exhausted_one_fails_its_plan(app, sensed_city):
    """A second claim on a part inside its lease is refused (Busy); past the lease it takes
    over as the next attempt; past the attempts, the plan fails with the reason."""
    from backend.core.extensions import db
    from backend.network.models import Site
    from backend.planning.services import adapter, lifecycle
    from routing import SolverParams

    session = sensed_city
    plan = dispatch.create_plan(session, busiest_center(session), DAY, {"time_limit": 1}, None)
    attempt = lifecycle.claim_plan(session, plan.id, lease_s=30, max_attempts=3)
    problem = adapter.build_problem(session, session.get(Site, plan.center_id), DAY, CITY_TZ, adapter.PlanOptions())
    seqs = parts.split_plan(session, plan.id, attempt, problem, None, SolverParams(time_limit=1, part_size=4))
    assert len(seqs) >= 2
    assert parts.claim_part(session, plan.id, 1, lease_s=30, max_attempts=2) == (1, attempt)
    with pytest.raises(lifecycle.Busy):
        parts.claim_part(session, plan.id, 1, lease_s=30, max_attempts=2)
    assert parts.claim_part(session, plan.id, 1, lease_s=0, max_attempts=2) == (2, attempt)
    assert parts.beat_part(session, plan.id, 1, 1, attempt, 0.5) is lifecycle.Beat.LOST  # the old holder is fenced
    assert parts.claim_part(session, plan.id, 1, lease_s=0, max_attempts=2) is None
    db.session.expire_all()
    failed = session.get(Plan, plan.id)
    assert failed.status == "failed" and "part 1" in failed.error
    assert lifecycle.claim_plan(session, plan.id, lease_s=30, max_attempts=3) is None


def test_a_large_plan_solved_outside_a_job_is_decomposed_in_its_own_solve(app, sensed_city):
    """The command line and the twin (not a job): the same large plan is decomposed inside
    its one solve, no part is stored, and it is done in one go."""
    session = sensed_city
    plan = dispatch.create_plan(session, busiest_center(session), DAY, {"time_limit": 1}, None)
    settings = {**settings_for_jobs(app.config), **SMALL_PARTS}
    assert run_plan(settings, plan.id, isolated=True) == "done"
    session.expire_all()
    plan = session.get(Plan, plan.id)
    assert plan.parts_total == 0 and plan.problem is None
    assert session.scalar(select(func.count()).select_from(PlanPart)) == 0
    assert check_stored_plan(session, plan, CITY_TZ) == plan.summary["plan"]["stops_served"] > 0
