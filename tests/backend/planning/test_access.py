"""Object-level access to plans and routes, for every role: a driver reads and reports only on
their own route, an operator only on their own center's plans and routes, a resident on none.
A role that never may is refused by role (403); a right role on someone else's object gets
404, so ids cannot be probed."""

from __future__ import annotations

import pytest

from tests.backend.planning.conftest import DAY

EVERYONE = ("resident", "driver", "driver2", "operator", "operator_b", "dispatcher", "admin")


def _expect(**statuses) -> dict:
    """Who gets what; anyone not named is refused by role (403)."""
    return {who: statuses.get(who, 403) for who in EVERYONE}


def _event_by(who: str) -> dict:
    """A stop event by ``who``, refused to everyone but the planners and the route's driver.
    (The other allowed users are left out: their own event would find the stop already past.)"""
    allowed = {"driver", "dispatcher", "admin"}
    return {u: s for u, s in _expect(driver2=404, **{who: 200}).items() if u == who or u not in allowed}


# method, path (formatted with the world's ids), body, expected status per user; each row runs
# on a freshly dispatched day, refusals first.
OBJECT_MATRIX = [
    ("GET", "/api/v1/plans/{plan}", None, _expect(operator=200, operator_b=404, dispatcher=200, admin=200)),
    ("GET", "/api/v1/plans/{plan}/geojson", None, _expect(operator=200, operator_b=404, dispatcher=200, admin=200)),
    (
        "GET",
        "/api/v1/routes/{route}",
        None,
        _expect(driver=200, driver2=404, operator=200, operator_b=404, dispatcher=200, admin=200),
    ),
    (
        "GET",
        "/api/v1/routes/{route_b}",
        None,
        _expect(driver=404, driver2=200, operator=404, operator_b=200, dispatcher=200, admin=200),
    ),
] + [
    ("POST", "/api/v1/routes/{route}/stops/{stop1}/events", {"type": "arrived"}, _event_by(who))
    for who in ("driver", "dispatcher", "admin")
]


@pytest.mark.parametrize(
    "method,path,body,expected",
    OBJECT_MATRIX,
    ids=[f"{m} {p} ok for {'+'.join(u for u, s in e.items() if s < 300)}" for m, p, _, e in OBJECT_MATRIX],
)
def test_object_level_matrix(dispatched_day, method, path, body, expected):
    """Each user gets exactly the status the row says: 403 by role, 404 for another's object, 2xx for their own."""
    w = dispatched_day
    url = path.format(**w.ids)
    assert w.client.open(url, method=method, json=body).status_code == 401
    for who in sorted(expected, key=lambda u: expected[u] < 400):
        resp = w.client.open(url, method=method, json=body, headers=w.headers(who))
        assert resp.status_code == expected[who], (who, resp.status_code, resp.get_json())


def test_plan_lists_hold_only_the_plans_each_user_may_read(dispatched_day):
    """Dispatchers and admins list both centers' plans, an operator only their center's, even
    when asking for the other center by name; drivers and residents are refused the list."""
    w = dispatched_day
    a, b = w.ids["plan"], w.ids["plan_b"]
    for who, query, expected in (
        ("dispatcher", "", [b, a]),
        ("admin", "", [b, a]),
        ("dispatcher", f"?center_id={w.ids['center_a']}", [a]),
        ("operator", "", [a]),
        ("operator_b", "", [b]),
        ("operator_b", f"?center_id={w.ids['center_a']}", []),
    ):
        resp = w.client.get(f"/api/v1/plans{query}", headers=w.headers(who))
        assert [p["id"] for p in resp.get_json()] == expected, (who, query)
    for who in ("driver", "driver2", "resident"):
        assert w.client.get("/api/v1/plans", headers=w.headers(who)).status_code == 403


def test_route_lists_hold_only_the_routes_each_user_may_read(dispatched_day):
    """The day's routes: a driver sees their own, an operator their center's (even asking for
    the other center by name), dispatchers and admins all, by center; residents are refused."""
    w = dispatched_day
    a, b, day = w.ids["route"], w.ids["route_b"], DAY.isoformat()
    for who, query, expected in (
        ("driver", "", [a]),
        ("driver2", "", [b]),
        ("driver2", f"&center_id={w.ids['center_a']}", []),
        ("operator", "", [a]),
        ("operator_b", "", [b]),
        ("operator_b", f"&center_id={w.ids['center_a']}", []),
        ("dispatcher", "", [a, b]),
        ("admin", "", [a, b]),
        ("dispatcher", f"&center_id={w.ids['center_b']}", [b]),
    ):
        resp = w.client.get(f"/api/v1/routes?date={day}{query}", headers=w.headers(who))
        assert resp.status_code == 200
        assert [r["id"] for r in resp.get_json()] == expected, (who, query)
    assert w.client.get(f"/api/v1/routes?date={day}", headers=w.headers("resident")).status_code == 403


def test_a_refused_stop_event_changes_nothing(dispatched_day):
    """Another driver's event on the route is 404 and leaves the stop, and its booking, as they were."""
    w = dispatched_day
    seq = next(st["seq"] for st in _sheet(w, "dispatcher")["stops"] if st["kind"] == "booking")
    url = f"/api/v1/routes/{w.ids['route']}/stops/{seq}/events"
    resp = w.client.post(url, json={"type": "missed", "reason": "not home"}, headers=w.headers("driver2"))
    assert resp.status_code == 404
    stop = next(st for st in _sheet(w, "dispatcher")["stops"] if st["seq"] == seq)
    assert stop["status"] == "planned" and stop["reason"] == ""
    booking = w.client.get(f"/api/v1/bookings/{w.ids['booking']}", headers=w.headers("dispatcher")).get_json()
    assert booking["status"] == "en_route"


def test_a_route_is_no_drivers_before_dispatch(planned_day):
    """Before dispatch a route has no driver (not even the truck's default one): it is 404 to
    every driver, and a dispatcher's event is 409."""
    w = planned_day
    url = f"/api/v1/routes/{w.ids['route']}"
    for who in ("driver", "driver2"):
        assert w.client.get(url, headers=w.headers(who)).status_code == 404
        assert (
            w.client.post(f"{url}/stops/1/events", json={"type": "arrived"}, headers=w.headers(who)).status_code == 404
        )
    assert w.client.get(url, headers=w.headers("dispatcher")).status_code == 200
    event = w.client.post(f"{url}/stops/1/events", json={"type": "arrived"}, headers=w.headers("dispatcher"))
    assert event.status_code == 409


def _sheet(w, who) -> dict:
    return w.client.get(f"/api/v1/routes/{w.ids['route']}", headers=w.headers(who)).get_json()
