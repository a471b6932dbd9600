"""Scale benchmark: synthetic cities of 200 to 2,000 stops, solve time and quality.

    python bench/scale.py [--sizes 200 500 1000 2000] [--time-limit 60] [--workers 2]

A city has three sorting centers, bins (required) spread over ~25 x 20 km, a fifth of the
stops booked pickups with two-hour windows, and a fleet sized to the work (about one
truck per 45 stops, 4 t / 16 m3, 07:00-17:00, up to three trips). Planned on the
great-circle provider. Prints stops, parts, seconds, feasibility (independent check of
loads, windows and shifts), km, empty km and km per tonne.
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


def city(n: int, seed: int = 1) -> Model:
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
            m.add_stop(f"bin{i}", (lat, lon), kg=rng.uniform(30, 150), m3=rng.uniform(0.3, 1.0), service_time=180)
    return m


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000, 2000])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
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
