"""The planner's face: ``solve(model, params)`` splits a large problem into parts solved
side by side, and hands a smaller one to OR-Tools whole."""

from __future__ import annotations

import os

from routing.decompose import solve_decomposed
from routing.matrix import provider_label
from routing.model import Model
from routing.params import SolverParams
from routing.result import Result
from routing.solver import solve_whole


def should_decompose(n_stops: int, params: SolverParams) -> bool:
    """Split above ``decompose_above`` stops, or when the budget leaves PyVRP less than
    ``whole_seconds_per_stop`` of a free core per stop for the whole problem: its first
    descent over a random plan of 1,000 stops alone can take most of a short budget on a
    busy machine, and parts of a few hundred stops then get far more iterations
    (docs/routing.md, "Decomposition")."""
    if n_stops > params.decompose_above:
        return True
    if n_stops <= params.part_size:
        return False
    return params.time_limit * _core_share(params) < params.whole_seconds_per_stop * n_stops


def _core_share(params: SolverParams) -> float:
    """The share of a core this search can expect: 1 unless the machine runs more
    processes than it has cores (ignored when the plan must not depend on the machine)."""
    if params.max_solutions:
        return 1.0
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on every platform
        return 1.0
    return min(1.0, (os.cpu_count() or 1) / max(load, 1.0))


def solve(model: Model, params: SolverParams | None = None) -> Result:
    """Plan routes for ``model``. Never raises for an infeasible problem: what cannot be
    served comes back in ``Result.dropped`` with the reason."""
    params = params or SolverParams()
    if should_decompose(len(model.stops), params):
        result = solve_decomposed(model, params)
    else:
        result = solve_whole(model, params)
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
