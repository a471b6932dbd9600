"""The OSRM road provider on central Helsinki's extract (backend/demo/data/helsinki.osm.pbf)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys

import numpy as np
import pytest

from routing import Model, SolverParams, solve
from routing.geo import haversine_km
from routing.matrix import UNREACHABLE
from routing.osrm import OsrmProvider
from routing.roadbuild import build_network, read_meta
from tests.routing.checker import check, leg
from tests.routing.conftest import HELSINKI

# Points on the main street network of the extract (checked reachable both ways).
DEPOT = (60.16986, 24.94607)
ON_STREETS = [
    (60.16795, 24.94502),
    (60.16469, 24.95016),
    (60.17894, 24.94373),
    (60.17663, 24.94384),
    (60.17371, 24.95069),
    (60.17209, 24.94847),
    (60.17549, 24.94584),
    (60.17705, 24.94377),
    (60.17492, 24.95088),
    (60.17485, 24.95162),
    (60.17023, 24.94952),
    (60.16647, 24.9393),
    (60.1785, 24.94313),
    (60.17186, 24.94225),
    (60.16959, 24.94574),
    (60.17439, 24.95176),
]
CUT_OFF = (60.18, 24.93)  # snaps ~470 m away onto a street fragment the extract's edge cut off
IN_THE_HARBOUR = (60.150, 24.960)  # kilometres from any street


def random_points(n: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(60.1645 + rng.random() * 0.0145, 24.9355 + rng.random() * 0.0175) for _ in range(n)]


def test_road_distance_is_never_shorter_than_great_circle(helsinki_roads):
    """Every reachable pair's road distance is at least the straight line between its snapped ends."""
    provider = OsrmProvider(helsinki_roads)
    points = random_points(120, seed=5)
    mats, snaps = provider.matrices(points), provider.snaps(points)
    reachable = ~mats.unreachable
    assert reachable.sum() > len(points) * 10  # most of the extract is one network
    for i, j in zip(*np.nonzero(reachable), strict=True):
        straight_m = haversine_km(*snaps[i].snapped, *snaps[j].snapped) * 1000
        assert mats.distance[i, j] >= straight_m - 1.0, (i, j, mats.distance[i, j], straight_m)


def test_one_way_streets_make_the_matrix_asymmetric(helsinki_roads):
    """At least one pair of points is farther one way than the other (one-way streets)."""
    mats = OsrmProvider(helsinki_roads).matrices([DEPOT, *ON_STREETS])
    difference = np.abs(mats.distance - mats.distance.T)
    assert difference.max() > 100


def test_unreachable_pairs_are_marked_never_zero(helsinki_roads):
    """A point on a cut-off fragment has UNREACHABLE (not 0) to and from the network, and None in the CLI."""
    provider = OsrmProvider(helsinki_roads)
    mats = provider.matrices([DEPOT, ON_STREETS[0], CUT_OFF])
    assert mats.unreachable[0, 2] and mats.unreachable[2, 0]
    assert mats.distance[0, 2] == UNREACHABLE and mats.duration[2, 0] == UNREACHABLE
    assert not mats.unreachable[0, 1] and 0 < mats.distance[0, 1] < 5000
    assert provider.snaps([CUT_OFF])[0].distance_m > 300


def test_unreachable_stop_is_dropped_with_its_reason(helsinki_roads):
    """The planner leaves out a stop no truck can reach and leave, says why, and serves the rest."""
    model = Model(provider=OsrmProvider(helsinki_roads))
    depot = model.add_depot("center", DEPOT)
    model.add_vehicle("truck", depot, capacity_kg=3000, capacity_m3=12, shift=(7 * 3600, 15 * 3600))
    for k, location in enumerate(ON_STREETS[:6]):
        model.add_stop(f"bin {k}", location, kg=80, m3=0.4, service_time=120)
    model.add_stop("cut off", CUT_OFF, kg=80, m3=0.4, service_time=120)
    result = solve(model, SolverParams(time_limit=1.0))
    assert [d.name for d in result.dropped] == ["cut off"]
    assert result.dropped[0].reason.startswith("roads: no street route")
    assert sum(len(r.stops) for r in result.routes) == 6
    assert all(v.leg_m < UNREACHABLE for r in result.routes for v in r.visits)
    assert result.stats["provider"].startswith("osrm:")
    check(model, result)


def test_a_bin_far_from_any_street_is_warned(helsinki_roads):
    """A stop kilometres from any street is listed in the result's far_from_street warnings."""
    model = Model(provider=OsrmProvider(helsinki_roads))
    depot = model.add_depot("center", DEPOT)
    model.add_vehicle("truck", depot, capacity_kg=3000, capacity_m3=12, shift=(7 * 3600, 15 * 3600))
    model.add_stop("near", ON_STREETS[1], kg=50, m3=0.2)
    model.add_stop("harbour", IN_THE_HARBOUR, kg=50, m3=0.2)
    result = solve(model, SolverParams(time_limit=0.5))
    warned = {w["name"]: w for w in result.stats["far_from_street"]}
    assert set(warned) == {"harbour"}
    assert warned["harbour"]["snap_m"] > 1000


