"""The planner against PyVRP alone, side by side, on the public benchmarks.

    python bench/routing.py [--sets solomon,homberger200,homberger400,vrptw,mdvrptw,pcvrptw]
                            [--instances R1_4_1 PR11A ...] [--seeds 1,2,3] [--time-limit S]
                            [--quick] [--json FILE]

Per instance and seed, two processes start at once on the same file and the same time budget
(so both see the same machine load), each one search thread: the planner
(``python -m routing solve``) and PyVRP alone (``pyvrp.read`` + ``Model.from_data`` +
``MaxRuntime``, the seed given). Every plan is re-checked from the instance file by
tests/routing/checker.py (its own parser and arithmetic). Printed per instance: both costs,
ours / PyVRP, the gap of each to the best-known solution, each process's wall time (time to
plan, start-up and reading included); per set, the median and worst ratio and the mean gaps.

Budgets (a dispatcher's wait): 10 s at 100 stops, 20 s at 200, 30 s at 400, 60 s at 1,000,
linear in between; ``--time-limit`` overrides. Costs are in each set's own units: Solomon and
Homberger exact Euclidean distance (PyVRP solves them x1000, travel times rounded up, like the
planner); the VRPLIB sets as their .sol files count (shared/benchmarks/README.md). Best-known:
Solomon distance-only; Homberger 200/400 hierarchical (fewest vehicles first, so a plan with
more vehicles may beat it); VRPLIB the .sol costs.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.routing.checker import check_solomon, check_vrplib  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks"
SETS = {
    "solomon": (DATA / "solomon", "txt"),
    "homberger200": (DATA / "homberger" / "200", "txt"),
    "homberger400": (DATA / "homberger" / "400", "txt"),
    "vrptw": (DATA / "vrplib" / "vrptw", "vrp"),
    "mdvrptw": (DATA / "vrplib" / "mdvrptw", "vrp"),
    "pcvrptw": (DATA / "vrplib" / "pcvrptw", "vrp"),
}
BUDGET_ANCHORS = [(100, 10.0), (200, 20.0), (400, 30.0), (1000, 60.0)]
QUICK = {"solomon": ["C101", "R201"], "mdvrptw": ["PR11A"]}


def budget(stops: int) -> float:
    """Seconds for an instance of this many stops: the anchors, linear in between."""
    pts = BUDGET_ANCHORS
    if stops <= pts[0][0]:
        return pts[0][1]
    for (n0, s0), (n1, s1) in zip(pts, pts[1:], strict=False):
        if stops <= n1:
            return round(s0 + (s1 - s0) * (stops - n0) / (n1 - n0), 1)
    return pts[-1][1]


def stops_of(path: Path) -> int:
    if path.suffix == ".vrp":
        head = {}
        for line in path.read_text().splitlines():
            if line.strip().upper().endswith("_SECTION"):
                break
            if ":" in line:
                key, value = line.split(":", 1)
                head[key.strip().upper()] = value.strip()
        text = path.read_text()
        depots = text.split("DEPOT_SECTION")[-1].split()
        n_depots = sum(1 for x in depots if x.lstrip("-").isdigit() and int(x) > 0)
        return int(head["DIMENSION"]) - n_depots
    return sum(1 for ln in path.read_text().splitlines() if len(ln.split()) == 7 and ln.split()[0].isdigit()) - 1


def best_known(set_name: str, path: Path) -> float | None:
    if path.suffix == ".vrp":
        sol = path.with_suffix(".sol")
        for line in sol.read_text().splitlines() if sol.exists() else []:
            if line.lower().startswith("cost"):
                return float(line.split()[-1])
        return None
    rows = {r["instance"]: r for r in csv.DictReader(open(path.parent / "bks.csv"))}
    row = rows.get(path.stem)
    if row is None:
        return None
    return float(row["distance_only_distance"] if set_name == "solomon" else row["distance"])


# -- the two contestants -------------------------------------------------------------------


def run_ours(path: Path, seconds: float, seed: int) -> dict:
    cmd = [sys.executable, "-m", "routing", "solve", str(path), "--time-limit", str(seconds)]
    return _run(cmd + ["--format", "json", "--seed", str(seed)], seconds)


def run_pyvrp(path: Path, seconds: float, seed: int) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--pyvrp-worker", str(path)]
    return _run(cmd + ["--time-limit", str(seconds), "--seeds", str(seed)], seconds)


def _run(cmd: list[str], seconds: float) -> dict:
    started = time.monotonic()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=3 * seconds + 120)
    except subprocess.TimeoutExpired:
        return {"error": "timed out", "wall": time.monotonic() - started}
    wall = time.monotonic() - started
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["exit " + str(out.returncode)])[-1], "wall": wall}
    return json.loads(out.stdout) | {"wall": wall}


def pyvrp_worker(path: Path, seconds: float, seed: int) -> None:
    """PyVRP alone on the file: prints its best plan as client numbers per route."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    data = _pyvrp_data(path)
    result = Model.from_data(data).solve(MaxRuntime(seconds), seed=seed, display=False)
    routes, vehicles, clients = [], [], data.clients()
    free = {t: [int(x) for x in vt.name.split(",")] if vt.name else [] for t, vt in enumerate(data.vehicle_types())}
    for route in result.best.routes():
        # A client's location index is its VRPLIB client number (node id - 1).
        routes.append([clients[a.idx].location for a in route.schedule() if a.is_client()])
        pool = free[route.vehicle_type()]
        vehicles.append(pool.pop(0) + 1 if pool else len(vehicles) + 1)
    out = {"routes": routes, "route_vehicles": vehicles, "feasible": result.best.is_feasible()}
    json.dump(out | {"own_cost": result.cost()}, sys.stdout)  # PyVRP's own count, scaled


