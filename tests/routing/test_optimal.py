"""Tiny named instances whose optimum the test finds by brute force."""

from __future__ import annotations

import itertools
import math

import pytest

from routing import EuclideanProvider, Model


def held_karp(dist, start, end, nodes) -> int:
    """Shortest path start -> all nodes -> end (exact, by dynamic programming over subsets)."""
    if not nodes:
        return int(dist[start][end])
    nodes = list(nodes)
    best = {(1 << i, i): int(dist[start][n]) for i, n in enumerate(nodes)}
    for size in range(2, len(nodes) + 1):
        for subset in itertools.combinations(range(len(nodes)), size):
            mask = sum(1 << i for i in subset)
            for j in subset:
                prev = mask ^ (1 << j)
                best[(mask, j)] = min(best[(prev, i)] + int(dist[nodes[i]][nodes[j]]) for i in subset if i != j)
    full = (1 << len(nodes)) - 1
    return min(best[(full, j)] + int(dist[nodes[j]][end]) for j in range(len(nodes)))


def brute_force_two_trucks(model: Model, capacity_kg: float) -> int:
    """Optimal total distance with two identical trucks: every split of the stops, each half a TSP."""
    locs = [model.depots[0].location] + [s.location for s in model.stops]
    dist = model.provider.matrices(locs).distance
    best = math.inf
    n = len(model.stops)
    for mask in range(1 << n):
        a = [i + 1 for i in range(n) if mask >> i & 1]
        b = [i + 1 for i in range(n) if not mask >> i & 1]
        if any(sum(model.stops[i - 1].kg for i in part) > capacity_kg for part in (a, b)):
            continue
        best = min(best, held_karp(dist, 0, 0, a) + held_karp(dist, 0, 0, b))
    return int(best)


def four_stops() -> Model:
    """A square of four stops around a depot off-centre; one truck would be best."""
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("depot", (0, 0), unload_time=0)
    for k in range(2):
        m.add_vehicle(f"t{k}", d, capacity_kg=100, capacity_m3=100, shift=(0, 10**7), max_trips=1)
    for name, xy in {"a": (3, 1), "b": (5, 4), "c": (1, 6), "d": (-2, 3)}.items():
        m.add_stop(name, xy, kg=10)
    return m


def eight_stops() -> Model:
    """Two clusters; capacity forces at least two routes."""
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("depot", (0, 0), unload_time=0)
    for k in range(2):
        m.add_vehicle(f"t{k}", d, capacity_kg=50, capacity_m3=100, shift=(0, 10**7), max_trips=1)
    pts = [(4, 1), (5, 3), (6, 1), (5, -1), (-3, 4), (-4, 6), (-1, 5), (-2, 7)]
    for k, xy in enumerate(pts):
        m.add_stop(f"s{k}", xy, kg=12)
    return m


@pytest.mark.parametrize("make,capacity", [(four_stops, 100), (eight_stops, 50)], ids=["4-stop", "8-stop"])
@pytest.mark.parametrize("warm_start", ["none", "pyvrp"])
def test_tiny_instances_are_solved_to_optimality(solve_checked, make, capacity, warm_start):
    """The planned distance equals the brute-force optimum (integer metric of the model)."""
    model = make()
    optimum = brute_force_two_trucks(model, capacity)
    result = solve_checked(model, empty_km_weight=0.0, warm_start=warm_start)
    assert result.feasible
    assert sum(r.distance_m for r in result.routes) == optimum
