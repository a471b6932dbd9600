"""Large problems: split by depot, then into angular sectors around it, and solve the
parts side by side (``num_workers`` processes). OR-Tools' local search slows down sharply
with size; parts of a few hundred stops each get far more improving moves per second.

Each stop goes to the nearest depot that has a vehicle able to carry it; each depot's
vehicles are shared among its sectors in proportion to the sectors' weight to collect.
Stops that no vehicle can carry stay with the nearest depot and come back as dropped,
with the reason, like in an undivided solve.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np

from routing.model import Model
from routing.params import SolverParams
from routing.result import Result
from routing.solver import solve_whole


def split(model: Model, part_size: int) -> list[tuple[Model, list[int], list[int]]]:
    """Parts as (sub-model, original vehicle indices, original stop indices)."""
    depots_with = {d.index: [v for v in model.vehicles if v.start_depot.index == d.index] for d in model.depots}
    locs = [d.location for d in model.depots] + [s.location for s in model.stops]
    dist = model.provider.matrices(locs).distance
    nd = len(model.depots)
    groups: dict[int, list[int]] = {d: [] for d in depots_with if depots_with[d]}
    for s in model.stops:
        able = [d for d, vs in depots_with.items() if any(v.may_serve(s) for v in vs)] or list(groups)
        groups[min(able, key=lambda d: dist[d, nd + s.index])].append(s.index)
    parts = []
    for d, stop_ids in groups.items():
        parts += _sectors(model, model.depots[d], depots_with[d], stop_ids, part_size)
    return parts


def _sectors(model: Model, depot, vehicles, stop_ids: list[int], part_size: int):
    """Angular sectors around one depot. General trucks (able to carry most of the
    depot's stops) are shared out by weight; a special truck (e-waste, hazardous) joins
    the sector holding most of what it can carry; a stop left in a sector where no
    truck can carry it moves to one where a truck can."""
    stops = model.stops
    can = {v.index: {i for i in stop_ids if v.may_serve(stops[i])} for v in vehicles}
    general = [v for v in vehicles if len(can[v.index]) * 2 >= len(stop_ids)] or list(vehicles)
    special = [v for v in vehicles if v not in general]
    n_parts = max(1, min(len(general), math.ceil(len(stop_ids) / part_size)))
    angle = {
        i: math.atan2(stops[i].location[0] - depot.location[0], stops[i].location[1] - depot.location[1])
        for i in stop_ids
    }
    ordered = sorted(stop_ids, key=angle.get)
    sectors = [[int(i) for i in c] for c in np.array_split(np.array(ordered, dtype=int), n_parts)]
    weights = [sum(stops[i].kg for i in sec) + 1.0 for sec in sectors]
    fleets: list[list] = []
    cursor = 0
    for share in _apportion(len(general), weights):
        fleets.append(general[cursor : cursor + share])
        cursor += share
    for v in special:
        best = max(range(n_parts), key=lambda k: len(can[v.index] & set(sectors[k])))
        fleets[best].append(v)
    for k, sec in enumerate(sectors):
        for i in list(sec):
            if not any(i in can[v.index] for v in fleets[k]):
                home = next((j for j in range(n_parts) if any(i in can[v.index] for v in fleets[j])), None)
                if home is not None:
                    sec.remove(i)
                    sectors[home].append(i)
    return [_submodel(model, [v.index for v in fleet], sec) for fleet, sec in zip(fleets, sectors, strict=True)]


def _apportion(n: int, weights: list[float]) -> list[int]:
    """n vehicles over the sectors, in proportion to weight, at least one each."""
    k = len(weights)
    base = [1] * k
    rest = n - k
    total = sum(weights)
    exact = [rest * w / total for w in weights]
    extra = [int(e) for e in exact]
    order = sorted(range(k), key=lambda i: exact[i] - extra[i], reverse=True)
    for i in order[: rest - sum(extra)]:
        extra[i] += 1
    return [b + e for b, e in zip(base, extra, strict=True)]


def _submodel(model: Model, vehicle_ids: list[int], stop_ids: list[int]):
    sub = Model(provider=model.provider)
    depot_map = {}
    for vi in vehicle_ids:
        for dep in (model.vehicles[vi].start_depot, model.vehicles[vi].end_depot):
            if dep.index not in depot_map:
                depot_map[dep.index] = replace(dep, index=len(sub.depots))
                sub.depots.append(depot_map[dep.index])
    for vi in vehicle_ids:
        v = model.vehicles[vi]
        sub.vehicles.append(
            replace(
                v,
                index=len(sub.vehicles),
                start_depot=depot_map[v.start_depot.index],
                end_depot=depot_map[v.end_depot.index],
            )
        )
    new_index = {vi: k for k, vi in enumerate(vehicle_ids)}
    for si in stop_ids:
        stop = model.stops[si]
        pinned = None if stop.vehicles is None else frozenset(new_index[v] for v in stop.vehicles if v in new_index)
        sub.stops.append(replace(stop, index=len(sub.stops), vehicles=pinned))
    return sub, vehicle_ids, stop_ids


def _solve_part(args) -> Result:
    sub, params = args
    return solve_whole(sub, params)


def part_params(params: SolverParams, rounds: int, spent_s: float) -> SolverParams:
    """Each part's parameters: splitting took ``spent_s`` of the budget, and what is left is
    shared by ``rounds`` of parts solved side by side (one process each)."""
    budget = max(1.0, (params.time_limit - spent_s) * 0.95 / rounds)
    return replace(params, time_limit=budget, num_workers=1)


def merge(model: Model, parts, results: list[Result], seconds: float) -> Result:
    """One result for ``model`` from its parts' (as ``split`` made them), in original indices.
    The parts may have been solved anywhere (other processes, other machines)."""
    routes, dropped, objective = [], [], 0
    for (_sub, vehicle_ids, stop_ids), res in zip(parts, results, strict=True):
        objective += res.objective
        for r in res.routes:
            r.vehicle = vehicle_ids[r.vehicle]
            for visit in r.visits:
                if visit.kind == "stop":
                    visit.index = stop_ids[visit.index]
                else:
                    visit.index = model.vehicles[r.vehicle].start_depot.index
            routes.append(r)
        for d in res.dropped:
            d.index = stop_ids[d.index]
            dropped.append(d)
    routes.sort(key=lambda r: r.vehicle)
    status = "feasible" if not any(d.required for d in dropped) else "infeasible"
    warm = ",".join(sorted({r.warm_start for r in results}))
    result = Result(routes, dropped, status, objective, seconds, warm)
    result.stats.update(parts=len(parts), part_sizes=[len(p[2]) for p in parts])
    return result


def solve_decomposed(model: Model, params: SolverParams) -> Result:
    started = time.monotonic()
    parts = split(model, params.part_size)
    workers = min(params.num_workers, len(parts))
    rounds = math.ceil(len(parts) / workers)
    sub_params = part_params(params, rounds, time.monotonic() - started)
    jobs = [(sub, sub_params) for sub, _, _ in parts]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_solve_part, jobs))
    else:
        results = [_solve_part(job) for job in jobs]
    result = merge(model, parts, results, time.monotonic() - started)
    result.stats.update(workers=workers)
    return result
