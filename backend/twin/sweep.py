"""Many runs: settings of every policy (``--sweep``) over several seeds (``--seeds``).

Seed r simulates world ``seed + 1000 r`` on the same city; every policy setting of seed r
sees that world (common random numbers), so differences between policies are paired.
The runs are independent jobs: first the fixed calendars (one per frequency scale, shared
by all seeds), then per seed one job for all calendar settings and one per need-based or
count-driven setting (each needs its own solver time). Jobs go to a
``concurrent.futures.Executor``: a process pool over this machine's cores by default, or
the platform's job workers (``core.jobs.worker_executor``); either way they take and
return JSON (sweep_jobs.py, wire.py).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, replace

from backend.twin import wire
from backend.twin.execute import make_provider
from backend.twin.figures import SERVICE_LEVEL_DEFINITION
from backend.twin.policies import FAMILIES, Policy
from backend.twin.run import TwinConfig, provider_figures
from backend.twin.stats import cheapest_reaching, km_at_service, mean_ci
from backend.twin.sweep_jobs import calendar_job, simulate_job

SEED_STRIDE = 1000
SUMMED = ("service_level_pct", "km_per_day", "overflow_bin_hours", "bookings_late", "bookings_missed", "tonnes")


@dataclass
class SweepPlan:
    seeds: int = 1
    sweep: bool = False  # False: each policy at its default setting only
    static_scales: tuple[float, ...] = (0.75, 1.0, 1.25, 1.5, 2.0)
    need_thresholds: tuple[float, ...] = (95.0, 85.0, 75.0, 65.0)
    count_scales: tuple[float, ...] = (0.75, 1.0, 1.25, 1.5, 2.0)
    need_margin: float = 20.0
    need_prize_scale: float = 1.0
    workers: int | None = None  # default: the cores this process may use
    target_service: float | None = None  # default: the highest level every policy's curve reaches

    def policies(self) -> list[Policy]:
        if not self.sweep:
            return [
                Policy("need", None, self.need_margin, self.need_prize_scale),
                Policy("static", 1.0),
                Policy("count", 1.0),
            ]
        return (
            [Policy("need", t, self.need_margin, self.need_prize_scale) for t in self.need_thresholds]
            + [Policy("static", s) for s in self.static_scales]
            + [Policy("count", s) for s in self.count_scales]
        )


class InlineExecutor(Executor):
    """Runs each job at once in this process (one worker; tests)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed back through the future, as a pool would
            f.set_exception(exc)
        return f


def default_executor(workers: int | None) -> Executor:
    n = workers or len(os.sched_getaffinity(0))
    if n <= 1:
        return InlineExecutor()
    # spawn: each job starts clean (no inherited database connections or solver threads)
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))


def _groups(plan: SweepPlan) -> list[list[Policy]]:
    policies = plan.policies()
    groups = [[p for p in policies if p.family == "static"]]
    groups += [[p] for p in policies if p.family != "static"]
    return [g for g in groups if g]


def run_sweep(
    cfg: TwinConfig, plan: SweepPlan, executor: Executor | None = None, progress=None, on_result=None
) -> dict:
    started = time.monotonic()
    own = executor is None
    executor = executor or default_executor(plan.workers)
    try:
        scales = sorted({1.0, *(p.scale for p in plan.policies() if p.family == "static")})
        pending = {s: executor.submit(calendar_job, wire.config_to_json(cfg), s) for s in scales}
        calendars = {s: wire.calendar_from_json(f.result()) for s, f in pending.items()}
        seed_of = {}
        for r in range(plan.seeds):
            run_cfg = replace(cfg, world_seed=cfg.seed + SEED_STRIDE * r, keep_trajectories=False)
            for group in _groups(plan):
                needed = {s: calendars[s] for s in sorted({1.0, *(p.scale for p in group if p.family == "static")})}
                args = (wire.config_to_json(run_cfg), wire.policies_to_json(group), wire.calendars_to_json(needed))
                seed_of[executor.submit(simulate_job, *args)] = r
        runs: dict[int, list[dict]] = {}
        for f in as_completed(seed_of):
            runs.setdefault(seed_of[f], []).append(f.result())
            if on_result:  # e.g. kept as they come, so a long sweep stopped early still tells something
                on_result(f.result())
            if progress:
                progress(1)
    finally:
        if own:
            executor.shutdown()
    return aggregate(cfg, plan, runs, time.monotonic() - started)