def test_planner_km_on_roads_equal_osrm_legs_recomputed(helsinki_roads):
    """A plan's kilometres equal the sum of OSRM Route legs asked independently, leg by leg."""
    model = Model(provider=OsrmProvider(helsinki_roads))
    depot = model.add_depot("center", DEPOT)
    for name in ("truck A", "truck B"):
        model.add_vehicle(name, depot, capacity_kg=600, capacity_m3=3, shift=(7 * 3600, 15 * 3600))
    for k, location in enumerate(ON_STREETS):
        model.add_stop(f"bin {k}", location, kg=90, m3=0.4, service_time=90)
    result = solve(model, SolverParams(time_limit=2.0))
    assert result.feasible and not result.dropped
    check(model, result)  # every leg, time and total against Route, within rounding
    recomputed = 0.0
    for route in result.routes:
        vehicle = model.vehicles[route.vehicle]
        places = [vehicle.start_depot.location]
        places += [model.stops[v.index].location if v.kind == "stop" else depot.location for v in route.visits]
        places.append(vehicle.end_depot.location)
        recomputed += sum(leg(model, a, b)[0] for a, b in zip(places, places[1:], strict=False))
    assert result.distance_km * 1000 == pytest.approx(recomputed, abs=len(ON_STREETS) + 4)


def test_matrices_are_cached_per_set_of_locations(helsinki_roads):
    """Asking again for the same locations, or a subset of them, does not query OSRM again."""
    provider = OsrmProvider(helsinki_roads)
    first = provider.matrices([DEPOT, *ON_STREETS])
    again = provider.matrices([DEPOT, *ON_STREETS])
    subset = provider.matrices([ON_STREETS[3], DEPOT])
    assert provider.queries == 1
    assert np.array_equal(first.distance, again.distance)
    assert subset.distance[0, 1] == first.distance[4, 0] and subset.distance[1, 0] == first.distance[0, 4]
    provider.matrices([DEPOT, CUT_OFF])
    assert provider.queries == 2


def test_building_twice_gives_the_same_matrices(helsinki_roads, tmp_path):
    """A second build of the same extract, in place of the first, answers the same matrices."""
    points = [DEPOT, *ON_STREETS, CUT_OFF]
    before = OsrmProvider(helsinki_roads).matrices(points)
    target = tmp_path / "again"
    first = build_network(HELSINKI, target)
    second = build_network(HELSINKI, target)  # replaces the first atomically
    assert target.resolve() == second.folder.resolve() and not first.folder.exists()
    after = OsrmProvider(target).matrices(points)
    assert np.array_equal(before.distance, after.distance)
    assert np.array_equal(before.duration, after.duration)
    assert read_meta(target)["extract_sha256"] == second.extract_sha256


def test_leg_geometry_follows_the_streets(helsinki_roads):
    """A leg's geometry has many street vertices and its length matches the matrix distance."""
    provider = OsrmProvider(helsinki_roads)
    a, b = DEPOT, ON_STREETS[2]
    street = provider.leg(a, b)
    assert len(street.points) > 10
    length = sum(haversine_km(*p, *q) * 1000 for p, q in zip(street.points, street.points[1:], strict=False))
    assert length == pytest.approx(street.distance_m, rel=0.02)
    assert abs(street.distance_m - provider.matrices([a, b]).distance[0, 1]) <= 1
    assert provider.leg(DEPOT, CUT_OFF) is None


def test_matrix_cli_prints_null_for_unreachable_pairs(helsinki_roads):
    """`python -m routing matrix` prints distances, durations, snapped points, null where no route exists."""
    points = [f"{lat},{lon}" for lat, lon in (DEPOT, ON_STREETS[0], CUT_OFF)]
    proc = subprocess.run(
        [sys.executable, "-m", "routing", "matrix", "--roads", str(helsinki_roads), "--points", *points],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(proc.stdout)
    assert out["distance_m"][0][2] is None and out["duration_s"][2][0] is None
    assert out["distance_m"][0][1] > 0 and out["distance_m"][0][0] == 0
    assert len(out["snapped"]) == 3 and haversine_km(*out["snapped"][2], *CUT_OFF) > 0.3


@pytest.fixture
def osrm_routed(helsinki_roads):
    """osrm-routed serving the same network on a free local port."""
    import socket
    import time
    import urllib.request

    from routing.osrm import network_base

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = str(network_base(helsinki_roads))
    # `python -m osrm routed` runs the osrm-routed binary as its child: a session of its own,
    # so that stopping the group stops both (terminating the wrapper alone left the server).
    server = subprocess.Popen(
        [sys.executable, "-m", "osrm", "routed", "--algorithm", "mld", "-i", "127.0.0.1", "-p", str(port), base],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/nearest/v1/driving/24.94,60.17", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_osrm_routed_server_answers_the_same_matrices(helsinki_roads, osrm_routed):
    """Through an osrm-routed URL (asked in blocks of 100 x 100) the matrices equal the in-process ones."""
    points = random_points(230, seed=9)
    remote = OsrmProvider(osrm_routed)
    over_http, local = remote.matrices(points), OsrmProvider(helsinki_roads).matrices(points)
    assert np.array_equal(over_http.distance, local.distance)
    assert np.array_equal(over_http.unreachable, local.unreachable)
    assert np.array_equal(over_http.duration, local.duration)
    assert len(remote.leg(DEPOT, ON_STREETS[2]).points) > 10 and remote.leg(DEPOT, CUT_OFF) is None
