"""The planner against PyVRP alone on the same data, side by side (two processes at once,
so both see the same machine load), every plan re-checked by bench/solomon.py's checker.

    python bench/solver_split.py --time-limit 60 [--seeds 1 2] [--params '{"polish_share": 0.1}']
        FILE.txt ...   (Solomon format: Homberger 200/400, or the 1,000-customer files written out)

PyVRP alone gets exactly the integer data the planner hands its own PyVRP (routing/warmstart.py)
and ``--time-limit`` seconds of search (its data building not counted); the planner gets the same
seconds as its whole wall time (matrices and models included). Prints per instance and seed both
distances (exact Euclidean), the ratio, the planner's wall time and how its time was spent, and the
load average; then the median and worst ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def run_one(kind: str, path: str, seconds: float, seed: int, params: dict) -> dict:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    from routing.layout import build_layout
    from routing.params import SolverParams
    from routing.solomon import parse, result_routes, to_model
    from routing.solve import solve
    from routing.warmstart import pyvrp_data

    inst = parse(path)
    model = to_model(inst)
    started = time.monotonic()
    if kind == "ours":
        p = SolverParams(time_limit=seconds, empty_km_weight=0.0, seed=seed, **params)
        result = solve(model, p)
        routes = result_routes(result)
        stats = {k: v for k, v in result.stats.items() if k != "far_from_street"}
        stats["objective"] = result.objective
    else:
        layout = build_layout(model)
        res = pyvrp.solve(pyvrp_data(layout, 0.0), MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
        routes = [[model.stops[c.idx].ref for c in r.schedule()[1:-1] if c.is_client()] for r in res.best.routes()]
        stats = {"iterations": res.num_iterations}
    return {"routes": routes, "wall": time.monotonic() - started, "stats": stats}


def time_to_plan(sizes: list[int], seconds: float, seeds: list[int]) -> int:
    """How long a day takes to plan when searches stop at a stall, and what stopping early
    costs against running to the limit (the same city, one process, one after the other)."""
    from scale import city

    from routing.params import SolverParams
    from routing.solve import solve
    from tests.routing.checker import check

    print(f"limit {seconds} s; load {os.getloadavg()[0]:.2f}")
    print(f"{'stops':>5} seed {'stalled s':>9} {'cost':>12} {'full s':>7} {'cost':>12} {'ratio':>7}  pyvrp stop")
    for n in sizes:
        for seed in seeds:
            model = city(n, seed)
            out = []
            for stall in (SolverParams().stall_per_stop, None):
                r = solve(model, SolverParams(time_limit=seconds, seed=seed, stall_per_stop=stall))
                check(model, r)
                out.append(r)
            early, full = out
            print(
                f"{n:5d} {seed:4d} {early.seconds:9.2f} {early.objective:12d} {full.seconds:7.2f} {full.objective:12d} "
                f"{early.objective / full.objective:7.4f}  {early.stats.get('pyvrp_stopped')} "
                f"after {early.stats.get('pyvrp_iterations')} iterations",
                flush=True,
            )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--params", default="{}", help="SolverParams fields for the planner, as JSON")
    ap.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument(
        "--time-to-plan",
        type=int,
        nargs="+",
        metavar="STOPS",
        help="bench/scale.py's city at these sizes: seconds and cost with the stall stop and without",
    )
    args = ap.parse_args()
    if args.time_to_plan:
        return time_to_plan(args.time_to_plan, args.time_limit, args.seeds)
    if args.worker:
        kind, path, seconds, seed = args.worker
        print(json.dumps(run_one(kind, path, float(seconds), int(seed), json.loads(args.params))))
        return 0

    from solomon import check

    ratios = []
    print(f"params {args.params}, {args.time_limit} s")
    print(f"{'instance':10} seed {'ours':>10} {'pyvrp':>10} {'ratio':>7} {'wall':>6}  load  how")
    for f in args.files:
        for seed in args.seeds:
            procs = {
                kind: subprocess.Popen(
                    [sys.executable, __file__, "--params", args.params]
                    + ["--worker", kind, f, str(args.time_limit), str(seed)],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for kind in ("ours", "pyvrp")
            }
            out = {k: json.loads(p.communicate()[0]) for k, p in procs.items()}
            load = os.getloadavg()[0]
            ok = {}
            dist = {}
            for k, o in out.items():
                ok[k], dist[k], why = check(Path(f), o["routes"])
                if not ok[k]:
                    print(f"  {k} infeasible: {why}")
            ratio = dist["ours"] / dist["pyvrp"]
            ratios.append(ratio)
            s = out["ours"]["stats"]
            gain = ""
            if s.get("start_objective"):
                gain = f" gain {100 * (1 - s['objective'] / s['start_objective']):.2f}%"
            how = (
                f"build {s.get('build_s')} pyvrp {s.get('pyvrp_seconds')} ({s.get('pyvrp_stopped')}) "
                f"ortools {s.get('ortools_seconds')} {s.get('ortools_status')}{gain} parts {s.get('parts', 1)}"
            )
            print(
                f"{Path(f).stem:10} {seed:4} {dist['ours']:10.2f} {dist['pyvrp']:10.2f} {ratio:7.4f} "
                f"{out['ours']['wall']:6.1f} {load:5.2f} {how}" + ("" if all(ok.values()) else " INFEASIBLE"),
                flush=True,
            )
    print(f"median ratio {statistics.median(ratios):.4f}, worst {max(ratios):.4f}, n={len(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
