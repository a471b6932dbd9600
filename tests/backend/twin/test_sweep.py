"""Policy knobs, the count-driven baseline, sweeps over seeds and their report."""

from __future__ import annotations

import pytest

from backend.twin import execute
from backend.twin.policies import Policy, count_selection
from backend.twin.run import TwinConfig, run_twin
from backend.twin.sweep import InlineExecutor, SweepPlan, run_sweep
from backend.twin.sweep_report import write_sweep_report
from backend.twin.world import TwinBin
from routing import GreatCircleProvider


def small(**kw) -> TwinConfig:
    return TwinConfig(**{"days": 2, "seed": 5, "bins": 16, "time_limit": 5.0, "deterministic": True, **kw})


def test_more_calendar_visits_never_lower_its_service_level():
    """On one seed, raising the fixed calendar's visit frequency raises visits and never lowers service."""
    scales = (0.75, 1.0, 1.5, 2.0)
    run = run_twin(
        small(days=7, rate_scale=1.5, bookings_per_day=0), policies=tuple(Policy("static", s) for s in scales)
    )
    totals = [run["totals"][Policy("static", s).key] for s in scales]
    levels = [t["service_level_pct"] for t in totals]
    visits = [t["bin_visits"] for t in totals]
    assert levels == sorted(levels) and visits == sorted(visits)
    assert levels[0] < levels[-1] and visits[0] < visits[-1]


def test_count_selection_takes_the_bins_estimated_fullest():
    """Known rates and last emptying times: the K bins with the least time to full are chosen."""
    bins = [TwinBin(i, 1, 30.0, 120.0, "paper", 50.0, 1000.0, 80.0, rate) for i, rate in enumerate((10, 40, 20, 80))]
    # now = hour 48; emptied at hour 24 (bins 0, 1), 0 (bin 2), never (bin 3: a 25% guess)
    chosen = count_selection(bins, [24.0, 24.0, 0.0, None], 48.0, 2)
    assert chosen == [3, 1]  # 3: 25 + 160 = full; 1: 40% with 1.5 days left; 2: 40% with 3 days left


def test_count_driven_visits_k_bins_a_day():
    """Without bookings, the count-driven policy empties exactly its K bins every day (K x its knob)."""
    run = run_twin(small(bookings_per_day=0), policies=(Policy("count", 1.0), Policy("count", 2.0)))
    k = run["count_bins_per_day"]
    assert [d["bin_visits"] for d in run["daily"]["count@1"]] == [round(k)] * 2
    assert [d["bin_visits"] for d in run["daily"]["count@2"]] == [min(run["bins"], round(2 * k))] * 2


class Recording(GreatCircleProvider):
    calls: list[int] = []

    def matrices(self, locations):
        Recording.calls.append(len(locations))
        return super().matrices(locations)


def test_the_distance_provider_reaches_planner_and_trucks(monkeypatch):
    """The configured provider measures the need-based planner's matrices and the trucks' legs, and is reported."""
    monkeypatch.setitem(execute.PROVIDERS, "recording", (lambda _network: Recording(), "a recording"))
    Recording.calls.clear()
    run = run_twin(small(days=1, provider="recording"), policies=(Policy("need"),))
    assert any(n > 2 for n in Recording.calls) and 2 in Recording.calls
    assert run["provider"] == {"name": "recording", "label": Recording().label, "description": "a recording"}
    with pytest.raises(ValueError):
        execute.make_provider("no-such-provider")


def test_sweep_over_seeds_and_its_report(tmp_path):
    """Two seeds, two settings a policy: means with intervals, one equal-service comparison, a report with the plot."""
    plan = SweepPlan(seeds=2, sweep=True, static_scales=(1.0, 2.0), need_thresholds=(80.0,), count_scales=(1.0, 2.0))
    figures = run_sweep(small(days=1, rate_scale=2.0), plan, executor=InlineExecutor())
    assert figures["seeds"] == [5, 1005] and set(figures["per_seed"]) == {"5", "1005"}
    assert figures["per_seed"]["5"] != figures["per_seed"]["1005"]  # two different worlds
    keys = [s["key"] for s in figures["settings"]]
    assert keys == ["need@80", "static@1", "static@2", "count@1", "count@2"]
    for s in figures["settings"]:
        values = [figures["per_seed"][seed][s["key"]]["km_per_day"] for seed in ("5", "1005")]
        assert s["km_per_day"] == pytest.approx(sum(values) / 2, abs=1e-3)
        assert s["km_per_day_ci"] is not None
    eq = figures["equal_service"]
    reached = [max(s["service_level_pct"] for s in figures["settings"] if s["family"] == f) for f in eq["families"]]
    assert eq["target_service_level_pct"] == pytest.approx(min(reached), abs=1e-3)
    paths = write_sweep_report(figures, tmp_path, command="recyclenet twin --sweep")
    text = paths["markdown"].read_text()
    assert "great-circle" in text and "wall time" in text and "At equal service" in text
    assert paths["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_need_policy_carries_its_prize_scale_to_the_planner():
    """The sweep's need-based settings pass the prize scale on to the plan options the twin sends."""
    from types import SimpleNamespace

    from backend.twin.need import plan_options
    from backend.twin.sweep import SweepPlan

    plan = SweepPlan(sweep=True, need_thresholds=(90.0, 70.0), need_prize_scale=2.5)
    need = [p for p in plan.policies() if p.family == "need"]
    twin = SimpleNamespace(cfg=SimpleNamespace(time_limit=2.0))
    assert [plan_options(twin, p)["optional_prize_scale"] for p in need] == [2.5, 2.5]
    assert [plan_options(twin, p)["fill_threshold"] for p in need] == [90.0, 70.0]
