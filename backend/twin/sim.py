"""The simulated city, hour by hour, with every policy side by side on the same truth.

Common random numbers: every policy of one run sees the same world (fill increments per
bin and hour, festival days, bookings; see world.py) and starts from the same fills after
the same warm-up week under the fixed calendar. Each policy keeps its own fill levels.
Need-based runs exactly the platform's code (need.py), so a scratch database holds its
readings: one need-based policy per run (a sweep runs each setting as a run of its own).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np
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
from backend.network.models import Bin
from backend.telemetry import topics
from backend.telemetry.services import readings as telemetry
from backend.twin import need, static
from backend.twin.clock import START, TZ, WARMUP_DAYS, WINDOWS
from backend.twin.execute import Driving, Executed, Visit, drive, make_provider, schedule
from backend.twin.figures import DayFigures
from backend.twin.policies import Policy, calendar_visits_per_day, count_routes
from backend.twin.registry import copy_registry, load_registry
from backend.twin.world import make_world
from routing import SolverParams

WASTED_BELOW = 25.0


def solver_params(cfg) -> SolverParams:
    if cfg.deterministic:
        return SolverParams(time_limit=max(60.0, cfg.time_limit), max_solutions=60, warm_start="none")
    return SolverParams(time_limit=cfg.time_limit)


def open_city(cfg, workdir: Path):
    """A scratch database holding the city (the demo city of ``cfg.seed``, or a copy)."""
    url = f"sqlite:///{workdir / 'twin.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    s = Session(engine, expire_on_commit=False)
    if cfg.source_url:
        copy_registry(cfg.source_url, s)
    else:
        seed_demo_city(s, seed=cfg.seed, n_bins=cfg.bins, city=cfg.city)
    return url, engine, s


def plan_calendar(cfg, s: Session, bins, centers, scale: float, provider) -> dict:
    """The fixed calendar's routes at one visit frequency scale: (center, weekday) -> routes."""
    schedule_ = static.weekly_schedule(bins, scale)
    fixed, params = {}, solver_params(cfg)
    for center_id, center in centers.items():
        mine = [b for b in bins if b.center_id == center_id]
        for weekday in range(6):
            todays = [b for b in mine if weekday in schedule_[b.id]]
            gaps = {b.id: static.MAX_GAP[len(schedule_[b.id])] for b in todays}
            fixed[(center_id, weekday)] = static.plan_weekday(
                center, center["vehicles"], todays, gaps, params, provider
            )
    return fixed


