"""The planner's face: ``solve(model, params)`` splits a large problem into parts solved
side by side, and hands a smaller one to OR-Tools whole."""

from __future__ import annotations

from routing.decompose import solve_decomposed
from routing.matrix import provider_label
from routing.model import Model
from routing.params import SolverParams
from routing.progress import Progress, report
from routing.result import Result
from routing.solver import solve_whole


def should_decompose(n_stops: int, params: SolverParams) -> bool:
    """Split above ``decompose_above`` stops, or when the time limit gives less than
    ``whole_seconds_per_stop`` per stop to a problem larger than a part: PyVRP's first
    descent over a random plan of 1,000 stops alone takes seconds, and parts of a few
    hundred stops then get more iterations. Otherwise whole: splitting a day into sectors
    costs more than it saves wherever PyVRP has the time (docs/routing.md, "Decomposition")."""
    if n_stops > params.decompose_above:
        return True
    return n_stops > params.part_size and params.time_limit < params.whole_seconds_per_stop * n_stops


def solve(model: Model, params: SolverParams | None = None, on_progress: Progress | None = None) -> Result:
    """Plan routes for ``model``. Never raises for an infeasible problem: what cannot be
    served comes back in ``Result.dropped`` with the reason. ``on_progress(phase, best_km)``
    hears what the search is doing (``routing.progress``; a split problem: "searching" only)."""
    params = params or SolverParams()
    if should_decompose(len(model.stops), params):
        report(on_progress, "searching")
        result = solve_decomposed(model, params)
    else:
        result = solve_whole(model, params, on_progress)
    result.stats["provider"] = provider_label(model.provider)
    far = getattr(model.provider, "far_from_street", None)
    if far is not None:  # a road network: bins far from any street are registry errors
        places = list(model.depots) + list(model.stops)
        nd = len(model.depots)
        warnings = [
            {"kind": "depot" if i < nd else "stop", "index": i if i < nd else i - nd, "name": places[i].name}
            | {"snap_m": round(snap.distance_m)}
            for i, snap in far([p.location for p in places])
        ]
        result.stats["far_from_street"] = warnings
    return result