def _pyvrp_data(path: Path):
    import pyvrp

    if path.suffix == ".vrp":
        from routing.vrplib_io import CONVENTIONS, DEFAULT_CONVENTION

        kind = next(
            (
                ln.split(":", 1)[1].strip().upper()
                for ln in path.read_text().splitlines()
                if ln.upper().startswith("TYPE")
            ),
            "",
        )
        return pyvrp.read(path, round_func=CONVENTIONS.get(kind, DEFAULT_CONVENTION)[0])
    # Solomon text: x1000, distances rounded and travel times rounded up (as the planner's
    # EuclideanProvider does, so neither side gets a looser clock).
    import numpy as np

    lines = path.read_text().splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.split()[:1] == ["NUMBER"])
    n_vehicles, capacity = (int(float(x)) for x in lines[i + 1].split()[:2])
    rows = [[float(p) for p in ln.split()] for ln in lines if len(ln.split()) == 7 and ln.split()[0].isdigit()]
    pts = np.array([[r[1], r[2]] for r in rows])
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)) * 1000
    dist, dur = np.rint(d).astype(np.int64), np.ceil(d - 1e-9).astype(np.int64)
    depot = rows[0]
    clients = [
        pyvrp.Client(
            k,
            delivery=[int(r[3])],
            service_duration=round(r[6] * 1000),
            tw_early=round(r[4] * 1000),
            tw_late=round(r[5] * 1000),
        )
        for k, r in enumerate(rows[1:], start=1)
    ]
    vt = pyvrp.VehicleType(
        n_vehicles,
        capacity=[capacity],
        tw_early=round(depot[4] * 1000),
        tw_late=round(depot[5] * 1000),
        name=",".join(str(k) for k in range(n_vehicles)),
    )
    locations = [pyvrp.Location(round(r[1] * 1000), round(r[2] * 1000)) for r in rows]
    return pyvrp.ProblemData(locations, clients, [pyvrp.Depot(0)], [vt], [dist], [dur])


# -- checking and printing -----------------------------------------------------------------


