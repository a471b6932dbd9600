"""Time to plan in the demo: from "Create plan" to the routes, with the fixed-round baseline.

    python bench/demo_plan.py [--repeats 3] [--time-limit 20] [--roads DIR] [--bins 120]

Sets up the demo city as ``make demo`` does (a throwaway SQLite database in a temporary
folder: the schema, ``seed-demo --city helsinki``, a week of bin history), then plans its
sorting center's next day with ``recyclenet plan`` (which solves in a child process, as a
worker does: the plan and the baseline side by side with ``PLAN_WORKERS = 2`` as ``make demo``
sets it, one after the other with 1) ``--repeats`` times with the stall stop the city
gets (``PLAN_STALL_PER_STOP`` of config/default.toml) and as many times running every search
to its limit, one after the other. Prints each run's wall time, stops, trucks and km, and the
medians. The time is the plan's own, from its creation to its end as stored (what a dispatcher
waits for after "Create plan"), without the command's start-up. ``--roads`` plans on a
prepared road network (``recyclenet roads build``), as the demo does; without it on the
great-circle default.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("recyclenet")
PLAN_ID = re.compile(r"^plan (\d+): solving", re.M)
PLAN_LINE = re.compile(r"plan:\s+(\d+) trucks, (\d+) stops, ([\d.]+) km")
BASE_LINE = re.compile(r"baseline:\s+(\d+) trucks, (\d+) stops, ([\d.]+) km")


def run(args: list[str], env: dict) -> str:
    out = subprocess.run([str(CLI), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"recyclenet {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def plan_seconds(db: str, plan_id: int) -> float:
    """From the plan's creation to its end, as the database holds them."""
    with sqlite3.connect(db) as conn:
        created, finished = conn.execute(
            "SELECT created_at, finished_at FROM plans WHERE id = ?", (plan_id,)
        ).fetchone()
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(created)).total_seconds()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--time-limit", type=float, help="solver seconds (default: PLAN_TIME_LIMIT_S)")
    ap.add_argument("--roads", type=Path, help="a prepared road network folder (the demo's roads/network)")
    ap.add_argument("--bins", type=int, default=120)
    ap.add_argument("--plan-workers", type=int, default=2, help="PLAN_WORKERS (2: plan and baseline side by side)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{tmp}/demo.db",
            "RECYCLENET_TIMEZONE": "Europe/Helsinki",
            "RECYCLENET_PLAN_WORKERS": str(args.plan_workers),  # the Makefile's demo: 2
        }
        env.pop("REDIS_URL", None)  # solved here, in a child process, like `recyclenet plan` does without a queue
        if args.roads:
            env["RECYCLENET_ROAD_NETWORK"] = str(args.roads.resolve())
        run(["db", "upgrade"], env)
        run(["seed-demo", "--seed", "7", "--bins", str(args.bins), "--city", "helsinki"], env)
        run(["simulate-bins", "--offline", "--backfill-hours", "168", "--interval", "900"], env)
        day = (date.today() + timedelta(days=1)).isoformat()
        with sqlite3.connect(f"{tmp}/demo.db") as conn:
            (center,) = conn.execute("SELECT min(id) FROM sites WHERE tier = 'sorting_center'").fetchone()
        plan = ["plan", "--center", str(center), "--date", day]
        if args.time_limit:
            plan += ["--time-limit", str(args.time_limit)]
        print(f"demo city (helsinki, {args.bins} bins), next day's plan and baseline; {os.cpu_count()} cores")
        print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'search':>18} {'run':>3} {'wall s':>7} {'stops':>5} {'trucks':>6} {'km':>7} {'baseline km':>11}")
        walls: dict[str, list[float]] = {}
        kms: dict[str, list[float]] = {}
        for label, stall in (("stops when stalled", None), ("to the limit", "0")):
            run_env = env if stall is None else env | {"RECYCLENET_PLAN_STALL_PER_STOP": stall}
            for k in range(1, args.repeats + 1):
                out = run(plan, run_env)
                wall = plan_seconds(f"{tmp}/demo.db", int(PLAN_ID.search(out).group(1)))
                p, b = PLAN_LINE.search(out), BASE_LINE.search(out)
                if p is None:
                    raise SystemExit(f"no plan in the output:\n{out}")
                trucks, stops, km = int(p.group(1)), int(p.group(2)), float(p.group(3))
                base_km = float(b.group(3)) if b else float("nan")
                walls.setdefault(label, []).append(wall)
                kms.setdefault(label, []).append(km)
                print(f"{label:>18} {k:3d} {wall:7.1f} {stops:5d} {trucks:6d} {km:7.1f} {base_km:11.1f}", flush=True)
        for label in walls:
            print(
                f"{label}: median {statistics.median(walls[label]):.1f} s, "
                f"median plan {statistics.median(kms[label]):.1f} km"
            )
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
