"""Plans are solved away from the web process: a process pool, so a request never waits on
the solver and the API stays responsive (OR-Tools and PyVRP hold the CPU for seconds).

The child process opens its own database connection, marks the plan `solving`, keeps its
`progress` current, and stores routes, summary and baseline, or `failed` with the reason.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.core.db import make_engine
from backend.network.models import Site
from backend.planning.models import Plan
from backend.planning.services import adapter as planning
from routing import SolverParams, solve

log = logging.getLogger("recyclenet.jobs")
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def settings_for_jobs(config) -> dict:
    keys = ("DATABASE_URL", "TIMEZONE", "PLAN_WORKERS")
    return {k: config[k] for k in keys}


def submit_plan(config, plan_id: int):
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=max(1, int(config["PLAN_WORKERS"])), mp_context=multiprocessing.get_context("spawn")
            )
        return _pool.submit(run_plan, settings_for_jobs(config), plan_id)


def _progress(url: str, plan_id: int, seconds: float, stop: threading.Event) -> None:
    engine = make_engine(url)
    started = time.monotonic()
    with Session(engine) as s:
        while not stop.wait(1.0):
            plan = s.get(Plan, plan_id)
            plan.progress = round(min(0.99, (time.monotonic() - started) / seconds), 2)
            s.commit()
    engine.dispose()


def run_plan(
    settings: dict, plan_id: int, *, with_baseline: bool = True, now: datetime | None = None, params=None
) -> str:
    """Solve one queued plan (in a worker process, or inline from the CLI and the twin).
    ``now`` is when the plan is made (the twin's simulated clock); ``params`` overrides the
    solver parameters derived from the plan's options."""
    engine = make_engine(settings["DATABASE_URL"])
    stop = threading.Event()
    with Session(engine, expire_on_commit=False) as s:
        plan = s.get(Plan, plan_id)
        try:
            plan.status, plan.started_at = "solving", datetime.now(UTC)
            s.commit()
            opts = planning.PlanOptions(**plan.options)
            tz = ZoneInfo(settings["TIMEZONE"])
            center = s.get(Site, plan.center_id)
            done = set((plan.overrides or {}).get("done", []))
            problem = planning.build_problem(
                s, center, plan.day, tz, opts, overrides=plan.overrides, done_stops=done, now=now
            )
            base_problem = (
                planning.build_problem(s, center, plan.day, tz, opts, baseline=True, now=now) if with_baseline else None
            )
            if not problem.model.vehicles:
                raise ValueError(f"sorting center {center.id} has no active vehicle")
            params = params or SolverParams(time_limit=opts.time_limit, num_workers=int(settings["PLAN_WORKERS"]))
            ticker = threading.Thread(
                target=_progress,
                args=(settings["DATABASE_URL"], plan_id, (2 if with_baseline else 1) * opts.time_limit, stop),
                daemon=True,
            )
            ticker.start()
            result = solve(problem.model, params)
            base = solve(base_problem.model, params) if base_problem and base_problem.model.stops else None
            stop.set()
            ticker.join()
            s.refresh(plan)
            planning.store_result(s, plan, problem, result, base)
            for booking_id in plan.summary["served_bookings"]:
                b = s.get(Booking, booking_id)
                if b.status == "requested":
                    bookings.transition(s, b, "scheduled", plan.created_by, f"in plan {plan.id}")
            plan.status, plan.progress, plan.finished_at = "done", 1.0, datetime.now(UTC)
            s.commit()
        except Exception as exc:  # a failed plan says why; it never takes the worker down
            stop.set()
            s.rollback()
            plan = s.get(Plan, plan_id)
            plan.status, plan.finished_at = "failed", datetime.now(UTC)
            plan.error = f"{exc.__class__.__name__}: {exc}"[:500]
            s.commit()
            log.error("plan %s failed:\n%s", plan_id, traceback.format_exc())
    engine.dispose()
    return plan.status
