"""The dispatcher's page in a real browser: a plan's routes as a list with ETAs against
windows, a timeline per truck, a route selected on the map, re-plans by picking a stop in the
list or on the map, and a word for every empty panel. Screenshots in Chinese and English go
to docs/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.backend.web.conftest import SCREENSHOTS, call, serve_demo_city, sign_in


@pytest.fixture(scope="module")
def live(tmp_path_factory, request):
    """The demo city with enough bins (160) that a center's day takes several trucks of a kind."""
    yield from serve_demo_city(tmp_path_factory, request, n_bins=160, backfill_hours=24)


def api(base, path, token, body=None):
    """GET, or POST when there is a body (the conftest's call)."""
    return call(base, "GET" if body is None else "POST", path, token, body)


def plan_id(page) -> int:
    return int(page.locator("#plan-status").text_content().split("#")[1].rstrip(")"))


def wait_done(page, after: int | None = None) -> int:
    """The id of the plan the page shows once it is done (a newer one than ``after``)."""
    status = page.locator("#plan-status")
    if after is not None:
        expect(status).not_to_contain_text(f"#{after})", timeout=120_000)
    expect(status).to_have_attribute("data-status", "done", timeout=120_000)
    expect(status).to_have_text(re.compile(r"#\d+\)"))
    return plan_id(page)


def stops_of(plan) -> dict[int, tuple[int, dict]]:
    """stop key (bin or booking) -> (vehicle id, stop)."""
    return {
        (s["bin_id"] or -s["booking_id"]): (r["vehicle_id"], s)
        for r in plan["routes"]
        for s in r["stops"]
        if s["kind"] != "unload"
    }


def movable(routes, bins) -> tuple[dict, dict] | None:
    """A bin stop and another route with a bin of the same category (a truck that may take it)."""
    category = {b["bin_id"]: b["category_id"] for b in bins}
    for r in routes:
        for other in routes:
            cats = {category[s["bin_id"]] for s in other["stops"] if s["bin_id"]}
            for s in r["stops"]:
                if other is not r and s["bin_id"] and category[s["bin_id"]] in cats:
                    return s, other
    return None


def center_with_a_move(base, token, day) -> str:
    """A sorting center whose plan for ``day`` has two routes that may swap a bin (planned
    through the API first: which center that is depends on the seeded city's fleet)."""
    bins = api(base, "/api/v1/bins/states", token)
    for center in api(base, "/api/v1/sites?tier=sorting_center", token):
        queued = api(base, "/api/v1/plans", token, {"center_id": center["id"], "date": day})
        if movable(api(base, f"/api/v1/plans/{queued['id']}", token)["routes"], bins):
            return str(center["id"])
    raise AssertionError("no center's plan has two routes that may swap a bin")


# A numbered stop marker that no other covers, to be clicked as a dispatcher would.
ON_TOP = """(ids) => {
  for (const m of document.querySelectorAll('.stop-label')) {
    if (!ids.includes(Number(m.dataset.stop))) continue;
    const r = m.getBoundingClientRect();
    if (document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === m) return m.dataset.stop;
  }
  return null;
}"""


# The map at rest: the page frames a new plan with an animated zoom (started a frame after the
# markers are drawn) and a marker clicked while it moves under the pointer may take the
# mouse-down and leave the mouse-up to the map, which is no click on the stop. A marker that
# has not moved for 0.4 s with no zoom or pan running is where a dispatcher would click it
# (false after 10 s of motion: the click is tried anyway and its check says what went wrong).
MAP_AT_REST = """async (id) => {
  const busy = () => map._animatingZoom || Boolean(map._panAnim && map._panAnim._inProgress);
  const start = performance.now();
  let last = null, since = start;
  while (performance.now() - start < 10000) {
    await new Promise((done) => setTimeout(done, 50));
    const r = document.querySelector(`.stop-label[data-stop="${id}"]`).getBoundingClientRect();
    const here = `${r.x},${r.y}`;
    if (here !== last || busy()) { last = here; since = performance.now(); }
    else if (performance.now() - since > 400) return true;
  }
  return false;
}"""


def open_page(browser, base, lang="en"):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, base, "dispatcher")
    page.wait_for_url(f"{base}/console/dispatcher")
    if lang != "en":
        page.goto(f"{base}/console/dispatcher?lang={lang}")
    page.wait_for_selector("#center option", state="attached")
    return page


