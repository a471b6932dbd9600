"""An independent plan checker: recomputes distances, travel times, loads and schedules
from the raw model (coordinates, provider settings), in floating point, without using the
solver's matrices or code. Every solver output in the suite goes through ``check``."""

from __future__ import annotations

import math

from routing import EuclideanProvider, GreatCircleProvider, Model, Result

LEG_TOLERANCE = 2  # metres or seconds: the solver rounds each leg to an integer


def _km_great_circle(a, b, circuity):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h)) * circuity


_OSRM_ENGINES: dict[str, object] = {}


def _osrm_leg(network: str, a, b) -> tuple[float, float]:
    """A road leg from OSRM's Route service, asked directly (not the provider's Table)."""
    import osrm

    from routing.osrm import network_base

    if network not in _OSRM_ENGINES:
        _OSRM_ENGINES[network] = osrm.OSRM(
            algorithm="MLD", storage_config=str(network_base(network)), use_shared_memory=False
        )
    answer = _OSRM_ENGINES[network].Route(osrm.RouteParameters(coordinates=[(a[1], a[0]), (b[1], b[0])]))
    best = answer["routes"][0]
    return float(best["distance"]), float(best["duration"])


def leg(model: Model, a, b) -> tuple[float, float]:
    """(distance in solver units, travel time in solver units) between two locations."""
    p = model.provider
    if type(p).__name__ == "OsrmProvider":
        d, t = _osrm_leg(p.network, a, b)
        return d, t * p.duration_factor
    if isinstance(p, EuclideanProvider):
        d = math.dist(a, b) * p.scale
        return d, d
    assert isinstance(p, GreatCircleProvider), "checker knows the two built-in providers"
    km = _km_great_circle(a, b, p.circuity)
    hours, lower = 0.0, 0.0
    for band in p.speed_profile:
        hours += max(0.0, min(km, band.up_to_km) - lower) / band.speed_kmh
        lower = band.up_to_km
        if km <= lower:
            break
    return km * 1000, hours * 3600


def check(model: Model, result: Result) -> None:
    served: list[int] = []
    for route in result.routes:
        v = model.vehicles[route.vehicle]
        prev, t = v.start_depot.location, float(v.shift[0])
        kg = m3 = 0.0
        total = empty = 0.0
        trips = 1
        for visit in route.visits:
            here = model.stops[visit.index].location if visit.kind == "stop" else v.start_depot.location
            d, tt = leg(model, prev, here)
            assert abs(d - visit.leg_m) <= LEG_TOLERANCE, (visit, d)
            total += d
            if kg == 0 and m3 == 0:
                empty += d
            t += tt
            if visit.kind == "stop":
                s = model.stops[visit.index]
                assert v.can_carry(s), f"{v.name} may not carry {s.name}"
                assert s.vehicles is None or v.index in s.vehicles, f"{s.name} is pinned elsewhere"
                assert not s.hazardous or v.hazardous_licence
                if s.windows:
                    opens = [max(a, t) for a, b in s.windows if t <= b + LEG_TOLERANCE]
                    assert opens, f"{s.name} reached at {t:.0f}, after all its windows {s.windows}"
                    t = opens[0]
                t += s.service_time
                kg, m3 = kg + s.kg, m3 + s.m3
                assert kg <= v.capacity_kg + 1e-6, f"{v.name} over kg capacity: {kg}"
                assert m3 <= v.capacity_m3 + 1e-6, f"{v.name} over m3 capacity: {m3}"
                served.append(s.index)
            else:
                kg = m3 = 0.0
                trips += 1
                t += v.start_depot.unload_time
            prev = here
        d, tt = leg(model, prev, v.end_depot.location)
        total += d
        t += tt + v.end_depot.unload_time
        assert trips <= v.max_trips, f"{v.name}: {trips} trips, at most {v.max_trips}"
        assert t <= v.shift[1] + LEG_TOLERANCE * (len(route.visits) + 1), f"{v.name} ends at {t:.0f} after its shift"
        assert abs(total - route.distance_m) <= LEG_TOLERANCE * (len(route.visits) + 1)
        assert abs(empty - route.empty_m) <= LEG_TOLERANCE * (len(route.visits) + 1)
    assert len(served) == len(set(served)), "a stop is served twice"
    dropped = {d.index for d in result.dropped}
    assert set(served) | dropped == {s.index for s in model.stops}, "a stop is neither served nor reported"
    assert not set(served) & dropped
    assert result.feasible == all(model.stops[i].required is False for i in dropped)
