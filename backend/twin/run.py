"""`recyclenet twin`: the policies over the same simulated days, and every figure.

One run simulates one city (the demo city of ``seed``, or a copy of a database) under one
world (``world_seed``: fills, festivals, bookings) for every policy given, side by side
(sim.py). A sweep or several seeds are many runs (sweep.py).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask

from backend.twin.clock import START, WARMUP_DAYS
from backend.twin.execute import PROVIDERS
from backend.twin.figures import SERVICE_LEVEL_DEFINITION, totals
from backend.twin.policies import DEFAULT_POLICIES, Policy
from backend.twin.sim import Twin
from routing.matrix import provider_label


@dataclass
class TwinConfig:
    days: int = 28
    seed: int = 7  # the city: its layout and each bin's average fill rate
    bins: int = 240
    time_limit: float = 5.0
    deterministic: bool = False
    bookings_per_day: float | None = None  # default: one per 30 bins
    rate_scale: float = 1.0  # multiplies every bin's fill rate (0: nothing ever fills)
    source_url: str | None = None  # plan a network loaded in this database instead of the demo city
    world_seed: int | None = None  # fills, festivals and bookings (default: ``seed``)
    provider: str = "great-circle"  # what measures kilometres, for the planner and the trucks alike
    road_network: str | None = None  # ROAD_NETWORK, for the "roads" provider
    city: str = "hangzhou"  # the demo city to simulate (backend/demo/cities.py)
    keep_trajectories: bool = False  # every bin's fill at every hour, in the figures (tests)


@contextmanager
def scratch():
    """A scratch directory for the twin's database, inside an app context of its own."""
    workdir = Path(tempfile.mkdtemp(prefix="recyclenet-twin-"))
    # The scratch city's accounts are hashed like any other; the cost comes from an app
    # config, so the twin runs inside a small app context of its own (cheap hashing).
    app = Flask("recyclenet-twin")
    app.config.update(PASSWORD_TIME_COST=1, PASSWORD_MEMORY_COST_KIB=1024)
    try:
        with app.app_context():
            yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_twin(
    cfg: TwinConfig, progress=None, policies: tuple[Policy, ...] = DEFAULT_POLICIES, calendars: dict | None = None
) -> dict:
    """Simulate ``policies`` side by side; ``calendars`` (scale -> fixed routes) saves replanning them."""
    with scratch() as workdir:
        return _run(cfg, workdir, progress, list(policies), calendars)


def _run(cfg: TwinConfig, workdir: Path, progress, policies: list[Policy], calendars) -> dict:
    started = time.monotonic()
    twin = Twin(cfg, workdir, policies, calendars)
    # Warm-up: a week of the fixed round for all, so the platform has history to forecast from.
    for d in range(WARMUP_DAYS):
        twin.simulate_day(d, measured=False)
    days = []
    for d in range(WARMUP_DAYS, WARMUP_DAYS + cfg.days):
        days.append(twin.simulate_day(d, measured=True))
        if progress:
            progress(1)
    twin.close()
    out = summarize(cfg, days, twin)
    out["wall_seconds"] = round(time.monotonic() - started, 1)
    return out


def provider_figures(cfg: TwinConfig, provider) -> dict:
    """What measured every kilometre of the report: its setting, its engine, its description."""
    return {"name": cfg.provider, "label": provider_label(provider), "description": PROVIDERS[cfg.provider][1]}


def summarize(cfg: TwinConfig, days: list[dict], twin: Twin) -> dict:
    keys = list(twin.policies)
    out = {
        "config": asdict(cfg),
        "policies": {
            k: {"family": p.family, "knob": p.knob, "margin": p.margin, "prize_scale": p.prize_scale}
            for k, p in twin.policies.items()
        },
        "start": (START + timedelta(days=WARMUP_DAYS)).isoformat(),
        "bins": len(twin.bins),
        "centers": len(twin.centers),
        "provider": provider_figures(cfg, twin.provider),
        "off_network_legs": twin.driving.off_network_legs,
        "service_level_definition": SERVICE_LEVEL_DEFINITION,
        "festival_days": sorted(d - WARMUP_DAYS for d in twin.world.festival_days if d >= WARMUP_DAYS),
        "static_visits_per_week": {str(k): sum(1 for v in twin.schedule.values() if len(v) == k) for k in (1, 2, 3, 6)},
        "count_bins_per_day": round(twin.count_k, 2),
        "daily": {k: [asdict(d[k]) for d in days] for k in keys},
        "totals": {k: totals([d[k] for d in days]) for k in keys},
    }
    if twin.trajectories is not None:
        out["trajectories"] = {k: t[WARMUP_DAYS:].tolist() for k, t in twin.trajectories.items()}
        out["emptied"] = {
            k: [(d - WARMUP_DAYS, h, b) for d, h, b in e if d >= WARMUP_DAYS] for k, e in twin.emptied.items()
        }
        out["increments"] = twin.world.increments[WARMUP_DAYS:].tolist()
        out["bookings"] = [
            [bk.key, bk.day - WARMUP_DAYS, bk.center_id, bk.kg, bk.window, bk.db_id is not None]
            for bk in twin.world.bookings
            if bk.day >= WARMUP_DAYS
        ]
    t = out["totals"]
    if "need" in t and "static" in t:
        n, s = t["need"], t["static"]
        if n["km_per_tonne"] and s["km_per_tonne"]:
            t["km_per_tonne_saving_pct"] = round(100 * (1 - n["km_per_tonne"] / s["km_per_tonne"]), 1)
        if s["km"]:
            t["km_saving_pct"] = round(100 * (1 - n["km"] / s["km"]), 1)
    return out
