"""The driver's phone page in Chromium at 360 px: a driver works through today's route, goes
offline and back, reports a missed stop with a photo; the dispatcher's map shows the truck and
the stops' statuses change there without a reload."""

from __future__ import annotations

import io
import json
import urllib.request
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.backend.web.conftest import call, sign_in, token

PHONE = {"width": 360, "height": 740}
TRUCK_AT = {"latitude": 30.2741, "longitude": 120.1551}


@pytest.fixture(scope="module")
def todays_route(live):
    """Today's plan for the center of the driver's truck; the dispatcher assigns the driver for the
    day to the truck the plan uses, then dispatches: the route is the driver's."""
    _, base = live
    dispatcher = token(base, "dispatcher")
    driver_id = call(base, "GET", "/api/v1/me", token(base, "driver"))["id"]
    vehicles = call(base, "GET", "/api/v1/vehicles?page_size=100", dispatcher)
    center_id = next(v for v in vehicles if v["default_driver_id"] == driver_id)["home_center_id"]
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    # A low threshold: every bin past 20% is on today's route, whatever the hour the test runs at
    # (how many bins a day's forecast brings in depends on the time of day).
    body = {"center_id": center_id, "date": today, "options": {"fill_threshold": 20}}
    queued = call(base, "POST", "/api/v1/plans", dispatcher, body)
    plan = call(base, "GET", f"/api/v1/plans/{queued['id']}", dispatcher)
    truck = plan["routes"][0]["vehicle_id"]
    call(
        base,
        "PUT",
        "/api/v1/drivers/assignments",
        dispatcher,
        {"vehicle_id": truck, "date": today, "driver_id": driver_id},
    )
    call(base, "POST", f"/api/v1/plans/{plan['id']}/dispatch", dispatcher)
    routes = call(base, "GET", "/api/v1/drivers/routes", token(base, "driver"))
    assert [r["vehicle_id"] for r in routes] == [truck], routes
    work = [s for s in routes[0]["stops"] if s["kind"] != "unload"]
    assert len(work) >= 4, "the demo day needs four stops for this test"
    return routes[0], dispatcher


def _card(page, stop):
    return page.locator(f'li.stop[data-stop="{stop["id"]}"]')


def _collect(page, stop, amount="60"):
    card = _card(page, stop)
    card.locator("button.arrived").click()
    card = _card(page, stop)
    card.locator("input.fill, input.weight").fill(amount)
    card.locator("button.collect").click()
    expect(_card(page, stop)).to_have_attribute("data-status", "done")


def test_a_driver_works_through_the_route_offline_and_back(live, browser, todays_route, tmp_path):
    """Each event reaches the server exactly once with the time it happened on the phone, the
    offline ones only after the connection is back; a missed stop's photo shows on the dispatcher's
    page, with the truck's position and stop statuses updating there without a reload."""
    _, base = live
    route, dispatcher = todays_route
    work = [s for s in route["stops"] if s["kind"] != "unload"]
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, geolocation=TRUCK_AT, permissions=["geolocation"]
    )
    page = phone.new_page()
    sign_in(page, base, "driver")
    page.wait_for_url(f"{base}/console/driver")
    expect(page.locator("li.stop")).to_have_count(len(route["stops"]))
    expect(page.locator("#route-title")).to_contain_text(route["plate"])
    geo = page.locator(f'li.stop[data-stop="{work[0]["id"]}"] a.nav')
    assert geo.get_attribute("href").startswith(f"geo:{work[0]['lat']},{work[0]['lon']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    # The next leg: from the phone's position to the first stop, drawn on the small map.
    expect(page.locator("#leg path.leg-line")).to_have_count(1)

    _collect(page, work[0], "55")
    expect(page.locator("#sync")).to_have_attribute("data-state", "synced")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the page is kept for offline

    phone.set_offline(True)
    _collect(page, work[1])
    _collect(page, work[2])
    expect(page.locator("#sync")).to_have_attribute("data-state", "queued")
    queued = json.loads(page.evaluate("localStorage.getItem('driver.queue')"))
    sent_offline = {q["body"]["id"]: q["body"]["happened_at"] for q in queued if "/events" in q["path"]}
    assert len(sent_offline) == 4
    statuses = {s["id"]: s["status"] for s in call(base, "GET", f"/api/v1/routes/{route['id']}", dispatcher)["stops"]}
    assert (statuses[work[1]["id"]], statuses[work[2]["id"]]) == ("planned", "planned")
    # Opened again with no signal: the page, the route and the queue are all still there.
    page.reload()
    expect(page.locator("li.stop")).to_have_count(len(route["stops"]))
    expect(_card(page, work[2])).to_have_attribute("data-status", "done")
    expect(page.locator("#sync")).to_have_attribute("data-state", "queued")
    still = json.loads(page.evaluate("localStorage.getItem('driver.queue')"))
    assert [q["body"]["id"] for q in still if "/events" in q["path"]] == list(sent_offline)
    page.screenshot(path=str(tmp_path / "driver-offline.png"), full_page=True)

    phone.set_offline(False)
    expect(page.locator("#sync")).to_have_attribute("data-state", "synced", timeout=20_000)
    events = call(base, "GET", f"/api/v1/drivers/routes/{route['id']}/events", dispatcher)
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids)) == 6
    for e in events:
        if e["id"] in sent_offline:
            assert datetime.fromisoformat(e["happened_at"]) == datetime.fromisoformat(sent_offline[e["id"]])
            assert datetime.fromisoformat(e["received_at"]) > datetime.fromisoformat(e["happened_at"])
    assert {e["stop_id"]: e["quantity_kg"] for e in events if e["type"] == "collected"}[work[0]["id"]] is not None

    desk = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(desk, base, "dispatcher")
    desk.wait_for_url(f"{base}/console/dispatcher")
    expect(desk.locator("path.truck")).to_have_count(1, timeout=20_000)
    expect(desk.locator("path.live-stop.stop-done")).to_have_count(3, timeout=20_000)

    photo = tmp_path / "gate.png"
    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 90, 200)).save(buf, "PNG")
    photo.write_bytes(buf.getvalue())
    card = _card(page, work[3])
    card.locator("details summary").click()
    card.locator("select.reason").select_option("no_access")
    card.locator("input.miss-note").fill("gate locked")
    card.locator("input.photo").set_input_files(str(photo))
    card.locator("button.miss").click()
    expect(_card(page, work[3])).to_have_attribute("data-status", "missed")
    expect(page.locator("#sync")).to_have_attribute("data-state", "synced", timeout=20_000)
    page.screenshot(path=str(tmp_path / "driver.png"), full_page=True)

    # No reload: the dispatcher's page polls and the stop turns red, with the photo beside its route.
    expect(desk.locator("path.live-stop.stop-missed")).to_have_count(1, timeout=20_000)
    expect(desk.locator("img.proof")).to_have_count(1, timeout=20_000)
    assert desk.locator("img.proof").evaluate("img => img.naturalWidth") == 1280
    desk.close()
    phone.close()


def test_the_phone_page_speaks_chinese_and_english(live):
    """The page's own words come in the language asked for, like the rest of the console."""
    _, base = live
    for lang, words in (("zh", ("今日路线", "已同步")), ("en", ("Today's route", "all sent"))):
        with urllib.request.urlopen(f"{base}/console/driver?lang={lang}") as resp:
            html = unescape(resp.read().decode())
        assert f'<html lang="{lang}">' in html and all(w in html for w in words), lang
