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
    if type(p).__name__ == "RoundedEuclidean":  # VRPLIB benchmarks: each arc scaled and rounded
        scale, rnd, _ = {"dimacs": (10, math.floor, 0), "exact": (1000, round, 0), "trunc": (1, math.floor, 0)}.get(
            p.rounding, (1, round, 0)
        )
        d = float(rnd(math.dist(a, b) * scale))
        return d, d
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


def _shortest_duration(model: Model, v, visits) -> float:
    """Depot to depot time of the sequence at its latest feasible departure (leaving later
    never makes a visit earlier, so feasibility is monotone in the departure time and the
    duration, waiting included, shortest at the latest one)."""

    def end_if_leaving(t: float) -> float | None:
        prev = v.start_depot.location
        for visit in visits:
            here = model.stops[visit.index].location if visit.kind == "stop" else v.start_depot.location
            t += leg(model, prev, here)[1]
            if visit.kind == "stop":
                s = model.stops[visit.index]
                opens = [max(a, t) for a, b in s.windows if t <= b + LEG_TOLERANCE] if s.windows else [t]
                if not opens:
                    return None
                t = opens[0] + s.service_time
            else:
                t += v.start_depot.unload_time
            prev = here
        t += leg(model, prev, v.end_depot.location)[1]
        return t if t <= v.shift[1] + LEG_TOLERANCE * (len(visits) + 1) else None

    lo, hi = v.shift[0], v.shift[1]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if end_if_leaving(mid) is not None else (lo, mid - 1)
    end = end_if_leaving(lo)
    assert end is not None, f"{v.name}: no departure time makes the route feasible"
    return end - lo


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
        if v.max_duration is not None:
            lasts = _shortest_duration(model, v, route.visits)
            assert lasts <= v.max_duration + LEG_TOLERANCE * (len(route.visits) + 1), (
                f"{v.name}: route lasts {lasts:.0f}, limit {v.max_duration}"
            )
        assert t <= v.shift[1] + LEG_TOLERANCE * (len(route.visits) + 1), f"{v.name} ends at {t:.0f} after its shift"
        assert abs(total - route.distance_m) <= LEG_TOLERANCE * (len(route.visits) + 1)
        assert abs(empty - route.empty_m) <= LEG_TOLERANCE * (len(route.visits) + 1)
    assert len(served) == len(set(served)), "a stop is served twice"
    dropped = {d.index for d in result.dropped}
    assert set(served) | dropped == {s.index for s in model.stops}, "a stop is neither served nor reported"
    assert not set(served) & dropped
    assert result.feasible == all(model.stops[i].required is False for i in dropped)


# -- benchmark files, checked from the file alone ----------------------------------------
# Plans given as client numbers (and, for VRPLIB, the vehicle of each route), re-checked
# against the instance file with a parser and arithmetic of their own: neither routing's
# reader nor the vrplib package is used, so a misreading there shows up here.

# VRPLIB TYPE: (scale, per-value rounding of scaled values, .sol cost divisor), as
# shared/benchmarks/README.md states for each folder.
VRPLIB_CONVENTIONS = {
    "VRPTW": (10, math.floor, 10),  # DIMACS: x10, truncated; cost as the total distance
    "PCVRPTW": (10, math.floor, 1),  # DIMACS x10 integers, prizes of unvisited clients added
    "MDVRPTW": (1000, round, 1),  # "exact": x1000, rounded
}
VRPLIB_DEFAULT = (1, round, 1)


def read_vrplib_file(path) -> dict:
    """Header values and sections (rows of numbers by node id) of a VRPLIB file."""
    header: dict[str, str] = {}
    sections: dict[str, list[list[float]]] = {}
    current = None
    for line in open(path).read().splitlines():
        line = line.strip()
        if not line or line == "EOF":
            continue
        if line.upper().endswith("_SECTION"):
            current = sections.setdefault(line.upper()[: -len("_SECTION")], [])
        elif ":" in line and not line[0].isdigit() and not line[0] == "-":
            key, value = line.split(":", 1)
            header[key.strip().upper()] = value.strip()
            current = None
        elif current is not None:
            current.append([float(x) for x in line.split()])
    return {"header": header, "sections": sections}


