"""Road networks against great-circle x 1.3, side by side in one run, on central Helsinki.

    .venv/bin/python bench/roads.py [--extract backend/demo/data/helsinki.osm.pbf] [--time-limit 10]

Prints:
1. preparation: OSRM extract + partition + customize, and the street layer (median of 3);
2. matrix time and peak memory at 100, 500, 1,000 and 2,000 points, OSRM (in process)
   beside great-circle (each size in a fresh child process, so the peak resident memory it
   reports is that size's own: ru_maxrss minus the memory held before the matrix);
3. one plan's stops (the Helsinki demo's 73 street points): the road km of the plan made on
   roads against the road km of the plan made on great-circle x 1.3 (its visits in its
   order, driven on the streets): what planning on the default costs a city;
4. how far great-circle x 1.3 is from road distance: median and 10th/90th percentile of
   (great-circle x 1.3) / road over every reachable pair of 1,000 random points (pairs under
   50 m on the road left out), great-circle taken between the points as given (what the
   default planner measures) and between their snapped street points.

Times are wall-clock on whatever else the machine runs: read the two providers side by side.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.demo.cities import HELSINKI, HELSINKI_EXTRACT  # noqa: E402
from backend.roads.streets import write_layer  # noqa: E402
from routing import GreatCircleProvider, Model, SolverParams, solve  # noqa: E402
from routing.osrm import OsrmProvider  # noqa: E402
from routing.roadbuild import build_folder  # noqa: E402

SIZES = (100, 500, 1000, 2000)
BBOX = (60.1645, 24.9355, 60.1790, 24.9530)  # the extract's streets (min lat, min lon, max lat, max lon)


def random_points(n: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    s, w, n_, e = BBOX
    return [(s + rng.random() * (n_ - s), w + rng.random() * (e - w)) for _ in range(n)]


def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() // 1024


def child(kind: str, n: int, network: str) -> None:
    """One matrix in this fresh process: seconds and peak memory added, as JSON."""
    provider = OsrmProvider(network) if kind == "osrm" else GreatCircleProvider()
    points = random_points(n, seed=n)
    if kind == "osrm":
        provider.engine()  # the network's own memory is not the matrix's
    before = _rss_kb()
    started = time.perf_counter()
    mats = provider.matrices(points)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    unreachable = int(mats.unreachable.sum()) if mats.unreachable is not None else 0
    print(json.dumps({"seconds": seconds, "peak_mb": max(0, peak - before) / 1024, "unreachable": unreachable}))


def measure(kind: str, n: int, network: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n), "--network", network],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def preparation(extract: Path) -> tuple[float, float]:
    osrm_s, layer_s = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            osrm_s.append(build_folder(extract, Path(tmp)))
            started = time.perf_counter()
            write_layer(extract, Path(tmp))
            layer_s.append(time.perf_counter() - started)
    return statistics.median(osrm_s), statistics.median(layer_s)


def demo_model(provider) -> Model:
    """The Helsinki demo's street points as one day's stops, from its sorting center."""
    rng = random.Random(7)
    m = Model(provider=provider)
    lat, lon = HELSINKI.centers[0][3:5]
    depot = m.add_depot("Kamppi", (lat, lon), unload_time=600)
    for k in range(3):
        m.add_vehicle(f"HEL-{k + 1}", depot, capacity_kg=1500, capacity_m3=8, shift=(7 * 3600, 15 * 3600))
    for k, point in enumerate(HELSINKI.points()):
        if point == (lat, lon):
            continue
        m.add_stop(f"bin {k}", point, kg=rng.uniform(40, 160), m3=rng.uniform(0.3, 1.0), service_time=150)
    return m


def road_km_of(result, model: Model, road: OsrmProvider) -> float:
    """A plan's visits in its order, driven on the streets."""
    locations = [d.location for d in model.depots] + [s.location for s in model.stops]
    dist = road.matrices(locations).distance
    total = 0
    for route in result.routes:
        home = model.vehicles[route.vehicle].start_depot.index
        here = home
        for visit in route.visits:
            there = len(model.depots) + visit.index if visit.kind == "stop" else home
            total += dist[here, there]
            here = there
        total += dist[here, model.vehicles[route.vehicle].end_depot.index]
    return total / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extract", default=str(HELSINKI_EXTRACT))
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "N"))
    parser.add_argument("--network")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.network)
        return
    extract = Path(args.extract)
    print(f"extract: {extract.name} ({extract.stat().st_size / 1024:.0f} KB)")
    osrm_s, layer_s = preparation(extract)
    print(f"preparation (median of 3): OSRM extract+partition+customize {osrm_s:.2f} s, street layer {layer_s:.2f} s")

    with tempfile.TemporaryDirectory() as network:
        build_folder(extract, Path(network))
        print("\nmatrix (distances and durations), random points over the extract; each in a fresh process")
        print(f"{'points':>7} {'OSRM s':>8} {'OSRM MB':>8} {'unreachable':>12} {'great-circle s':>15} {'gc MB':>7}")
        for n in SIZES:
            road, gc = measure("osrm", n, network), measure("great-circle", n, network)
            share = road["unreachable"] / (n * n - n)
            print(
                f"{n:7d} {road['seconds']:8.3f} {road['peak_mb']:8.1f} {share:11.1%} "
                f"{gc['seconds']:15.4f} {gc['peak_mb']:7.1f}"
            )

        road = OsrmProvider(network)
        stops = len(demo_model(road).stops)
        print(f"\none day's stops: {stops} street points, 3 trucks, {args.time_limit:g} s per plan")
        print(f"{'seed':>4} {'road km (planned on roads)':>27} {'road km (planned on gc x1.3)':>29} {'lost':>7}")
        losses = []
        for seed in range(1, args.seeds + 1):
            params = SolverParams(time_limit=args.time_limit, seed=seed)
            on_roads = demo_model(road)
            on_gc = demo_model(GreatCircleProvider())
            planned = solve(on_roads, params)
            km_roads = road_km_of(planned, on_roads, road)
            assert abs(km_roads - planned.distance_km) < 0.01  # the planner's own km are road km
            km_gc = road_km_of(solve(on_gc, params), on_gc, road)
            losses.append(100 * (km_gc / km_roads - 1))
            print(f"{seed:4d} {km_roads:27.2f} {km_gc:29.2f} {losses[-1]:6.1f}%")
        print(f"median: planning on great-circle x1.3 drives {statistics.median(losses):.1f}% more road km")

        points = random_points(1000, seed=1000)
        mats = road.matrices(points)
        snapped = [s.snapped for s in road.snaps(points)]
        usable = ~mats.unreachable & (mats.distance >= 50)
        print(f"\n(great-circle x1.3) / road over the {usable.sum()} reachable pairs (>= 50 m) of 1,000 random points:")
        for name, where in (("between the points as given", points), ("between their street points", snapped)):
            gc = GreatCircleProvider().matrices(where).distance
            p10, p50, p90 = np.percentile(gc[usable] / mats.distance[usable], [10, 50, 90])
            print(f"  {name}: median {p50:.3f}, 10th percentile {p10:.3f}, 90th percentile {p90:.3f}")


if __name__ == "__main__":
    main()
