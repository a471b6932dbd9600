"""VRPLIB instances (PyVRP's dialect) as a Model, and plans back in the file's numbering.

Read with the ``vrplib`` package (PyVRP's authors' reader, the one ``pyvrp.read`` uses), so
the planner and PyVRP see the same instance. Distances, travel times, time windows, service
times, duration limits and prizes are scaled and rounded as the benchmark's best-known
solutions were computed (shared/benchmarks/README.md):

* VRPTW (Gehring & Homberger 1,000): DIMACS, every value x10 and truncated; the ``.sol`` cost
  is the total distance in the file's units (``Cost 53026.1``);
* PCVRPTW: DIMACS as well, cost = distance + prizes of unvisited clients, as x10 integers;
* MDVRPTW (Vidal et al. 2013): "exact", every value x1000 and rounded, cost as integers.

Clients keep the numbers VRPLIB solution files use: the node's position in the file counted
from 0, so the depots are 0 .. D-1 and ``Route #k`` is vehicle k (1-based).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from routing.layout import COST_SCALE
from routing.matrix import Location, Matrices
from routing.model import Model
from routing.result import Result

ROUNDINGS: dict[str, tuple[int, Callable[[np.ndarray], np.ndarray]]] = {
    # name: (scale, scaled values -> integers)
    "dimacs": (10, lambda v: v.astype(np.int64)),  # truncation, as pyvrp.read does
    "exact": (1000, lambda v: np.rint(v).astype(np.int64)),
    "round": (1, lambda v: np.rint(v).astype(np.int64)),
    "trunc": (1, lambda v: v.astype(np.int64)),
}
# Per problem TYPE: the rounding, and what a .sol cost is in scaled units (53026.1 = 530261 / 10).
CONVENTIONS = {"VRPTW": ("dimacs", 10), "PCVRPTW": ("dimacs", 1), "MDVRPTW": ("exact", 1)}
DEFAULT_CONVENTION = ("round", 1)  # CVRPLIB's: each arc rounded to the nearest integer
UNBOUNDED = 10**12


def scaled(values, rounding: str) -> np.ndarray:
    """The file's values scaled and rounded the benchmark's way (integers)."""
    scale, to_int = ROUNDINGS[rounding]
    return to_int(np.asarray(values, dtype=float) * scale)


@dataclass(frozen=True)
class RoundedEuclidean:
    """Planar coordinates, distance = travel time = Euclidean length scaled and rounded per
    arc as the benchmark rounds it (so a plan's cost adds up as in the ``.sol`` files)."""

    rounding: str = "round"

    @property
    def label(self) -> str:
        return f"euclidean ({self.rounding})"

    def matrices(self, locations: Sequence[Location]) -> Matrices:
        pts = np.asarray(locations, dtype=float).reshape(-1, 2)
        d = scaled(np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)), self.rounding)
        return Matrices(d, d.copy())


@dataclass
class VrplibInstance:
    name: str
    type: str
    rounding: str
    cost_divisor: int  # .sol cost = scaled integer cost / cost_divisor
    n_depots: int
    model: Model
    prizes: dict[int, int]  # client number -> scaled prize (optional clients only)


def is_vrplib(path: str | Path) -> bool:
    """A VRPLIB file (``KEY : value`` header and sections), not a Solomon text file."""
    if Path(path).suffix.lower() == ".vrp":
        return True
    head = Path(path).read_text().lstrip().split("\n", 1)[0]
    return head.upper().startswith("NAME") and ":" in head


