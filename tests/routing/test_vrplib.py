"""VRPLIB instances (multi-depot, route duration limits, prizes) read into the planner's Model,
solved, and re-checked from the file against costs worked out by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from routing import SolverParams, solve
from routing.vrplib_io import is_vrplib, plan, read
from tests.routing.checker import check, check_vrplib

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks" / "vrplib"

# Two depots 100 apart, one client 10 from each (a 6-8-10 triangle): served from its own
# depot the plan is 4 legs of 10, x1000 ("exact") = 40000; from one depot it is 192.34.
TWO_DEPOTS = """NAME: TWO_DEPOTS
TYPE: MDVRPTW
EDGE_WEIGHT_TYPE: EUC_2D
DIMENSION: 4
VEHICLES: 2
CAPACITY: 10
VEHICLES_MAX_DURATION: 1000
NODE_COORD_SECTION
1 0 0
2 100 0
3 6 8
4 94 8
DEMAND_SECTION
1 0
2 0
3 1
4 1
SERVICE_TIME_SECTION
1 0
2 0
3 0
4 0
TIME_WINDOW_SECTION
1 0 1000
2 0 1000
3 0 1000
4 0 1000
VEHICLES_DEPOT_SECTION
1 1
2 2
DEPOT_SECTION
1
2
EOF
"""

# One depot, clients 50 away on either side of it and 60 apart: one route of both is
# 50 + 60 + 50 = 160 long, over the limit of 140; two routes are 200 (x1000: 200000). Client 1
# opens at 100, so its route lasts 150 if the truck leaves at 0 and 100 if it leaves at 50.
DURATION = """NAME: DURATION
TYPE: MDVRPTW
EDGE_WEIGHT_TYPE: EUC_2D
DIMENSION: 3
VEHICLES: 2
CAPACITY: 10
VEHICLES_MAX_DURATION: 140
NODE_COORD_SECTION
1 0 0
2 30 40
3 -30 40
DEMAND_SECTION
1 0
2 1
3 1
SERVICE_TIME_SECTION
1 0
2 0
3 0
TIME_WINDOW_SECTION
1 0 1000
2 100 200
3 0 1000
VEHICLES_DEPOT_SECTION
1 1
2 1
DEPOT_SECTION
1
EOF
"""

# DIMACS (x10, truncated). Client 1 at 5 (prize 100) is worth its round trip of 10; client 2
# at 100 (prize 50) is not (a detour of at least 190); client 3 (prize 0) is required. Best:
# 0-1-3-0 = 50 + trunc(42.43) + 70 = 162, plus client 2's prize 500: cost 662.
PRIZES = """NAME : PRIZES
TYPE : PCVRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 0
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 60 80
4 0 7
DEMAND_SECTION
1 0
2 1
3 1
4 1
TIME_WINDOW_SECTION
1 0 1000
2 0 1000
3 0 1000
4 0 1000
PRIZE_SECTION
1 0
2 100
3 50
4 0
DEPOT_SECTION
1
-1
EOF
"""

# DIMACS VRPTW: clients at (1, 1) and (2, 2); each arc of length 1.414 counts 1.4 (x10: 14),
# so 0-1-2-0 costs 1.4 + 1.4 + 2.8 = 5.6 in the .sol files' units.
TRUNCATED = """NAME : TRUNCATED
TYPE : VRPTW
DIMENSION : 3
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 1
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 1 1
3 2 2
DEMAND_SECTION
1 0
2 1
3 1
TIME_WINDOW_SECTION
1 0 100
2 0 100
3 0 100
DEPOT_SECTION
1
-1
EOF
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"{text.split(':', 1)[1].split()[0]}.vrp"
    path.write_text(text)
    return path


def solved(path: Path, seconds: float = 2.0):
    inst = read(path)
    result = solve(inst.model, SolverParams(time_limit=seconds, empty_km_weight=0.0, seed=1))
    check(inst.model, result)
    return inst, result


def test_reader_puts_each_vehicle_at_its_own_depot_with_scaled_limits(tmp_path):
    """VEHICLES_DEPOT_SECTION places the trucks; windows, limits and arcs are x1000 ("exact")."""
    inst = read(write(tmp_path, TWO_DEPOTS))
    m = inst.model
    assert [d.ref for d in m.depots] == [0, 1]
    assert [(v.start_depot.index, v.end_depot.index) for v in m.vehicles] == [(0, 0), (1, 1)]
    assert all(v.max_duration == 1_000_000 and v.shift == (0, 1_000_000) for v in m.vehicles)
    assert [s.ref for s in m.stops] == [2, 3] and all(s.required for s in m.stops)
    mats = m.provider.matrices([d.location for d in m.depots] + [s.location for s in m.stops])
    assert mats.distance[0, 2] == 10_000 and mats.distance[1, 3] == 10_000


