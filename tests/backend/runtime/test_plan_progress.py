"""What the solver is doing, seen while it solves, across processes: a real worker (Redis,
PostgreSQL, the solver's child process) writes the phase and the best km so far where the
plan's status is read; the API and the dispatcher's page show them."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from backend.planning.models import SOLVE_PHASES
from tests.backend.web.conftest import browser, sign_in  # noqa: F401 (a fixture)
from tests.support.clock import city_today
from tests.support.servers import free_port

DAY = (city_today() + timedelta(days=1)).isoformat()

pytestmark = pytest.mark.slow


def test_a_solving_plan_reports_its_phase_and_best_km_and_a_done_one_neither(city):
    """Polled while a worker solves it, the plan says "searching", then a best km above zero
    (and only phases the schema names); once done both are null and the summary is the solution's."""
    city.worker()
    plan_id = city.create_plan(time_limit=6, day=DAY)
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        plan = city.plan(plan_id)
        if plan["status"] == "solving" and plan["phase"]:
            seen.append((plan["phase"], plan["best_km"]))
        if plan["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert plan["status"] == "done", plan["error"]
    assert {phase for phase, _ in seen} <= set(SOLVE_PHASES)
    assert "searching" in {phase for phase, _ in seen}, seen
    # The best km arrives once a first plan exists (PyVRP's, read into OR-Tools) and stays
    # while the fixed round is computed for comparison.
    assert any(km and km > 0 for _, km in seen), seen
    assert plan["phase"] is None and plan["best_km"] is None
    assert "solving" not in plan["summary"] and plan["summary"]["plan"]["distance_km"] > 0


def test_the_dispatchers_page_shows_the_solvers_phase_while_a_worker_solves(city, browser):  # noqa: F811
    """The page's progress says what the solver is doing (a phase, then the best km so far)
    while the plan solves on a worker, and the routes once it is done."""
    city.app.config["PLAN_TIME_LIMIT_S"] = 8  # long enough to be seen searching
    port = free_port()
    server = make_server("127.0.0.1", port, city.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        city.worker()
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        sign_in(page, base, "dispatcher")
        page.wait_for_url(f"{base}/console/dispatcher")
        page.wait_for_selector("#center option", state="attached")
        page.select_option("#center", str(city.center()))
        page.fill("#day", DAY)
        page.dispatch_event("#day", "change")
        page.click("#create")
        expect(page.locator("#plan-phase")).to_have_attribute("data-phase", "searching", timeout=120_000)
        expect(page.locator("#plan-phase")).to_contain_text("best so far", timeout=30_000)
        print(f"phase shown: {page.inner_text('#plan-phase')}")
        expect(page.locator("#plan-status")).to_have_attribute("data-status", "done", timeout=120_000)
        expect(page.locator("#route-table tr.route-row").first).to_be_visible()
        assert page.inner_text("#plan-phase") == ""
        page.close()
    finally:
        server.shutdown()