class Twin:
    def __init__(self, cfg, workdir: Path, policies: list[Policy], calendars: dict | None = None) -> None:
        self.cfg = cfg
        self.policies = {p.key: p for p in policies}
        needs = [p.key for p in policies if p.family == "need"]
        if len(needs) > 1:
            raise ValueError("one need-based policy per run: its readings live in the run's database")
        self.need_key = needs[0] if needs else None
        self.provider = make_provider(cfg.provider, cfg.road_network)
        self.driving = Driving(self.provider)  # the trucks: off-network legs measured and counted
        self.params = solver_params(cfg)
        self.url, self.engine, self.s = open_city(cfg, workdir)
        self.bins, self.centers, points = load_registry(self.s, cfg.seed)
        self.by_id = {b.id: k for k, b in enumerate(self.bins)}
        per_day = cfg.bookings_per_day if cfg.bookings_per_day is not None else max(1.0, len(self.bins) / 30)
        world_seed = cfg.seed if cfg.world_seed is None else cfg.world_seed
        self.total_days = WARMUP_DAYS + cfg.days
        self.world = make_world(
            self.bins,
            self.total_days,
            world_seed,
            START.weekday(),
            per_day,
            points,
            cfg.rate_scale,
            CITIES[cfg.city].booking_spread_deg,
        )
        rng = random.Random(world_seed + 1)
        initial = [rng.uniform(0, 50) for _ in self.bins]
        self.fill = {k: list(initial) for k in self.policies}
        self.last_emptied: dict[str, list[float | None]] = {k: [None] * len(self.bins) for k in self.policies}
        self.noise = random.Random(world_seed + 2)
        self.schedule = static.weekly_schedule(self.bins)
        self.count_k = calendar_visits_per_day(self.schedule)
        self.calendars = dict(calendars or {})
        self.trajectories = (
            {k: np.zeros((self.total_days, 24, len(self.bins))) for k in self.policies}
            if cfg.keep_trajectories
            else None
        )
        self.emptied: dict[str, list[tuple[int, int, int]]] = {k: [] for k in self.policies}
        self.resident = create_user(
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
        self.slots = SlotPolicy.from_config(
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

    def calendar(self, scale: float) -> dict:
        if scale not in self.calendars:
            self.calendars[scale] = plan_calendar(self.cfg, self.s, self.bins, self.centers, scale, self.provider)
        return self.calendars[scale]

    def close(self) -> None:
        self.s.close()
        self.engine.dispose()

    # -- the clock, the sensors, the residents ----------------------------------------------
    def at(self, day: int, hour: float) -> datetime:
        return datetime.combine(START + timedelta(days=day), time(0), TZ) + timedelta(hours=hour)

    def _readings(self, day: int, hour: int) -> list:
        if self.need_key is None:
            return []
        now = self.at(day, hour + 1) - timedelta(minutes=1)
        items = []
        for b, fill in zip(self.bins, self.fill[self.need_key], strict=True):
            shown = round(min(100.0, max(0.0, fill + self.noise.gauss(0, 1.5))), 1)
            payload = json.dumps({"ts": now.isoformat(), "fill_pct": shown, "battery_pct": 80}).encode()
            items.append(telemetry.Incoming(topics.telemetry(self.devices[b.id]), payload, now))
        return items

    def _ingest(self, batch: list, now: datetime) -> None:
        if batch:
            telemetry.ingest_batch(self.s, batch, self.directory, now=now)

    def _book(self, day: int) -> None:
        """Bookings made on ``day`` for the next day enter the platform through its service."""
        for bk in (b for b in self.world.bookings if b.day == day + 1):
            start = datetime.combine(START + timedelta(days=day + 1), time(WINDOWS[bk.window][0]), TZ)
            try:
                made = booking_service.create_booking(
                    self.s,
                    self.slots,
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
            except Exception:  # a full window: the resident books elsewhere; no policy serves it
                self.s.rollback()

    # -- one day -----------------------------------------------------------------------------
    def calendar_routes(self, day: int, fixed: dict) -> list:
        weekday = (START + timedelta(days=day)).weekday()
        routes = []
        for center_id, center in self.centers.items():
            vehicles = {v["plate"]: v for v in center["vehicles"]}
            depot = (center["lat"], center["lon"])
            for plate, bin_ids in fixed.get((center_id, weekday), []):
                v = vehicles[plate]
                visits = [
                    Visit("bin", b, (self.bins[self.by_id[b]].lat, self.bins[self.by_id[b]].lon)) for b in bin_ids
                ]
                routes.append((Executed(plate, depot, visits), v["capacity_kg"], v["capacity_m3"], v["shift"][0]))
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
                        Executed(v["plate"] + " (bookings)", depot, visits),
                        v["capacity_kg"],
                        v["capacity_m3"],
                        v["shift"][0],
                    )
                )
        return routes

    def _routes(self, key: str, day: int, windows: dict, measured: bool) -> list:
        p = self.policies[key]
        if not measured or p.family == "static":
            return self.calendar_routes(day, self.calendar(p.scale if measured else 1.0))
        if p.family == "count":
            return count_routes(self, day, p, windows, self.params)
        return need.need_routes(self, day, p)

    def simulate_day(self, day: int, measured: bool) -> dict[str, DayFigures]:
        windows = {
            bk.key: (WINDOWS[bk.window][0] * 3600, WINDOWS[bk.window][1] * 3600)
            for bk in self.world.bookings
            if bk.day == day
        }
        bookings = {bk.key: bk for bk in self.world.bookings if bk.day == day}
        figures = {k: DayFigures(bin_days=len(self.bins)) for k in self.policies}
        overflowed = {k: set() for k in self.policies}
        batch = []
        for h in range(6):
            for k in self.policies:
                self._advance(k, day, h, [], figures[k], overflowed[k])
            batch += self._readings(day, h)
        self._ingest(batch, self.at(day, 6))
        plans = {k: self._routes(k, day, windows, measured) for k in self.policies}
        for routes in plans.values():
            for route, _, _, start_s in routes:
                schedule(route.depot, route.visits, start_s, windows, self.driving)
        batch = []
        for h in range(6, 24):
            for k in self.policies:
                due = [v for route, *_ in plans[k] for v in route.visits if v.hour == h]
                self._advance(k, day, h, due, figures[k], overflowed[k])
            batch += self._readings(day, h)
        self._ingest(batch, self.at(day + 1, 0))
        for k, f in figures.items():
            f.overflow_bins = len(overflowed[k])
            for route, cap_kg, cap_m3, _ in plans[k]:
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
            served = {v.ref for route, *_ in plans[k] for v in route.visits if v.kind == "booking"}
            f.bookings_missed = sum(1 for key, bk in bookings.items() if bk.db_id and key not in served)
        if measured and self.need_key:
            self._close_bookings(plans[self.need_key], bookings)
        self._book(day)
        return figures

    def _close_bookings(self, routes, bookings) -> None:
        for route, *_ in routes:
            for v in route.visits:
                if v.kind == "booking" and v.ref in bookings and bookings[v.ref].db_id:
                    b = self.s.get(Booking, bookings[v.ref].db_id)
                    for to in ("scheduled", "en_route", "collected"):
                        if to in booking_service.TRANSITIONS[b.status]:
                            booking_service.transition(self.s, b, to, None, "twin")
        self.s.commit()

    def _advance(self, key: str, day: int, hour: int, due: list[Visit], f: DayFigures, overflowed: set) -> None:
        """One hour of the truth: visits empty their bins, then the bins fill."""
        fill = self.fill[key]
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
            self.last_emptied[key][k] = day * 24 + v.arrival_s / 3600
            self.emptied[key].append((day, hour, k))
            if key == self.need_key:
                telemetry.record_emptying(self.s, v.ref, self.at(day, v.arrival_s / 3600))
        inc = self.world.increments[day, hour].tolist()  # plain floats: figures go to JSON
        for k in range(len(fill)):
            fill[k] = min(100.0, fill[k] + inc[k])
            if fill[k] >= 100.0:
                f.overflow_bin_hours += 1
                overflowed.add(k)
        if self.trajectories is not None:
            self.trajectories[key][day, hour] = fill
