"""Infeasible inputs come back as a plan with explanations, never as an exception."""

from __future__ import annotations

from routing import EuclideanProvider, Model

DAY = (0, 100_000)


def base() -> tuple[Model, object]:
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("depot", (0, 0), unload_time=0)
    m.add_vehicle("t", d, capacity_kg=1000, capacity_m3=10, shift=DAY, categories=["paper", "glass"], max_trips=1)
    m.add_stop("fine", (3, 0), kg=100, category="paper")
    return m, d


def reasons(result) -> dict[str, str]:
    return {d.name: d.reason for d in result.dropped}


def test_each_unservable_stop_names_its_constraint(solve_checked):
    """Category, hazard, capacity, time window: each dropped stop says which one rules it out."""
    m, _ = base()
    m.add_stop("textiles", (4, 0), kg=10, category="textiles")
    m.add_stop("battery", (4, 1), kg=10, category="paper", hazardous=True)
    m.add_stop("piano", (5, 0), kg=5000, category="paper")
    m.add_stop("too-bulky", (5, 1), kg=10, m3=11, category="paper")
    m.add_stop("too-far", (90, 0), kg=10, category="glass", windows=[(0, 20_000)])
    r = solve_checked(m)
    assert not r.feasible and r.status == "infeasible"
    why = reasons(r)
    assert why["textiles"].startswith("compatibility") and "textiles" in why["textiles"]
    assert why["battery"].startswith("compatibility") and "licence" in why["battery"]
    assert why["piano"].startswith("capacity") and why["too-bulky"].startswith("capacity")
    assert why["too-far"].startswith("time")
    assert [v.name for route in r.routes for v in route.stops] == ["fine"]


def test_fleet_too_small_is_explained_as_such(solve_checked):
    """Stops each servable alone but not all together are reported as a fleet shortage."""
    m, d = base()
    for k in range(4):
        m.add_stop(f"heavy{k}", (6 + k, 0), kg=400, category="paper")
    r = solve_checked(m)
    assert not r.feasible
    assert r.dropped and all(x.reason.startswith("fleet") for x in r.dropped)
    assert sum(len(route.stops) for route in r.routes) >= 2


def test_model_without_vehicles_is_a_model_error():
    """A malformed model (no vehicle) is a ModelError, distinct from an infeasible plan."""
    import pytest

    from routing import ModelError, SolverParams, solve

    m = Model(provider=EuclideanProvider())
    m.add_depot("d", (0, 0))
    m.add_stop("s", (1, 1))
    with pytest.raises(ModelError):
        solve(m, SolverParams(time_limit=1))
    with pytest.raises(ModelError):
        m.add_stop("bad", (1, 1), windows=[(10, 5)])
    with pytest.raises(ModelError):
        m.add_stop("free", (1, 1), required=False, prize=0)
