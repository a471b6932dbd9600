"""Node numbering shared by the OR-Tools model and the PyVRP warm start.

Nodes are: one per depot, one per stop, then per vehicle ``max_trips - 1`` reload nodes
(copies of its home depot where it unloads mid-shift: the multi-trip mechanism).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from routing.matrix import Matrices
from routing.model import Model

COST_SCALE = 1000  # objective unit: 1/1000 of a currency unit (metres x cost per km)

QTY_SCALE_KG = 10  # 0.1 kg resolution
QTY_SCALE_L = 1000  # m3 -> litres


def units_up(quantity: float, scale: int) -> int:
    """Demand in solver units, rounded up: integer loads within capacity are then real
    loads within capacity (rounding to nearest let a full truck exceed it by a sliver)."""
    return math.ceil(quantity * scale - 1e-9)


@dataclass
class Layout:
    model: Model
    distance: np.ndarray  # node x node, int64
    duration: np.ndarray  # node x node travel seconds, int64
    reload_owner: list[int]  # per reload node: the vehicle index
    loc_matrices: Matrices  # location-level matrices (depots then stops)

    @property
    def n_depots(self) -> int:
        return len(self.model.depots)

    @property
    def n_stops(self) -> int:
        return len(self.model.stops)

    @property
    def n_nodes(self) -> int:
        return self.n_depots + self.n_stops + len(self.reload_owner)

    def stop_node(self, stop_index: int) -> int:
        return self.n_depots + stop_index

    def reload_nodes(self, vehicle_index: int) -> list[int]:
        base = self.n_depots + self.n_stops
        return [base + k for k, v in enumerate(self.reload_owner) if v == vehicle_index]

    def kind(self, node: int) -> tuple[str, int]:
        if node < self.n_depots:
            return "depot", node
        if node < self.n_depots + self.n_stops:
            return "stop", node - self.n_depots
        return "reload", self.reload_owner[node - self.n_depots - self.n_stops]

    def service(self) -> np.ndarray:
        m = self.model
        svc = np.zeros(self.n_nodes, dtype=np.int64)
        svc[self.n_depots : self.n_depots + self.n_stops] = [s.service_time for s in m.stops]
        for k, v in enumerate(self.reload_owner):
            svc[self.n_depots + self.n_stops + k] = m.vehicles[v].start_depot.unload_time
        return svc

    def demand(self, which: str) -> list[int]:
        """Per node, in solver units; a reload node takes off up to its vehicle's capacity."""
        m = self.model
        if which == "kg":
            qty = [units_up(s.kg, QTY_SCALE_KG) for s in m.stops]
            cap = [self.capacity(v, "kg") for v in range(len(m.vehicles))]
        else:
            qty = [units_up(s.m3, QTY_SCALE_L) for s in m.stops]
            cap = [self.capacity(v, "m3") for v in range(len(m.vehicles))]
        return [0] * self.n_depots + qty + [-cap[v] for v in self.reload_owner]

    def capacity(self, vehicle_index: int, which: str) -> int:
        v = self.model.vehicles[vehicle_index]
        return int(v.capacity_kg * QTY_SCALE_KG) if which == "kg" else int(v.capacity_m3 * QTY_SCALE_L)


def build_layout(model: Model) -> Layout:
    model.check()
    locations = [d.location for d in model.depots] + [s.location for s in model.stops]
    mats = model.provider.matrices(locations)
    reload_owner = [v.index for v in model.vehicles for _ in range(v.max_trips - 1)]
    loc_of_node = np.array(
        list(range(len(locations))) + [model.vehicles[v].start_depot.index for v in reload_owner],
        dtype=np.int64,
    )
    grid = np.ix_(loc_of_node, loc_of_node)
    return Layout(model, mats.distance[grid], mats.duration[grid], reload_owner, mats)
