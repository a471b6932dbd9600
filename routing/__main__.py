"""`python -m routing solve FILE --time-limit S --format json`: solve a Solomon instance (.txt)
or a VRPLIB one (.vrp: VRPTW, multi-depot with duration limits, prize-collecting; routes in the
file's client numbers, cost in its .sol files' units, see routing/vrplib_io.py).
`python -m routing matrix --roads DIR_OR_EXTRACT --points "lat,lon" ... --format json`: road
distances and durations between points (null where no street route exists), and where each
point was snapped."""

from __future__ import annotations

import argparse
import json
import sys

from routing.params import SolverParams
from routing.solomon import parse, plan_distance, result_routes, to_model
from routing.solve import solve
from routing.vrplib_io import is_vrplib
from routing.vrplib_io import plan as vrplib_plan
from routing.vrplib_io import read as read_vrplib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m routing")
    sub = parser.add_subparsers(dest="command", required=True)
    solve_cmd = sub.add_parser("solve", help="solve a Solomon or VRPLIB instance")
    solve_cmd.add_argument("file")
    solve_cmd.add_argument("--time-limit", type=float, default=10.0)
    solve_cmd.add_argument("--format", choices=("json", "text"), default="json")
    solve_cmd.add_argument("--params", help="a TOML file of solver parameters ([solver] table)")
    solve_cmd.add_argument("--warm-start", choices=("pyvrp", "none"))
    solve_cmd.add_argument("--seed", type=int)
    matrix_cmd = sub.add_parser("matrix", help="road distance and duration matrices on an OSRM network")
    matrix_cmd.add_argument(
        "--roads", required=True, help="a prepared network folder, an osrm-routed URL or a .osm.pbf"
    )
    matrix_cmd.add_argument("--points", nargs="+", required=True, metavar="LAT,LON")
    matrix_cmd.add_argument("--format", choices=("json", "text"), default="json")
    args = parser.parse_args(argv)
    if args.command == "matrix":
        return _matrix(args.roads, args.points, args.format, parser)

    params = SolverParams.from_toml(args.params) if args.params else SolverParams()
    params.time_limit = args.time_limit
    params.empty_km_weight = 0.0  # the literature's objective is distance only
    if args.warm_start:
        params.warm_start = args.warm_start
    if args.seed is not None:
        params.seed = args.seed
    if is_vrplib(args.file):
        vinst = read_vrplib(args.file)
        result = solve(vinst.model, params)
        found = vrplib_plan(vinst, result)
        out = {"instance": vinst.name, "routes": found["routes"], "route_vehicles": found["route_vehicles"]}
        out |= {"vehicles": len(found["routes"])}
        out |= {k: found[k] for k in ("distance", "unserved_prize", "cost")}
    else:
        inst = parse(args.file)
        result = solve(to_model(inst), params)
        routes = result_routes(result)
        out = {"instance": inst.name, "routes": routes, "vehicles": len(routes)}
        out["distance"] = round(plan_distance(inst, routes), 4)
    out |= {"feasible": result.feasible, "seconds": round(result.seconds, 3)}
    if args.format == "json":
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(
            f"{out['instance']}: {out['vehicles']} vehicles, distance {out['distance']}, "
            + (f"cost {out['cost']}, " if "cost" in out else "")
            + f"feasible {out['feasible']}, {out['seconds']} s"
        )
    return 0


def _matrix(roads: str, raw_points: list[str], fmt: str, parser: argparse.ArgumentParser) -> int:
    from routing.cli_matrix import road_matrix  # local: only this command needs OSRM

    points = []
    for raw in raw_points:
        try:
            lat, lon = (float(x) for x in raw.split(","))
        except ValueError:
            parser.error(f"--points: {raw!r} is not LAT,LON")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            parser.error(f"--points: {raw!r} is outside the globe")
        points.append((lat, lon))
    out = road_matrix(roads, points)
    if fmt == "json":
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
    else:
        for i, row in enumerate(out["distance_m"]):
            print(f"{i}: " + " ".join("-" if d is None else f"{d:.0f}" for d in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
