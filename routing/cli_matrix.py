"""The road matrix behind `python -m routing matrix`: from a prepared folder, an osrm-routed
URL, or an extract built on the spot into a temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from routing.matrix import Location
from routing.osrm import OsrmProvider
from routing.roadbuild import build_folder


def road_matrix(roads: str, points: list[Location]) -> dict[str, Any]:
    """``{"distance_m", "duration_s", "snapped", "snap_m"}``, with None for unreachable pairs."""
    if roads.endswith(".pbf") and Path(roads).is_file():
        with tempfile.TemporaryDirectory(prefix="recyclenet-roads-") as tmp:
            build_folder(roads, Path(tmp))
            return _as_json(OsrmProvider(tmp), points)
    return _as_json(OsrmProvider(roads), points)


def _as_json(provider: OsrmProvider, points: list[Location]) -> dict[str, Any]:
    mats, snaps = provider.matrices(points), provider.snaps(points)
    n = len(points)

    def cells(values) -> list[list[int | None]]:
        return [[None if mats.unreachable[i, j] else int(values[i, j]) for j in range(n)] for i in range(n)]

    return {
        "distance_m": cells(mats.distance),
        "duration_s": cells(mats.duration),
        "snapped": [[round(s.snapped[0], 6), round(s.snapped[1], 6)] for s in snaps],
        "snap_m": [round(s.distance_m, 1) for s in snaps],
        "provider": provider.label,
    }
