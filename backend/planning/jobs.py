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
from backend.planning.services import lifecycle, parts, service_times
from backend.planning.services.lifecycle import Beat
from backend.planning.solver_process import SolverProcess
from backend.roads import services as roads
from routing import MatrixProvider, SolverParams, solve

log = logging.getLogger("recyclenet.jobs")
TICK_S = 1.0  # progress, lease and cancellation are checked this often
# Beyond its time limit, a search gets this long to stop by itself before it is killed.
GRACE_S = 120.0
DEFAULTS = {
    "PLAN_LEASE_S": 30,
    "PLAN_MAX_ATTEMPTS": 3,
    "JOB_HEARTBEAT_TIMEOUT_S": 60,
    "PLAN_DECOMPOSE_ABOVE": 600,
    "PLAN_PART_SIZE": 350,
    # PyVRP stops after this many iterations per stop without a better plan (0: run to the limit).
    "PLAN_STALL_PER_STOP": 100,
}


def settings_for_jobs(config: Mapping) -> dict:
    keys = ("DATABASE_URL", "TIMEZONE", "PLAN_WORKERS", "ROAD_NETWORK", *DEFAULTS, *service_times.SETTINGS)
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
        run_plan(settings_for_jobs(config), plan_id, isolated=True, in_parts=True)
    except lifecycle.Busy as busy:
        raise RetryLater(str(busy), delay_s=max(1.0, busy.seconds)) from None


def recover_lost_plans(config: Mapping, due: str) -> None:
    """Periodic: a plan (or a part of one) still solving whose worker has been silent for
    several times the queue's heartbeat timeout lost its job with it (a Redis that kept
    nothing): it is queued again; its claim fails it once it has been interrupted too often."""
    silent_for = timedelta(seconds=4 * float(config.get("JOB_HEARTBEAT_TIMEOUT_S", 60)))
    silent_since = datetime.now(UTC) - silent_for
    for plan_id in lifecycle.lost_plans(db.session(), silent_since):
        log.warning("plan %s: its worker has been silent for %s; queued again (%s)", plan_id, silent_for, due)
        submit_plan(plan_id)
    for plan_id, seq in parts.lost_parts(db.session(), silent_since):
        log.warning("plan %s part %s: silent for %s; queued again (%s)", plan_id, seq, silent_for, due)
        enqueue(solve_plan_part, plan_id, seq)
    db.session.rollback()


def solve_plan_part(config: Mapping, plan_id: int, seq: int) -> None:
    """The job of one part of a large plan: solve it in a child process the job watches,
    store it, and merge the plan when it was the last part (``services.parts``)."""
    try:
        run_part(settings_for_jobs(config), plan_id, seq)
    except lifecycle.Busy as busy:
        raise RetryLater(str(busy), delay_s=max(1.0, busy.seconds)) from None


def run_part(settings: Mapping, plan_id: int, seq: int) -> None:
    settings = {**DEFAULTS, **settings}
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine, expire_on_commit=False) as s:
            claimed = parts.claim_part(
                s,
                plan_id,
                seq,
                lease_s=float(settings["PLAN_LEASE_S"]),
                max_attempts=int(settings["PLAN_MAX_ATTEMPTS"]),
            )
            if claimed is not None:
                _part_attempt(s, plan_id, seq, *claimed)
            # Also when there was nothing to claim: a job delivered again because its worker
            # died between storing its part and merging the plan merges it now.
            if parts.merge_if_complete(s, plan_id):
                log.info("plan %s: merged its parts (the last was part %s)", plan_id, seq)
    finally:
        engine.dispose()


def _part_attempt(s: Session, plan_id: int, seq: int, attempt: int, plan_attempt: int) -> None:
    try:
        sub, _vehicles, _stops, params = parts.work_of(s, plan_id, seq)
        results = _watched(
            [sub],
            params,
            beat=lambda progress, _phase, _km: parts.beat_part(s, plan_id, seq, attempt, plan_attempt, progress),
            on_cancel=lambda: lifecycle.end_cancelled(s, plan_id, plan_attempt),
            what=f"plan {plan_id} part {seq}",
        )
        if results is not None:
            parts.store_part(s, plan_id, seq, attempt, results[0])
    except Exception as exc:  # the plan fails with the reason; the worker goes on
        s.rollback()
        lifecycle.fail(s, plan_id, plan_attempt, f"part {seq}: {exc.__class__.__name__}: {exc}")
        log.error("plan %s part %s failed:\n%s", plan_id, seq, traceback.format_exc())
    except BaseException:  # interrupted: the part's job runs again
        s.rollback()
        parts.release_part(s, plan_id, seq, attempt)
        raise


