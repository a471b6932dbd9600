"""A sweep's two kinds of job, JSON in and JSON out, whichever executor runs them.

``run_sweep`` submits these to a ``concurrent.futures.Executor``: the inline one (tests), a
process pool over this machine's cores, or the platform's job workers (``--on-workers``,
through ``core.jobs.worker_executor``; the runtime declares both as jobs that return their
result). Every executor gets the same JSON (wire.py), so the format the workers see is the
one every sweep, and every test of a sweep, goes through.
"""

from __future__ import annotations

from backend.twin import wire
from backend.twin.execute import make_provider
from backend.twin.registry import load_registry
from backend.twin.run import run_twin, scratch
from backend.twin.sim import open_city, plan_calendar


def calendar_job(cfg: dict, scale: float) -> list:
    """The fixed calendar's routes at one visit frequency scale (``wire.calendar_to_json``)."""
    config = wire.config_from_json(cfg)
    with scratch() as workdir:
        _, engine, s = open_city(config, workdir)
        try:
            bins, centers, _ = load_registry(s, config.seed)
            provider = make_provider(config.provider, config.road_network)
            fixed = plan_calendar(config, s, bins, centers, float(scale), provider)
        finally:
            s.close()
            engine.dispose()
    return wire.calendar_to_json(fixed)


def simulate_job(cfg: dict, policies: list, calendars: list) -> dict:
    """One world under a group of policies; the fixed calendars it needs are given
    (``wire.calendars_to_json``). The result is JSON as it stands: string keys, numbers, lists."""
    config = wire.config_from_json(cfg)
    out = run_twin(
        config, policies=tuple(wire.policies_from_json(policies)), calendars=wire.calendars_from_json(calendars)
    )
    meta = {k: out[k] for k in ("bins", "centers", "start", "festival_days", "count_bins_per_day")}
    return {"world_seed": config.world_seed, "totals": out["totals"], "wall_seconds": out["wall_seconds"], "meta": meta}
