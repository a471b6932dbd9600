"""The learned service times reach the planner (both databases): once enough pickups were
reported arrived and collected at a center, the next plan gives pickups their median service
time instead of the assumed 300 s, and says so in its summary; too few samples, or the
setting off, keep the assumption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.drivers.services.live import service_time_samples
from backend.planning.services.service_times import BOOKING_SERVICE_S
from tests.backend.drivers.conftest import report, stops_of
from tests.backend.planning.conftest import DAY, book, solved_plan


def _report_pickups(w, seconds: int) -> int:
    """Every pickup of `driver`'s route reported arrived, then collected ``seconds`` later."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    n = 0
    for stop in stops_of(w, "route"):
        if stop["kind"] != "booking":
            continue
        at = start + timedelta(minutes=10 * n)
        assert report(w, "driver", stop["id"], "arrived", at=at).status_code == 201
        assert (
            report(w, "driver", stop["id"], "collected", at=at + timedelta(seconds=seconds), quantity_kg=10).status_code
            == 201
        )
        n += 1
    return n


def _next_day_plan(app, session, w):
    book(app, session, w, "resident", 8, day=DAY + timedelta(days=1))
    return solved_plan(app, session, w, "center_a", day=DAY + timedelta(days=1))


def _pickup_service_s(plan) -> set[float]:
    return {(s.departure_at - s.start_at).total_seconds() for r in plan.routes for s in r.stops if s.kind == "booking"}


def test_the_drivers_measure_each_stop_kinds_median_and_count(app, session, dispatched_day):
    """Two pickups reported 90 s apart: the median is 90 s over 2 stops; the endpoint says so."""
    w = dispatched_day
    assert _report_pickups(w, 90) == 2
    assert service_time_samples(session, w.ids["center_a"], DAY - timedelta(days=1)) == {"booking": (90.0, 2)}
    resp = w.client.get(
        f"/api/v1/drivers/service-times?center_id={w.ids['center_a']}&since={DAY - timedelta(days=1)}",
        headers=w.headers("dispatcher"),
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["samples_by_kind"] == {"booking": 2} and body["median_s_by_kind"] == {"booking": 90.0}


def test_with_enough_samples_the_plan_uses_the_learned_median(app, session, dispatched_day):
    """PLAN_SERVICE_TIME_MIN_SAMPLES 2: the next plan's pickups take 90 s, and its summary says
    learned, 90 s, from 2 stops; the bins, unmeasured, keep the assumption."""
    w = dispatched_day
    _report_pickups(w, 90)
    app.config["PLAN_SERVICE_TIME_MIN_SAMPLES"] = 2
    plan = _next_day_plan(app, session, w)
    assert _pickup_service_s(plan) == {90.0}
    used = plan.summary["service_times"]
    assert used["by_kind"]["booking"] == {"source": "learned", "seconds": 90, "samples": 2}
    assert used["by_kind"]["bin"]["source"] == "assumed" and used["min_samples"] == 2


@pytest.mark.parametrize("setting", [{"PLAN_SERVICE_TIME_MIN_SAMPLES": 3}, {"PLAN_LEARNED_SERVICE_TIMES": False}])
def test_too_few_samples_or_the_setting_off_keep_the_assumption(app, session, dispatched_day, setting):
    """Two samples against a minimum of three, or learning switched off: pickups take the
    assumed 300 s, and the summary says assumed."""
    w = dispatched_day
    _report_pickups(w, 90)
    app.config.update(setting)
    plan = _next_day_plan(app, session, w)
    assert _pickup_service_s(plan) == {float(BOOKING_SERVICE_S)}
    used = plan.summary["service_times"]
    assert used["by_kind"]["booking"]["source"] == "assumed"
    assert used["learned_enabled"] is setting.get("PLAN_LEARNED_SERVICE_TIMES", True)
