"""The operator's reads: today's expected arrivals (scoped to the operator's center) and the
stock over the last weeks."""

from __future__ import annotations

import pytest

from backend.network.models import Vehicle
from tests.backend.planning.conftest import DAY, dispatched_day, planned_day  # noqa: F401 (fixtures)

ON_DAY = f"date={DAY.isoformat()}"


def arrivals(world, who="operator", center="center_a", query=ON_DAY):
    return world.client.get(f"/api/v1/sorting-centers/{world.ids[center]}/arrivals?{query}", headers=world.headers(who))


def report(world, seq, **body):
    resp = world.client.post(
        f"/api/v1/routes/{world.ids['route']}/stops/{seq}/events", json=body, headers=world.headers("dispatcher")
    )
    assert resp.status_code == 200, resp.get_json()


def stop_of(world, booking_key):
    arrival = arrivals(world).get_json()[0]
    return next(b for b in arrival["bookings"] if b["booking_id"] == world.ids[booking_key])


def test_an_arrival_lists_the_routes_bookings_truck_and_estimated_kg(dispatched_day, session):  # noqa: F811
    """The dispatched route is expected with its truck's tare, its driver, both bookings and 24 kg of paper."""
    w = dispatched_day
    session.get(Vehicle, w.ids["vehicle"]).tare_kg = 3000.0
    session.commit()
    resp = arrivals(w)
    assert resp.status_code == 200, resp.get_json()
    [arrival] = resp.get_json()
    assert arrival["route_id"] == w.ids["route"]
    assert (arrival["plate"], arrival["tare_kg"], arrival["driver_id"]) == ("ZJ-A-1", 3000.0, w.ids["user_driver"])
    assert arrival["driver_name"] == "driver"
    assert {b["booking_id"] for b in arrival["bookings"]} == {w.ids["booking"], w.ids["booking2"]}
    assert arrival["progress"] == "planned" and arrival["intake_ids"] == []
    [paper] = arrival["categories"]
    assert paper["category"] == "paper.mixed"
    assert paper["expected_kg"] == paper["estimated_kg"] == 24.0 and paper["reported_kg"] is None
    assert not any(b["weighable"] for b in arrival["bookings"])


def test_the_crews_reports_replace_the_estimate_and_a_missed_stop_brings_nothing(dispatched_day):  # noqa: F811
    """A booking collected at 15 kg counts 15, a missed one 0; the collected one becomes weighable."""
    w = dispatched_day
    report(w, stop_of(w, "booking")["seq"], type="done", quantity_kg=15)
    report(w, stop_of(w, "booking2")["seq"], type="missed", reason="nobody home")
    [arrival] = arrivals(w).get_json()
    [paper] = arrival["categories"]
    assert (paper["expected_kg"], paper["reported_kg"], paper["estimated_kg"]) == (24.0, 15.0, 15.0)
    got = {b["booking_id"]: (b["stop_status"], b["status"], b["weighable"]) for b in arrival["bookings"]}
    assert got == {w.ids["booking"]: ("done", "collected", True), w.ids["booking2"]: ("missed", "missed", False)}
    assert arrival["progress"] == "completed"
    assert arrival["stops_done"] == 1 and arrival["stops_missed"] == 1


def test_an_intake_naming_the_route_marks_the_arrival_weighed(dispatched_day, session):  # noqa: F811
    """Weighing the route's truck with its booking links the intake to the arrival and settles the booking."""
    w = dispatched_day
    report(w, stop_of(w, "booking")["seq"], type="done", quantity_kg=15)
    body = {
        "vehicle_id": w.ids["vehicle"],
        "route_id": w.ids["route"],
        "lines": [{"category": "paper.mixed", "gross_kg": 40, "tare_kg": 0}],
        "booking_weights": [{"booking_id": w.ids["booking"], "category": "paper.mixed", "quantity": 14}],
    }
    resp = w.client.post(
        f"/api/v1/sorting-centers/{w.ids['center_a']}/intakes", json=body, headers=w.headers("operator")
    )
    assert resp.status_code == 201, resp.get_json()
    [arrival] = arrivals(w).get_json()
    assert arrival["progress"] == "weighed" and arrival["intake_ids"] == [resp.get_json()["id"]]
    assert stop_of(w, "booking")["status"] == "settled" and not stop_of(w, "booking")["weighable"]
    history = w.client.get(
        f"/api/v1/sorting-centers/{w.ids['center_a']}/stock/history?weeks=3", headers=w.headers("operator")
    ).get_json()
    assert len(history["weeks"]) == 3
    [paper] = history["categories"]
    assert paper["category"] == "paper.mixed" and paper["kg"] == [0.0, 0.0, 40.0]


def test_an_operator_sees_only_their_own_centers_arrivals(dispatched_day):  # noqa: F811
    """Center B's arrivals are 404 to center A's operator and never in A's list; staff see both."""
    w = dispatched_day
    assert arrivals(w, "operator", "center_b").status_code == 404
    assert arrivals(w, "operator_b", "center_a").status_code == 404
    assert [a["route_id"] for a in arrivals(w, "operator").get_json()] == [w.ids["route"]]
    assert [a["route_id"] for a in arrivals(w, "operator_b", "center_b").get_json()] == [w.ids["route_b"]]
    assert [a["route_id"] for a in arrivals(w, "dispatcher", "center_b").get_json()] == [w.ids["route_b"]]
    for who in ("resident", "driver"):
        assert arrivals(w, who).status_code == 403


def test_a_solved_plan_not_yet_dispatched_is_no_arrival(planned_day):  # noqa: F811
    """Until the dispatcher sends the route out, nothing is expected at the center."""
    assert arrivals(planned_day).get_json() == []


@pytest.mark.parametrize(
    "query",
    ["date=2026-13-01", "date=tomorrow", "date=1999-01-01", "date=2026-02-30", "date="],
)
def test_bad_arrival_queries_are_422(world, query):
    """A malformed or out-of-range day is a 422 naming the field, never a 500."""
    resp = arrivals(world, query=query)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["errors"]["query"]


@pytest.mark.parametrize("query", ["weeks=0", "weeks=53", "weeks=two", "weeks=2.5"])
def test_bad_stock_history_queries_are_422(world, query):
    """The number of weeks is a whole number from 1 to 52."""
    resp = world.client.get(
        f"/api/v1/sorting-centers/{world.ids['center_a']}/stock/history?{query}", headers=world.headers("operator")
    )
    assert resp.status_code == 422, resp.get_json()


def test_an_unknown_or_non_center_site_has_no_arrivals(world):
    """A missing site or a collection point is 404 to dispatchers, as to operators of another center."""
    for site in (999_999, world.ids["point"]):
        resp = world.client.get(f"/api/v1/sorting-centers/{site}/arrivals", headers=world.headers("dispatcher"))
        assert resp.status_code == 404, resp.get_json()
