"""Every plan solved in the routing tests goes through the independent checker."""

from __future__ import annotations

import pytest

from routing import Model, SolverParams, solve
from tests.routing.checker import check


@pytest.fixture
def solve_checked():
    def run(model: Model, **params) -> object:
        params.setdefault("time_limit", 1.0)
        result = solve(model, SolverParams(**params))
        check(model, result)
        return result

    return run
