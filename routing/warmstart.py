"""A starting plan from PyVRP (iterated local search), handed to OR-Tools.

PyVRP sees the same integer matrices, capacities, shifts, reloads, prizes and fixed costs,
and the same objective: each vehicle's arc costs (distance x cost per km, legs out of a
depot weighted by ``1 + empty_km_weight``) are baked into its distance matrix, so PyVRP's
cost of a plan is OR-Tools' objective of the same plan. Compatibility and pinning become
per-vehicle routing profiles in which forbidden stops are unreachably far; a stop no truck
may serve is optional with no prize (OR-Tools leaves it out too). The one thing PyVRP
cannot express is a stop with several time windows: it gets the first one (the safe side),
and ``unexpressed`` says so, so that the solver keeps OR-Tools' share of the time.
OR-Tools accepts the routes only if they satisfy the whole model.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from routing.layout import COST_SCALE, QTY_SCALE_KG, QTY_SCALE_L, Layout, units_up
from routing.model import Model

FAR = 10**9  # distance that makes an arc useless to PyVRP without overflowing its sums


def unexpressed(model: Model) -> str | None:
    """What PyVRP cannot hold of ``model`` exactly (None: it holds all of it)."""
    several = sum(1 for s in model.stops if len(s.windows) > 1)
    if several:
        return f"{several} stops with several time windows"
    return None


@dataclass
class WarmStart:
    routes: list[list[int]] | None  # node lists per vehicle (reload nodes where PyVRP unloads)
    iterations: int = 0
    seconds: float = 0.0
    stopped: str = "time"  # "time" or "stalled" (no improvement for stall_iterations)
    cost: int | None = None  # PyVRP's cost of its best plan (OR-Tools' objective when exact)
    info: dict = field(default_factory=dict)


def vehicle_groups(layout: Layout) -> list[tuple[list[int], frozenset[int]]]:
    """The vehicles PyVRP cannot tell apart, one vehicle type each: (their indices in model
    order, the stops they may not serve). One type per vehicle made PyVRP's search three
    times slower on a fleet of 250 identical trucks (5,591 iterations in 56 s on Homberger
    R1_10_1): its operators then weigh moving every route to every other type."""
    m = layout.model
    groups: dict[tuple, tuple[list[int], frozenset[int]]] = {}
    for v in m.vehicles:
        banned = frozenset(s.index for s in m.stops if not v.may_serve(s))
        key = (
            layout.capacity(v.index, "kg"),
            layout.capacity(v.index, "m3"),
            v.start_depot.index,
            v.end_depot.index,
            v.fixed_cost,
            v.cost_per_km,
            v.shift,
            v.max_duration,
            v.max_trips,
            banned,
        )
        groups.setdefault(key, ([], banned))[0].append(v.index)
    return list(groups.values())


def pyvrp_data(layout: Layout, empty_km_weight: float, groups=None):
    """The model as PyVRP's ProblemData (see the module docstring for what maps to what);
    ``groups``: ``vehicle_groups(layout)`` where the caller has it already."""
    import pyvrp

    m = layout.model
    n_loc = layout.n_depots + layout.n_stops
    dist = layout.loc_matrices.distance
    dur = layout.loc_matrices.duration
    # Legs out of a depot (or out of a reload, the same location) start empty.
    row_weight = np.ones(n_loc)
    row_weight[: layout.n_depots] += empty_km_weight
    locations = [pyvrp.Location(0.0, 0.0) for _ in range(n_loc)]
    depots = [pyvrp.Depot(d.index, service_duration=d.unload_time) for d in m.depots]
    servable = {s.index for s in m.stops if any(v.may_serve(s) for v in m.vehicles)}
    # A dimension no stop loads is left out: every move PyVRP weighs sums each dimension.
    dims = ["kg"] + (["m3"] if any(s.m3 > 0 for s in m.stops) else [])
    loads = [[units_up(s.kg, QTY_SCALE_KG), units_up(s.m3, QTY_SCALE_L)][: len(dims)] for s in m.stops]
    caps = {v.index: [layout.capacity(v.index, which) for which in dims] for v in m.vehicles}
    # Each dimension in its coarsest whole unit up to one kg (one m3): the same plans fit.
    # PyVRP prices excess load per unit, so the unit steers its penalties and search:
    # Homberger R1_2_3 (loads in whole kg) went 0.5% dearer in 0.1 kg units than in kg, and
    # C2_4_8 (loads in tens of kg) ended on 13 routes in 10 kg units where kg gave PyVRP
    # alone's 12 (3905.24 against 3822.48, same seed).
    whole = [QTY_SCALE_KG, QTY_SCALE_L][: len(dims)]
    unit = [math.gcd(whole[d], *(row[d] for row in loads), *(c[d] for c in caps.values())) for d in range(len(dims))]
    clients = []
    for s in m.stops:
        early, late = s.windows[0] if s.windows else (0, 2**62)
        required = s.required and s.index in servable
        clients.append(
            pyvrp.Client(
                layout.n_depots + s.index,
                pickup=[q // unit[d] for d, q in enumerate(loads[s.index])],
                service_duration=s.service_time,
                tw_early=early,
                tw_late=late,
                prize=int(round(s.prize * COST_SCALE)) if s.index in servable else 0,
                required=required,
            )
        )
    profiles: dict[tuple[frozenset[int], float], int] = {}
    dist_mats, dur_mats, vehicle_types = [], [], []
    for members, banned in groups or vehicle_groups(layout):
        v = m.vehicles[members[0]]
        key = (banned, v.cost_per_km)
        if key not in profiles:
            # The same rounding as OR-Tools' arc cost matrices (solver.Built._costs).
            d = np.rint(dist * row_weight[:, None] * v.cost_per_km).astype(np.int64)
            cols = [layout.n_depots + i for i in banned]
            d[:, cols] = FAR
            d[cols, :] = FAR
            np.fill_diagonal(d, 0)
            profiles[key] = len(dist_mats)
            dist_mats.append(d)
            dur_mats.append(dur)
        vehicle_types.append(
            pyvrp.VehicleType(
                len(members),
                capacity=[c // unit[d] for d, c in enumerate(caps[v.index])],
                start_depot=v.start_depot.index,
                end_depot=v.end_depot.index,
                fixed_cost=int(round(v.fixed_cost * COST_SCALE)),
                tw_early=v.shift[0],
                tw_late=v.shift[1] - v.end_depot.unload_time,
                shift_duration=v.max_duration if v.max_duration is not None else 2**62,
                unit_distance_cost=1,
                profile=profiles[key],
                reload_depots=[v.start_depot.index] if v.max_trips > 1 else [],
                max_reloads=v.max_trips - 1,
                name=v.name,
            )
        )
    return pyvrp.ProblemData(locations, clients, depots, vehicle_types, dist_mats, dur_mats)


class _Budget:
    """PyVRP's stopping criterion, and the search's callbacks (to know the best plan's trucks).

    At ``seconds`` once it holds a feasible plan, or up to ``hard`` seconds while it has none
    yet (a 1,000-stop day with tight windows may need nearly the whole limit to reach its
    first feasible plan, and OR-Tools could not plan it in what would be left); earlier after
    ``stall`` iterations (or half the iterations so far, if more) without a better
    plan once its best plan has no more than ``fewest`` trucks, or ``floor`` iterations while
    it has more (a truck out is a rare move) or has no feasible plan (a day without one
    stalls there, and OR-Tools plans it)."""

    INFEASIBLE = 2**62  # PyVRP prices an infeasible best plan at the largest cost

    def __init__(self, seconds: float, hard: float, stall: int | None, floor: int | None = None, fewest: int = 0):
        self.started = time.perf_counter()
        self.seconds, self.hard = seconds, max(seconds, hard)
        self.stall, self.floor, self.fewest = stall, max(floor or 0, stall or 0), fewest
        self.best_cost, self.since, self.calls = float("inf"), 0, 0
        self.best_routes: int | None = None  # of the best feasible plan
        self.reason = "time"
        self.resumed = False

    def extend(self, seconds: float) -> None:
        """Run ``seconds`` more from now, keeping the count of iterations without a gain."""
        self.started, self.seconds, self.hard = time.perf_counter(), seconds, seconds
        self.reason, self.resumed = "time", True

    # IteratedLocalSearchCallbacks: only the best plan matters here. Each iteration, as the
    # first best is the search's start, which no on_best call announces.
    def on_start(self, ils) -> None: ...
    def on_end(self, result) -> None: ...
    def on_restart(self, best) -> None: ...
    def on_best(self, best) -> None: ...

    def on_iteration(self, curr, cand, best, cost_evaluator) -> None:
        self.best_routes = best.num_routes() if best.is_feasible() else None

    def __call__(self, best_cost: float) -> bool:
        elapsed = time.perf_counter() - self.started
        if elapsed >= self.hard:
            return True
        self.calls += 1
        if best_cost < self.best_cost:
            self.best_cost, self.since = best_cost, 0
        else:
            self.since += 1
        if self.stall is not None:
            settled = self.best_routes is not None and self.best_routes <= self.fewest
            # Settled, a search still finds gains now and then: on Homberger R1_2_7 (200
            # stops) 4,838 idle iterations came before a 1.3% gain, after 6,200 iterations.
            if self.since >= (max(self.stall, self.calls // 2) if settled else self.floor):
                self.reason = "stalled"
                return True
        return elapsed >= self.seconds and best_cost < self.INFEASIBLE


def fewest_routes(layout: Layout, groups=None) -> int:
    """A lower bound on the trucks a day's required stops need. Stops whose allowed trucks
    have none in common with another group's need trucks of their own: over such disjoint
    groups, the sum of what each group's weight and volume need from its own trucks (the
    largest first, each with all its trips); and never less than the whole day's weight and
    volume need from the whole fleet. A plan with this many routes has no truck to give up."""
    m = layout.model
    groups = groups or vehicle_groups(layout)
    allowed = _allowed(layout, groups)
    required = [s for s in m.stops if allowed.get(s.index)]
    if not required:
        return 0

    by_group = 0
    for group, fleet in _disjoint_groups(m, required, allowed):
        by_group += _trucks_for(group, fleet) or len(fleet)
    return max(by_group, _trucks_for(required, m.vehicles) or len(m.vehicles))


def _allowed(layout: Layout, groups) -> dict[int, frozenset[int]]:
    """Per required stop, the trucks that may serve it."""
    return {
        s.index: frozenset(i for members, banned in groups if s.index not in banned for i in members)
        for s in layout.model.stops
        if s.required
    }


def _disjoint_groups(m: Model, required, allowed):
    """(stops, their trucks) for groups of required stops whose trucks no other group uses."""
    taken: set[int] = set()
    for trucks in sorted({allowed[s.index] for s in required}, key=len):
        if trucks & taken:
            continue
        taken |= trucks
        yield [s for s in required if allowed[s.index] <= trucks], [m.vehicles[i] for i in trucks]


def _trucks_for(stops, fleet) -> int | None:
    """How many of ``fleet`` (largest first, all trips) carry the stops' weight and volume;
    None when the whole fleet cannot."""
    most = 1
    for which in ("kg", "m3"):
        need = sum(getattr(s, which) for s in stops)
        per_truck = sorted((v.max_trips * getattr(v, f"capacity_{which}") for v in fleet), reverse=True)
        carried, count = 0.0, 0
        for cap in per_truck:
            if carried >= need - 1e-9:
                break
            carried, count = carried + cap, count + 1
        if carried < need - 1e-9:
            return None
        most = max(most, count)
    return most


def beyond_fleet(layout: Layout, groups=None) -> str | None:
    """Why the day's required stops cannot all be served, whatever the routes (None: they
    may be): more weight or volume than their trucks carry in all their trips, or more
    service time than the whole fleet's shifts hold."""
    m = layout.model
    groups = groups or vehicle_groups(layout)
    allowed = _allowed(layout, groups)
    required = [s for s in m.stops if allowed.get(s.index)]
    if not required:
        return None
    for group, fleet in _disjoint_groups(m, required, allowed):
        if _trucks_for(group, fleet) is None:
            return f"{len(group)} required stops weigh or measure more than their {len(fleet)} trucks carry"
    hours = sum(min(v.shift[1] - v.shift[0], v.max_duration or 2**62) for v in m.vehicles)
    service = sum(s.service_time for s in required)
    if service > hours:
        return f"required stops need {service} s of service, the fleet's shifts hold {hours} s"
    return None


