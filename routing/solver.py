"""The OR-Tools model: two capacities, time windows and shifts, multi-trip unloading,
compatibility, optional stops with prizes, fixed vehicle costs; then search and read-out.

Every constraint lives here: a warm start from another solver only proposes routes, which
OR-Tools accepts only if they satisfy the whole model.
"""

from __future__ import annotations

import math
import time
from itertools import pairwise

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.constraint_solver import routing_ils_pb2 as ils_pb2
from ortools.util import optional_boolean_pb2

from routing.diagnose import explain
from routing.layout import COST_SCALE, Layout, build_layout
from routing.model import Model
from routing.params import SolverParams
from routing.progress import Progress, assignment_km, report, watch_search
from routing.readout import read_result
from routing.result import Dropped, Result

REQUIRED_PENALTY = 10**11  # dropping a required stop outweighs any plan that serves it
FIRST = routing_enums_pb2.FirstSolutionStrategy
META = routing_enums_pb2.LocalSearchMetaheuristic


class Built:
    """An OR-Tools routing model built from a Model."""

    def __init__(self, model: Model, params: SolverParams, layout: Layout | None = None) -> None:
        self.model, self.params = model, params
        self.layout = layout or build_layout(model)
        lay, vehicles = self.layout, model.vehicles
        self.manager = pywrapcp.RoutingIndexManager(
            lay.n_nodes, len(vehicles), [v.start_depot.index for v in vehicles], [v.end_depot.index for v in vehicles]
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        self._costs()
        self._capacities()
        self._time()
        self._stops()

    def _costs(self) -> None:
        lay, routing = self.layout, self.routing
        # Legs out of a depot start empty: weigh them more so plans cut empty kilometres first.
        row_weight = np.ones(lay.n_nodes)
        row_weight[: lay.n_depots] += self.params.empty_km_weight
        row_weight[lay.n_depots + lay.n_stops :] += self.params.empty_km_weight
        by_rate: dict[float, int] = {}
        for v in self.model.vehicles:
            if v.cost_per_km not in by_rate:
                cost = np.rint(lay.distance * row_weight[:, None] * v.cost_per_km).astype(np.int64)
                by_rate[v.cost_per_km] = routing.RegisterTransitMatrix(cost.tolist())
            routing.SetArcCostEvaluatorOfVehicle(by_rate[v.cost_per_km], v.index)
            routing.SetFixedCostOfVehicle(int(round(v.fixed_cost * COST_SCALE)), v.index)

    def _capacities(self) -> None:
        routing, lay = self.routing, self.layout
        for which in ("kg", "m3"):
            demand = lay.demand(which)
            caps = [lay.capacity(v.index, which) for v in self.model.vehicles]
            cb = routing.RegisterUnaryTransitVector(demand)
            routing.AddDimensionWithVehicleCapacity(cb, max(caps), caps, True, f"load_{which}")
            dim = routing.GetDimensionOrDie(f"load_{which}")
            # Only an unload can lower the load (its slack absorbs what is left over).
            for s in range(lay.n_stops):
                dim.SlackVar(self.manager.NodeToIndex(lay.stop_node(s))).SetValue(0)

    def _time(self) -> None:
        routing, lay, manager = self.routing, self.layout, self.manager
        transit = lay.duration + lay.service()[:, None]
        horizon = max(v.shift[1] for v in self.model.vehicles)
        cb = routing.RegisterTransitMatrix(transit.tolist())
        routing.AddDimension(cb, horizon, horizon, False, "time")
        self.time_dim = dim = routing.GetDimensionOrDie("time")
        for v in self.model.vehicles:
            dim.CumulVar(routing.Start(v.index)).SetRange(v.shift[0], v.shift[1])
            # The last load is tipped at the end depot before the shift ends.
            dim.CumulVar(routing.End(v.index)).SetRange(v.shift[0], v.shift[1] - v.end_depot.unload_time)
            routing.AddVariableMinimizedByFinalizer(dim.CumulVar(routing.End(v.index)))
            if v.max_duration is not None:  # a route duration limit, waiting included
                dim.SetSpanUpperBoundForVehicle(v.max_duration, v.index)
        for s in self.model.stops:
            if not s.windows:
                continue
            var = dim.CumulVar(manager.NodeToIndex(lay.stop_node(s.index)))
            var.SetRange(s.windows[0][0], s.windows[-1][1])
            for (_, end), (nxt, _) in pairwise(s.windows):
                var.RemoveInterval(end + 1, nxt - 1)

    def _stops(self) -> None:
        routing, lay, manager = self.routing, self.layout, self.manager
        for s in self.model.stops:
            index = manager.NodeToIndex(lay.stop_node(s.index))
            penalty = REQUIRED_PENALTY if s.required else int(round(s.prize * COST_SCALE))
            routing.AddDisjunction([index], penalty)
            allowed = [v.index for v in self.model.vehicles if v.may_serve(s)]
            if not allowed:
                routing.ActiveVar(index).SetValue(0)
            elif len(allowed) < len(self.model.vehicles):
                _allow_vehicles(routing, index, allowed)
        for v in self.model.vehicles:
            for node in lay.reload_nodes(v.index):
                index = manager.NodeToIndex(node)
                routing.AddDisjunction([index], 0)
                _allow_vehicles(routing, index, [v.index])
                self.time_dim.CumulVar(index).SetRange(v.shift[0], v.shift[1])

    # -- search ---------------------------------------------------------------------------

    def search_parameters(self, seconds: float, metaheuristic: str) -> object:
        p = pywrapcp.DefaultRoutingSearchParameters()
        strategy = self.params.first_solution
        if strategy == "AUTO":
            strategy = "PARALLEL_CHEAPEST_INSERTION" if self.layout.n_stops <= 400 else "LOCAL_CHEAPEST_INSERTION"
        p.first_solution_strategy = getattr(FIRST, strategy)
        p.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
        if self.params.max_solutions:
            p.solution_limit = self.params.max_solutions
        p.log_search = self.params.log
        if metaheuristic == "ITERATED_LOCAL_SEARCH":
            _iterated_local_search(p)
        else:
            p.local_search_metaheuristic = getattr(META, metaheuristic)
        return p

    def routes_from(self, solution) -> list[list[int]]:
        out = []
        for v in range(len(self.model.vehicles)):
            index, nodes = self.routing.Start(v), []
            index = solution.Value(self.routing.NextVar(index))
            while not self.routing.IsEnd(index):
                nodes.append(self.manager.IndexToNode(index))
                index = solution.Value(self.routing.NextVar(index))
            out.append(nodes)
        return out


def _allow_vehicles(routing, index: int, vehicles: list[int]) -> None:
    """SetAllowedVehiclesForIndex without it: its Python binding is broken in OR-Tools 9.15
    (absl::Span typemap, or-tools#4982). Restricting the vehicle variable is equivalent;
    -1 stays in the domain so the visit may still be left unperformed."""
    routing.VehicleVar(index).SetValues([-1, *vehicles])


def _iterated_local_search(p) -> None:
    """Ruin-and-recreate ILS with SISR ruins and a lighter inner local search
    (the settings measured in shared/notes/routing-findings.md)."""
    p.use_iterated_local_search = True
    p.local_search_metaheuristic = META.GREEDY_DESCENT
    ils = p.iterated_local_search_parameters
    ils.perturbation_strategy = ils_pb2.PerturbationStrategy.RUIN_AND_RECREATE
    rr = ils.ruin_recreate_parameters
    del rr.ruin_strategies[:]
    sisr = rr.ruin_strategies.add().sisr
    sisr.max_removed_sequence_size = 15
    sisr.avg_num_removed_visits = 20
    sisr.bypass_factor = 0.01
    rr.ruin_composition_strategy = ils_pb2.RuinCompositionStrategy.RUN_ALL_SEQUENTIALLY
    rr.recreate_strategy.heuristic = FIRST.LOCAL_CHEAPEST_INSERTION
    ils.improve_perturbed_solution = True
    sa = ils.reference_solution_acceptance_strategy.simulated_annealing
    sa.cooling_schedule_strategy = ils_pb2.CoolingScheduleStrategy.EXPONENTIAL
    sa.automatic_temperatures = True
    _light_operators(p)


def _light_operators(p) -> None:
    """Switch off the heaviest operators (insertion-heuristic LNS, Lin-Kernighan): more
    iterations fit in the time, and on 400-1,000 stops these overran the time limit by
    seconds (a descent asked for 1.7 s took 14 s on Homberger C1_4_1)."""
    off = optional_boolean_pb2.BOOL_FALSE
    ops = p.local_search_operators
    ops.use_global_cheapest_insertion_path_lns = off
    ops.use_local_cheapest_insertion_path_lns = off
    ops.use_relocate_path_global_cheapest_insertion_insert_unperformed = off
    ops.use_global_cheapest_insertion_visit_types_lns = off
    ops.use_local_cheapest_insertion_visit_types_lns = off
    ops.use_lin_kernighan = off


def solve_whole(model: Model, params: SolverParams, on_progress: Progress | None = None) -> Result:
    """Plan routes for ``model`` in one OR-Tools search (after a PyVRP warm start if asked),
    however large it is; ``routing.solve`` decides when to split a problem first.

    ``params.time_limit`` is the wall time from this call to its return: matrices, the
    OR-Tools model and PyVRP's data are built inside it. The OR-Tools model is built and
    closed first, so what is left is known when PyVRP starts. ``on_progress(phase,
    best_km)``: see ``routing.progress``."""
    started = time.monotonic()
    deadline = started + params.time_limit
    built = Built(model, params)
    watch_search(built, on_progress)
    stats: dict = {"build_s": round(time.monotonic() - started, 3)}
    warm_name, solution, owner = "none", None, built
    if params.warm_start == "pyvrp" and model.stops and not params.max_solutions:
        solution, warm_name, owner = _warm_then_polish(built, params, deadline, stats, on_progress)
    report(on_progress, "searching")
    if solution is None:
        meta = params.metaheuristic
        if meta == "AUTO":  # ILS draws random ruins; guided local search is deterministic
            meta = "GUIDED_LOCAL_SEARCH" if params.max_solutions else "ITERATED_LOCAL_SEARCH"
        search = built.search_parameters(max(0.1, deadline - time.monotonic() - _readout_s(params)), meta)
        if search.use_iterated_local_search:
            solution = built.routing.SolveWithIteratedLocalSearch(search)
        else:
            solution = built.routing.SolveWithParameters(search)
        stats["ortools_status"] = _status_name(built.routing.status())
    seconds = time.monotonic() - started
    if solution is None:
        layout = built.layout
        dropped = [Dropped(s.index, s.name, s.required, explain(layout, s), s.ref) for s in model.stops]
        return Result([], dropped, "no-solution", 0, seconds, warm_name, stats)
    # ``owner``: the OR-Tools model that found ``solution`` (a second one may check a resumed plan).
    result = read_result(built.layout, owner.routes_from(solution), int(solution.ObjectiveValue()), seconds, warm_name)
    result.stats.update(stats)
    result.stats["solver_status"] = int(owner.routing.status())
    result.seconds = time.monotonic() - started
    return result


def _readout_s(params: SolverParams) -> float:
    """Kept back from the search for reading the plan out (times, loads, reasons)."""
    return min(1.0, 0.01 * params.time_limit)


def _status_name(status: int) -> str:
    return routing_enums_pb2.RoutingSearchStatus.Value.Name(status)


def _warm_then_polish(built: Built, params: SolverParams, deadline: float, stats: dict, on_progress=None):
    """PyVRP's plan, read into OR-Tools (which refuses it unless it holds the whole model),
    then improved by OR-Tools; (solution or None, warm-start name, the Built that holds it).

    When PyVRP expresses the whole model, its cost is OR-Tools' objective: PyVRP gets all
    but ``polish_share`` of the time and OR-Tools descends to a local optimum of its own
    neighbourhoods from PyVRP's plan (it stops there, or at the deadline). Otherwise PyVRP
    gets ``warm_start_share`` and OR-Tools' guided local search the rest."""
    from routing.warmstart import PyvrpSearch, beyond_fleet, unexpressed, vehicle_groups  # PyVRP when asked

    groups = vehicle_groups(built.layout)  # worked out once for the bound and the search
    short = beyond_fleet(built.layout, groups)
    if short is not None:
        # No plan serves every required stop, so PyVRP (which must serve them) would search
        # to the deadline and hand nothing over; OR-Tools drops what does not fit at
        # REQUIRED_PENALTY each and gets the whole time.
        stats["pyvrp_skipped"] = short
        return None, "none", built
    lacking = unexpressed(built.model)
    if params.metaheuristic != "AUTO":
        meta = params.metaheuristic
    else:
        meta = "GREEDY_DESCENT" if lacking is None else "GUIDED_LOCAL_SEARCH"
    if meta == "ITERATED_LOCAL_SEARCH":
        meta = "GUIDED_LOCAL_SEARCH"  # ILS cannot start from an assignment
    _close_for_polish(built, meta)
    left = deadline - time.monotonic() - _readout_s(params)
    share = (1 - params.polish_share) if lacking is None else params.warm_start_share
    # Where PyVRP holds the whole model its search is the plan's search, not a warm start.
    report(on_progress, "searching" if lacking is None else "warm_start")
    search = PyvrpSearch(
        built.layout,
        params.seed,
        params.empty_km_weight,
        _stall_iterations(params, built.layout.n_stops),
        STALL_FLOOR if params.stall_per_stop is not None else None,
        groups,
    )
    # Without a feasible plan by ``left * share``, PyVRP goes on into the polish's time (exact case).
    warm = search.run(left * share, left if lacking is None else None)
    stats.update(
        pyvrp_exact=lacking is None,
        pyvrp_lacks=lacking,
        pyvrp_seconds=warm.seconds,
        pyvrp_iterations=warm.iterations,
        pyvrp_stopped=warm.stopped,
        pyvrp_cost=warm.cost,
        ortools_metaheuristic=meta,
    )
    if warm.routes is None:
        return None, "none", built
    start = built.routing.ReadAssignmentFromRoutes(warm.routes, True)
    if start is None:
        return None, "pyvrp-rejected", built
    report(on_progress, "searching", assignment_km(built, start))
    solution, start_cost = polish(built, start, deadline - time.monotonic() - _readout_s(params), meta, stats)
    stats["start_objective"] = start_cost
    if lacking is None and warm.stopped == "time":
        built, solution = _resume(built, search, solution, deadline - _readout_s(params), meta, stats)
    return solution, "pyvrp", built


def _close_for_polish(built: Built, meta: str) -> None:
    """Close the model with the polish's operators, so that a plan can be read into it
    (ReadAssignmentFromRoutes closes an open model with default parameters, or-tools#1841)."""
    search = built.search_parameters(1.0, meta)
    _light_operators(search)
    built.routing.CloseModelWithParameters(search)


RESUME_AT_LEAST = 0.5  # seconds: less is not worth PyVRP's restart and a second check


def _resume(built: Built, search, solution, until: float, meta: str, stats: dict):
    """Hand the time OR-Tools' check left unused back to PyVRP, from its best plan; OR-Tools
    checks the new plan too, with twice the first check's time kept for it. Returns the
    better of the two checked plans and the Built that holds it. PyVRP alone searches its
    whole limit: without this, the polish's reserve (``polish_share``) was mostly idle
    (Homberger C2_4_1 at 30 s: OR-Tools done in 0.36 s of the 1.4 s kept for it)."""
    checked = stats["ortools_seconds"]
    more = until - time.monotonic() - 2 * checked - 0.05
    if more < RESUME_AT_LEAST:
        return built, solution
    first_cost = int(solution.ObjectiveValue())
    stats["first_objective"] = first_cost
    warm = search.resume(more)
    stats.update(pyvrp_resumed_s=warm.seconds, pyvrp_iterations=warm.iterations, pyvrp_stopped=warm.stopped)
    stats["resume_gain"] = 0
    if warm.routes is None or warm.cost is None or warm.cost >= first_cost:
        return built, solution
    # A model that has searched once refuses some valid plans when they are read in (seen
    # on OR-Tools 9.15 with greedy descent: a fresh model of the same day accepts them), so
    # the new plan is checked on a fresh one; building it is cheap (0.03 s at 400 stops)
    # beside the matrices, which it shares.
    fresh = Built(built.model, built.params, built.layout)
    _close_for_polish(fresh, meta)
    start = fresh.routing.ReadAssignmentFromRoutes(warm.routes, True)
    if start is None:
        stats["resume_rejected"] = True
        return built, solution
    again: dict = {}
    found, _ = polish(fresh, start, until - time.monotonic(), meta, again)
    stats["ortools_seconds"] = round(checked + again["ortools_seconds"], 3)
    if found.ObjectiveValue() >= first_cost:
        return built, solution
    stats["resume_gain"] = first_cost - int(found.ObjectiveValue())
    return fresh, found


STALL_FLOOR = 50_000  # iterations: a truck saved on a 32-stop city came 23,773 after the last gain
QUICK_STALL = 2_000  # iterations: the least a search runs without a gain before it may stop


def _stall_iterations(params: SolverParams, n_stops: int) -> int | None:
    """PyVRP's no-improvement limit once its plan has as few trucks as the day allows:
    ``stall_per_stop`` per stop, at least QUICK_STALL. While the plan may still lose a truck
    the limit is STALL_FLOOR (``warmstart.pyvrp_routes``; docs/routing.md, "Stopping when
    stalled"): a truck out is a rare move, and on bench/scale.py's 32-stop city one came
    after 23,773 iterations without a gain."""
    if params.stall_per_stop is None:
        return None
    return max(QUICK_STALL, math.ceil(params.stall_per_stop * n_stops))


def polish(built: Built, start, seconds: float, metaheuristic: str, stats: dict | None = None):
    """OR-Tools' search from the assignment ``start`` for at most ``seconds``; returns the
    better of the two and ``start``'s objective: never worse than the start given."""
    start_cost = int(start.ObjectiveValue())
    search = built.search_parameters(max(0.05, seconds), metaheuristic)
    search.use_iterated_local_search = False
    _light_operators(search)
    began = time.monotonic()
    found = built.routing.SolveFromAssignmentWithParameters(start, search)
    if stats is not None:
        stats.update(
            ortools_seconds=round(time.monotonic() - began, 3),
            # ROUTING_SUCCESS after a greedy descent: a local optimum, it stopped on its own.
            ortools_status=_status_name(built.routing.status()),
        )
    if found is None or found.ObjectiveValue() > start_cost:
        return start, start_cost
    return found, start_cost
