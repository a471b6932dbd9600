"""The independent checker (tests/routing/checker.py) on a plan as stored in the database:
its routes and stops read back as a routing Result, against the routing problem the plan
was solved from (kept on a plan solved in parts; built again for one solved whole, which
gives the same problem while the fill histories lie inside the forecast's window)."""

from __future__ import annotations

import pickle
from datetime import timedelta
from zoneinfo import ZoneInfo

from backend.network.models import Site
from backend.planning.models import Plan
from backend.planning.services import adapter
from routing import Dropped, Result, Route, Visit
from tests.routing.checker import check


def problem_of(session, plan: Plan, tz: ZoneInfo):
    if plan.problem is not None:
        return pickle.loads(plan.problem)
    opts = adapter.PlanOptions(**plan.options)
    done = set((plan.overrides or {}).get("done", []))
    center = session.get(Site, plan.center_id)
    return adapter.build_problem(session, center, plan.day, tz, opts, overrides=plan.overrides, done_stops=done)


def stored_result(plan: Plan, problem) -> Result:
    model, midnight = problem.model, problem.midnight
    vehicle_index = {v.ref: v.index for v in model.vehicles}
    stop_index = {s.ref: s.index for s in model.stops}
    secs = lambda at: int((at - midnight) / timedelta(seconds=1))  # noqa: E731
    routes = []
    for r in plan.routes:
        v = model.vehicles[vehicle_index[r.vehicle_id]]
        visits = []
        for s in r.stops:
            key = f"bin:{s.bin_id}" if s.kind == "bin" else f"booking:{s.booking_id}" if s.kind == "booking" else None
            kind, index = ("stop", stop_index[key]) if key else ("unload", v.start_depot.index)
            visits.append(
                Visit(
                    kind, index, key or "unload", secs(s.arrival_at), secs(s.start_at), secs(s.departure_at),
                    round(s.leg_km * 1000), s.load_kg, 0.0, key,
                )
            )  # fmt: skip
        distance, empty = round(r.distance_km * 1000), round(r.empty_km * 1000)
        routes.append(
            Route(
                v.index, v.name, secs(r.start_at), secs(r.end_at), visits, distance, empty, 0, r.collected_kg, r.trips
            )
        )
    dropped = [Dropped(stop_index[d["stop"]], d["stop"], d["required"], d["reason"]) for d in plan.summary["dropped"]]
    return Result(routes, dropped, plan.summary["plan"]["status"], plan.summary["plan"]["objective"], 0.0)


def check_stored_plan(session, plan: Plan, tz: ZoneInfo) -> int:
    """Assert the stored plan obeys its problem's every constraint; the stops it serves."""
    problem = problem_of(session, plan, tz)
    result = stored_result(plan, problem)
    check(problem.model, result)
    return sum(len(r.stops) for r in result.routes)