def pyvrp_routes(
    layout: Layout,
    seconds: float,
    seed: int = 0,
    *,
    empty_km_weight: float = 0.0,
    stall_iterations: int | None = None,
    stall_floor: int | None = None,
    hard_seconds: float | None = None,
) -> WarmStart:
    """PyVRP's best plan after ``seconds`` (up to ``hard_seconds`` while it has no feasible
    one), or earlier when it has not improved for ``stall_iterations`` iterations and has
    no more trucks than the day needs (``fewest_routes``); with more, it goes on from its
    best plan until ``stall_floor`` iterations without a gain (a truck out is a rare move).
    ``routes`` is None when it found nothing feasible."""
    search = PyvrpSearch(layout, seed, empty_km_weight, stall_iterations, stall_floor)
    return search.run(seconds, hard_seconds)


class PyvrpSearch:
    """One PyVRP search over ``layout`` that can be run, then resumed from its best plan
    with the same local search, penalties and random stream (``resume``): the solver hands
    PyVRP the time OR-Tools' check of its plan did not need."""

    def __init__(self, layout: Layout, seed: int, empty_km_weight: float, stall, floor, groups=None) -> None:
        self.started = time.monotonic()
        self.layout, self.seed, self.stall, self.floor = layout, seed, stall, floor
        self.groups = groups or vehicle_groups(layout)
        self.data = pyvrp_data(layout, empty_km_weight, self.groups)
        self.best = None  # PyVRP's best Solution so far
        self.iterations = 0
        self.stop: _Budget | None = None

    def run(self, seconds: float, hard_seconds: float | None = None) -> WarmStart:
        """Search from a random start; ``seconds`` count from this object's creation, as
        building the data counts against the caller's deadline."""
        import pyvrp
        from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours

        spent = time.monotonic() - self.started
        self.stop = stop = _Budget(
            max(0.1, seconds - spent),
            (hard_seconds or seconds) - spent,
            self.stall,
            self.floor,
            fewest_routes(self.layout, self.groups),
        )
        # What pyvrp.solve does, kept here so that ``resume`` can reuse each part.
        params = pyvrp.SolveParams(ils=pyvrp.IteratedLocalSearchParams(callbacks=stop))
        self.params, data = params, self.data
        self.rng = pyvrp.RandomNumberGenerator(seed=self.seed)
        neighbours = compute_neighbours(data, params.neighbourhood)
        self.ls = LocalSearch(data, self.rng, neighbours, PerturbationManager(params.perturbation))
        for op in params.operators:
            if op.supports(data):
                self.ls.add_operator(op(data))
        self.pm = pyvrp.PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
        init = self.ls(pyvrp.Solution.make_random(data, self.rng), self.pm.max_cost_evaluator(), exhaustive=True)
        return self._search(init)

    def resume(self, seconds: float) -> WarmStart:
        """Go on from the best plan for ``seconds`` more (the stall limit still applies)."""
        assert self.stop is not None and self.best is not None, "resume() follows run()"
        self.stop.extend(seconds)
        return self._search(self.best)

    def _search(self, init) -> WarmStart:
        import pyvrp

        began = time.monotonic()
        with warnings.catch_warnings():
            # PyVRP warns when it cannot find a feasible plan; OR-Tools then plans without it.
            warnings.simplefilter("ignore")
            ils = pyvrp.IteratedLocalSearch(self.data, self.pm, self.ls, init, self.params.ils)
            result = ils.run(self.stop, collect_stats=False)
        self.iterations += int(result.num_iterations)
        self.best = result.best
        out = WarmStart(
            None,
            iterations=self.iterations,
            seconds=round(time.monotonic() - began if self.stop.resumed else time.monotonic() - self.started, 3),
            stopped=self.stop.reason,
        )
        if not self.best.is_feasible():
            return out
        out.cost = int(result.cost())
        out.routes = self._node_routes(self.best)
        return out

    def _node_routes(self, best) -> list[list[int]] | None:
        """The plan as node lists per vehicle, reload nodes where PyVRP unloads."""
        layout = self.layout
        routes: list[list[int]] = [[] for _ in layout.model.vehicles]
        unused = [iter(members) for members, _ in self.groups]
        for route in best.routes():
            v = next(unused[route.vehicle_type()])  # each of the type's vehicles drives one route
            reloads = iter(layout.reload_nodes(v))
            for act in route.schedule()[1:-1]:  # skip start and end depots
                if act.is_client():
                    routes[v].append(layout.stop_node(act.idx))  # a client's idx is its client index
                elif act.is_depot():
                    node = next(reloads, None)
                    if node is None:
                        return None
                    routes[v].append(node)
        return routes
