"""Trucks driving their routes in the simulated world, and what it costs.

Kilometres come from the same distance provider the planner uses (the twin's ``provider``
setting: great-circle, or the road network of ROAD_NETWORK). A truck whose real
load would exceed a capacity goes back to unload first (a driver would), and those
extra kilometres count too. Legs driven with nothing on board are empty kilometres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.roads import services as roads
from routing import GreatCircleProvider, MatrixProvider
from routing.matrix import Matrices

PROVIDER = GreatCircleProvider()
BIN_SERVICE_S, BOOKING_SERVICE_S, UNLOAD_S = 120, 300, 600


def _roads(road_network: str | None) -> MatrixProvider:
    if not road_network:
        raise ValueError("the roads provider needs ROAD_NETWORK (a prepared folder or an osrm-routed URL)")
    return roads.provider_for(road_network)


# name -> (factory of ROAD_NETWORK, what the report says about it).
PROVIDERS = {
    "great-circle": (
        lambda _network: PROVIDER,
        "great-circle distance x 1.3 circuity, travel times from a distance-banded speed profile",
    ),
    "roads": (_roads, "OSRM on the road network of ROAD_NETWORK (car profile): street distances and times"),
}


def make_provider(name: str, road_network: str | None = None) -> MatrixProvider:
    if name not in PROVIDERS:
        raise ValueError(f"unknown distance provider {name!r} (known: {', '.join(PROVIDERS)})")
    return PROVIDERS[name][0](road_network)


class Driving:
    """What the trucks drive, as the planner's provider measures it. A leg with no street
    route (a booking on a fragment the extract cut off, which only the fixed round drives to
    unplanned) is measured great-circle x 1.3 and counted, never taken as zero."""

    def __init__(self, provider: MatrixProvider) -> None:
        self.provider = provider
        self.off_network_legs = 0

    def matrices(self, points) -> Matrices:
        m = self.provider.matrices(points)
        if m.unreachable is not None and m.unreachable.any():
            self.off_network_legs += 1
            return PROVIDER.matrices(points)
        return m


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
