"""Trucks driving their routes in the simulated world, and what it costs.

Kilometres come from the same distance provider the planner uses (passed in: the twin's
``provider`` setting, great-circle unless a road network is plugged in). A truck whose real
load would exceed a capacity goes back to unload first (a driver would), and those
extra kilometres count too. Legs driven with nothing on board are empty kilometres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from routing import GreatCircleProvider, MatrixProvider

# name -> (factory, what the report says about it). A road-network provider (issue 14) joins here.
PROVIDERS = {
    "great-circle": (
        GreatCircleProvider,
        "great-circle distance x 1.3 circuity, travel times from a distance-banded speed profile",
    ),
}
PROVIDER = GreatCircleProvider()
BIN_SERVICE_S, BOOKING_SERVICE_S, UNLOAD_S = 120, 300, 600


def make_provider(name: str) -> MatrixProvider:
    if name not in PROVIDERS:
        raise ValueError(f"unknown distance provider {name!r} (known: {', '.join(PROVIDERS)})")
    return PROVIDERS[name][0]()


def leg(a: tuple[float, float], b: tuple[float, float], provider: MatrixProvider = PROVIDER) -> tuple[float, float]:
    """(km, seconds) from a to b, as the planner's provider has it."""
    m = provider.matrices([a, b])
    return float(m.distance[0, 1]) / 1000, float(m.duration[0, 1])


@dataclass
class Visit:
    kind: str  # bin or booking
    ref: int  # bin id or booking key
    location: tuple[float, float]
    hour: int = 0  # when the truck gets there (for the fill process)
    arrival_s: float = 0.0
    kg: float = 0.0
    m3: float = 0.0
    fill_pct: float | None = None


@dataclass
class Executed:
    vehicle: str
    depot: tuple[float, float]
    visits: list[Visit]
    path: list[tuple[float, float]] = field(default_factory=list)
    km: float = 0.0
    empty_km: float = 0.0
    hours: float = 0.0
    kg: float = 0.0


def schedule(
    depot,
    visits: list[Visit],
    start_s: float,
    windows: dict[int, tuple[int, int]] | None = None,
    provider: MatrixProvider = PROVIDER,
) -> None:
    """Arrival times along the planned order (service times, waiting for booking windows)."""
    t, here = start_s, depot
    for v in visits:
        _, sec = leg(here, v.location, provider)
        t += sec
        if v.kind == "booking" and windows and v.ref in windows:
            t = max(t, windows[v.ref][0])
        v.arrival_s = t
        v.hour = min(23, int(t // 3600))
        t += BIN_SERVICE_S if v.kind == "bin" else BOOKING_SERVICE_S
        here = v.location


def drive(route: Executed, capacity_kg: float, capacity_m3: float, provider: MatrixProvider = PROVIDER) -> Executed:
    """Kilometres once the real loads are known (visits carry kg and m3 by now)."""
    here, kg, m3 = route.depot, 0.0, 0.0
    path, km, empty = [route.depot], 0.0, 0.0
    seconds = 0.0

    def go(to):
        nonlocal here, km, empty, seconds
        d, s = leg(here, to, provider)
        km += d
        seconds += s
        if kg <= 1e-9 and m3 <= 1e-9:
            empty += d
        path.append(to)
        here = to

    for v in route.visits:
        if kg + v.kg > capacity_kg or m3 + v.m3 > capacity_m3:
            go(route.depot)  # unload, then on to the stop
            kg = m3 = 0.0
            seconds += UNLOAD_S
        go(v.location)
        kg, m3 = kg + v.kg, m3 + v.m3
        route.kg += v.kg
        seconds += BIN_SERVICE_S if v.kind == "bin" else BOOKING_SERVICE_S
    if route.visits:
        go(route.depot)
        seconds += UNLOAD_S
    route.path, route.km, route.empty_km = path, km, empty
    route.hours = seconds / 3600 if route.visits else 0.0
    return route
