"""Solver parameters: a dataclass that loads from TOML."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from ortools.constraint_solver import routing_enums_pb2

FIRST_SOLUTION_STRATEGIES = (
    ("AUTO",)
    + tuple(n for n in routing_enums_pb2.FirstSolutionStrategy.Value.keys() if n not in ("UNSET", "AUTOMATIC"))
    + ("AUTOMATIC",)
)
METAHEURISTICS = ("AUTO", "ITERATED_LOCAL_SEARCH") + tuple(
    n for n in routing_enums_pb2.LocalSearchMetaheuristic.Value.keys() if n not in ("UNSET",)
)
WARM_STARTS = ("pyvrp", "none")


@dataclass
class SolverParams:
    time_limit: float = 10.0
    # AUTO: parallel cheapest insertion up to 400 stops, local cheapest insertion above
    # (both always produced a plan on tightly windowed instances; see docs/routing.md).
    first_solution: str = "AUTO"
    # AUTO: guided local search after a warm start, iterated local search without one.
    metaheuristic: str = "AUTO"
    # A starting plan from PyVRP, which OR-Tools then checks against the whole model and improves.
    warm_start: str = "pyvrp"
    # PyVRP's share of the time when the model has what PyVRP cannot express (several
    # windows per stop): OR-Tools' guided local search gets the rest.
    warm_start_share: float = 0.5
    # OR-Tools' share when PyVRP expresses the whole model: PyVRP gets the rest, and
    # OR-Tools checks its plan against every constraint and descends to a local optimum.
    polish_share: float = 0.05
    # PyVRP stops after this many iterations per stop (at least 2,000, or half of its run)
    # without a better plan once its plan has as few trucks as the day's weight and
    # compatibility allow, else after 50,000 (a truck out is a rare move); the time limit
    # stays the cap: such a small day is planned in seconds, others use their time.
    # None: always run to the time limit.
    stall_per_stop: float | None = 100.0
    # Parallel processes: decomposed parts are solved side by side.
    num_workers: int = 1
    # Above this many stops the problem is split by depot and then by sector.
    decompose_above: int = 1500
    # Stops per part when decomposing.
    part_size: int = 350
    # Below decompose_above, a problem larger than part_size is still split when the time
    # limit gives less than this many seconds per stop (the whole would not fit the time).
    whole_seconds_per_stop: float = 0.04
    # Extra weight of empty kilometres in the objective (1.0: an empty km costs double).
    empty_km_weight: float = 1.0
    seed: int = 0
    # Stop after this many improving solutions instead of at the time limit (which stays a
    # safety cap): the same input then gives the same plan on any machine, at any load.
    max_solutions: int | None = None
    log: bool = False

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")
        if self.first_solution not in FIRST_SOLUTION_STRATEGIES:
            raise ValueError(f"first_solution must be one of {FIRST_SOLUTION_STRATEGIES}")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"metaheuristic must be one of {METAHEURISTICS}")
        if self.warm_start not in WARM_STARTS:
            raise ValueError(f"warm_start must be one of {WARM_STARTS}")
        if not 0 < self.warm_start_share < 1:
            raise ValueError("warm_start_share must be between 0 and 1")
        if not 0 < self.polish_share < 1:
            raise ValueError("polish_share must be between 0 and 1")
        if self.stall_per_stop is not None and (
            isinstance(self.stall_per_stop, bool)
            or not isinstance(self.stall_per_stop, int | float)
            or not self.stall_per_stop > 0
        ):
            raise ValueError("stall_per_stop must be a positive number or None")
        if self.whole_seconds_per_stop < 0:
            raise ValueError("whole_seconds_per_stop must be >= 0")
        if self.decompose_above < 1 or self.part_size < 1:
            raise ValueError("decompose_above and part_size must be positive")
        if self.num_workers < 1:
            raise ValueError("num_workers must be at least 1")

    @classmethod
    def from_toml(cls, path: str | Path, table: str | None = "solver") -> SolverParams:
        """Read a TOML file; the keys may sit in a [solver] table or at the top level."""
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        if table and isinstance(data.get(table), dict):
            data = data[table]
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown solver parameters: {sorted(unknown)}")
        return cls(**data)