def test_a_dispatcher_plans_reads_the_routes_selects_one_and_replans_from_the_list_and_the_map(live, browser):
    """Before a plan the routes panel says there is none; after, each route lists its truck, driver,
    trips, loads and stops with ETAs, the timeline has a row per truck, selecting a route
    highlights its line, and a stop picked in the list (moved) or on the map (dropped) re-plans."""
    _, base = live
    page = open_page(browser, base)
    token = page.evaluate("localStorage.getItem('token')")
    # A day with no plan yet: the panel says so rather than staying blank.
    page.fill("#day", "2030-01-02")
    page.dispatch_event("#day", "change")
    expect(page.locator("#routes .state-empty")).to_contain_text("No plan yet")
    expect(page.locator("#bookings .state-empty")).to_contain_text("No pickup bookings")
    page.select_option("#center", center_with_a_move(base, token, "2030-01-03"))
    page.fill("#day", "2030-01-03")
    page.dispatch_event("#day", "change")
    before = wait_done(page)  # the day's plan made through the API is shown at once
    page.click("#create")
    first = wait_done(page, after=before)
    plan = api(base, f"/api/v1/plans/{first}", token)
    routes = plan["routes"]
    assert routes, plan["summary"]
    vehicles = {v["id"]: v["plate"] for v in api(base, "/api/v1/vehicles?page_size=100", token)}

    rows = page.locator("#route-table tr.route-row")
    expect(rows).to_have_count(len(routes))
    for row, r in zip(rows.all(), routes, strict=True):
        assert vehicles[r["vehicle_id"]] in row.text_content()  # the truck, not "Routes 1"
        assert r["plate"] == vehicles[r["vehicle_id"]]
        if r["driver"]:
            assert r["driver"]["name"] in row.text_content()
    served = sum(1 for r in routes for s in r["stops"])
    expect(page.locator("#routes li.plan-stop")).to_have_count(served)
    assert all("ETA" in t for t in page.locator("#routes li.plan-stop .eta").all_text_contents())
    expect(page.locator("svg.timeline g.tl-route")).to_have_count(len(routes))
    assert page.locator("svg.timeline circle.tl-stop").count() == sum(
        1 for r in routes for s in r["stops"] if s["kind"] != "unload"
    )

    # Selecting a route (its row) highlights its line on the map and its row.
    rows.first.click()
    expect(page.locator("path.route-line.selected")).to_have_count(1)
    expect(page.locator(f'#route-table tr.selected[data-route="{routes[0]["id"]}"]')).to_have_count(1)

    # Re-plan from the list: a bin moved to another truck that carries its category.
    stop, target = movable(routes, api(base, "/api/v1/bins/states", token))
    for r in routes:  # a truck that may not carry the bin's category is offered, but not to be chosen
        option = page.locator(f'#move-route option[value="{r["id"]}"]')
        expect(option).to_be_attached()
    page.locator(f'#routes li.plan-stop[data-stop="{stop["id"]}"] button').click()
    expect(page.locator("#picked")).to_have_attribute("data-stop", str(stop["id"]))
    expect(page.locator(f'.stop-label.picked[data-stop="{stop["id"]}"]')).to_have_count(1)
    page.select_option("#move-route", str(target["id"]))
    page.evaluate("window.scrollTo(0, 0)")  # the map with the picked stop, the plan and the re-plan card
    page.screenshot(path=str(SCREENSHOTS / "dispatcher.png"))
    page.click("#replan")
    second = wait_done(page, after=first)
    moved = stops_of(api(base, f"/api/v1/plans/{second}", token))
    key = stop["bin_id"] or -stop["booking_id"]
    assert moved[key][0] == target["vehicle_id"]

    # Re-plan from the map: click a numbered stop of the new plan, drop it. The page draws the
    # plan's markers once it has read the plan after its status: wait for them first.
    new_ids = [s["id"] for _, s in moved.values()]
    expect(page.locator(f'.stop-label[data-stop="{new_ids[0]}"]')).to_have_count(1)
    page.evaluate(MAP_AT_REST, new_ids[0])
    picked = int(page.evaluate(ON_TOP, new_ids))
    page.locator(f'.stop-label[data-stop="{picked}"]').click()
    expect(page.locator("#picked")).to_have_attribute("data-stop", str(picked))
    dropped_key = next(k for k, (_, s) in moved.items() if s["id"] == picked)
    page.check("#move-drop")
    page.click("#replan")
    third = wait_done(page, after=second)
    assert dropped_key not in stops_of(api(base, f"/api/v1/plans/{third}", token))
    page.close()


def test_screenshots_of_the_dispatcher_page_in_chinese_and_english(live, browser):
    """The page with a plan, in both languages, with the Chinese words drawn (not boxes) and saved."""
    _, base = live
    for lang, word in (("zh", "车辆时间线"), ("en", "Timeline per truck")):
        page = open_page(browser, base, lang)
        page.fill("#day", "2030-01-04")
        page.dispatch_event("#day", "change")
        if lang == "zh":  # planned in Chinese; the English page shows the day's plan as it opens
            expect(page.locator("#routes .state-empty")).to_have_count(1)
            page.click("#create")
        wait_done(page)
        expect(page.locator("svg.timeline")).to_have_count(1)
        assert word in page.inner_text("main")
        page.locator("#route-table tr.route-row").first.click()
        page.screenshot(path=str(SCREENSHOTS / f"dispatcher-{lang}.png"), full_page=True)
        page.close()
