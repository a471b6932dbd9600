"""recyclenet's route planner: a pure library (no Flask, no database).

from routing import Model, SolverParams, solve
m = Model()
depot = m.add_depot("center", (30.34, 120.12))
m.add_vehicle("truck", depot, capacity_kg=4000, capacity_m3=16, shift=(7 * 3600, 17 * 3600))
m.add_stop("bin 1", (30.32, 120.14), kg=120, m3=0.6, service_time=180)
result = solve(m, SolverParams(time_limit=5))
"""

from routing.matrix import EuclideanProvider, GreatCircleProvider, Matrices, MatrixProvider, SpeedBand
from routing.model import Depot, Model, ModelError, Stop, Vehicle
from routing.params import SolverParams
from routing.result import Dropped, Result, Route, Visit
from routing.solve import solve

__all__ = [
    "solve",
    "Model",
    "ModelError",
    "Depot",
    "Vehicle",
    "Stop",
    "SolverParams",
    "Result",
    "Route",
    "Visit",
    "Dropped",
    "MatrixProvider",
    "Matrices",
    "GreatCircleProvider",
    "EuclideanProvider",
    "SpeedBand",
]
