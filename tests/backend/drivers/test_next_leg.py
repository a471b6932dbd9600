"""The phone's map of the next leg: along the streets on a loaded road network (Helsinki),
straight without one, and only on a route the user may see (another driver's is 404)."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.demo.seed import DEMO_PASSWORD, seed_demo_city
from backend.network.models import Site
from backend.planning.jobs import run_plan, settings_for_jobs
from backend.planning.services import dispatch
from routing import SolverParams
from tests.backend.drivers.conftest import report, stops_of
from tests.backend.roads.conftest import helsinki_network  # noqa: F401 (fixture)
from tests.support.clock import city_today

QUICK = SolverParams(time_limit=10, max_solutions=1, warm_start="none")


def _headers(client, who: str) -> dict:
    token = client.post("/api/v1/auth/token", json={"username": who, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {token.get_json()['access_token']}"}


def _metres(a, b) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    return math.hypot((a[0] - b[0]) * 111_320, (a[1] - b[1]) * 111_320 * math.cos(lat))


@pytest.fixture
def helsinki_route(app, session, client, helsinki_network):  # noqa: F811 (the fixture imported above)
    """The Helsinki demo city planned on its streets and dispatched: the demo `driver`'s route."""
    app.config["ROAD_NETWORK"] = helsinki_network
    seed_demo_city(session, seed=3, n_bins=40, city="helsinki")
    center = session.scalar(select(Site).where(Site.tier == "sorting_center"))
    day = city_today() + timedelta(days=1)
    plan = dispatch.create_plan(session, center.id, day, {"time_limit": 5}, None)
    assert run_plan(settings_for_jobs(app.config), plan.id, params=QUICK) == "done"
    session.expire_all()  # the job solved it in its own session
    resp = client.post(f"/api/v1/plans/{plan.id}/dispatch", headers=_headers(client, "dispatcher"))
    assert resp.status_code == 200, resp.get_json()
    routes = client.get(f"/api/v1/drivers/routes?date={day}", headers=_headers(client, "driver")).get_json()
    assert routes, "the demo driver drives one of the plan's trucks"
    return routes[0], center


def test_the_next_leg_follows_the_streets_of_helsinki(client, helsinki_route):
    """From the center to the first stop: many street vertices, ends near both places, a street distance
    at least the straight one; from the phone's position the leg starts there."""
    route, center = helsinki_route
    headers = _headers(client, "driver")
    leg = client.get(f"/api/v1/drivers/routes/{route['id']}/next-leg", headers=headers).get_json()
    first = route["stops"][0]
    assert leg["stop_id"] == first["id"] and leg["origin"] == "center" and leg["geometry"] == "streets"
    points = leg["points"]
    assert len(points) > 3, "a straight line has two vertices; streets have more"
    assert _metres(points[0], (center.lat, center.lon)) < 200
    assert _metres(points[-1], (first["lat"], first["lon"])) < 200
    straight = _metres((center.lat, center.lon), (first["lat"], first["lon"]))
    assert leg["distance_m"] >= straight * 0.9
    here = tuple(points[len(points) // 2])  # halfway, on the street
    moved = client.get(
        f"/api/v1/drivers/routes/{route['id']}/next-leg?lat={here[0]}&lon={here[1]}", headers=headers
    ).get_json()
    assert moved["origin"] == "position" and moved["geometry"] == "streets"
    assert _metres(moved["points"][0], here) < 200 and moved["distance_m"] < leg["distance_m"]


def test_without_a_road_network_the_leg_is_straight_from_the_last_stop(app, dispatched_day):
    """No ROAD_NETWORK: two vertices, from the stop just finished to the next open one."""
    app.config["ROAD_NETWORK"] = ""
    w = dispatched_day
    stops = [s for s in stops_of(w, "route") if s["kind"] != "unload"]
    assert report(w, "driver", stops[0]["id"], "missed", reason="blocked").status_code == 201
    leg = w.client.get(f"/api/v1/drivers/routes/{w.ids['route']}/next-leg", headers=w.headers("driver")).get_json()
    assert leg["geometry"] == "straight" and leg["origin"] == "last_stop"
    assert leg["stop_id"] == stops[1]["id"]
    assert leg["points"] == [[stops[0]["lat"], stops[0]["lon"]], [stops[1]["lat"], stops[1]["lon"]]]


def test_another_drivers_leg_is_404(dispatched_day):
    """`driver2` asking for `driver`'s next leg gets 404, as does a resident; the dispatcher sees it."""
    w = dispatched_day
    url = f"/api/v1/drivers/routes/{w.ids['route']}/next-leg"
    assert w.client.get(url, headers=w.headers("driver2")).status_code == 404
    assert w.client.get(url, headers=w.headers("dispatcher")).status_code == 200
    assert w.client.get(url + "?lat=30.1", headers=w.headers("driver")).status_code == 422


def test_a_route_with_no_open_stop_has_no_leg(dispatched_day):
    """Every stop finished: no stop, no points (the page hides its map)."""
    w = dispatched_day
    for s in stops_of(w, "route"):
        assert report(w, "dispatcher", s["id"], "missed", reason="other").status_code == 201
    leg = w.client.get(f"/api/v1/drivers/routes/{w.ids['route']}/next-leg", headers=w.headers("driver")).get_json()
    assert leg["stop_id"] is None and leg["points"] == []
