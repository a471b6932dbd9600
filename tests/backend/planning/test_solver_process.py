"""The solve in child processes: the plan and its baseline side by side when the plan may use
two processes, one after the other in one child otherwise; answers in the order asked."""

from __future__ import annotations

import random

import pytest

from backend.planning.solver_process import SolverProcess
from routing import EuclideanProvider, Model, SolverParams


def tiny_day(n_stops: int, seed: int) -> Model:
    rng = random.Random(seed)
    m = Model(provider=EuclideanProvider(scale=1000))
    d = m.add_depot("d", (50, 50))
    m.add_vehicle("t", d, capacity_kg=10_000, capacity_m3=100, shift=(0, 10**7))
    for k in range(n_stops):
        m.add_stop(f"s{k}", (rng.uniform(0, 100), rng.uniform(0, 100)), kg=10)
    return m


@pytest.mark.parametrize("workers, children", [(1, 1), (2, 2)])
def test_plan_and_baseline_run_side_by_side_only_when_two_processes_are_allowed(workers, children):
    """Two days of 7 and 12 stops, no stall stop: with two processes both children are alive at
    once; with one a single child solves both; the answers come back plan first either way."""
    models = [tiny_day(7, 1), tiny_day(12, 2)]
    params = SolverParams(time_limit=2, stall_per_stop=None, num_workers=workers)
    child = SolverProcess(models, params)
    try:
        assert len(child._children) == children
        assert all(c.proc.is_alive() for c in child._children)
        assert child.rounds == 2 // children
        while not child.wait(0.2):
            pass
        results = child.results()
    finally:
        child.kill()
    assert [sum(len(r.stops) for r in res.routes) for res in results] == [7, 12]
    assert all(res.feasible for res in results)
