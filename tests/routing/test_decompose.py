"""Decomposition of large problems: parts by depot and sector, merged into one valid plan."""

from __future__ import annotations

import random

from routing import Model
from routing.decompose import split


def two_center_city(n: int) -> Model:
    rng = random.Random(3)
    m = Model()
    a = m.add_depot("north", (30.34, 120.13), unload_time=300)
    b = m.add_depot("south", (30.19, 120.23), unload_time=300)
    for k in range(6):
        m.add_vehicle(
            f"t{k}", a if k % 2 == 0 else b, capacity_kg=2000, capacity_m3=12, shift=(7 * 3600, 17 * 3600), max_trips=2
        )
    m.add_vehicle(
        "hazmat",
        a,
        capacity_kg=500,
        capacity_m3=4,
        shift=(7 * 3600, 17 * 3600),
        hazardous_licence=True,
        categories=["hazardous"],
    )
    for i in range(n):
        lat, lon = rng.uniform(30.18, 30.35), rng.uniform(120.10, 120.26)
        m.add_stop(f"s{i}", (lat, lon), kg=rng.uniform(10, 60), m3=0.2, service_time=120, category="paper")
    m.add_stop("lamps", (30.20, 120.22), kg=15, category="hazardous", hazardous=True)
    return m


def test_split_sends_each_stop_to_a_depot_with_a_capable_vehicle():
    """The hazardous stop near the south depot goes north, where the licensed truck lives."""
    m = two_center_city(60)
    parts = split(m, part_size=20)
    assert len(parts) > 2
    seen = sorted(i for _, _, stops in parts for i in stops)
    assert seen == list(range(len(m.stops)))
    lamps = len(m.stops) - 1
    part = next(p for p in parts if lamps in p[2])
    assert any(m.vehicles[v].hazardous_licence for v in part[1])
    assert sorted(v for _, vs, _ in parts for v in vs) == list(range(len(m.vehicles)))


def test_decomposed_solve_gives_one_valid_plan(solve_checked):
    """Solved in parts (two worker processes), the merged plan passes the checker and serves all."""
    m = two_center_city(60)
    r = solve_checked(m, time_limit=4, decompose_above=30, part_size=20, num_workers=2, warm_start="none")
    assert r.stats["parts"] > 2 and r.feasible
    assert sum(len(route.stops) for route in r.routes) == len(m.stops)
