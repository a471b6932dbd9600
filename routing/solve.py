"""The planner's face: ``solve(model, params)`` splits a large problem into parts solved
side by side, and hands a smaller one to OR-Tools whole."""

from __future__ import annotations

from routing.decompose import solve_decomposed
from routing.model import Model
from routing.params import SolverParams
from routing.result import Result
from routing.solver import solve_whole


def solve(model: Model, params: SolverParams | None = None) -> Result:
    """Plan routes for ``model``. Never raises for an infeasible problem: what cannot be
    served comes back in ``Result.dropped`` with the reason."""
    params = params or SolverParams()
    if len(model.stops) > params.decompose_above:
        return solve_decomposed(model, params)
    return solve_whole(model, params)