def read(path: str | Path, rounding: str | None = None) -> VrplibInstance:
    """The instance as the planner's Model: one depot per DEPOT_SECTION entry, one vehicle
    per VEHICLES (at its VEHICLES_DEPOT, shift = its depot's time window, route duration at
    most VEHICLES_MAX_DURATION), one stop per client (optional with its prize if PRIZE > 0)."""
    import vrplib  # local: only the VRPLIB path of the CLI and the bench need it

    raw = vrplib.read_instance(str(path), compute_edge_weights=False)
    kind = str(raw.get("type", "")).upper()
    convention = CONVENTIONS.get(kind, DEFAULT_CONVENTION)
    rounding = rounding or convention[0]
    divisor = convention[1] if rounding == convention[0] else 1
    if str(raw.get("edge_weight_type", "EUC_2D")).upper() != "EUC_2D":
        raise ValueError(f"{path}: only EUC_2D distances are supported")
    dim = int(raw["dimension"])
    depot_ids = [int(d) for d in np.atleast_1d(raw.get("depot", [0]))]
    n_depots = len(depot_ids)
    if depot_ids != list(range(n_depots)):
        raise ValueError(f"{path}: the depots must be the first nodes")
    coords = np.asarray(raw["node_coord"], dtype=float)
    n_vehicles = int(raw.get("vehicles", dim - n_depots))

    def per_node(key: str, default: float) -> np.ndarray:
        value = raw.get(key, default)
        if np.ndim(value) == 0:  # one value for every client (never the depots)
            value = np.full(dim, float(value))
            value[:n_depots] = 0
        return np.asarray(value, dtype=float)

    def per_vehicle(key: str, default: float) -> np.ndarray:
        return np.broadcast_to(np.asarray(raw.get(key, default), dtype=float), (n_vehicles,))

    windows = scaled(raw["time_window"], rounding) if "time_window" in raw else None
    service = scaled(per_node("service_time", 0), rounding)
    prizes = scaled(per_node("prize", 0), rounding)
    demand = per_node("demand", 0)
    capacity = per_vehicle("capacity", UNBOUNDED)
    home = per_vehicle("vehicles_depot", depot_ids[0] + 1).astype(int) - 1
    has_limit = "vehicles_max_duration" in raw
    max_duration = scaled(per_vehicle("vehicles_max_duration", 0), rounding)

    model = Model(provider=RoundedEuclidean(rounding))
    depots = [model.add_depot(str(i), tuple(coords[i]), unload_time=0, ref=i) for i in range(n_depots)]
    for k in range(n_vehicles):
        d = int(home[k])
        shift = (int(windows[d][0]), int(windows[d][1])) if windows is not None else (0, UNBOUNDED)
        model.add_vehicle(
            str(k + 1),
            depots[d],
            capacity_kg=float(capacity[k]),
            capacity_m3=1e6,
            shift=shift,
            max_trips=1,
            max_duration=int(max_duration[k]) if has_limit else None,
            ref=k + 1,
        )
    optional: dict[int, int] = {}
    for i in range(n_depots, dim):
        prize = int(prizes[i])
        if prize > 0:
            optional[i] = prize
        model.add_stop(
            str(i),
            tuple(coords[i]),
            kg=float(demand[i]),
            service_time=int(service[i]),
            windows=[(int(windows[i][0]), int(windows[i][1]))] if windows is not None else (),
            required=prize <= 0,
            # The objective counts 1/COST_SCALE per distance unit at cost_per_km 1: a prize in
            # distance units is worth prize / COST_SCALE, so missing it costs exactly `prize`.
            prize=prize / COST_SCALE,
            ref=i,
        )
    return VrplibInstance(str(raw.get("name", Path(path).stem)), kind, rounding, divisor, n_depots, model, optional)


def plan(inst: VrplibInstance, result: Result) -> dict:
    """Routes in the file's client numbers, the vehicle (``Route #k``) of each, and the cost
    in the ``.sol`` files' units: rounded distance plus the prizes of unvisited clients."""
    routes, vehicles, distance = [], [], 0
    for r in result.routes:
        stops = [v.ref for v in r.visits if v.kind == "stop"]
        if stops:
            routes.append(stops)
            vehicles.append(r.vehicle_ref)
            distance += r.distance_m
    visited = {c for route in routes for c in route}
    missed = sum(p for c, p in inst.prizes.items() if c not in visited)
    div = inst.cost_divisor
    return {
        "routes": routes,
        "route_vehicles": vehicles,
        "distance": _units(distance, div),
        "unserved_prize": _units(missed, div),
        "cost": _units(distance + missed, div),
    }


def _units(scaled_value: int, divisor: int) -> float | int:
    if divisor == 1:
        return int(scaled_value)
    return round(scaled_value / divisor, max(0, math.ceil(math.log10(divisor))))
