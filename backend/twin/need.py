"""The need-based policy: the platform's own planning, exactly as it runs in production.

Each morning the plan job behind POST /api/v1/plans forecasts and plans every sorting
center from the readings in the twin's database, with the policy's fill threshold and
optional margin, and with the twin's distance provider.
"""

from __future__ import annotations

from datetime import timedelta

from backend.network.models import Vehicle
from backend.planning.jobs import run_plan
from backend.planning.models import Plan
from backend.planning.services.dispatch import create_plan
from backend.twin.clock import START, TZ
from backend.twin.execute import Executed, Visit


def plan_options(twin, policy) -> dict:
    options = {
        "time_limit": twin.cfg.time_limit,
        "horizon_hours": 24,
        "optional_margin_pct": policy.margin,
        "optional_prize_scale": policy.prize_scale,
    }
    if policy.knob is not None:
        options["fill_threshold"] = policy.knob
    return options


def need_routes(twin, day: int, policy) -> list:
    routes = []
    key_of = {bk.db_id: bk.key for bk in twin.world.bookings if bk.db_id}
    for center_id, center in twin.centers.items():
        plan = create_plan(twin.s, center_id, START + timedelta(days=day), plan_options(twin, policy), None)
        run_plan(
            {"DATABASE_URL": twin.url, "TIMEZONE": str(TZ), "PLAN_WORKERS": 1},
            plan.id,
            with_baseline=False,
            now=twin.at(day, 6),
            params=twin.params,
            provider=twin.provider,
        )
        twin.s.expire_all()
        plan = twin.s.get(Plan, plan.id)
        if plan.status != "done":
            raise RuntimeError(f"twin: plan {plan.id} {plan.status}: {plan.error}")
        for r in plan.routes:
            vehicle = twin.s.get(Vehicle, r.vehicle_id)
            visits = [
                Visit("bin", st.bin_id, (st.lat, st.lon))
                if st.kind == "bin"
                else Visit("booking", key_of[st.booking_id], (st.lat, st.lon))
                for st in r.stops
                if st.kind != "unload"
            ]
            routes.append(
                (
                    Executed(vehicle.plate, (center["lat"], center["lon"]), visits),
                    vehicle.capacity_kg,
                    vehicle.capacity_m3,
                    vehicle.shift_start.hour * 3600,
                )
            )
    return routes
