"""What the solver hands back: routes of visits, totals, what was left out and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Visit:
    kind: str  # "stop" or "unload" (back at the depot mid-shift)
    index: int  # stop index, or depot index for an unload
    name: str
    arrival: int
    start: int  # service start (after waiting for the window)
    departure: int
    leg_m: int  # distance of the leg that led here
    load_kg: float  # on board after this visit
    load_m3: float
    ref: Any = None


@dataclass
class Route:
    vehicle: int
    vehicle_name: str
    start: int
    end: int
    visits: list[Visit]
    distance_m: int  # including the final leg back to the end depot
    empty_m: int  # driven with nothing on board
    final_leg_m: int
    collected_kg: float
    trips: int
    vehicle_ref: Any = None

    @property
    def stops(self) -> list[Visit]:
        return [v for v in self.visits if v.kind == "stop"]


@dataclass
class Dropped:
    index: int
    name: str
    required: bool
    reason: str
    ref: Any = None


@dataclass
class Result:
    routes: list[Route]
    dropped: list[Dropped]
    status: str  # "optimal-or-limit", "infeasible", "no-solution"
    objective: int
    seconds: float
    warm_start: str = "none"
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """Every required stop is served."""
        return not any(d.required for d in self.dropped)

    @property
    def distance_km(self) -> float:
        return sum(r.distance_m for r in self.routes) / 1000

    @property
    def empty_km(self) -> float:
        return sum(r.empty_m for r in self.routes) / 1000

    @property
    def loaded_km(self) -> float:
        return self.distance_km - self.empty_km

    @property
    def collected_kg(self) -> float:
        return sum(r.collected_kg for r in self.routes)

    @property
    def km_per_tonne(self) -> float | None:
        tonnes = self.collected_kg / 1000
        return round(self.distance_km / tonnes, 3) if tonnes > 0 else None

    @property
    def vehicles_used(self) -> int:
        return len(self.routes)

    def summary(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "status": self.status,
            "vehicles_used": self.vehicles_used,
            "stops_served": sum(len(r.stops) for r in self.routes),
            "stops_dropped": len(self.dropped),
            "distance_km": round(self.distance_km, 3),
            "empty_km": round(self.empty_km, 3),
            "loaded_km": round(self.loaded_km, 3),
            "collected_kg": round(self.collected_kg, 1),
            "km_per_tonne": self.km_per_tonne,
            "seconds": round(self.seconds, 2),
            "objective": self.objective,
            "warm_start": self.warm_start,
            "provider": self.stats.get("provider"),
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary()
        return data
