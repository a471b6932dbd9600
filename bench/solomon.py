"""Solomon VRPTW benchmark: runs `python -m routing solve` on each instance and checks
every plan independently of the solver (its own parser, exact Euclidean arithmetic).

    python bench/solomon.py --time-limit 10 [--warm-start both|pyvrp|none] [INSTANCE ...]

Prints a table: distance, vehicles, feasibility, gap to the distance-only best-known
solution, and time; with --warm-start both, the two set-ups side by side in one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "solomon"
TUNED_ON = ["C101", "R101", "RC101", "R201", "C201", "RC201", "R105", "RC105", "R110", "RC208"]


def read_instance(path: Path):
    rows, capacity = [], None
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        parts = line.split()
        if parts[:1] == ["NUMBER"]:
            capacity = float(lines[i + 1].split()[1])
        if len(parts) == 7 and parts[0].isdigit():
            rows.append([float(p) for p in parts])
    return {int(r[0]): r for r in rows}, capacity


def check(path: Path, routes: list[list[int]]) -> tuple[bool, float, str]:
    """Every customer exactly once, capacity, windows on service start, depot due time."""
    cust, capacity = read_instance(path)
    depot = cust[0]
    seen, total = [], 0.0
    for route in routes:
        load, t, prev = 0.0, depot[4], depot
        for n in route:
            c = cust[n]
            d = math.hypot(prev[1] - c[1], prev[2] - c[2])
            total += d
            t = max(t + d, c[4])
            if t > c[5] + 1e-6:
                return False, total, f"customer {n} served at {t:.2f} after due {c[5]}"
            t += c[6]
            load += c[3]
            seen.append(n)
            prev = c
        d = math.hypot(prev[1] - depot[1], prev[2] - depot[2])
        total += d
        if t + d > depot[5] + 1e-6:
            return False, total, "back at the depot after its due time"
        if load > capacity + 1e-9:
            return False, total, f"load {load} over capacity {capacity}"
    if sorted(seen) != sorted(k for k in cust if k != 0):
        return False, total, "customers missing or repeated"
    return True, total, ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("instances", nargs="*", help="names such as R101 (default: every instance in the data folder)")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--warm-start", choices=("both", "pyvrp", "none"), default="both")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, help="also write every row to this JSON file")
    args = ap.parse_args()

    bks = {r["instance"]: float(r["distance_only_distance"]) for r in csv.DictReader(open(args.data / "bks.csv"))}
    names = args.instances or sorted(p.stem for p in args.data.glob("*.txt"))
    setups = ["pyvrp", "none"] if args.warm_start == "both" else [args.warm_start]
    rows = []
    header = f"{'instance':9}" + "".join(
        f" | {s:>6}: {'distance':>9} {'veh':>3} {'ok':>3} {'gap%':>6} {'s':>5}" for s in setups
    )
    print(header)
    print("-" * len(header))
    for name in names:
        path = args.data / f"{name}.txt"
        line = f"{name:9}"
        for setup in setups:
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "routing",
                    "solve",
                    str(path),
                    "--time-limit",
                    str(args.time_limit),
                    "--format",
                    "json",
                    "--warm-start",
                    setup,
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            res = json.loads(out.stdout)
            ok, dist, why = check(path, res["routes"])
            gap = 100 * (dist - bks[name]) / bks[name] if name in bks else float("nan")
            rows.append(
                {
                    "instance": name,
                    "setup": setup,
                    "distance": round(dist, 2),
                    "vehicles": res["vehicles"],
                    "feasible": ok,
                    "why": why,
                    "gap_pct": round(gap, 3),
                    "seconds": res["seconds"],
                    "tuned_on": name in TUNED_ON,
                }
            )
            ok_text = "yes" if ok else "NO"
            line += f" | {setup:>6}: {dist:9.2f} {res['vehicles']:3d} {ok_text:>3} {gap:6.2f} {res['seconds']:5.1f}"
        print(line, flush=True)
    print()
    for setup in setups:
        for label, subset in (("tuned-on ten", True), ("the others", False), ("all", None)):
            sel = [r for r in rows if r["setup"] == setup and (subset is None or r["tuned_on"] == subset)]
            if not sel:
                continue
            feas = sum(r["feasible"] for r in sel)
            gaps = [r["gap_pct"] for r in sel if r["feasible"]]
            print(
                f"{setup:>6} {label:13}: feasible {feas}/{len(sel)}, mean gap {statistics.mean(gaps):.2f}%, "
                f"median {statistics.median(gaps):.2f}%, worst {max(gaps):.2f}%"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all(r["feasible"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
