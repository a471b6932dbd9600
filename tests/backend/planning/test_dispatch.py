"""Dispatch gives each route its driver: the one the dispatcher names, else whoever drove the
same truck in the plan being re-planned, else the truck's default driver."""

from __future__ import annotations

import pytest

from backend.accounts import services as accounts
from backend.planning.services import dispatch
from tests.backend.planning.conftest import book, solve


def _dispatch(w, plan="plan", **kwargs):
    return w.client.post(f"/api/v1/plans/{w.ids[plan]}/dispatch", headers=w.headers("dispatcher"), **kwargs)


def _drivers(resp) -> dict:
    return {r["id"]: r["driver_id"] for r in resp.get_json()["routes"]}


def test_dispatch_without_a_body_gives_each_route_its_trucks_default_driver(planned_day):
    """No body (as the console sends it: JSON content type, nothing in it): the default driver drives."""
    w = planned_day
    resp = _dispatch(w, data="", content_type="application/json")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "dispatched"
    assert _drivers(resp) == {w.ids["route"]: w.ids["user_driver"]}


def test_dispatch_gives_a_named_route_the_named_driver(planned_day):
    """A route named in `drivers` goes to that driver, not to the truck's default one."""
    w = planned_day
    resp = _dispatch(w, json={"drivers": {str(w.ids["route"]): w.ids["user_driver2"]}})
    assert resp.status_code == 200, resp.get_json()
    assert _drivers(resp) == {w.ids["route"]: w.ids["user_driver2"]}
    sheet = w.client.get(f"/api/v1/routes/{w.ids['route']}", headers=w.headers("driver2"))
    assert sheet.status_code == 200 and sheet.get_json()["driver_id"] == w.ids["user_driver2"]
    assert w.client.get(f"/api/v1/routes/{w.ids['route']}", headers=w.headers("driver")).status_code == 404


BAD_ASSIGNMENTS = [
    ("a dispatcher", lambda w: {str(w.ids["route"]): w.ids["user_dispatcher"]}, "not an active driver"),
    ("a resident", lambda w: {str(w.ids["route"]): w.ids["user_resident"]}, "not an active driver"),
    ("an unknown user", lambda w: {str(w.ids["route"]): 999_999}, "no user with id 999999"),
    ("another plan's route", lambda w: {str(w.ids["route_b"]): w.ids["user_driver"]}, "not a route of this plan"),
    ("a route id that is not a number", lambda w: {"first": w.ids["user_driver"]}, None),
    ("a user id beyond any id column", lambda w: {str(w.ids["route"]): 2**31}, None),
    ("a user id that is not a number", lambda w: {str(w.ids["route"]): "driver"}, None),
    ("more routes than allowed", lambda w: {str(n): w.ids["user_driver"] for n in range(1, 502)}, "at most 500"),
]


@pytest.mark.parametrize("label,drivers,message", BAD_ASSIGNMENTS, ids=[b[0] for b in BAD_ASSIGNMENTS])
def test_dispatch_refuses_an_assignment_it_cannot_make(planned_day, label, drivers, message):
    """A 422 naming the `drivers` entry, and the plan stays solved, not dispatched."""
    w = planned_day
    resp = _dispatch(w, json={"drivers": drivers(w)})
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]["json"]["drivers"]
    if message:
        assert message in str(errors)
    plan = w.client.get(f"/api/v1/plans/{w.ids['plan']}", headers=w.headers("dispatcher")).get_json()
    assert plan["status"] == "done" and _drivers_of(plan) == {w.ids["route"]: None}


def test_dispatch_refuses_an_inactive_driver(planned_day, session):
    """A driver whose account is deactivated cannot be named (422)."""
    w = planned_day
    accounts.deactivate_user(session, accounts.get_user(session, w.ids["user_driver2"]), None)
    resp = _dispatch(w, json={"drivers": {str(w.ids["route"]): w.ids["user_driver2"]}})
    assert resp.status_code == 422
    assert "not an active driver" in str(resp.get_json()["errors"]["json"]["drivers"])


def test_dispatch_refuses_an_unknown_field(planned_day):
    """The body is strict: a misspelt key is a 422, not silently the default drivers."""
    w = planned_day
    resp = _dispatch(w, json={"driver": {str(w.ids["route"]): w.ids["user_driver2"]}})
    assert resp.status_code == 422 and "driver" in resp.get_json()["errors"]["json"]


def test_a_default_driver_no_longer_active_leaves_the_route_without_a_driver(planned_day, session):
    """The truck's default driver was deactivated: the route is dispatched with no driver, and
    only dispatchers and admins can report at its stops."""
    w = planned_day
    accounts.deactivate_user(session, accounts.get_user(session, w.ids["user_driver"]), None)
    resp = _dispatch(w)
    assert resp.status_code == 200 and _drivers(resp) == {w.ids["route"]: None}
    url = f"/api/v1/routes/{w.ids['route']}/stops/{w.ids['stop1']}/events"
    assert w.client.post(url, json={"type": "arrived"}, headers=w.headers("driver2")).status_code == 404
    assert w.client.post(url, json={"type": "arrived"}, headers=w.headers("dispatcher")).status_code == 200


def test_a_replan_keeps_the_drivers_of_the_plan_it_replaces(app, session, planned_day):
    """A dispatched plan re-planned for a late booking: its truck keeps the driver the dispatcher
    named, not the truck's default driver, and the old route is no longer theirs to report on."""
    w = planned_day
    assert _dispatch(w, json={"drivers": {str(w.ids["route"]): w.ids["user_driver2"]}}).status_code == 200
    book(app, session, w, "resident2", 15)
    parent = dispatch.get_plan(session, w.ids["plan"])
    child = dispatch.replan(session, parent, accounts.get_user(session, w.ids["user_dispatcher"]), [], [])
    child = solve(app, session, child.id)
    resp = w.client.post(f"/api/v1/plans/{child.id}/dispatch", headers=w.headers("dispatcher"))
    assert resp.status_code == 200, resp.get_json()
    assert set(_drivers(resp).values()) == {w.ids["user_driver2"]}
    old = f"/api/v1/routes/{w.ids['route']}/stops/{w.ids['stop1']}/events"
    assert w.client.post(old, json={"type": "arrived"}, headers=w.headers("driver2")).status_code == 409


def _drivers_of(plan: dict) -> dict:
    return {r["id"]: r["driver_id"] for r in plan["routes"]}
