"""`python -m routing solve FILE --time-limit S --format json`: solve a Solomon instance."""

from __future__ import annotations

import argparse
import json
import sys

from routing.params import SolverParams
from routing.solomon import parse, plan_distance, result_routes, to_model
from routing.solve import solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m routing")
    sub = parser.add_subparsers(dest="command", required=True)
    solve_cmd = sub.add_parser("solve", help="solve a Solomon VRPTW instance")
    solve_cmd.add_argument("file")
    solve_cmd.add_argument("--time-limit", type=float, default=10.0)
    solve_cmd.add_argument("--format", choices=("json", "text"), default="json")
    solve_cmd.add_argument("--params", help="a TOML file of solver parameters ([solver] table)")
    solve_cmd.add_argument("--warm-start", choices=("pyvrp", "none"))
    solve_cmd.add_argument("--seed", type=int)
    args = parser.parse_args(argv)

    params = SolverParams.from_toml(args.params) if args.params else SolverParams()
    params.time_limit = args.time_limit
    params.empty_km_weight = 0.0  # the literature's objective is distance only
    if args.warm_start:
        params.warm_start = args.warm_start
    if args.seed is not None:
        params.seed = args.seed
    inst = parse(args.file)
    result = solve(to_model(inst), params)
    routes = result_routes(result)
    out = {
        "instance": inst.name,
        "routes": routes,
        "vehicles": len(routes),
        "distance": round(plan_distance(inst, routes), 4),
        "feasible": result.feasible,
        "seconds": round(result.seconds, 3),
    }
    if args.format == "json":
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(
            f"{out['instance']}: {out['vehicles']} vehicles, distance {out['distance']}, "
            f"feasible {out['feasible']}, {out['seconds']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
