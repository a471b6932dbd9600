"""Scale benchmark: synthetic cities of 200 to 2,000 stops, solve time and quality.

    python bench/scale.py [--sizes 200 500 1000 2000] [--time-limit 60] [--workers 2]
    python bench/scale.py --beside-pyvrp [--sizes 500 1000] [--optional 0.25] [--seeds 1 2 3]

A city has three sorting centers, bins spread over ~25 x 20 km, a fifth of the stops booked
pickups with two-hour windows, and a fleet sized to the work (about one truck per 45 stops,
4 t / 16 m3, 07:00-17:00, up to three trips). ``--optional`` makes that share of the bins
optional, each with a prize for its kilograms (a bin below the fill threshold). Planned on the
great-circle provider. Prints stops, parts, seconds, feasibility (independent check of
loads, windows and shifts), km, empty km and km per tonne.

``--beside-pyvrp``: the planner and PyVRP alone on the same city and the same objective (the
platform's: cost per km with empty legs weighted, fixed truck costs, prizes of bins left out),
side by side in two processes for the same wall time (the planner's includes building its
models, PyVRP's does not include its data). PyVRP holds the whole of this city (several centers,
reloads, windows, optional bins); what it cannot hold is a stop with several windows, which
this city does not have. Both plans are re-checked by tests/routing/checker.py and priced by
OR-Tools' objective of the same routes.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing import Model, SolverParams, solve  # noqa: E402
from tests.routing.checker import check  # noqa: E402

CENTERS = [(30.345, 120.127), (30.188, 120.232), (30.283, 120.062)]


def city(n: int, seed: int = 1, optional: float = 0.0) -> Model:
    rng = random.Random(seed)
    m = Model()
    depots = [m.add_depot(f"center{k}", loc, unload_time=600) for k, loc in enumerate(CENTERS)]
    for k in range(max(3, math.ceil(n / 45))):
        m.add_vehicle(
            f"truck{k}",
            depots[k % 3],
            capacity_kg=4000,
            capacity_m3=16,
            shift=(7 * 3600, 17 * 3600),
            cost_per_km=4.5,
            fixed_cost=300,
            max_trips=3,
        )
    for i in range(n):
        lat, lon = rng.uniform(30.17, 30.36), rng.uniform(120.05, 120.30)
        if rng.random() < 0.2:
            start = rng.choice([8, 10, 12, 14]) * 3600
            m.add_stop(
                f"booking{i}",
                (lat, lon),
                kg=rng.uniform(5, 60),
                m3=rng.uniform(0.05, 0.4),
                service_time=300,
                windows=[(start, start + 7200)],
            )
        else:
            kg = rng.uniform(30, 150)
            optional_bin = rng.random() < optional
            m.add_stop(
                f"bin{i}",
                (lat, lon),
                kg=kg,
                m3=rng.uniform(0.3, 1.0),
                service_time=180,
                required=not optional_bin,
                # Worth a detour of about a kilometre per 40 kg at 4.5 per km.
                prize=round(kg / 40 * 4.5, 2) if optional_bin else 0.0,
            )
    return m


def _contestant(kind: str, n: int, seed: int, optional: float, seconds: float) -> dict:
    """One side of --beside-pyvrp, in its own process: the plan's checked figures."""
    import time

    from routing.readout import read_result
    from routing.solver import Built
    from routing.warmstart import pyvrp_routes

    model = city(n, seed, optional)
    params = SolverParams(time_limit=seconds, seed=seed)
    started = time.monotonic()
    if kind == "ours":
        result = solve(model, params)
    else:
        built = Built(model, params)
        search = built.search_parameters(1.0, "GREEDY_DESCENT")
        built.routing.CloseModelWithParameters(search)
        began = time.monotonic()
        warm = pyvrp_routes(built.layout, seconds, seed, empty_km_weight=params.empty_km_weight)
        if warm.routes is None:
            return {"error": "no feasible plan", "wall": time.monotonic() - began}
        start = built.routing.ReadAssignmentFromRoutes(warm.routes, True)
        if start is None:
            return {"error": "OR-Tools refused PyVRP's plan", "wall": time.monotonic() - began}
        result = read_result(built.layout, warm.routes, int(start.ObjectiveValue()), warm.seconds, "none")
        started = began  # PyVRP's clock starts at its search, like a caller of pyvrp.solve
    wall = time.monotonic() - started
    check(model, result)
    s = result.summary()
    return {
        "objective": result.objective,
        "km": s["distance_km"],
        "empty_km": s["empty_km"],
        "trucks": s["vehicles_used"],
        "left_out": sum(1 for d in result.dropped if not d.required),
        "feasible": result.feasible,
        "wall": wall,
    }


