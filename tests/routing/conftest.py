"""Every plan solved in the routing tests goes through the independent checker."""

from __future__ import annotations

from pathlib import Path

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


HELSINKI = Path(__file__).resolve().parents[2] / "backend" / "demo" / "data" / "helsinki.osm.pbf"


@pytest.fixture(scope="session")
def helsinki_roads(tmp_path_factory) -> Path:
    """Central Helsinki's street network, built once per test session with OSRM's tools."""
    from routing.roadbuild import build_network

    target = tmp_path_factory.mktemp("roads") / "helsinki"
    build_network(HELSINKI, target)
    return target
