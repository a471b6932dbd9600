"""The time OR-Tools' check of PyVRP's plan leaves unused goes back to PyVRP, from its best
plan; what comes back is checked again and never worse than the first checked plan."""

from __future__ import annotations

from routing import SolverParams, solve
from routing.layout import build_layout
from routing.warmstart import PyvrpSearch
from tests.routing.checker import check
from tests.routing.test_solver_split import DAY, city


def test_a_resumed_search_goes_on_from_its_best_plan():
    """Resumed, PyVRP counts on from its iterations and its best cost never rises."""
    layout = build_layout(city(30, windows=0, shift=DAY))
    search = PyvrpSearch(layout, seed=4, empty_km_weight=0.0, stall=None, floor=None)
    first = search.run(0.3)
    assert first.routes is not None and first.stopped == "time"
    again = search.resume(0.3)
    assert again.iterations > first.iterations
    assert again.cost is not None and again.cost <= first.cost
    assert again.seconds < 0.3 + 0.25, "a resumed run's time counts from the resume"


def test_unused_polish_time_is_searched_and_the_plan_checked_again():
    """With a large reserve for OR-Tools' descent (which ends in a fraction of it), PyVRP is
    resumed; the plan returned is the better of the two checked plans and feasible."""
    m = city(40)
    r = solve(m, SolverParams(time_limit=4, polish_share=0.4, stall_per_stop=None, seed=3))
    check(m, r)
    stats = r.stats
    assert stats["pyvrp_stopped"] == "time" and stats["pyvrp_resumed_s"] > 0.3
    assert stats["resume_gain"] >= 0
    assert r.objective == stats["first_objective"] - stats["resume_gain"]
    assert r.objective <= stats["start_objective"]


def test_a_stalled_search_is_not_resumed():
    """A search that stopped because it stalled has nothing to gain from more time."""
    m = city(12)
    r = solve(m, SolverParams(time_limit=30, stall_per_stop=10, seed=1))
    check(m, r)
    assert r.stats["pyvrp_stopped"] == "stalled"
    assert "pyvrp_resumed_s" not in r.stats
    assert r.seconds < 30
