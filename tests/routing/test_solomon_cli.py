"""`python -m routing solve` on a Solomon instance prints the agreed JSON object."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
C101 = ROOT.parent / "shared" / "benchmarks" / "solomon" / "C101.txt"


def trimmed_c101(tmp_path: Path, customers: int = 25) -> Path:
    """The first customers of C101 (a small, quick instance in the same format)."""
    lines = C101.read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.split()[:1] == ["0"])
    path = tmp_path / "C101-25.txt"
    path.write_text("\n".join(lines[: start + 1 + customers]) + "\n")
    return path


def test_cli_prints_json_with_routes_distance_and_feasibility(tmp_path):
    """Every customer appears once; the distance is the unrounded Euclidean length of the routes."""
    path = trimmed_c101(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "routing", "solve", str(path), "--time-limit", "2", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    res = json.loads(out.stdout)
    assert set(res) == {"instance", "routes", "vehicles", "distance", "feasible", "seconds"}
    assert res["instance"] == "C101" and res["feasible"] is True
    assert sorted(n for r in res["routes"] for n in r) == list(range(1, 26))
    coords = {}
    for ln in path.read_text().splitlines():
        p = ln.split()
        if len(p) == 7 and p[0].isdigit():
            coords[int(p[0])] = (float(p[1]), float(p[2]))
    total = sum(
        math.dist(a, b)
        for r in res["routes"]
        for a, b in zip([coords[0]] + [coords[n] for n in r], [coords[n] for n in r] + [coords[0]], strict=True)
    )
    assert abs(total - res["distance"]) < 1e-3
    assert res["vehicles"] == len(res["routes"])