def check_vrplib(path, routes: list[list[int]], route_vehicles: list[int]) -> tuple[float, list[str]]:
    """(cost in the .sol files' units, problems found). Clients are numbered as in VRPLIB
    solutions (node id - 1); route_vehicles are 1-based vehicle numbers (``Route #k``).
    Checks each client at most once and every required one served, capacity, time windows
    (service starts by the window's end), the return to the depot within its window, and the
    route duration limit at the best departure time (waiting before leaving counts not)."""
    data = read_vrplib_file(path)
    head, sec = data["header"], data["sections"]
    scale, rnd, divisor = VRPLIB_CONVENTIONS.get(head.get("TYPE", "").upper(), VRPLIB_DEFAULT)
    problems: list[str] = []
    coords = {int(r[0]) - 1: (r[1], r[2]) for r in sec["NODE_COORD"]}
    dim = int(head["DIMENSION"])
    depots = [int(r[0]) - 1 for r in sec.get("DEPOT", [[1]]) if r[0] >= 1]
    clients = [i for i in range(dim) if i not in depots]

    def value(x: float) -> int:
        return int(rnd(x * scale))

    def column(name: str, default: float, col: int = 1) -> dict[int, int]:
        rows = sec.get(name)
        if rows is None:
            v = float(head.get(name, default))
            return {i: (0 if i in depots else value(v)) for i in range(dim)}
        return {int(r[0]) - 1: value(r[col]) for r in rows}

    demand = {int(r[0]) - 1: r[1] for r in sec.get("DEMAND", [])}
    service = column("SERVICE_TIME", 0)
    prize = column("PRIZE", 0)
    if "TIME_WINDOW" in sec:
        early, late = column("TIME_WINDOW", 0, 1), column("TIME_WINDOW", 0, 2)
    else:
        early, late = dict.fromkeys(range(dim), 0), dict.fromkeys(range(dim), 10**15)
    n_vehicles = int(head.get("VEHICLES", len(clients)))
    capacity = float(head.get("CAPACITY", math.inf))
    home = {int(r[0]): int(r[1]) - 1 for r in sec.get("VEHICLES_DEPOT", [])}
    max_duration = value(float(head["VEHICLES_MAX_DURATION"])) if "VEHICLES_MAX_DURATION" in head else None

    def arc(a: int, b: int) -> int:
        return value(math.dist(coords[a], coords[b]))

    def schedule(route: list[int], depot: int, leave: int) -> int | None:
        """Arrival back at the depot, leaving at ``leave``; None if a window is missed."""
        t, prev = leave, depot
        for c in route:
            t = max(t + arc(prev, c), early[c])
            if t > late[c]:
                return None
            t += service[c]
            prev = c
        t += arc(prev, depot)
        return t if t <= late[depot] else None

    total, seen = 0, []
    if len(route_vehicles) != len(routes) or len(set(route_vehicles)) != len(route_vehicles):
        problems.append("route_vehicles do not name one distinct vehicle per route")
    for route, k in zip(routes, route_vehicles, strict=False):
        if not 1 <= k <= n_vehicles:
            problems.append(f"vehicle {k} does not exist")
            continue
        depot = home.get(k, depots[0])
        if any(c not in coords or c in depots for c in route):
            problems.append(f"route of vehicle {k} visits a depot or an unknown client")
            continue
        seen += route
        path = [depot, *route, depot]
        total += sum(arc(a, b) for a, b in zip(path, path[1:], strict=False))
        load = sum(demand.get(c, 0) for c in route)
        if load > capacity + 1e-9:
            problems.append(f"vehicle {k}: load {load} over capacity {capacity}")
        end = schedule(route, depot, early[depot])
        if end is None:
            problems.append(f"vehicle {k}: a time window or the depot's closing time is missed")
            continue
        if max_duration is not None:
            # Leaving later never serves anyone earlier, so feasibility is monotone in the
            # departure time; the shortest duration is at the latest feasible departure.
            lo, hi = early[depot], late[depot]
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if schedule(route, depot, mid) is not None else (lo, mid - 1)
            duration = schedule(route, depot, lo) - lo
            if duration > max_duration:
                problems.append(f"vehicle {k}: route lasts {duration}, limit {max_duration}")
    if len(seen) != len(set(seen)):
        problems.append("a client is visited twice")
    visited = set(seen)
    missing_required = [c for c in clients if c not in visited and prize[c] <= 0]
    if missing_required:
        problems.append(f"{len(missing_required)} required clients unserved, e.g. {missing_required[:5]}")
    missed = sum(prize[c] for c in clients if c not in visited and prize[c] > 0)
    return (total + missed) / divisor, problems


def check_solomon(path, routes: list[list[int]]) -> tuple[float, list[str]]:
    """(exact Euclidean distance, problems found) of a plan for a Solomon text instance:
    every customer exactly once, capacity, windows on service start, the depot's due time."""
    rows, capacity, n_vehicles = {}, None, None
    lines = open(path).read().splitlines()
    for i, line in enumerate(lines):
        parts = line.split()
        if parts[:1] == ["NUMBER"]:
            n_vehicles, capacity = int(lines[i + 1].split()[0]), float(lines[i + 1].split()[1])
        if len(parts) == 7 and parts[0].isdigit():
            rows[int(parts[0])] = [float(p) for p in parts]
    depot, problems, total, seen = rows[0], [], 0.0, []
    if n_vehicles is not None and len(routes) > n_vehicles:
        problems.append(f"{len(routes)} routes, {n_vehicles} vehicles")
    for route in routes:
        load, t, prev = 0.0, depot[4], depot
        for n in route:
            c = rows.get(n)
            if c is None or n == 0:
                problems.append(f"unknown customer {n}")
                break
            d = math.hypot(prev[1] - c[1], prev[2] - c[2])
            total += d
            t = max(t + d, c[4])
            if t > c[5] + 1e-6:
                problems.append(f"customer {n} served at {t:.2f} after due {c[5]}")
            t, load, prev = t + c[6], load + c[3], c
            seen.append(n)
        d = math.hypot(prev[1] - depot[1], prev[2] - depot[2])
        total += d
        if t + d > depot[5] + 1e-6:
            problems.append("back at the depot after its due time")
        if load > capacity + 1e-9:
            problems.append(f"load {load} over capacity {capacity}")
    if sorted(seen) != sorted(k for k in rows if k != 0):
        problems.append("customers missing or repeated")
    return total, problems
