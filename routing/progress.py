"""What a search is doing, for whoever waits on it: the phase and the best distance so far.

``solve(model, params, on_progress=...)`` calls ``on_progress(phase, best_km)``: "searching"
while PyVRP plans a model it holds whole ("warm_start" when OR-Tools' search follows it), the
kilometres of PyVRP's plan once OR-Tools has read it in, then those of each better plan
OR-Tools finds (at most every ``MIN_INTERVAL_S``, and the km of the best plan at the end of
the search is in the Result anyway). Optional: without a callback nothing is registered, so
the search costs what it did.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str, float | None], None]
MIN_INTERVAL_S = 0.5  # a search finds thousands of plans a second; a dispatcher needs a figure a second


def report(on_progress: Progress | None, phase: str, best_km: float | None = None) -> None:
    if on_progress is not None:
        on_progress(phase, best_km)


def watch_search(built, on_progress: Progress | None) -> None:
    """Register, on a built OR-Tools model (``solver.Built``), a callback that reports the
    km of each plan better than the last reported. Call before the model is closed."""
    if on_progress is None:
        return
    routing = built.routing
    seen = {"cost": None, "at": 0.0}

    def at_solution() -> None:
        cost = routing.CostVar().Value()
        now = time.monotonic()
        if (seen["cost"] is not None and cost >= seen["cost"]) or now - seen["at"] < MIN_INTERVAL_S:
            return
        seen["cost"], seen["at"] = cost, now
        on_progress("searching", _km(built, lambda var: var.Value()))

    routing.AddAtSolutionCallback(at_solution)


def assignment_km(built, assignment) -> float:
    """The kilometres of a plan held in an OR-Tools assignment (a warm start read in)."""
    return _km(built, assignment.Value)


def _km(built, value_of) -> float:
    routing, manager, distance = built.routing, built.manager, built.layout.distance
    metres = 0
    for v in range(len(built.model.vehicles)):
        index = routing.Start(v)
        while not routing.IsEnd(index):
            after = value_of(routing.NextVar(index))
            metres += int(distance[manager.IndexToNode(index), manager.IndexToNode(after)])
            index = after
    return round(metres / 1000, 3)
