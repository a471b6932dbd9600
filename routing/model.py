"""The problem model, in the spirit of PyVRP's ``Model``: depots, vehicles, stops.

Times are integer seconds from the plan's epoch (midnight of the planning day, say);
quantities are kg and m3. The model is plain data: it can be pickled to a worker process.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from routing.matrix import GreatCircleProvider, Location, MatrixProvider


class ModelError(ValueError):
    """The model itself is malformed (not merely infeasible)."""


@dataclass(frozen=True)
class Depot:
    """A sorting center: trucks start, unload and end here."""

    index: int
    name: str
    location: Location
    unload_time: int = 600  # seconds to weigh and tip a load
    ref: Any = None


@dataclass(frozen=True)
class Vehicle:
    index: int
    name: str
    start_depot: Depot
    end_depot: Depot
    capacity_kg: float
    capacity_m3: float
    shift: tuple[int, int]
    categories: frozenset[str] | None = None  # None: any non-hazardous category
    hazardous_licence: bool = False
    cost_per_km: float = 1.0
    fixed_cost: float = 0.0
    max_trips: int = 3
    ref: Any = None
    # Longest route from leaving the start depot to arriving at the end depot (waiting
    # included), distinct from the shift window, which only bounds when that may happen.
    max_duration: int | None = None

    def can_carry(self, stop: Stop) -> bool:
        """The truck may carry what the stop hands over (all its categories)."""
        if stop.hazardous and not self.hazardous_licence:
            return False
        return self.categories is None or stop.categories <= self.categories

    def may_serve(self, stop: Stop) -> bool:
        """It may carry the stop's material and the stop is not pinned to other trucks."""
        return self.can_carry(stop) and (stop.vehicles is None or self.index in stop.vehicles)


@dataclass(frozen=True)
class Stop:
    """A bin to empty or a booked pickup. Optional stops carry a prize for serving them."""

    index: int
    name: str
    location: Location
    kg: float = 0.0
    m3: float = 0.0
    service_time: int = 0
    windows: tuple[tuple[int, int], ...] = ()
    required: bool = True
    prize: float = 0.0
    categories: frozenset[str] = frozenset()
    hazardous: bool = False
    vehicles: frozenset[int] | None = None  # pinned to these trucks (a dispatcher's move)
    ref: Any = None

    @property
    def category(self) -> str | None:
        return next(iter(sorted(self.categories)), None)


@dataclass
class Model:
    provider: MatrixProvider = field(default_factory=GreatCircleProvider)
    depots: list[Depot] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)

    def add_depot(self, name: str, location: Location, *, unload_time: int = 600, ref: Hashable = None) -> Depot:
        depot = Depot(len(self.depots), name, tuple(location), unload_time, ref)
        self.depots.append(depot)
        return depot

    def add_vehicle(
        self,
        name: str,
        depot: Depot,
        *,
        capacity_kg: float,
        capacity_m3: float,
        shift: tuple[int, int],
        end_depot: Depot | None = None,
        categories: Sequence[str] | None = None,
        hazardous_licence: bool = False,
        cost_per_km: float = 1.0,
        fixed_cost: float = 0.0,
        max_trips: int = 3,
        ref: Any = None,
        max_duration: int | None = None,
    ) -> Vehicle:
        if capacity_kg <= 0 or capacity_m3 <= 0:
            raise ModelError(f"vehicle {name}: capacities must be positive")
        if shift[1] <= shift[0]:
            raise ModelError(f"vehicle {name}: shift must end after it starts")
        if cost_per_km <= 0 or fixed_cost < 0 or max_trips < 1:
            raise ModelError(f"vehicle {name}: cost_per_km > 0, fixed_cost >= 0, max_trips >= 1")
        if max_duration is not None and max_duration <= 0:
            raise ModelError(f"vehicle {name}: max_duration must be positive")
        vehicle = Vehicle(
            len(self.vehicles),
            name,
            depot,
            end_depot or depot,
            float(capacity_kg),
            float(capacity_m3),
            (int(shift[0]), int(shift[1])),
            frozenset(categories) if categories is not None else None,
            hazardous_licence,
            float(cost_per_km),
            float(fixed_cost),
            int(max_trips),
            ref,
            int(max_duration) if max_duration is not None else None,
        )
        self.vehicles.append(vehicle)
        return vehicle

    def add_stop(
        self,
        name: str,
        location: Location,
        *,
        kg: float = 0.0,
        m3: float = 0.0,
        service_time: int = 0,
        windows: Sequence[tuple[int, int]] = (),
        required: bool = True,
        prize: float = 0.0,
        category: str | None = None,
        categories: Sequence[str] = (),
        hazardous: bool = False,
        vehicles: Sequence[Vehicle] | None = None,
        ref: Any = None,
    ) -> Stop:
        if kg < 0 or m3 < 0 or service_time < 0:
            raise ModelError(f"stop {name}: quantities and service time must be >= 0")
        windows = tuple(sorted((int(a), int(b)) for a, b in windows))
        for a, b in windows:
            if b < a:
                raise ModelError(f"stop {name}: window ({a}, {b}) ends before it starts")
        for (_, end), (next_start, _) in pairwise(windows):
            if next_start <= end:
                raise ModelError(f"stop {name}: time windows overlap")
        if not required and prize <= 0:
            raise ModelError(f"stop {name}: an optional stop needs a positive prize")
        cats = frozenset(categories) | ({category} if category else set())
        pinned = frozenset(v.index for v in vehicles) if vehicles is not None else None
        stop = Stop(
            len(self.stops),
            name,
            tuple(location),
            float(kg),
            float(m3),
            int(service_time),
            windows,
            required,
            float(prize),
            cats,
            hazardous,
            pinned,
            ref,
        )
        self.stops.append(stop)
        return stop

    def check(self) -> None:
        if not self.depots:
            raise ModelError("the model has no depot")
        if not self.vehicles:
            raise ModelError("the model has no vehicle")