def aggregate(cfg: TwinConfig, plan: SweepPlan, runs: dict[int, list[dict]], wall_s: float) -> dict:
    # by seed, not in the order the jobs happened to finish: the same figures from any executor
    per_seed: dict[int, dict[str, dict]] = {
        r: {k: t for run in rs for k, t in run["totals"].items()} for r, rs in sorted(runs.items())
    }
    meta = next(run["meta"] for rs in runs.values() for run in rs)
    settings = []
    for p in plan.policies():
        row = {"key": p.key, "family": p.family, "knob": p.scale if p.family != "need" else p.knob}
        for figure in SUMMED:
            m, ci = mean_ci([per_seed[r][p.key][figure] for r in per_seed])
            row[figure], row[figure + "_ci"] = round(m, 3), (round(ci, 3) if ci is not None else None)
        settings.append(row)
    out = {
        "config": asdict(cfg),
        "plan": asdict(plan),
        "seeds": [cfg.seed + SEED_STRIDE * r for r in sorted(runs)],
        "bins": meta["bins"],
        "centers": meta["centers"],
        "start": meta["start"],
        "provider": provider_figures(cfg, make_provider(cfg.provider, cfg.road_network)),
        "service_level_definition": SERVICE_LEVEL_DEFINITION,
        "wall_seconds": round(wall_s, 1),
        "job_seconds": round(sum(run["wall_seconds"] for rs in runs.values() for run in rs), 1),
        "settings": settings,
        "per_seed": {str(cfg.seed + SEED_STRIDE * r): v for r, v in per_seed.items()},
    }
    if plan.sweep:
        out["equal_service"] = equal_service(settings, per_seed, plan.target_service)
    return out


def equal_service(settings: list[dict], per_seed: dict, target: float | None) -> dict:
    """Each family's km/day at one service level: interpolated on its curve of mean figures,
    and at the cheapest setting that reaches it (with seed-paired savings against the calendar)."""
    curves = {f: [(s["service_level_pct"], s["km_per_day"], s) for s in settings if s["family"] == f] for f in FAMILIES}
    curves = {f: c for f, c in curves.items() if c}
    if target is None:
        target = min(max(p[0] for p in c) for c in curves.values())
    out = {"target_service_level_pct": round(target, 3), "families": {}}
    for f, c in curves.items():
        km, used = km_at_service(c, target)
        ci = None
        if len(used) == 2:  # the same weights applied to the interval half-widths: an approximation
            lo, hi = used
            w = 0.0 if hi[0] == lo[0] else (target - lo[0]) / (hi[0] - lo[0])
            if lo[2]["km_per_day_ci"] is not None and hi[2]["km_per_day_ci"] is not None:
                ci = lo[2]["km_per_day_ci"] + w * (hi[2]["km_per_day_ci"] - lo[2]["km_per_day_ci"])
        nearest = cheapest_reaching(c, target)
        out["families"][f] = {
            "interpolated_km_per_day": round(km, 2) if km is not None else None,
            "interpolated_km_per_day_ci": round(ci, 2) if ci is not None else None,
            "between": [p[2]["key"] for p in used],
            "nearest": nearest[2] if nearest else None,
        }
    fam = out["families"]
    if "static" in fam and fam["static"]["interpolated_km_per_day"]:
        base = fam["static"]["interpolated_km_per_day"]
        for f in ("need", "count"):
            if f in fam and fam[f]["interpolated_km_per_day"] is not None:
                fam[f]["interpolated_saving_pct"] = round(100 * (1 - fam[f]["interpolated_km_per_day"] / base), 1)
            if f in fam and fam[f]["nearest"] and fam["static"]["nearest"]:
                a, b = fam[f]["nearest"]["key"], fam["static"]["nearest"]["key"]
                paired = [100 * (1 - v[a]["km_per_day"] / v[b]["km_per_day"]) for v in per_seed.values()]
                m, ci = mean_ci(paired)
                fam[f]["nearest_saving_pct"] = round(m, 1)
                fam[f]["nearest_saving_pct_ci"] = round(ci, 1) if ci is not None else None
    return out
