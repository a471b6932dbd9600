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


def solve(model: Model, params: SolverParams | None = None, on_progress: Progress | None = None) -> Result:
    """Plan routes for ``model``. Never raises for an infeasible problem: what cannot be
    served comes back in ``Result.dropped`` with the reason. ``on_progress(phase, best_km)``
    hears what the search is doing (``routing.progress``; a split problem: "searching" only)."""
    params = params or SolverParams()
    if len(model.stops) > params.decompose_above:
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