def beside_pyvrp(sizes: list[int], seeds: list[int], optional: float, seconds: float) -> int:
    import statistics
    from concurrent.futures import ProcessPoolExecutor

    print(f"city of --optional {optional}, {seconds:g} s each, one process per side, side by side")
    print(
        f"{'stops':>6} {'seed':>4} | {'ours obj':>10} {'km':>7} {'empty':>6} {'trucks':>6} {'out':>4} {'wall':>5} |"
        f" {'PyVRP obj':>10} {'km':>7} {'empty':>6} {'trucks':>6} {'out':>4} {'wall':>5} | {'ratio':>6}"
    )
    ratios: dict[int, list[float]] = {}
    with ProcessPoolExecutor(2) as pool:
        for n in sizes:
            for seed in seeds:
                ours_f = pool.submit(_contestant, "ours", n, seed, optional, seconds)
                theirs_f = pool.submit(_contestant, "pyvrp", n, seed, optional, seconds)
                ours, theirs = ours_f.result(), theirs_f.result()
                if "error" in ours or "error" in theirs:
                    print(f"{n:6d} {seed:4d} | ours: {ours.get('error', 'ok')}; PyVRP: {theirs.get('error', 'ok')}")
                    continue
                ratio = ours["objective"] / theirs["objective"]
                ratios.setdefault(n, []).append(ratio)
                cells = [
                    f"{r['objective']:10d} {r['km']:7.1f} {r['empty_km']:6.1f} {r['trucks']:6d} {r['left_out']:4d}"
                    f" {r['wall']:5.1f}"
                    for r in (ours, theirs)
                ]
                print(f"{n:6d} {seed:4d} | {cells[0]} | {cells[1]} | {ratio:6.4f}", flush=True)
    for n, rs in ratios.items():
        print(f"{n} stops: ratio median {statistics.median(rs):.4f} worst {max(rs):.4f} over {len(rs)} seeds")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000, 2000])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--beside-pyvrp", action="store_true", help="the planner and PyVRP alone side by side")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1], help="cities (and search seeds) for --beside-pyvrp")
    ap.add_argument("--optional", type=float, default=0.0, help="share of the bins that are optional")
    args = ap.parse_args()
    if args.beside_pyvrp:
        return beside_pyvrp(args.sizes, args.seeds, args.optional, args.time_limit)
    print(
        f"{'stops':>6} {'parts':>5} {'seconds':>8} {'feasible':>8} {'dropped':>7} {'trucks':>6} "
        f"{'km':>9} {'empty km':>9} {'km/t':>6}"
    )
    for n in args.sizes:
        model = city(n, args.seed)
        result = solve(model, SolverParams(time_limit=args.time_limit, num_workers=args.workers))
        check(model, result)
        s = result.summary()
        print(
            f"{n:6d} {result.stats.get('parts', 1):5d} {result.seconds:8.1f} {str(result.feasible):>8} "
            f"{len(result.dropped):7d} {s['vehicles_used']:6d} {s['distance_km']:9.1f} {s['empty_km']:9.1f} "
            f"{s['km_per_tonne'] or 0:6.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