def run_plan(
    settings: Mapping,
    plan_id: int,
    *,
    with_baseline: bool = True,
    now: datetime | None = None,
    params: SolverParams | None = None,
    isolated: bool = False,
    in_parts: bool = False,
    provider: MatrixProvider | None = None,
) -> str:
    """Solve one queued plan; its status afterwards. ``now`` is when the plan is made (the
    twin's simulated clock); ``params`` overrides the solver parameters derived from the
    plan's options; ``provider`` measures the distances (the twin passes its own; else
    ROAD_NETWORK's). ``isolated`` solves in a child process, with progress and cancellation
    (the job); without, in this process (the command line, the twin, tests). ``in_parts``
    (the job): a large plan is cut in parts queued as jobs of their own (``services.parts``);
    else it is decomposed inside this solve. Raises ``lifecycle.Busy`` while another worker
    holds the plan."""
    settings = {**DEFAULTS, **settings}
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine, expire_on_commit=False) as s:
            attempt = lifecycle.claim_plan(
                s, plan_id, lease_s=float(settings["PLAN_LEASE_S"]), max_attempts=int(settings["PLAN_MAX_ATTEMPTS"])
            )
            if attempt is not None:
                _attempt(s, settings, plan_id, attempt, with_baseline, now, params, isolated, in_parts, provider)
            elif in_parts and getattr(s.get(Plan, plan_id, populate_existing=True), "status", None) == "solving":
                # Delivered again after the plan was split: send the parts' jobs again (the
                # worker may have died before it sent them all; a duplicate is harmless).
                for seq in parts.unfinished(s, plan_id):
                    enqueue(solve_plan_part, plan_id, seq)
            plan = s.get(Plan, plan_id, populate_existing=True)
            return plan.status if plan is not None else "missing"
    finally:
        engine.dispose()


def _attempt(
    s: Session, settings, plan_id: int, attempt: int, with_baseline, now, params, isolated, in_parts, provider=None
) -> None:
    try:
        # The distances are measured while the problem is built: on a road network, the
        # longest part of a solve before the search starts.
        lifecycle.beat(s, plan_id, attempt, 0.0, phase="matrices")
        plan = s.get(Plan, plan_id)
        opts = planning.PlanOptions(**plan.options)
        tz = ZoneInfo(settings["TIMEZONE"])
        center = s.get(Site, plan.center_id)
        done = set((plan.overrides or {}).get("done", []))
        if provider is None:  # the twin passes its own; the platform measures on ROAD_NETWORK
            provider = roads.provider_for(settings.get("ROAD_NETWORK"))
        learned = service_times.service_times_for(s, center.id, plan.day, settings)  # baseline alike: a fair saving
        problem = planning.build_problem(
            s, center, plan.day, tz, opts, overrides=plan.overrides, done_stops=done, now=now, provider=provider,
            service_times=learned,
        )  # fmt: skip
        base_problem = (
            planning.build_problem(
                s, center, plan.day, tz, opts, baseline=True, now=now, provider=provider, service_times=learned
            )
            if with_baseline
            else None
        )
        s.rollback()  # no transaction held open through the solve
        if not problem.model.vehicles:
            raise ValueError(f"sorting center {center.id} has no active vehicle")
        params = params or SolverParams(
            time_limit=opts.time_limit,
            num_workers=int(settings["PLAN_WORKERS"]),
            decompose_above=int(settings["PLAN_DECOMPOSE_ABOVE"]),
            part_size=int(settings["PLAN_PART_SIZE"]),
            stall_per_stop=float(settings["PLAN_STALL_PER_STOP"]) or None,
        )
        if in_parts and parts.should_split(problem, params):
            # A large plan: its parts (and its baseline) are jobs of their own, for any worker.
            for seq in parts.split_plan(s, plan_id, attempt, problem, base_problem, params):
                enqueue(solve_plan_part, plan_id, seq)
            return
        models = [problem.model] + ([base_problem.model] if base_problem and base_problem.model.stops else [])
        if isolated:
            results = _watched(
                models,
                params,
                beat=lambda progress, phase, km: lifecycle.beat(s, plan_id, attempt, progress, phase=phase, best_km=km),
                on_cancel=lambda: lifecycle.end_cancelled(s, plan_id, attempt),
                what=f"plan {plan_id}",
            )
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


def _watched(models, params: SolverParams, *, beat, on_cancel, what: str):
    """Solve in a child process; every tick, ``beat(progress, phase, best_km)`` reports
    progress (with what the solver last said it was doing) and says whether a dispatcher
    cancelled (then ``on_cancel``) or another worker took over. The results, or None when
    the solve was stopped."""
    started = time.monotonic()
    child = SolverProcess(models, params)
    expected = child.rounds * params.time_limit
    try:
        while not child.wait(TICK_S):
            elapsed = time.monotonic() - started
            if elapsed > expected + GRACE_S:
                raise TimeoutError(f"the solver did not stop within {expected + GRACE_S:.0f} s")
            verdict = beat(round(min(0.99, elapsed / expected), 2), child.phase, child.best_km)
            if verdict is Beat.CANCEL:
                on_cancel()
                log.info("%s: cancelled while solving", what)
                return None
            if verdict is Beat.LOST:
                log.warning("%s: taken over, or its plan ended; stopping", what)
                return None
        return child.results()
    finally:
        child.kill()
