"""Road distances from OpenStreetMap through OSRM, behind ``MatrixProvider``.

A network is either a prepared folder (``routing.roadbuild.build_network``: OSRM's extract,
partition and customize, multi-level Dijkstra) opened in this process, or the URL of an
``osrm-routed`` server for an extract too large for one process to hold. Locations are
(lat, lon) like everywhere in the planner; OSRM speaks (lon, lat), converted only here.

Every location is snapped to the nearest routable street and the snap distance is kept: a
bin hundreds of metres from any street is a registry error, reported by ``far_from_street``.
A pair with no street route between them (an extract is clipped at its edge, so fragments
exist) is marked in ``Matrices.unreachable`` and holds ``UNREACHABLE``, never zero.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from routing.matrix import UNREACHABLE, Location, Matrices

FAR_FROM_STREET_M = 250.0  # a bin farther than this from any street is worth a warning
LEG_CACHE = 20_000  # street legs remembered per provider (a few MB)
LOCAL_BLOCK = 250  # sources per in-process table call
HTTP_BLOCK = 100  # osrm-routed's default --max-table-size: sources x destinations per request


class RoadNetworkError(RuntimeError):
    """The network cannot be opened or queried (missing folder, server down, bad answer)."""


@dataclass(frozen=True)
class Snap:
    location: Location  # as given
    snapped: Location  # the nearest point on a routable street
    distance_m: float
    street: str


@dataclass(frozen=True)
class Leg:
    distance_m: float
    duration_s: float
    points: list[Location]  # the street geometry, (lat, lon), first and last are the snapped ends


def network_base(folder: str | Path) -> Path:
    """The ``.osrm`` base path inside a prepared folder (or the base path itself)."""
    path = Path(folder)
    if path.name.endswith(".osrm") and path.with_name(path.name + ".properties").exists():
        return path
    found = sorted(path.glob("*.osrm.properties")) if path.is_dir() else []
    if not found:
        raise RoadNetworkError(f"{folder}: no prepared road network (run `recyclenet roads build EXTRACT.osm.pbf`)")
    return found[0].with_name(found[0].name.removesuffix(".properties"))


class _LocalEngine:
    """OSRM in this process (osrm-bindings). The network is read into memory once."""

    def __init__(self, folder: str | Path) -> None:
        import osrm  # local: only a road network needs the engine

        self._osrm = osrm
        base = network_base(folder)
        try:
            self._engine = osrm.OSRM(
                algorithm="MLD",
                storage_config=str(base),
                use_shared_memory=False,
                max_locations_distance_table=100_000,
                max_locations_viaroute=100_000,
                default_radius="unlimited",
            )
        except RuntimeError as exc:
            raise RoadNetworkError(f"{base}: {exc}") from exc
        self._lock = threading.Lock()  # one query at a time per engine object

    def table(self, lonlat: list[tuple[float, float]]) -> dict[str, Any]:
        # Asked LOCAL_BLOCK sources at a time: OSRM builds its answer as a tree of JSON values,
        # which for a 2,000 x 2,000 table in one piece costs far more memory than the matrix.
        distances: list[list[float | None]] = []
        durations: list[list[float | None]] = []
        sources: list[dict[str, Any]] = []
        for first in range(0, len(lonlat), LOCAL_BLOCK):
            block = list(range(first, min(len(lonlat), first + LOCAL_BLOCK)))
            params = self._osrm.TableParameters(coordinates=lonlat, sources=block, annotations=["distance", "duration"])
            with self._lock:
                answer = self._engine.Table(params)
            if answer["code"] != "Ok":
                return {"code": answer["code"]}
            # Row by row (list() of an Array row is C-speed), not cell by cell in Python.
            distances += [list(row) for row in answer["distances"]]
            durations += [list(row) for row in answer["durations"]]
            sources += [_plain(source) for source in answer["sources"]]
        return {"code": "Ok", "distances": distances, "durations": durations, "sources": sources}

    def route(self, lonlat: list[tuple[float, float]]) -> dict[str, Any]:
        params = self._osrm.RouteParameters(coordinates=lonlat, geometries="geojson", overview="full")
        with self._lock:
            try:
                answer = self._engine.Route(params)
            except RuntimeError as exc:  # "NoRoute" comes back as an exception
                return {"code": "NoRoute", "message": str(exc)}
        return _plain(answer)


class _HttpEngine:
    """An ``osrm-routed`` server (OSRM's HTTP API v1, car profile)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url, self.timeout = url.rstrip("/"), timeout

    def _get(self, service: str, lonlat: list[tuple[float, float]], query: dict[str, str]) -> dict[str, Any]:
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in lonlat)
        url = f"{self.url}/{service}/v1/driving/{coords}?{urllib.parse.urlencode(query)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as reply:  # noqa: S310 (a configured server)
                return json.load(reply)
        except urllib.error.HTTPError as exc:  # OSRM answers 400 with a JSON body for NoRoute etc.
            try:
                return json.load(exc)
            except ValueError:
                raise RoadNetworkError(f"{self.url}: HTTP {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise RoadNetworkError(f"{self.url}: {exc}") from exc

    def table(self, lonlat: list[tuple[float, float]]) -> dict[str, Any]:
        n = len(lonlat)
        distances = [[None] * n for _ in range(n)]
        durations = [[None] * n for _ in range(n)]
        sources: list[dict[str, Any]] = [{}] * n
        blocks = [list(range(i, min(n, i + HTTP_BLOCK))) for i in range(0, n, HTTP_BLOCK)]
        for rows in blocks:
            for cols in blocks:
                # Only the block's own points go in the URL: a long list of coordinates is refused.
                points = rows + [c for c in cols if c not in rows]
                position = {p: k for k, p in enumerate(points)}
                answer = self._get(
                    "table",
                    [lonlat[p] for p in points],
                    {
                        "annotations": "distance,duration",
                        "sources": ";".join(str(position[r]) for r in rows),
                        "destinations": ";".join(str(position[c]) for c in cols),
                    },
                )
                if answer.get("code") != "Ok":
                    raise RoadNetworkError(f"{self.url}: table: {answer.get('code')} {answer.get('message', '')}")
                for a, r in enumerate(rows):
                    sources[r] = answer["sources"][a]
                    for b, c in enumerate(cols):
                        distances[r][c] = answer["distances"][a][b]
                        durations[r][c] = answer["durations"][a][b]
        return {"code": "Ok", "distances": distances, "durations": durations, "sources": sources}

    def route(self, lonlat: list[tuple[float, float]]) -> dict[str, Any]:
        return self._get("route", lonlat, {"overview": "full", "geometries": "geojson"})


def _plain(value: Any) -> Any:
    """osrm-bindings' Object (iterates over its keys) and Array as dicts and lists."""
    kind = type(value).__name__
    if kind == "Object":
        return {key: _plain(value[key]) for key in value}
    if kind == "Array":
        return [_plain(v) for v in value]
    return value


class OsrmProvider:
    """Road distances (metres) and car travel times (seconds) on an OSRM network.

    ``network`` is a prepared folder or an ``http(s)://`` URL of osrm-routed. Matrices are
    cached per set of locations (the last ``cache_size`` sets); a subset of a cached set
    is cut out of it, so the parts of a decomposed plan, re-plans and the twin's days do
    not ask OSRM again. ``duration_factor`` slows car times down to a truck's.
    """

    def __init__(
        self,
        network: str | Path,
        *,
        far_from_street_m: float = FAR_FROM_STREET_M,
        duration_factor: float = 1.0,
        cache_size: int = 8,
    ) -> None:
        self.network = str(network)
        self.far_from_street_m = far_from_street_m
        self.duration_factor = duration_factor
        self.cache_size = cache_size
        self._engine: _LocalEngine | _HttpEngine | None = None
        self._cache: OrderedDict[tuple[Location, ...], tuple[Matrices, list[Snap]]] = OrderedDict()
        self._legs: dict[tuple[Location, Location], Leg | None] = {}
        self.queries = 0  # Table calls actually made (the cache's effect is visible in tests)

    @property
    def is_remote(self) -> bool:
        return self.network.startswith(("http://", "https://"))

    @property
    def label(self) -> str:
        """osrm:<extract> for a folder built by roadbuild (its meta.json), else the folder or URL."""
        if self.is_remote:
            return f"osrm:{self.network}"
        try:
            meta = json.loads((network_base(self.network).parent / "meta.json").read_text())
            return f"osrm:{meta['extract'].removesuffix('.pbf').removesuffix('.osm')}"
        except (OSError, ValueError, KeyError, RoadNetworkError):
            return f"osrm:{Path(self.network).name}"

    def __getstate__(self) -> dict[str, Any]:
        # Sub-models travel to worker processes: the engine is reopened there, the cache travels.
        state = dict(self.__dict__)
        state["_engine"] = None
        return state

    def engine(self) -> _LocalEngine | _HttpEngine:
        if self._engine is None:
            self._engine = _HttpEngine(self.network) if self.is_remote else _LocalEngine(self.network)
        return self._engine

    # -- matrices ---------------------------------------------------------------------------

    def matrices(self, locations: Sequence[Location]) -> Matrices:
        return self._lookup(locations)[0]

    def snaps(self, locations: Sequence[Location]) -> list[Snap]:
        return self._lookup(locations)[1]

    def far_from_street(self, locations: Sequence[Location]) -> list[tuple[int, Snap]]:
        """(index, snap) of each location farther than ``far_from_street_m`` from any street."""
        return [(i, s) for i, s in enumerate(self.snaps(locations)) if s.distance_m > self.far_from_street_m]

    def _lookup(self, locations: Sequence[Location]) -> tuple[Matrices, list[Snap]]:
        key = tuple((round(float(lat), 6), round(float(lon), 6)) for lat, lon in locations)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        for cached_key, (mats, snaps) in reversed(self._cache.items()):
            index = {loc: i for i, loc in enumerate(cached_key)}
            if all(loc in index for loc in key):
                pick = np.array([index[loc] for loc in key], dtype=np.int64)
                grid = np.ix_(pick, pick)
                entry = (
                    Matrices(mats.distance[grid], mats.duration[grid], mats.unreachable[grid], mats.snap_m[pick]),
                    [snaps[i] for i in pick],
                )
                return self._remember(key, entry)
        return self._remember(key, self._compute(key))

    def _remember(self, key, entry):
        self._cache[key] = entry
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return entry

    def _compute(self, key: tuple[Location, ...]) -> tuple[Matrices, list[Snap]]:
        n = len(key)
        if n == 0:
            empty = np.zeros((0, 0), dtype=np.int64)
            return Matrices(empty, empty, np.zeros((0, 0), dtype=bool), np.zeros(0)), []
        lonlat = [(lon, lat) for lat, lon in key]
        if n == 1:  # OSRM's table needs two coordinates: ask with the point twice
            lonlat = lonlat * 2
        answer = self.engine().table(lonlat)
        self.queries += 1
        if answer.get("code") != "Ok":
            raise RoadNetworkError(f"{self.label}: table: {answer.get('code')} {answer.get('message', '')}")
        # numpy reads OSRM's null (no route) as NaN in a float array.
        dist = np.array(answer["distances"], dtype=float)[:n, :n]
        dur = np.array(answer["durations"], dtype=float)[:n, :n]
        unreachable = np.isnan(dist) | np.isnan(dur)
        np.fill_diagonal(unreachable, False)
        distance = np.where(unreachable, UNREACHABLE, np.rint(np.nan_to_num(dist))).astype(np.int64)
        seconds = np.ceil(np.nan_to_num(dur) * self.duration_factor)
        duration = np.where(unreachable, UNREACHABLE, seconds).astype(np.int64)
        np.fill_diagonal(distance, 0)
        np.fill_diagonal(duration, 0)
        snaps = []
        for (lat, lon), source in zip(key, answer["sources"][:n], strict=True):
            s_lon, s_lat = source["location"]
            snaps.append(Snap((lat, lon), (float(s_lat), float(s_lon)), float(source["distance"]), source["name"]))
        snap_m = np.array([s.distance_m for s in snaps])
        return Matrices(distance, duration, unreachable, snap_m), snaps

    # -- geometry ---------------------------------------------------------------------------

    def leg(self, origin: Location, destination: Location) -> Leg | None:
        """The street route from one location to the next, or None when none exists
        (remembered: a plan's map is drawn again on every visit of the console)."""
        key = (tuple(origin), tuple(destination))
        if key in self._legs:
            return self._legs[key]
        answer = self.engine().route([(origin[1], origin[0]), (destination[1], destination[0])])
        found = None
        if answer.get("code") == "Ok" and answer.get("routes"):
            best = answer["routes"][0]
            points = [(float(lat), float(lon)) for lon, lat in best["geometry"]["coordinates"]]
            found = Leg(float(best["distance"]), float(best["duration"]) * self.duration_factor, points)
        if len(self._legs) >= LEG_CACHE:
            self._legs.pop(next(iter(self._legs)))
        self._legs[key] = found
        return found

    def legs(self, locations: Sequence[Location]) -> list[Leg | None]:
        """One street leg per consecutive pair of ``locations`` (a route's visits in order)."""
        return [self.leg(a, b) for a, b in zip(locations, locations[1:], strict=False)]
