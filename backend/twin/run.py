"""`recyclenet twin`: both policies over the same simulated days, and every figure.

Need-based runs exactly the platform's code: hourly readings go through the ingest
service, each morning the plan job (the one behind POST /api/v1/plans) forecasts and
plans every sorting center from the database, and visited bins are recorded as emptied.
The static policy drives its fixed weekly routes (see static.py). Both start from the
same state after a week of warm-up under the fixed round.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.services import create_user
from backend.bookings import services as booking_service
from backend.bookings.models import Booking
from backend.bookings.services import SlotPolicy
from backend.core import migrate
from backend.core.db import make_engine
from backend.demo.cities import CITIES
from backend.demo.seed import seed_demo_city
from backend.network.models import Bin, Vehicle
from backend.planning.jobs import run_plan
from backend.planning.models import Plan
from backend.planning.services.dispatch import create_plan
from backend.roads import services as roads
from backend.telemetry import topics
from backend.telemetry.services import readings as telemetry
from backend.twin import static
from backend.twin.execute import Driving, Executed, Visit, drive, schedule
from backend.twin.registry import copy_registry, load_registry
from backend.twin.world import make_world
from routing import SolverParams
from routing.matrix import provider_label

TZ = ZoneInfo("Asia/Shanghai")
START = date(2026, 3, 2)  # a Monday
WARMUP_DAYS = 7
WINDOWS = ((8, 10), (10, 12), (13, 15), (15, 17))
WASTED_BELOW = 25.0


@dataclass
class TwinConfig:
    days: int = 28
    seed: int = 7
    bins: int = 240
    time_limit: float = 5.0
    deterministic: bool = False
    bookings_per_day: float | None = None  # default: one per 30 bins
    rate_scale: float = 1.0  # multiplies every bin's fill rate (0: nothing ever fills)
    source_url: str | None = None  # plan a network loaded in this database instead of the demo city
    road_network: str | None = None  # ROAD_NETWORK: plan and drive on streets (else great-circle x 1.3)
    city: str = "hangzhou"  # the demo city to simulate (backend/demo/cities.py)


@dataclass
class DayFigures:
    km: float = 0.0
    empty_km: float = 0.0
    truck_hours: float = 0.0
    tonnes: float = 0.0
    bin_visits: int = 0
    wasted_visits: int = 0
    overflow_bin_hours: int = 0
    bookings_served: int = 0
    bookings_late: int = 0
    bookings_missed: int = 0
    fills_at_emptying: list[float] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)


def _params(cfg: TwinConfig) -> SolverParams:
    if cfg.deterministic:
        return SolverParams(time_limit=max(60.0, cfg.time_limit), max_solutions=60, warm_start="none")
    return SolverParams(time_limit=cfg.time_limit)


class Twin:
    def __init__(self, cfg: TwinConfig, workdir: Path) -> None:
        self.cfg = cfg
        self.provider = roads.provider_for(cfg.road_network)
        self.driving = Driving(self.provider)
        self.url = f"sqlite:///{workdir / 'twin.db'}"
        migrate.upgrade(self.url)
        self.engine = make_engine(self.url)
        self.s = Session(self.engine, expire_on_commit=False)
        if cfg.source_url:
            copy_registry(cfg.source_url, self.s)
        else:
            seed_demo_city(self.s, seed=cfg.seed, n_bins=cfg.bins, city=cfg.city)
        self.bins, self.centers, points = load_registry(self.s, cfg.seed)
        self.by_id = {b.id: k for k, b in enumerate(self.bins)}
        per_day = cfg.bookings_per_day if cfg.bookings_per_day is not None else max(1.0, len(self.bins) / 30)
        total_days = WARMUP_DAYS + cfg.days
        spread = CITIES[cfg.city].booking_spread_deg
        self.world = make_world(
            self.bins, total_days, cfg.seed, START.weekday(), per_day, points, cfg.rate_scale, spread
        )
        rng = random.Random(cfg.seed + 1)
        initial = [rng.uniform(0, 50) for _ in self.bins]
        self.fill = {"need": list(initial), "static": list(initial)}
        self.noise = random.Random(cfg.seed + 2)
        self.schedule = static.weekly_schedule(self.bins)
        self.resident = self._resident()
        self.policy = SlotPolicy.from_config(
            {
                "TIMEZONE": str(TZ),
                "SLOT_WINDOWS": [f"{a:02d}:00-{b:02d}:00" for a, b in WINDOWS],
                "SLOT_CAPACITY": 50,
                "BOOKING_DAYS_AHEAD": 14,
                "BOOKING_CUTOFF_HOURS": 1,
                "SERVICE_RADIUS_KM": 5.0,
            }
        )
        self.directory = telemetry.DeviceDirectory()
        self.devices = dict(self.s.execute(select(Bin.id, Bin.device_id)).all())

    def _resident(self):

        return create_user(
            self.s,
            {
                "username": "twin-resident",
                "password": "twin-resident-pw",
                "role": "resident",
                "lat": 30.3,
                "lon": 120.15,
            },
            None,
        )

    # -- the clock ---------------------------------------------------------------------------
    def at(self, day: int, hour: float) -> datetime:
        return datetime.combine(START + timedelta(days=day), time(0), TZ) + timedelta(hours=hour)

    def _readings(self, day: int, hour: int) -> list:
        now = self.at(day, hour + 1) - timedelta(minutes=1)
        items = []
        for b, fill in zip(self.bins, self.fill["need"], strict=True):
            shown = round(min(100.0, max(0.0, fill + self.noise.gauss(0, 1.5))), 1)
            payload = json.dumps({"ts": now.isoformat(), "fill_pct": shown, "battery_pct": 80}).encode()
            items.append(telemetry.Incoming(topics.telemetry(self.devices[b.id]), payload, now))
        return items

    def _book(self, day: int) -> None:
        """Bookings made on ``day`` for the next day enter the platform through its service."""
        for bk in (b for b in self.world.bookings if b.day == day + 1):
            start = datetime.combine(START + timedelta(days=day + 1), time(WINDOWS[bk.window][0]), TZ)
            try:
                made = booking_service.create_booking(
                    self.s,
                    self.policy,
                    self.resident,
                    {
                        "lat": bk.lat,
                        "lon": bk.lon,
                        "window_start": start,
                        "items": [{"category": c, "quantity": q} for c, q in bk.items],
                    },
                    now=self.at(day, bk.arrival_hour),
                )
                self.s.commit()
                bk.db_id, bk.center_id = made.id, made.center_id
            except Exception:  # a full window: the resident books elsewhere; both policies skip it
                self.s.rollback()

    # -- one day -----------------------------------------------------------------------------
    def _need_routes(self, day: int) -> list[Executed]:

        routes = []
        key_of = {bk.db_id: bk.key for bk in self.world.bookings if bk.db_id}
        for center_id, center in self.centers.items():
            plan = create_plan(
                self.s,
                center_id,
                START + timedelta(days=day),
                {"time_limit": self.cfg.time_limit, "horizon_hours": 24, "optional_margin_pct": 20},
                None,
            )
            run_plan(
                {
                    "DATABASE_URL": self.url,
                    "TIMEZONE": str(TZ),
                    "PLAN_WORKERS": 1,
                    "ROAD_NETWORK": self.cfg.road_network or "",
                },
                plan.id,
                with_baseline=False,
                now=self.at(day, 6),
                params=_params(self.cfg),
            )
            self.s.expire_all()
            plan = self.s.get(Plan, plan.id)
            if plan.status != "done":
                raise RuntimeError(f"twin: plan {plan.id} {plan.status}: {plan.error}")
            for r in plan.routes:
                vehicle = self.s.get(Vehicle, r.vehicle_id)
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

    def _static_routes(self, day: int, fixed) -> list:
        weekday = (START + timedelta(days=day)).weekday()
        routes = []
        for center_id, center in self.centers.items():
            vehicles = {v["plate"]: v for v in center["vehicles"]}
            for plate, bin_ids in fixed.get((center_id, weekday), []):
                v = vehicles[plate]
                visits = [
                    Visit("bin", b, (self.bins[self.by_id[b]].lat, self.bins[self.by_id[b]].lon)) for b in bin_ids
                ]
                routes.append(
                    (
                        Executed(plate, (center["lat"], center["lon"]), visits),
                        v["capacity_kg"],
                        v["capacity_m3"],
                        v["shift"][0],
                    )
                )
            todays = sorted(
                (b for b in self.world.bookings if b.day == day and b.db_id and b.center_id == center_id),
                key=lambda b: b.key,
            )  # in order of arrival
            if todays:
                v = next(
                    v for v in center["vehicles"] if v["categories"] is None or "paper.cardboard" in v["categories"]
                )
                visits = [Visit("booking", b.key, (b.lat, b.lon)) for b in todays]
                routes.append(
                    (
                        Executed(v["plate"] + " (bookings)", (center["lat"], center["lon"]), visits),
                        v["capacity_kg"],
                        v["capacity_m3"],
                        v["shift"][0],
                    )
                )
        return routes

    def simulate_day(self, day: int, fixed, measured: bool) -> dict[str, DayFigures]:
        windows = {
            bk.key: (WINDOWS[bk.window][0] * 3600, WINDOWS[bk.window][1] * 3600)
            for bk in self.world.bookings
            if bk.day == day
        }
        bookings = {bk.key: bk for bk in self.world.bookings if bk.day == day}
        figures = {"need": DayFigures(), "static": DayFigures()}
        batch = []
        for h in range(6):
            self._advance("need", day, h, [], figures["need"])
            self._advance("static", day, h, [], figures["static"])
            batch += self._readings(day, h)
        telemetry.ingest_batch(self.s, batch, self.directory, now=self.at(day, 6))
        plans = {
            "need": self._need_routes(day) if measured else self._static_routes(day, fixed),
            "static": self._static_routes(day, fixed),
        }
        for routes in plans.values():
            for route, _, _, start_s in routes:
                schedule(route.depot, route.visits, start_s, windows, self.driving)
        batch = []
        for h in range(6, 24):
            for policy in ("need", "static"):
                due = [v for route, *_ in plans[policy] for v in route.visits if v.hour == h]
                self._advance(policy, day, h, due, figures[policy])
            batch += self._readings(day, h)
        telemetry.ingest_batch(self.s, batch, self.directory, now=self.at(day + 1, 0))
        for policy in ("need", "static"):
            f = figures[policy]
            for route, cap_kg, cap_m3, _ in plans[policy]:
                for v in route.visits:
                    if v.kind == "booking":
                        bk = bookings.get(v.ref)
                        v.kg = bk.kg if bk else 0.0
                        v.m3 = v.kg / 100
                        f.bookings_served += 1
                        f.bookings_late += v.arrival_s > windows.get(v.ref, (0, 10**9))[1]
                drive(route, cap_kg, cap_m3, self.driving)
                f.km += route.km
                f.empty_km += route.empty_km
                f.truck_hours += route.hours
                f.tonnes += route.kg / 1000
                f.routes.append(
                    {"vehicle": route.vehicle, "km": route.km, "empty_km": route.empty_km, "path": route.path}
                )
            served = {v.ref for route, *_ in plans[policy] for v in route.visits if v.kind == "booking"}
            f.bookings_missed = sum(1 for k, bk in bookings.items() if bk.db_id and k not in served)
        if measured:
            for route, *_ in plans["need"]:
                for v in route.visits:
                    if v.kind == "booking" and v.ref in bookings and bookings[v.ref].db_id:
                        b = self.s.get(Booking, bookings[v.ref].db_id)
                        for to in ("scheduled", "en_route", "collected"):
                            if to in booking_service.TRANSITIONS[b.status]:
                                booking_service.transition(self.s, b, to, None, "twin")
            self.s.commit()
        self._book(day)
        return figures

    def _advance(self, policy: str, day: int, hour: int, due: list[Visit], f: DayFigures) -> None:
        """One hour of the truth: visits empty their bins, then the bins fill."""
        fill = self.fill[policy]
        for v in due:
            if v.kind != "bin":
                continue
            k = self.by_id[v.ref]
            b = self.bins[k]
            v.fill_pct, v.kg, v.m3 = fill[k], b.kg_at(fill[k]), b.m3_at(fill[k])
            f.bin_visits += 1
            f.wasted_visits += fill[k] < WASTED_BELOW
            f.fills_at_emptying.append(round(fill[k], 1))
            fill[k] = 0.0
            if policy == "need":
                telemetry.record_emptying(self.s, v.ref, self.at(day, v.arrival_s / 3600))
        inc = self.world.increments[day, hour].tolist()  # plain floats: figures go to JSON
        for k in range(len(fill)):
            fill[k] = min(100.0, fill[k] + inc[k])
            f.overflow_bin_hours += fill[k] >= 100.0

    def fixed_routes(self) -> dict:
        fixed = {}
        params = _params(self.cfg)
        for center_id, center in self.centers.items():
            mine = [b for b in self.bins if b.center_id == center_id]
            for weekday in range(6):
                todays = [b for b in mine if weekday in self.schedule[b.id]]
                gaps = {b.id: static.MAX_GAP[len(self.schedule[b.id])] for b in todays}
                fixed[(center_id, weekday)] = static.plan_weekday(
                    center, center["vehicles"], todays, gaps, params, self.provider
                )
        return fixed


def run_twin(cfg: TwinConfig, progress=None) -> dict:

    workdir = Path(tempfile.mkdtemp(prefix="recyclenet-twin-"))
    # The scratch city's accounts are hashed like any other; the cost comes from an app
    # config, so the twin runs inside a small app context of its own (cheap hashing).
    scratch = Flask("recyclenet-twin")
    scratch.config.update(PASSWORD_TIME_COST=1, PASSWORD_MEMORY_COST_KIB=1024)
    try:
        with scratch.app_context():
            return _run(cfg, workdir, progress)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(cfg: TwinConfig, workdir: Path, progress) -> dict:
    twin = Twin(cfg, workdir)
    fixed = twin.fixed_routes()
    # Warm-up: a week of the fixed round for both, so the platform has history to forecast from.
    for d in range(WARMUP_DAYS):
        twin.simulate_day(d, fixed, measured=False)
    days = []
    for d in range(WARMUP_DAYS, WARMUP_DAYS + cfg.days):
        days.append(twin.simulate_day(d, fixed, measured=True))
        if progress:
            progress(1)
    twin.s.close()
    twin.engine.dispose()
    return summarize(cfg, days, twin)


def summarize(cfg: TwinConfig, days: list[dict[str, DayFigures]], twin: Twin) -> dict:
    out = {
        "config": asdict(cfg),
        "provider": provider_label(twin.provider),  # what measured every kilometre of the report
        "off_network_legs": twin.driving.off_network_legs,
        "start": (START + timedelta(days=WARMUP_DAYS)).isoformat(),
        "bins": len(twin.bins),
        "centers": len(twin.centers),
        "festival_days": sorted(d - WARMUP_DAYS for d in twin.world.festival_days if d >= WARMUP_DAYS),
        "static_visits_per_week": {str(k): sum(1 for v in twin.schedule.values() if len(v) == k) for k in (1, 2, 3, 6)},
        "daily": {p: [asdict(d[p]) for d in days] for p in ("need", "static")},
        "totals": {},
    }
    for p in ("need", "static"):
        ds = [d[p] for d in days]
        km, tonnes = sum(d.km for d in ds), sum(d.tonnes for d in ds)
        visits = sum(d.bin_visits for d in ds)
        out["totals"][p] = {
            "km": round(km, 1),
            "empty_km": round(sum(d.empty_km for d in ds), 1),
            "truck_hours": round(sum(d.truck_hours for d in ds), 1),
            "tonnes": round(tonnes, 2),
            "km_per_tonne": round(km / tonnes, 3) if tonnes else None,
            "bin_visits": visits,
            "wasted_visits": sum(d.wasted_visits for d in ds),
            "overflow_bin_hours": sum(d.overflow_bin_hours for d in ds),
            "bookings_served": sum(d.bookings_served for d in ds),
            "bookings_late": sum(d.bookings_late for d in ds),
            "bookings_missed": sum(d.bookings_missed for d in ds),
        }
    n, s = out["totals"]["need"], out["totals"]["static"]
    if n["km_per_tonne"] and s["km_per_tonne"]:
        out["totals"]["km_per_tonne_saving_pct"] = round(100 * (1 - n["km_per_tonne"] / s["km_per_tonne"]), 1)
    if s["km"]:
        out["totals"]["km_saving_pct"] = round(100 * (1 - n["km"] / s["km"]), 1)
    return out
