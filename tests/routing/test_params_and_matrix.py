"""Parameters from TOML; the great-circle provider's distances and travel times."""

from __future__ import annotations

import pytest

from routing import EuclideanProvider, GreatCircleProvider, SolverParams, SpeedBand


def test_params_load_from_a_solver_table(tmp_path):
    """A [solver] table sets the fields; unknown keys and bad values are refused."""
    path = tmp_path / "p.toml"
    path.write_text('[solver]\ntime_limit = 3.5\nfirst_solution = "SAVINGS"\nwarm_start = "none"\nnum_workers = 2\n')
    p = SolverParams.from_toml(path)
    assert (p.time_limit, p.first_solution, p.warm_start, p.num_workers) == (3.5, "SAVINGS", "none", 2)
    path.write_text("time_limit = 1\ncolour = 'red'\n")
    with pytest.raises(ValueError, match="colour"):
        SolverParams.from_toml(path)
    with pytest.raises(ValueError):
        SolverParams(metaheuristic="MAGIC")
    with pytest.raises(ValueError):
        SolverParams(time_limit=0)


def test_great_circle_distance_matches_a_known_baseline():
    """One degree of latitude is 111.2 km on the sphere; the circuity factor scales it."""
    gc = GreatCircleProvider(circuity=1.0)
    m = gc.matrices([(30.0, 120.0), (31.0, 120.0)])
    assert abs(m.distance[0, 1] - 111_195) < 50
    assert GreatCircleProvider().matrices([(30.0, 120.0), (31.0, 120.0)]).distance[0, 1] == pytest.approx(
        1.3 * m.distance[0, 1], rel=1e-4
    )
    assert m.distance[0, 0] == 0 and m.distance[0, 1] == m.distance[1, 0]


def test_speed_profile_makes_short_hops_slower():
    """Travel time follows the bands: 1 km at 15 km/h takes 240 s; long hops average faster."""
    gc = GreatCircleProvider(circuity=1.0, speed_profile=(SpeedBand(1.0, 15.0), SpeedBand(float("inf"), 60.0)))
    one_km = 1.0 / 111.195
    m = gc.matrices([(30.0, 120.0), (30.0 + one_km, 120.0), (30.0 + 10 * one_km, 120.0)])
    assert abs(m.duration[0, 1] - 240) <= 1
    assert abs(m.duration[0, 2] - (240 + 9 / 60 * 3600)) <= 1
    assert m.duration[0, 2] / m.distance[0, 2] < m.duration[0, 1] / m.distance[0, 1]


def test_euclidean_rounds_time_up_and_distance_to_nearest():
    """Scaled planar data: times never underestimate, distances are rounded."""
    m = EuclideanProvider(scale=10).matrices([(0, 0), (1, 1)])
    assert m.distance[0, 1] == 14 and m.duration[0, 1] == 15


def test_max_solutions_gives_the_same_plan_every_time():
    """Stopped by solution count, not by time, the solver returns identical plans."""
    import random

    from routing import Model, solve

    rng = random.Random(4)
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (0, 0), unload_time=0)
    for k in range(3):
        m.add_vehicle(f"t{k}", d, capacity_kg=100, capacity_m3=100, shift=(0, 10**7))
    for i in range(30):
        m.add_stop(f"s{i}", (rng.uniform(-20, 20), rng.uniform(-20, 20)), kg=rng.uniform(1, 20))
    plans = [
        [[v.name for v in r.visits] for r in solve(m, SolverParams(time_limit=30, max_solutions=40)).routes]
        for _ in range(3)
    ]
    assert plans[0] == plans[1] == plans[2]