def checked(path: Path, res: dict) -> tuple[float | None, str]:
    """(cost by the checker, '' or why the plan fails it)."""
    if "error" in res:
        return None, res["error"]
    if path.suffix == ".vrp":
        cost, problems = check_vrplib(path, res["routes"], res["route_vehicles"])
    else:
        cost, problems = check_solomon(path, res["routes"])
    return cost, "; ".join(problems)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="solomon,homberger200,homberger400,vrptw,mdvrptw,pcvrptw")
    ap.add_argument(
        "--instances", nargs="*", help="names such as R1_4_1 PR11A or pcvrptw/C1_10_1 (default: all of each set)"
    )
    ap.add_argument("--seeds", default="1", help="comma-separated seeds, each run for both solvers")
    ap.add_argument("--time-limit", type=float, help="seconds per instance (default: by size)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: three small instances, 5 s each")
    ap.add_argument("--json", type=Path, help="also write every row to this JSON file")
    ap.add_argument("--pyvrp-worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.pyvrp_worker:
        pyvrp_worker(args.pyvrp_worker, args.time_limit, seeds[0])
        return 0

    plan = []
    set_names = list(QUICK) if args.quick else [s.strip() for s in args.sets.split(",") if s.strip()]
    for name in set_names:
        folder, ext = SETS[name]
        paths = sorted(folder.glob(f"*.{ext}"))
        wanted = QUICK.get(name) if args.quick else args.instances
        if wanted:  # a name, or set/name where two sets share it (vrptw/R1_10_1)
            paths = [p for p in paths if p.stem in wanted or f"{name}/{p.stem}" in wanted]
        plan += [(name, p) for p in paths]
    limit = 5.0 if args.quick and args.time_limit is None else args.time_limit

    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")
    head = (
        f"{'set':12} {'instance':9} {'n':>5} {'seed':>4} {'s':>4} | {'ours':>11} {'ok':>3} {'wall':>5} | "
        f"{'PyVRP':>11} {'ok':>3} {'wall':>5} | {'ratio':>6} {'gap ours':>8} {'gap PyVRP':>9}"
    )
    print(head)
    print("-" * len(head), flush=True)
    rows, failures = [], []
    for set_name, path in plan:
        n = stops_of(path)
        seconds = limit or budget(n)
        bks = best_known(set_name, path)
        digits = 0 if set_name in ("mdvrptw", "pcvrptw") else (1 if set_name == "vrptw" else 2)  # the .sol's
        for seed in seeds:
            with ThreadPoolExecutor(2) as pool:
                ours_f = pool.submit(run_ours, path, seconds, seed)
                theirs_f = pool.submit(run_pyvrp, path, seconds, seed)
                ours, theirs = ours_f.result(), theirs_f.result()
            ours_cost, ours_why = checked(path, ours)
            theirs_cost, theirs_why = checked(path, theirs)
            if theirs_cost is not None and path.suffix == ".vrp" and not theirs_why:
                # PyVRP's own count of its plan must match the checker's (same data, same units).
                divisor = 10 if set_name == "vrptw" else 1
                if abs(theirs["own_cost"] / divisor - theirs_cost) > 1e-6:
                    theirs_why = f"PyVRP counts {theirs['own_cost']}, the checker {theirs_cost}"
            ratio = ours_cost / theirs_cost if ours_cost and theirs_cost and not ours_why and not theirs_why else None
            row = {
                "set": set_name,
                "instance": path.stem,
                "stops": n,
                "seed": seed,
                "seconds": seconds,
                "ours": ours_cost,
                "ours_ok": not ours_why,
                "ours_wall": round(ours["wall"], 2),
                "pyvrp": theirs_cost,
                "pyvrp_ok": not theirs_why,
                "pyvrp_wall": round(theirs["wall"], 2),
                "ratio": ratio,
                "bks": bks,
                "gap_ours": _gap(ours_cost, bks) if not ours_why else None,
                "gap_pyvrp": _gap(theirs_cost, bks) if not theirs_why else None,
            }
            rows.append(row)
            for who, why in (("ours", ours_why), ("PyVRP", theirs_why)):
                if why:
                    failures.append(f"{path.stem} seed {seed} {who}: {why}")
            print(
                f"{set_name:12} {path.stem:9} {n:5d} {seed:4d} {seconds:4.0f} | "
                f"{_num(ours_cost, digits):>11} {'yes' if not ours_why else 'NO':>3} {ours['wall']:5.1f} | "
                f"{_num(theirs_cost, digits):>11} {'yes' if not theirs_why else 'NO':>3} {theirs['wall']:5.1f} | "
                f"{_num(ratio, 4):>6} {_pct(row['gap_ours']):>8} {_pct(row['gap_pyvrp']):>9}",
                flush=True,
            )
    print()
    for set_name in dict.fromkeys(r["set"] for r in rows):
        sel = [r for r in rows if r["set"] == set_name]
        ratios = [r["ratio"] for r in sel if r["ratio"] is not None]
        gaps_o = [r["gap_ours"] for r in sel if r["gap_ours"] is not None]
        gaps_p = [r["gap_pyvrp"] for r in sel if r["gap_pyvrp"] is not None]
        ok_ours, ok_pyvrp = sum(r["ours_ok"] for r in sel), sum(r["pyvrp_ok"] for r in sel)
        feas = f"checker ok ours {ok_ours}/{len(sel)}, PyVRP {ok_pyvrp}/{len(sel)}"
        ratio_text = f"ratio median {statistics.median(ratios):.4f} worst {max(ratios):.4f}" if ratios else "no ratio"
        gap_text = (
            f"mean gap ours {_pct(statistics.mean(gaps_o))}, PyVRP {_pct(statistics.mean(gaps_p))}"
            if gaps_o and gaps_p
            else ""
        )
        wall_o, wall_p = (statistics.median(r[k] for r in sel) for k in ("ours_wall", "pyvrp_wall"))
        walls = f"median wall ours {wall_o:.1f} s, PyVRP {wall_p:.1f} s"
        print(f"{set_name:12}: {ratio_text}; {gap_text}; {walls}; {feas}")
    for line in failures:
        print("FAILS THE CHECKER:", line)
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 1 if failures else 0


def _gap(cost: float | None, bks: float | None) -> float | None:
    return 100 * (cost - bks) / bks if cost is not None and bks else None


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:+.2f}%"


if __name__ == "__main__":
    sys.exit(main())
