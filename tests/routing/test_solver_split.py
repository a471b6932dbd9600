"""How the time is split between PyVRP and OR-Tools: the same objective in both, a plan never
worse than the start OR-Tools was given, searches that stop when they stall."""

from __future__ import annotations

import random

import pytest

from routing import EuclideanProvider, Model, SolverParams, solve
from routing.solver import Built, polish
from tests.routing.checker import check

DAY = (0, 10**7)


def city(n: int, seed: int = 3, *, windows: int = 1, shift: tuple[int, int] = (0, 400_000)) -> Model:
    """A depot, three two-trip trucks (one at a fractional rate, one with a fixed cost), stops
    with kg and m3, every fifth optional with a prize, every third with ``windows`` windows."""
    rng = random.Random(seed)
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50), unload_time=300)
    m.add_vehicle("a", d, capacity_kg=400, capacity_m3=4, shift=shift, max_trips=2)
    m.add_vehicle("b", d, capacity_kg=400, capacity_m3=4, shift=shift, cost_per_km=1.5, max_trips=2)
    m.add_vehicle("c", d, capacity_kg=600, capacity_m3=6, shift=shift, fixed_cost=20, max_trips=2)
    for k in range(n):
        wins = []
        if windows and k % 3 == 0:
            a = rng.randrange(0, 150_000)
            wins = [(a, a + 60_000)] if windows == 1 else [(a, a + 30_000), (a + 120_000, a + 150_000)]
        optional = k % 5 == 4
        m.add_stop(
            f"s{k}",
            (rng.uniform(0, 100), rng.uniform(0, 100)),
            kg=rng.randint(20, 90),
            m3=rng.uniform(0.1, 0.8),
            service_time=600,
            windows=wins,
            required=not optional,
            prize=30.0 if optional else 0.0,
        )
    return m


def test_pyvrp_cost_is_the_ortools_objective_of_the_same_plan():
    """With fixed costs, a fractional cost per km, empty-km weight, reloads and prizes, OR-Tools
    prices PyVRP's plan exactly as PyVRP does, and the plan returned costs no more than it."""
    m = city(40)
    r = solve(m, SolverParams(time_limit=3, empty_km_weight=1.0, seed=2))
    check(m, r)
    assert r.warm_start == "pyvrp" and r.stats["pyvrp_exact"] is True
    assert r.stats["start_objective"] == r.stats["pyvrp_cost"]
    assert r.objective <= r.stats["start_objective"]