def test_two_depot_plan_serves_each_client_from_the_nearer_depot(tmp_path):
    """The plan costs 40000 (two round trips of 10, x1000), and the checker agrees from the file."""
    path = write(tmp_path, TWO_DEPOTS)
    inst, result = solved(path)
    found = plan(inst, result)
    assert found["cost"] == 40000
    assert sorted(zip(found["route_vehicles"], found["routes"], strict=True)) == [(1, [2]), (2, [3])]
    assert check_vrplib(path, found["routes"], found["route_vehicles"]) == (40000, [])


def test_duration_limit_splits_the_route_and_the_truck_leaves_late(tmp_path):
    """One route of both clients would last 160 > 140: the plan is two routes (200000), one of
    which is within the limit only when it leaves after 0; PyVRP's start respects the limit."""
    path = write(tmp_path, DURATION)
    inst, result = solved(path)
    found = plan(inst, result)
    assert found["cost"] == 200000 and len(found["routes"]) == 2
    assert result.warm_start == "pyvrp"  # PyVRP was given the limit: OR-Tools accepted its plan
    assert check_vrplib(path, found["routes"], found["route_vehicles"]) == (200000, [])


def test_checker_rejects_a_route_over_the_duration_limit(tmp_path):
    """The shorter single route (160000) breaks the limit; the checker says so."""
    path = write(tmp_path, DURATION)
    cost, problems = check_vrplib(path, [[1, 2]], [1])
    assert cost == 160000
    assert problems == ["vehicle 1: route lasts 160000, limit 140000"]


def test_prize_collecting_plan_skips_the_client_not_worth_its_detour(tmp_path):
    """Cost = truncated distance 162 + the prize 500 of the unvisited client = 662."""
    path = write(tmp_path, PRIZES)
    inst, result = solved(path)
    assert [s.required for s in inst.model.stops] == [False, False, True]
    assert inst.prizes == {1: 1000, 2: 500}
    found = plan(inst, result)
    assert (found["distance"], found["unserved_prize"], found["cost"]) == (162, 500, 662)
    assert [d.ref for d in result.dropped] == [2]
    assert check_vrplib(path, found["routes"], found["route_vehicles"]) == (662, [])


def test_checker_counts_missed_prizes_and_missing_required_clients(tmp_path):
    """Leaving out the required client is a problem; leaving out prizes adds them to the cost."""
    path = write(tmp_path, PRIZES)
    cost, problems = check_vrplib(path, [[1]], [1])
    assert cost == 100 + 500  # 0-1-0 (x10) and client 2's prize; the required client has none
    assert problems == ["1 required clients unserved, e.g. [3]"]
    assert check_vrplib(path, [[3, 1]], [2]) == (662, [])


def test_cli_solves_a_vrplib_file_and_prints_the_files_numbers(tmp_path):
    """`python -m routing solve FILE.vrp --format json`: routes in the file's client numbers,
    cost in the .sol units (DIMACS: truncated arcs, 5.6 for 0-1-2-0)."""
    path = write(tmp_path, TRUNCATED)
    assert is_vrplib(path)
    out = subprocess.run(
        [sys.executable, "-m", "routing", "solve", str(path), "--time-limit", "2", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    res = json.loads(out.stdout)
    assert res["instance"] == "TRUNCATED" and res["feasible"] is True
    assert res["routes"] in ([[1, 2]], [[2, 1]]) and res["vehicles"] == 1
    assert res["cost"] == 5.6 and res["distance"] == 5.6 and res["unserved_prize"] == 0
    assert check_vrplib(path, res["routes"], res["route_vehicles"]) == (5.6, [])


@pytest.mark.parametrize("sol", sorted(SHARED.glob("*/*.sol")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_checker_reproduces_the_best_known_costs(sol):
    """The checker's own reading of each shared instance gives its .sol file's cost, feasible."""
    import vrplib

    best = vrplib.read_solution(str(sol))
    routes = [(k + 1, r) for k, r in enumerate(best["routes"]) if r]
    cost, problems = check_vrplib(sol.with_suffix(".vrp"), [r for _, r in routes], [k for k, _ in routes])
    assert problems == []
    assert cost == pytest.approx(best["cost"], abs=1e-6)
