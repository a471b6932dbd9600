"""Reading a plan out: node sequences per truck become routes with arrival times, loads,
leg and empty distances, and the stops left out with the reason for each."""

from __future__ import annotations

from routing.diagnose import explain
from routing.layout import Layout
from routing.result import Dropped, Result, Route, Visit


def read_result(layout: Layout, node_routes, objective: int, seconds: float, warm_name: str) -> Result:
    """Turn node sequences into routes with times, loads and leg distances.

    Times are the earliest schedule of each sequence (leave at shift start, wait only for a
    window): for a fixed sequence it is feasible whenever any schedule is.
    """
    m, dist, dur, svc = layout.model, layout.distance, layout.duration, layout.service()
    routes, served = [], set()
    for v, nodes in enumerate(node_routes):
        vehicle = m.vehicles[v]
        nodes = _without_idle_unloads(layout, nodes)
        if not nodes:
            continue
        visits: list[Visit] = []
        prev, t = vehicle.start_depot.index, vehicle.shift[0]
        kg = m3 = collected = 0.0
        total = empty = 0
        for n in nodes:
            kind, ref_index = layout.kind(n)
            leg = int(dist[prev, n])
            total += leg
            if kg <= 1e-9 and m3 <= 1e-9:
                empty += leg
            arrival = t + int(dur[prev, n])
            if kind == "stop":
                stop = m.stops[ref_index]
                begin = _window_open(stop.windows, arrival)
                kg, m3, collected = kg + stop.kg, m3 + stop.m3, collected + stop.kg
                served.add(ref_index)
                visits.append(
                    Visit(
                        "stop",
                        ref_index,
                        stop.name,
                        arrival,
                        begin,
                        begin + int(svc[n]),
                        leg,
                        round(kg, 3),
                        round(m3, 4),
                        stop.ref,
                    )
                )
            else:
                depot = vehicle.start_depot
                kg = m3 = 0.0
                visits.append(
                    Visit(
                        "unload",
                        depot.index,
                        depot.name,
                        arrival,
                        arrival,
                        arrival + int(svc[n]),
                        leg,
                        0.0,
                        0.0,
                        depot.ref,
                    )
                )
            prev, t = n, visits[-1].departure
        final = int(dist[prev, vehicle.end_depot.index])
        end_time = t + int(dur[prev, vehicle.end_depot.index]) + vehicle.end_depot.unload_time
        trips = 1 + sum(1 for x in visits if x.kind == "unload")
        routes.append(
            Route(
                v,
                vehicle.name,
                vehicle.shift[0],
                end_time,
                visits,
                total + final,
                empty,
                final,
                round(collected, 3),
                trips,
                vehicle.ref,
            )
        )
    dropped = [
        Dropped(s.index, s.name, s.required, explain(layout, s), s.ref) for s in m.stops if s.index not in served
    ]
    status = "feasible" if not any(d.required for d in dropped) else "infeasible"
    return Result(routes, dropped, status, objective, seconds, warm_name)


def _window_open(windows, arrival: int) -> int:
    """Service starts on arrival, or when the next window opens."""
    for a, b in windows:
        if arrival <= b:
            return max(a, arrival)
    return arrival  # late: only a model violation could lead here, and the checker reports it


def _without_idle_unloads(layout: Layout, nodes: list[int]) -> list[int]:
    """Drop unload visits with nothing on board: the solver may leave such reload nodes in
    place at zero cost, and they mean nothing to a driver."""
    out, loaded = [], False
    for n in nodes:
        if layout.kind(n)[0] == "stop":
            loaded = True
            out.append(n)
        elif loaded:
            out.append(n)
            loaded = False
    while out and layout.kind(out[-1])[0] == "reload":
        out.pop()  # the end depot unloads anyway
    return out