def test_polish_never_returns_a_plan_worse_than_its_start():
    """OR-Tools given a known (poor) start, each truck's stops in index order, returns a plan
    whose objective is at most the start's, under every metaheuristic, however short the time."""
    m = city(24, windows=0, shift=DAY)
    for meta in ("GREEDY_DESCENT", "GUIDED_LOCAL_SEARCH", "TABU_SEARCH"):
        built = Built(m, SolverParams(time_limit=5))
        lay = built.layout
        search = built.search_parameters(1.0, meta)
        built.routing.CloseModelWithParameters(search)
        # Required stops in order, split over the trucks by count; optional ones left out.
        req = [s.index for s in m.stops if s.required]
        routes = [[lay.stop_node(i) for i in req[k::3]] for k in range(3)]
        for v, nodes in enumerate(routes):  # unload halfway, as a second trip
            nodes.insert(len(nodes) // 2, lay.reload_nodes(v)[0])
        start = built.routing.ReadAssignmentFromRoutes(routes, True)
        assert start is not None, "the hand-made start must be feasible"
        found, start_cost = polish(built, start, 0.5, meta)
        assert start_cost == start.ObjectiveValue()
        assert found.ObjectiveValue() <= start_cost
        assert found.ObjectiveValue() < start_cost, f"{meta}: index order is far from a local optimum"


def test_a_stalled_search_stops_before_the_time_limit_with_the_same_feasibility():
    """On a tiny day PyVRP stops after its stall limit (not the time limit) and OR-Tools' descent
    at a local optimum; the plan serves the same required stops as a run to the limit."""
    m = city(12)
    early = solve(m, SolverParams(time_limit=60, stall_per_stop=10, seed=1))
    check(m, early)
    assert early.stats["pyvrp_stopped"] == "stalled"
    assert early.stats["pyvrp_iterations"] < 100_000
    assert early.stats["ortools_status"] == "ROUTING_SUCCESS"
    full = solve(m, SolverParams(time_limit=1, stall_per_stop=None, seed=1))
    check(m, full)
    assert full.stats["pyvrp_stopped"] == "time"
    assert early.feasible and full.feasible
    served = [{v.index for r in res.routes for v in r.stops if m.stops[v.index].required} for res in (early, full)]
    assert served[0] == served[1]


def test_several_windows_keep_ortools_share_and_its_guided_search():
    """A stop with two windows is something PyVRP cannot hold: the solver says so and gives
    OR-Tools' guided local search its share; the plan is still checked feasible."""
    m = city(18, windows=2)
    r = solve(m, SolverParams(time_limit=2, seed=1))
    check(m, r)
    assert r.stats["pyvrp_exact"] is False and "several time windows" in r.stats["pyvrp_lacks"]
    assert r.stats["ortools_metaheuristic"] == "GUIDED_LOCAL_SEARCH"


@pytest.mark.parametrize(
    "bad",
    [
        {"polish_share": 0},
        {"polish_share": 1},
        {"stall_per_stop": 0},
        {"stall_per_stop": -2.5},
        {"stall_per_stop": True},
        {"stall_per_stop": "20"},
        {"decompose_above": 0},
        {"part_size": 0},
    ],
)
def test_split_parameters_are_validated(bad):
    """Shares outside (0, 1), a stall limit that is not a positive integer, empty parts: refused."""
    with pytest.raises(ValueError):
        SolverParams(**bad)


def test_stall_limit_may_be_switched_off():
    """None runs every search to the time limit; the default stops stalled searches."""
    assert SolverParams(stall_per_stop=None).stall_per_stop is None
    assert SolverParams(stall_per_stop=2).stall_per_stop == 2
    assert SolverParams().stall_per_stop > 0


def test_a_day_is_split_only_when_the_whole_does_not_fit_its_time():
    """1,000 stops with a minute are solved whole, with 20 s in parts; above decompose_above
    always in parts; a day no larger than a part never."""
    from routing.solve import should_decompose

    assert not should_decompose(1000, SolverParams(time_limit=60))
    assert should_decompose(1000, SolverParams(time_limit=20))
    assert should_decompose(2000, SolverParams(time_limit=600))
    assert not should_decompose(300, SolverParams(time_limit=1))
    assert not should_decompose(1000, SolverParams(time_limit=20, whole_seconds_per_stop=0))


def test_identical_trucks_are_one_pyvrp_vehicle_type_and_each_drives_one_route():
    """Six trucks, four alike and two that differ (a fixed cost, the one a stop is pinned to):
    PyVRP sees three vehicle types (4 + 1 + 1) and both load dimensions, and a day that needs
    every truck comes back as one route per truck, the pinned stop on its truck."""
    from routing.layout import build_layout
    from routing.warmstart import pyvrp_data, pyvrp_routes, vehicle_groups

    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    for k in range(4):
        m.add_vehicle(f"same{k}", d, capacity_kg=100, capacity_m3=4, shift=DAY, max_trips=1)
    m.add_vehicle("costly", d, capacity_kg=100, capacity_m3=4, shift=DAY, fixed_cost=50, max_trips=1)
    pinned = m.add_vehicle("pinned", d, capacity_kg=100, capacity_m3=4, shift=DAY, max_trips=1)
    rng = random.Random(5)
    for k in range(18):
        m.add_stop(
            f"s{k}", (rng.uniform(0, 100), rng.uniform(0, 100)), kg=30, m3=0.5, vehicles=[pinned] if k == 0 else None
        )
    layout = build_layout(m)
    groups = [members for members, _ in vehicle_groups(layout)]
    assert sorted(groups) == [[0, 1, 2, 3], [4], [5]]
    data = pyvrp_data(layout, 0.0)
    assert sorted(vt.num_available for vt in data.vehicle_types()) == [1, 1, 4]
    assert data.num_load_dimensions == 2
    warm = pyvrp_routes(layout, 1.0, seed=1)
    assert warm.routes is not None
    # 540 kg on one-trip trucks of 100 kg: all six drive, each its own route.
    assert all(warm.routes)
    assert layout.stop_node(0) in warm.routes[5]  # the pinned stop rides the pinned truck
    served = sorted(n for nodes in warm.routes for n in nodes)
    assert served == sorted(layout.stop_node(k) for k in range(18))


def test_a_dimension_no_stop_loads_is_left_out_of_pyvrp():
    """Stops with kg only: PyVRP's data carries one load dimension."""
    from routing.layout import build_layout
    from routing.warmstart import pyvrp_data

    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    m.add_vehicle("t", d, capacity_kg=100, capacity_m3=4, shift=DAY)
    m.add_stop("s", (10, 10), kg=30)
    assert pyvrp_data(build_layout(m), 0.0).num_load_dimensions == 1


def test_fewest_routes_is_the_larger_of_the_weight_and_the_compatibility_bounds():
    """Two general trucks of 100 kg x 2 trips and a licensed 50 kg truck that carries hazardous
    material only: 300 kg of paper needs two trucks; one lamp more needs the licensed one too;
    an optional stop counts for nothing."""
    from routing.layout import build_layout
    from routing.warmstart import fewest_routes

    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    m.add_vehicle("g1", d, capacity_kg=100, capacity_m3=10, shift=DAY, max_trips=2, categories=["paper"])
    m.add_vehicle("g2", d, capacity_kg=100, capacity_m3=10, shift=DAY, max_trips=2, categories=["paper"])
    m.add_vehicle("h", d, capacity_kg=50, capacity_m3=10, shift=DAY, categories=["lamps"], hazardous_licence=True)
    for k in range(5):
        m.add_stop(f"paper{k}", (k * 10, 5), kg=60, category="paper")
    m.add_stop("extra", (70, 70), kg=90, category="paper", required=False, prize=1.0)
    assert fewest_routes(build_layout(m)) == 2
    m.add_stop("lamp", (90, 5), kg=1, category="lamps", hazardous=True)
    assert fewest_routes(build_layout(m)) == 3


def test_beyond_fleet_names_weight_volume_and_service_time_shortfalls():
    """Required weight over the trucks' trips, or service time over their shifts, is named;
    a day that fits, and optional stops however heavy, are not."""
    from routing.layout import build_layout
    from routing.warmstart import beyond_fleet

    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    m.add_vehicle("t", d, capacity_kg=100, capacity_m3=10, shift=(0, 3600), max_trips=2)
    m.add_stop("a", (10, 10), kg=90, service_time=600)
    m.add_stop("b", (20, 10), kg=90, service_time=600)
    m.add_stop("heavy", (30, 10), kg=500, required=False, prize=1.0)
    assert beyond_fleet(build_layout(m)) is None
    m.add_stop("c", (30, 20), kg=30, service_time=600)
    assert "weigh" in beyond_fleet(build_layout(m))
    slow = Model(provider=EuclideanProvider(scale=1000))
    d = slow.add_depot("d", (50, 50))
    slow.add_vehicle("t", d, capacity_kg=1000, capacity_m3=10, shift=(0, 3600))
    for k in range(7):
        slow.add_stop(f"s{k}", (k * 5, 5), kg=1, service_time=600)
    assert "service" in beyond_fleet(build_layout(slow))


def test_a_day_beyond_its_fleet_is_planned_not_left_empty():
    """150 stops weighing about ten times what two trucks carry: PyVRP (which must serve every
    required stop) is skipped with the reason, and OR-Tools, with the whole time, fills the
    trucks to at least 90% of their capacity; every stop left out is named with a reason."""
    rng = random.Random(5)
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    for v in range(2):
        m.add_vehicle(f"t{v}", d, capacity_kg=400, capacity_m3=40, shift=(0, 400_000))
    for k in range(150):
        m.add_stop(f"s{k}", (rng.uniform(0, 100), rng.uniform(0, 100)), kg=rng.randint(20, 90), service_time=60)
    r = solve(m, SolverParams(time_limit=3, seed=1))
    check(m, r)
    assert "weigh" in r.stats["pyvrp_skipped"]
    served = sum(m.stops[v.index].kg for route in r.routes for v in route.visits if v.kind == "stop")
    assert served >= 0.9 * 800, served
    assert r.status == "infeasible" and len(r.dropped) == 150 - sum(len(route.stops) for route in r.routes)
    assert all(x.required and x.reason for x in r.dropped)


def test_a_day_at_its_fewest_trucks_stops_at_the_short_stall_and_one_above_it_does_not():
    """Eight stops one truck can carry: PyVRP's plan reaches one route and stops after the short
    stall, far below the floor. Two of them far apart in the same short window need two trucks,
    which the weight bound does not know: that search runs on to the floor."""
    from routing.solver import QUICK_STALL, STALL_FLOOR

    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    for k in range(3):
        m.add_vehicle(f"t{k}", d, capacity_kg=1000, capacity_m3=10, shift=DAY, fixed_cost=100)
    rng = random.Random(4)
    for k in range(8):
        m.add_stop(f"s{k}", (rng.uniform(0, 100), rng.uniform(0, 100)), kg=20)
    r = solve(m, SolverParams(time_limit=30, stall_per_stop=1, seed=1))
    check(m, r)
    assert r.stats["pyvrp_stopped"] == "stalled" and len(r.routes) == 1
    assert QUICK_STALL <= r.stats["pyvrp_iterations"] < STALL_FLOOR

    far = Model(provider=EuclideanProvider(scale=1000))
    d = far.add_depot("d", (50, 50))
    for k in range(3):
        far.add_vehicle(f"t{k}", d, capacity_kg=1000, capacity_m3=10, shift=DAY, fixed_cost=100)
    for k, stop in enumerate(m.stops):
        windows = [(100_000, 101_000)] if k < 2 else []
        location = [(0, 0), (100, 100)][k] if k < 2 else stop.location
        far.add_stop(stop.name, location, kg=stop.kg, windows=windows)
    r = solve(far, SolverParams(time_limit=30, stall_per_stop=1, seed=1))
    check(far, r)
    assert len(r.routes) == 2 and r.stats["pyvrp_iterations"] >= STALL_FLOOR
