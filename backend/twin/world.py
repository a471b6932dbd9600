"""The simulated truth: how full every bin really is, hour by hour, and which bookings
residents make. Both policies see exactly the same increments and bookings (same seed)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from backend.demo.fill import WEEKDAY_FACTOR

FESTIVAL_SURGE = 2.2  # a festival day fills bins this much faster
HOURLY_SHAPE = np.array(
    [
        0.3,
        0.2,
        0.2,
        0.2,
        0.3,
        0.6,
        1.0,
        1.3,
        1.4,
        1.3,
        1.2,
        1.2,
        1.3,
        1.2,
        1.1,
        1.1,
        1.2,
        1.4,
        1.6,
        1.6,
        1.4,
        1.1,
        0.8,
        0.5,
    ]
)
HOURLY_SHAPE = HOURLY_SHAPE / HOURLY_SHAPE.mean()


@dataclass
class TwinBin:
    id: int
    center_id: int
    lat: float
    lon: float
    code: str
    density: float
    capacity_l: float
    threshold: float
    daily_rate: float  # mean % of capacity per day

    def kg_at(self, fill_pct: float) -> float:
        return self.capacity_l / 1000 * min(fill_pct, 100.0) / 100 * self.density

    def m3_at(self, fill_pct: float) -> float:
        return self.capacity_l / 1000 * min(fill_pct, 100.0) / 100


@dataclass
class TwinBooking:
    key: int  # arrival order
    day: int
    center_id: int
    lat: float
    lon: float
    window: int  # index into the offered windows
    items: list[tuple[str, float]]  # (category code, quantity)
    kg: float
    arrival_hour: int
    db_id: int | None = None


@dataclass
class World:
    bins: list[TwinBin]
    increments: np.ndarray  # [day, hour, bin] fill points added
    festival_days: set[int]
    bookings: list[TwinBooking] = field(default_factory=list)


def make_world(
    bins: list[TwinBin],
    days: int,
    seed: int,
    start_weekday: int,
    bookings_per_day: float,
    points: list[tuple[int, float, float]],
    rate_scale: float = 1.0,
    booking_spread_deg: float = 0.004,
) -> World:
    """Fill increments for every bin and hour, and the bookings of every day (each near a
    collection point, ``booking_spread_deg`` around it)."""
    rng = np.random.default_rng(seed)
    festival = {d for d in range(days) if rng.random() < 1 / 14}
    inc = np.zeros((days, 24, len(bins)))
    for d in range(days):
        weekday = (start_weekday + d) % 7
        day_factor = WEEKDAY_FACTOR[weekday] * (FESTIVAL_SURGE if d in festival else 1.0)
        for k, b in enumerate(bins):
            noise = rng.lognormal(mean=-0.02, sigma=0.2, size=24)
            inc[d, :, k] = b.daily_rate * rate_scale / 24 * day_factor * HOURLY_SHAPE * noise
    py = random.Random(seed)
    bookings: list[TwinBooking] = []
    for d in range(days):
        n = _poisson(py, bookings_per_day)
        for _ in range(n):
            center_id, lat, lon = py.choice(points)
            lat, lon = lat + py.gauss(0, booking_spread_deg), lon + py.gauss(0, booking_spread_deg)
            if py.random() < 0.15:
                items = [(py.choice(["ewaste.television", "ewaste.computer", "ewaste.washing_machine"]), 1.0)]
                kg = {"ewaste.television": 20.0, "ewaste.computer": 10.0, "ewaste.washing_machine": 65.0}[items[0][0]]
            else:
                qty = round(py.uniform(5, 40), 1)
                items, kg = [(py.choice(["paper.cardboard", "plastics.pet", "textiles", "metals"]), qty)], qty
            bookings.append(
                TwinBooking(len(bookings), d, center_id, lat, lon, py.randrange(4), items, kg, py.randrange(8, 20))
            )
    return World(bins, inc, festival, bookings)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
