"""The street layer the console draws when no tile server is configured: the street lines of
the loaded extract, read once at build time into ``streets.json`` beside the network and
served by bounding box.

Only ways a map reader would call streets (OSM ``highway`` of the road classes below) go in;
footpaths and cycleways would bury the routes under lines trucks never take.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

LAYER_FILE = "streets.json"
ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
STREET_CLASSES = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "pedestrian",
        "road",
    }
)
MAX_STREETS = 20_000  # one answer's cap: the console asks for the city it shows, not a country

_cache: dict[str, list[dict[str, Any]]] = {}
_lock = threading.Lock()


def write_layer(extract: Path, folder: Path) -> dict[str, Any]:
    """Write ``streets.json`` for ``extract`` into the build ``folder``; meta for meta.json."""
    import osmium  # local: only building a network reads an extract

    streets, bounds = [], [90.0, 180.0, -90.0, -180.0]  # min lat, min lon, max lat, max lon
    processor = osmium.FileProcessor(str(extract)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
    for obj in processor:
        if not obj.is_way() or obj.tags.get("highway") not in STREET_CLASSES:
            continue
        try:
            line = [[round(n.lat, 6), round(n.lon, 6)] for n in obj.nodes]
        except osmium.InvalidLocationError:  # a way cut by the extract's edge: keep what is inside
            line = [[round(n.lat, 6), round(n.lon, 6)] for n in obj.nodes if n.location.valid()]
        if len(line) < 2:
            continue
        lats, lons = [p[0] for p in line], [p[1] for p in line]
        box = [min(lats), min(lons), max(lats), max(lons)]
        bounds = [min(bounds[0], box[0]), min(bounds[1], box[1]), max(bounds[2], box[2]), max(bounds[3], box[3])]
        streets.append({"name": obj.tags.get("name", ""), "highway": obj.tags["highway"], "box": box, "line": line})
    (folder / LAYER_FILE).write_text(json.dumps({"streets": streets}, separators=(",", ":"), ensure_ascii=False))
    return {"bbox": bounds if streets else None, "streets": len(streets), "attribution": ATTRIBUTION}


def _load(folder: Path) -> list[dict[str, Any]]:
    key = str(folder.resolve())
    with _lock:
        if key not in _cache:
            path = folder / LAYER_FILE
            _cache[key] = json.loads(path.read_text())["streets"] if path.exists() else []
        return _cache[key]


def streets_in(folder: Path, bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    """GeoJSON of the street lines that touch ``bbox`` (min_lat, min_lon, max_lat, max_lon)."""
    south, west, north, east = bbox
    features = []
    for street in _load(folder):
        s, w, n, e = street["box"]
        if s > north or n < south or w > east or e < west:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in street["line"]]},
                "properties": {"name": street["name"], "highway": street["highway"]},
            }
        )
        if len(features) >= MAX_STREETS:
            break
    return {"type": "FeatureCollection", "features": features, "attribution": ATTRIBUTION}
