"""Solomon VRPTW instances (the standard text format) as a Model, and their plans back.

Distances are Euclidean and unrounded, as the literature's best-known solutions are; the
solver works on them scaled by 1000 (EuclideanProvider), times rounded up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from routing.matrix import EuclideanProvider
from routing.model import Model
from routing.result import Result

SCALE = 1000


@dataclass
class Customer:
    number: int
    x: float
    y: float
    demand: float
    ready: float
    due: float
    service: float


@dataclass
class Instance:
    name: str
    vehicles: int
    capacity: float
    depot: Customer
    customers: list[Customer]


def parse(path: str | Path) -> Instance:
    lines = [ln.strip() for ln in Path(path).read_text().splitlines() if ln.strip()]
    name = lines[0]
    i = next(k for k, ln in enumerate(lines) if ln.upper().startswith("NUMBER"))
    vehicles, capacity = (float(x) for x in lines[i + 1].split()[:2])
    rows = []
    for ln in lines[i + 2 :]:
        parts = ln.split()
        if len(parts) == 7 and parts[0].isdigit():
            rows.append(Customer(int(parts[0]), *map(float, parts[1:])))
    return Instance(name, int(vehicles), capacity, rows[0], rows[1:])


def to_model(inst: Instance) -> Model:
    """Distance-only objective: unit cost per distance, no fixed cost, no empty-km weight."""
    m = Model(provider=EuclideanProvider(scale=SCALE))
    d = inst.depot
    depot = m.add_depot("depot", (d.x, d.y), unload_time=0)
    # Capacity is one dimension in Solomon: it goes in kg; m3 is left unconstrained.
    for k in range(inst.vehicles):
        m.add_vehicle(
            f"v{k + 1}",
            depot,
            capacity_kg=inst.capacity,
            capacity_m3=1e6,
            shift=(int(d.ready * SCALE), int(d.due * SCALE)),
            max_trips=1,
        )
    for c in inst.customers:
        m.add_stop(
            str(c.number),
            (c.x, c.y),
            kg=c.demand,
            service_time=int(round(c.service * SCALE)),
            windows=[(int(round(c.ready * SCALE)), int(round(c.due * SCALE)))],
            ref=c.number,
        )
    return m


def euclid(a: Customer, b: Customer) -> float:
    return math.hypot(a.x - b.x, a.y - b.y)


def plan_distance(inst: Instance, routes: list[list[int]]) -> float:
    by_number = {c.number: c for c in inst.customers}
    total = 0.0
    for route in routes:
        path = [inst.depot] + [by_number[n] for n in route] + [inst.depot]
        total += sum(euclid(a, b) for a, b in pairwise(path))
    return total


def result_routes(result: Result) -> list[list[int]]:
    return [[v.ref for v in r.visits if v.kind == "stop"] for r in result.routes]
