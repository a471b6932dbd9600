"""A starting plan from PyVRP (hybrid genetic search), handed to OR-Tools.

PyVRP sees the same integer matrices, capacities, shifts, reloads, prizes and fixed costs.
What it cannot express is approximated on the safe side: a stop's first time window only,
and compatibility through per-vehicle routing profiles in which forbidden stops are
unreachably far. OR-Tools then accepts the routes only if they satisfy the whole model.
"""

from __future__ import annotations

import warnings

import numpy as np

from routing.layout import COST_SCALE, QTY_SCALE_KG, QTY_SCALE_L, Layout, units_up

FAR = 10**9  # distance that makes an arc useless to PyVRP without overflowing its sums


def pyvrp_routes(layout: Layout, seconds: float, seed: int = 0) -> list[list[int]] | None:
    """Routes as node lists per vehicle (reload nodes where PyVRP unloads), or None."""
    try:
        import pyvrp
        from pyvrp.stop import MaxRuntime
    except ImportError:  # pragma: no cover - pyvrp is a dependency; tolerate its absence
        return None
    m = layout.model
    n_loc = layout.n_depots + layout.n_stops
    dist = layout.loc_matrices.distance
    dur = layout.loc_matrices.duration
    locations = [pyvrp.Location(0.0, 0.0) for _ in range(n_loc)]
    depots = [pyvrp.Depot(d.index, service_duration=d.unload_time) for d in m.depots]
    clients = []
    for s in m.stops:
        early, late = s.windows[0] if s.windows else (0, 2**62)
        clients.append(
            pyvrp.Client(
                layout.n_depots + s.index,
                pickup=[units_up(s.kg, QTY_SCALE_KG), units_up(s.m3, QTY_SCALE_L)],
                service_duration=s.service_time,
                tw_early=early,
                tw_late=late,
                prize=int(round(s.prize * COST_SCALE)),
                required=s.required,
            )
        )
    profiles: dict[frozenset[int], int] = {}
    vehicle_types = []
    dist_mats, dur_mats = [], []
    for v in m.vehicles:
        banned = frozenset(s.index for s in m.stops if not v.may_serve(s))
        if banned not in profiles:
            d = dist.copy()
            cols = [layout.n_depots + i for i in banned]
            d[:, cols] = FAR
            d[cols, :] = FAR
            np.fill_diagonal(d, 0)
            profiles[banned] = len(dist_mats)
            dist_mats.append(d)
            dur_mats.append(dur)
        vehicle_types.append(
            pyvrp.VehicleType(
                1,
                capacity=[layout.capacity(v.index, "kg"), layout.capacity(v.index, "m3")],
                start_depot=v.start_depot.index,
                end_depot=v.end_depot.index,
                fixed_cost=int(round(v.fixed_cost * COST_SCALE)),
                tw_early=v.shift[0],
                tw_late=v.shift[1] - v.end_depot.unload_time,
                shift_duration=v.max_duration if v.max_duration is not None else 2**62,
                unit_distance_cost=max(1, int(round(v.cost_per_km))),
                profile=profiles[banned],
                reload_depots=[v.start_depot.index] if v.max_trips > 1 else [],
                max_reloads=v.max_trips - 1,
                name=v.name,
            )
        )
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, dist_mats, dur_mats)
    with warnings.catch_warnings():
        # PyVRP warns when it cannot find a feasible plan; OR-Tools then plans without it.
        warnings.simplefilter("ignore")
        result = pyvrp.solve(data, MaxRuntime(max(0.1, seconds)), seed=seed, display=False, collect_stats=False)
    best = result.best
    if not best.is_feasible():
        return None
    routes: list[list[int]] = [[] for _ in m.vehicles]
    for route in best.routes():
        v = route.vehicle_type()
        reloads = iter(layout.reload_nodes(v))
        schedule = route.schedule()
        for act in schedule[1:-1]:  # skip start and end depots
            if act.is_client():
                routes[v].append(layout.stop_node(act.idx))  # a client's idx is its client index
            elif act.is_depot():
                node = next(reloads, None)
                if node is None:
                    return None
                routes[v].append(node)
    return routes
