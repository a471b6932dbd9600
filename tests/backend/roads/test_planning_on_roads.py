"""The platform's plan job on the Helsinki demo city with its road network loaded: plans,
baselines, GeoJSON and route sheets on real streets, each naming its provider."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import geojson
import osrm
import pytest
from sqlalchemy import select

from backend.demo.seed import DEMO_PASSWORD, seed_demo_city
from backend.network.models import Site
from backend.planning.jobs import run_plan, settings_for_jobs
from backend.planning.services import dispatch
from routing import SolverParams
from routing.osrm import network_base
from tests.support.clock import city_today

QUICK = SolverParams(time_limit=10, max_solutions=1, warm_start="none")


def _route_distance_m(engine, places) -> float:
    """The sum of OSRM Route legs through ``places`` (lat, lon), asked directly."""
    total = 0.0
    for a, b in zip(places, places[1:], strict=False):
        answer = engine.Route(osrm.RouteParameters(coordinates=[(a[1], a[0]), (b[1], b[0])]))
        total += float(answer["routes"][0]["distance"])
    return total


@pytest.fixture
def helsinki_plan(app, session, helsinki_network):
    """A solved plan (with its baseline) of the Helsinki demo city on its streets."""
    app.config["ROAD_NETWORK"] = helsinki_network
    seed_demo_city(session, seed=3, n_bins=40, city="helsinki")
    center = session.scalar(select(Site).where(Site.tier == "sorting_center"))
    day = city_today() + timedelta(days=1)
    while day.weekday() != 0:  # a Monday: most of the fixed round is due
        day += timedelta(days=1)
    plan = dispatch.create_plan(session, center.id, day, {"time_limit": 5}, None)
    assert run_plan(settings_for_jobs(app.config), plan.id, params=QUICK) == "done"
    session.expire_all()
    return dispatch.get_plan(session, plan.id)


def test_plan_and_baseline_are_measured_on_streets(session, helsinki_plan, helsinki_network):
    """The plan and its baseline name the OSRM provider, and each route's km equal OSRM's legs recomputed."""
    plan = helsinki_plan
    summary = plan.summary
    assert summary["provider"].startswith("osrm:") and summary["plan"]["provider"] == summary["provider"]
    assert summary["baseline"]["provider"] == summary["provider"]
    assert summary["far_from_street"] == [] and not summary["dropped"]
    engine = osrm.OSRM(algorithm="MLD", storage_config=str(network_base(helsinki_network)), use_shared_memory=False)
    center = session.get(Site, plan.center_id)
    home = (center.lat, center.lon)
    assert plan.routes
    for route in plan.routes:
        places = [home] + [(s.lat, s.lon) for s in route.stops] + [home]
        recomputed = _route_distance_m(engine, places)
        assert route.distance_km * 1000 == pytest.approx(recomputed, abs=len(places))


def test_geojson_draws_legs_along_the_streets(app, client, helsinki_plan, helsinki_network):
    """Route lines have street vertices (many more than stops, each on the network); stops stay Points."""
    token = client.post("/api/v1/auth/token", json={"username": "dispatcher", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    gj = client.get(f"/api/v1/plans/{helsinki_plan.id}/geojson", headers=headers).get_json()
    assert geojson.loads(json.dumps(gj)).is_valid
    assert gj["properties"]["distance_provider"].startswith("osrm:")
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    stops = [f for f in gj["features"] if f["properties"]["kind"] in ("bin", "booking", "unload")]
    assert lines and all(f["geometry"]["type"] == "Point" for f in stops)
    engine = osrm.OSRM(algorithm="MLD", storage_config=str(network_base(helsinki_network)), use_shared_memory=False)
    for line in lines:
        assert line["properties"]["geometry"] == "streets"
        vertices = line["geometry"]["coordinates"]
        n_stops = line["properties"]["stops"]
        assert len(vertices) > 5 * (n_stops + 2)
        for lon, lat in vertices[:: max(1, len(vertices) // 25)]:
            nearest = engine.Nearest(osrm.NearestParameters(coordinates=[(lon, lat)]))
            assert nearest["waypoints"][0]["distance"] < 3.0, (lat, lon)
        length_m = sum(_haversine_m(a, b) for a, b in zip(vertices, vertices[1:], strict=False))
        assert length_m == pytest.approx(line["properties"]["distance_km"] * 1000, rel=0.05)
    assert client.post(f"/api/v1/plans/{helsinki_plan.id}/dispatch", headers=headers).status_code == 200
    sheets = client.get(f"/api/v1/routes?date={helsinki_plan.day.isoformat()}", headers=headers).get_json()
    assert sheets and all(s["distance_provider"].startswith("osrm:") for s in sheets)


def _haversine_m(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))
