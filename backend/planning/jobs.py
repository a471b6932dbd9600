"""Solving plans, as jobs: the web request answers at once (202) and a worker solves.

``submit_plan`` hands the solve to the job queue (``core.jobs``: a worker process, or
inline without a queue). The job claims the plan (``services.lifecycle``), builds the
routing problem, solves it in a child process (``solver_process``) while it reports
progress every second and watches for a cancellation, and stores routes, summary and
baseline, or ``failed`` with the reason. A worker killed mid-solve leaves its job to the
queue, which gives it to another worker: that one's claim takes over once the dead one's
lease has run out, and only the latest claim may store a result.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from backend.core.db import make_engine
from backend.core.extensions import db
from backend.core.jobs import QueueUnavailable, RetryLater, enqueue
from backend.network.models import Site
from backend.planning.models import Plan
from backend.planning.services import adapter as planning
from backend.planning.services import lifecycle
from backend.planning.services.lifecycle import Beat
from backend.planning.solver_process import SolverProcess
from backend.roads import services as roads
from routing import MatrixProvider, SolverParams, solve

log = logging.getLogger("recyclenet.jobs")
TICK_S = 1.0  # progress, lease and cancellation are checked this often
# Beyond its time limit, a search gets this long to stop by itself before it is killed.
GRACE_S = 120.0
DEFAULTS = {"PLAN_LEASE_S": 30, "PLAN_MAX_ATTEMPTS": 3, "JOB_HEARTBEAT_TIMEOUT_S": 60}


def settings_for_jobs(config: Mapping) -> dict:
    keys = ("DATABASE_URL", "TIMEZONE", "PLAN_WORKERS", "ROAD_NETWORK", *DEFAULTS)
    return {k: config.get(k, DEFAULTS.get(k)) for k in keys}


def submit_plan(plan_id: int) -> None:
    """Solve the plan on a worker (inline when the app has no queue). When the queue cannot
    take it, the plan fails with that reason and ``QueueUnavailable`` (503) is raised."""
    try:
        enqueue(solve_plan, plan_id)
    except QueueUnavailable as exc:
        lifecycle.fail_unqueued(db.session(), plan_id, exc.message)
        raise


def solve_plan(config: Mapping, plan_id: int) -> None:
    """The job: solve a queued plan, in a child process the job watches."""
    try:
        run_plan(settings_for_jobs(config), plan_id, isolated=True)
    except lifecycle.Busy as busy:
        raise RetryLater(str(busy), delay_s=max(1.0, busy.seconds)) from None


def recover_lost_plans(config: Mapping, due: str) -> None:
    """Periodic: a plan still solving whose worker has been silent for several times the
    queue's heartbeat timeout lost its job with it (a Redis that kept nothing): it is queued
    again; its claim fails it once it has been interrupted too often."""
    silent_for = timedelta(seconds=4 * float(config.get("JOB_HEARTBEAT_TIMEOUT_S", 60)))
    for plan_id in lifecycle.lost_plans(db.session(), datetime.now(UTC) - silent_for):
        log.warning("plan %s: its worker has been silent for %s; queued again (%s)", plan_id, silent_for, due)
        submit_plan(plan_id)
    db.session.rollback()


def run_plan(
    settings: Mapping,
    plan_id: int,
    *,
    with_baseline: bool = True,
    now: datetime | None = None,
    params: SolverParams | None = None,
    isolated: bool = False,
    provider: MatrixProvider | None = None,
) -> str:
    """Solve one queued plan; its status afterwards. ``now`` is when the plan is made (the
    twin's simulated clock); ``params`` overrides the solver parameters derived from the
    plan's options; ``provider`` measures the distances (the twin passes its own).
    ``isolated`` solves in a child process, with progress and cancellation (the job); without,
    in this process (the command line, the twin, tests). Raises ``lifecycle.Busy`` while
    another worker holds the plan."""
    settings = {**DEFAULTS, **settings}
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine, expire_on_commit=False) as s:
            attempt = lifecycle.claim_plan(
                s, plan_id, lease_s=float(settings["PLAN_LEASE_S"]), max_attempts=int(settings["PLAN_MAX_ATTEMPTS"])
            )
            if attempt is not None:
                _attempt(s, settings, plan_id, attempt, with_baseline, now, params, isolated, provider)
            plan = s.get(Plan, plan_id, populate_existing=True)
            return plan.status if plan is not None else "missing"
    finally:
        engine.dispose()


def _attempt(
    s: Session, settings, plan_id: int, attempt: int, with_baseline, now, params, isolated, provider=None
) -> None:
    try:
        plan = s.get(Plan, plan_id)
        opts = planning.PlanOptions(**plan.options)
        tz = ZoneInfo(settings["TIMEZONE"])
        center = s.get(Site, plan.center_id)
        done = set((plan.overrides or {}).get("done", []))
        if provider is None:  # the twin passes its own; the platform measures on ROAD_NETWORK
            provider = roads.provider_for(settings.get("ROAD_NETWORK"))
        problem = planning.build_problem(
            s, center, plan.day, tz, opts, overrides=plan.overrides, done_stops=done, now=now, provider=provider
        )
        base_problem = (
            planning.build_problem(s, center, plan.day, tz, opts, baseline=True, now=now, provider=provider)
            if with_baseline
            else None
        )
        s.rollback()  # no transaction held open through the solve
        if not problem.model.vehicles:
            raise ValueError(f"sorting center {center.id} has no active vehicle")
        params = params or SolverParams(time_limit=opts.time_limit, num_workers=int(settings["PLAN_WORKERS"]))
        models = [problem.model] + ([base_problem.model] if base_problem and base_problem.model.stops else [])
        if isolated:
            results = _watched(s, plan_id, attempt, models, params)
        else:
            results = [solve(model, params) for model in models]
        if results is None:
            return  # cancelled, or taken over: written already, or not ours to write
        base = results[1] if len(results) > 1 else None
        if not lifecycle.store_solution(s, plan_id, attempt, problem, results[0], base):
            _ended_meanwhile(s, plan_id, attempt)
    except Exception as exc:  # a failed plan says why; it never takes the worker down
        s.rollback()
        lifecycle.fail(s, plan_id, attempt, f"{exc.__class__.__name__}: {exc}")
        log.error("plan %s failed:\n%s", plan_id, traceback.format_exc())
    except BaseException:  # interrupted (the worker stops, a time limit): the job runs again
        s.rollback()
        lifecycle.release(s, plan_id, attempt)
        raise


def _ended_meanwhile(s: Session, plan_id: int, attempt: int) -> None:
    """The result was not stored: cancelled in the last second, or another worker's now."""
    if lifecycle.beat(s, plan_id, attempt, 0.99) is Beat.CANCEL:
        lifecycle.end_cancelled(s, plan_id, attempt)


def _watched(s: Session, plan_id: int, attempt: int, models, params: SolverParams):
    """Solve in a child process; every tick, report progress and check for a cancellation
    or a takeover. The results, or None when the solve was stopped."""
    expected = len(models) * params.time_limit
    started = time.monotonic()
    child = SolverProcess(models, params)
    try:
        while not child.wait(TICK_S):
            elapsed = time.monotonic() - started
            if elapsed > expected + GRACE_S:
                raise TimeoutError(f"the solver did not stop within {expected + GRACE_S:.0f} s")
            verdict = lifecycle.beat(s, plan_id, attempt, round(min(0.99, elapsed / expected), 2))
            if verdict is Beat.CANCEL:
                lifecycle.end_cancelled(s, plan_id, attempt)
                log.info("plan %s: cancelled while solving", plan_id)
                return None
            if verdict is Beat.LOST:
                log.warning("plan %s: attempt %s was taken over; stopping", plan_id, attempt)
                return None
        return child.results()
    finally:
        child.kill()
