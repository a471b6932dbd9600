"""End to end: the demo city, simulated readings, residents' bookings -> a plan solved in
the background -> GeoJSON that validates -> dispatch to a driver -> the driver's routes and
stop events -> bookings collected and bins reset -> a re-plan with a moved and a dropped stop."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

import geojson
import pytest

from backend.bookings.models import Booking
from backend.demo.seed import DEMO_PASSWORD, seed_demo_city
from backend.network.models import Bin, Site
from backend.telemetry.models import BinState
from iot.simulator import Simulator
from tests.support.clock import city_today

TZ = ZoneInfo("Asia/Shanghai")
TOMORROW = city_today() + timedelta(days=1)


def token(client, username):
    return client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}).get_json()[
        "access_token"
    ]


def wait_done(client, plan_id, headers, timeout=120):
    deadline = time.monotonic() + timeout
    seen = set()
    while time.monotonic() < deadline:
        plan = client.get(f"/api/v1/plans/{plan_id}", headers=headers).get_json()
        seen.add(plan["status"])
        if plan["status"] in ("done", "failed"):
            return plan, seen
        time.sleep(0.3)
    raise AssertionError(f"plan {plan_id} still {plan['status']}")


@pytest.fixture
def demo_city(app, session, job_worker):
    """The demo city, its plans solved by a real worker process off a real queue."""
    app.config["PLAN_TIME_LIMIT_S"] = 2
    seed_demo_city(session, seed=3, n_bins=48)
    sim = Simulator.from_registry(session, "mqtt://unused", interval=1800, speedup=1, seed=3, backfill_hours=96)
    assert sim.backfill() > 0
    return app.test_client()


def test_booking_to_plan_to_collection(demo_city, session):
    c = demo_city
    disp = {"Authorization": f"Bearer {token(c, 'dispatcher')}"}
    driver = {"Authorization": f"Bearer {token(c, 'driver')}"}
    booked = []
    for k in range(1, 7):
        h = {"Authorization": f"Bearer {token(c, f'resident{k}')}"}
        start = datetime.combine(TOMORROW, dtime(8 + 2 * (k % 2)), TZ).isoformat()
        r = c.post(
            "/api/v1/bookings",
            json={"items": [{"category": "paper.cardboard", "quantity": 15 + k}], "window_start": start},
            headers=h,
        )
        assert r.status_code == 201, r.get_json()
        booked.append(r.get_json())
    center_id = Counter(b["center_id"] for b in booked).most_common(1)[0][0]
    mine = {b["id"] for b in booked if b["center_id"] == center_id}

    created = c.post("/api/v1/plans", json={"center_id": center_id, "date": TOMORROW.isoformat()}, headers=disp)
    assert created.status_code == 202
    plan_id = created.get_json()["id"]
    # The API answers while the solver works.
    assert c.get("/api/v1/categories", headers=disp).status_code == 200
    plan, seen = wait_done(c, plan_id, disp)
    assert plan["status"] == "done", plan["error"]
    assert seen & {"queued", "solving"}
    s = plan["summary"]
    assert s["plan"]["feasible"] and s["baseline"]["distance_km"] > 0 and "km" in s["saving"]
    assert plan["routes"] and all(r["distance_km"] > 0 for r in plan["routes"])
    stops = [st for r in plan["routes"] for st in r["stops"]]
    assert {st["booking_id"] for st in stops if st["kind"] == "booking"} == mine
    assert all(st["bin_id"] for st in stops if st["kind"] == "bin")
    for bid in mine:
        assert c.get(f"/api/v1/bookings/{bid}", headers=disp).get_json()["status"] == "scheduled"

    gj = c.get(f"/api/v1/plans/{plan_id}/geojson", headers=disp).get_json()
    parsed = geojson.loads(json.dumps(gj))
    assert parsed.is_valid, parsed.errors()
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == len(plan["routes"])
    center = session.get(Site, center_id)
    for line in lines:
        assert line["geometry"]["coordinates"][0] == line["geometry"]["coordinates"][-1] == [center.lon, center.lat]
    points = [f for f in gj["features"] if f["properties"]["kind"] in ("bin", "booking", "unload")]
    assert len(points) == len(stops)

    event = f"/api/v1/routes/{plan['routes'][0]['id']}/stops/1/events"
    assert c.post(event, json={"type": "arrived"}, headers=disp).status_code == 409  # not dispatched yet
    assert c.post(event, json={"type": "arrived"}, headers=driver).status_code == 404  # nor the driver's yet
    driver_id = c.get("/api/v1/me", headers=driver).get_json()["id"]
    assignments = {str(r["id"]): driver_id for r in plan["routes"]}
    dispatched = c.post(f"/api/v1/plans/{plan_id}/dispatch", json={"drivers": assignments}, headers=disp)
    assert dispatched.get_json()["status"] == "dispatched"
    assert {r["driver_id"] for r in dispatched.get_json()["routes"]} == {driver_id}
    sheets = c.get(f"/api/v1/routes?date={TOMORROW.isoformat()}", headers=driver).get_json()
    assert [r["id"] for r in sheets] == [r["id"] for r in plan["routes"]]
    assert {st["booking_id"] for r in sheets for st in r["stops"] if st["kind"] == "booking"} == mine
    for bid in mine:
        assert c.get(f"/api/v1/bookings/{bid}", headers=disp).get_json()["status"] == "en_route"

    for route in plan["routes"]:
        for st in route["stops"]:
            if st["kind"] == "unload":
                continue
            url = f"/api/v1/routes/{route['id']}/stops/{st['seq']}/events"
            assert c.post(url, json={"type": "arrived"}, headers=driver).status_code == 200
            r = c.post(url, json={"type": "done", "quantity_kg": 11.5}, headers=driver)
            assert r.status_code == 200 and r.get_json()["status"] == "done"
    assert c.post(url, json={"type": "done"}, headers=driver).status_code == 409  # twice is refused
    session.expire_all()
    for bid in mine:
        b = session.get(Booking, bid)
        assert b.status == "collected" and b.collected_kg == 11.5
        assert [e.to_status for e in b.events] == ["requested", "scheduled", "en_route", "collected"]
    for st in stops:
        if st["kind"] == "bin":
            state = session.get(BinState, st["bin_id"])
            assert state.fill_pct == 0 and state.last_emptied_at is not None


def test_replan_pins_a_moved_stop_and_leaves_out_a_dropped_one(demo_city, session):
    c = demo_city
    disp = {"Authorization": f"Bearer {token(c, 'dispatcher')}"}
    from sqlalchemy import func, select

    from backend.network.models import Vehicle

    center_id = session.execute(
        select(Site.sorting_center_id, func.count())
        .join(Bin, Bin.site_id == Site.id)
        .group_by(Site.sorting_center_id)
        .order_by(func.count().desc())
    ).first()[0]
    for v in session.scalars(select(Vehicle).where(Vehicle.home_center_id == center_id)):
        v.capacity_m3 = 1.5  # small trucks: the day needs several routes
    session.commit()
    pid = c.post(
        "/api/v1/plans",
        json={"center_id": center_id, "date": TOMORROW.isoformat(), "options": {"time_limit": 2}},
        headers=disp,
    ).get_json()["id"]
    plan, _ = wait_done(c, pid, disp)
    assert plan["status"] == "done" and len(plan["routes"]) >= 2, plan["summary"]
    r1, r2 = plan["routes"][0], plan["routes"][1]
    moving = next(st for st in r1["stops"] if st["kind"] != "unload")
    dropping = next(st for st in r2["stops"] if st["kind"] != "unload")
    key = lambda st: ("bin", st["bin_id"]) if st["kind"] == "bin" else ("booking", st["booking_id"])  # noqa: E731
    resp = c.post(
        f"/api/v1/plans/{plan['id']}/replan",
        json={"moves": [{"stop_id": moving["id"], "route_id": r2["id"]}], "drops": [dropping["id"]]},
        headers=disp,
    )
    assert resp.status_code == 202
    new, _ = wait_done(c, resp.get_json()["id"], disp)
    assert new["status"] == "done" and new["parent_id"] == plan["id"]
    where = {key(st): r["vehicle_id"] for r in new["routes"] for st in r["stops"] if st["kind"] != "unload"}
    assert where[key(moving)] == r2["vehicle_id"]
    assert key(dropping) not in where
    assert c.get(f"/api/v1/plans/{plan['id']}", headers=disp).get_json()["status"] == "superseded"
    bad = c.post(
        f"/api/v1/plans/{new['id']}/replan", json={"moves": [{"stop_id": 10**6, "route_id": r2["id"]}]}, headers=disp
    )
    assert bad.status_code == 422


def test_operators_see_only_their_own_centers_plans(demo_city, session):
    """Plans carry residents' pickup locations: another center's plan is 404 to an operator."""
    c = demo_city
    disp = {"Authorization": f"Bearer {token(c, 'dispatcher')}"}
    op = {"Authorization": f"Bearer {token(c, 'operator1')}"}
    from backend.accounts.models import User

    own = session.query(User).filter_by(username="operator1").one().sorting_center_id
    other = next(s.id for s in session.query(Site).filter(Site.tier == "sorting_center") if s.id != own)
    ids = {}
    for center in (own, other):
        ids[center] = c.post(
            "/api/v1/plans",
            json={"center_id": center, "date": TOMORROW.isoformat(), "options": {"time_limit": 1}},
            headers=disp,
        ).get_json()["id"]
    for center, pid in ids.items():
        wait_done(c, pid, disp)
        expected = 200 if center == own else 404
        assert c.get(f"/api/v1/plans/{pid}", headers=op).status_code == expected
        assert c.get(f"/api/v1/plans/{pid}/geojson", headers=op).status_code == expected
    assert {p["center_id"] for p in c.get("/api/v1/plans", headers=op).get_json()} == {own}
