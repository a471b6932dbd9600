"""The sorting-center operator's page in Chromium: today's dispatched route is expected at the
center with its bookings; the operator picks it, types weights only (no booking id), and the
intake, the stock and the settled booking follow; a correction with its reason shows in the list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.backend.web.conftest import SCREENSHOTS, call, sign_in, token

TZ = ZoneInfo("Asia/Shanghai")  # config/default.toml TIMEZONE, the demo city's


@pytest.fixture(scope="module")
def todays_arrival(live):
    """resident1 booked two pickups for today (as of yesterday); today's plan at their center is
    dispatched; the crew reports the first collected at 13 kg and has not reached the second.
    Returns the operator of that center, the route and both booking ids."""
    from backend.accounts.models import User
    from backend.bookings import services as bookings
    from backend.bookings.services import SlotPolicy
    from backend.core.extensions import db

    app, base = live
    today = datetime.now(UTC).astimezone(TZ).date()
    with app.app_context():
        session = db.session()
        resident = session.query(User).filter_by(username="resident1").one()
        ids = []
        for hour in (10, 13):
            b = bookings.create_booking(
                session,
                SlotPolicy.from_config(app.config),
                resident,
                {
                    "items": [{"category": "paper.cardboard", "quantity": 12}],
                    "window_start": datetime.combine(today, time(hour), TZ),
                },
                now=datetime.combine(today - timedelta(days=1), time(9), TZ),
            )
            ids.append(b.id)
        session.commit()
        center_id = b.center_id
        operator = session.query(User).filter_by(role="operator", sorting_center_id=center_id).first().username
    db.session.remove()
    dispatcher = token(base, "dispatcher")
    queued = call(base, "POST", "/api/v1/plans", dispatcher, {"center_id": center_id, "date": today.isoformat()})
    plan = call(base, "GET", f"/api/v1/plans/{queued['id']}", dispatcher)
    assert plan["status"] == "done", plan
    call(base, "POST", f"/api/v1/plans/{plan['id']}/dispatch", dispatcher)
    planned = next(r for r in plan["routes"] if any(s["booking_id"] == ids[0] for s in r["stops"]))
    route = call(base, "GET", f"/api/v1/routes/{planned['id']}", dispatcher)  # the route sheet, with the plate
    seq = next(s["seq"] for s in route["stops"] if s["booking_id"] == ids[0])
    call(
        base,
        "POST",
        f"/api/v1/routes/{route['id']}/stops/{seq}/events",
        dispatcher,
        {"type": "done", "quantity_kg": 13},
    )
    return {"operator": operator, "center_id": center_id, "route": route, "collected": ids[0], "pending": ids[1]}


def test_the_operator_weighs_an_expected_arrival_without_typing_a_booking_id(live, browser, todays_arrival):
    """Picking the arrival fills the truck, its tare and the bookings; typed weights alone make an
    intake linked to the route that settles the collected booking and raises the stock."""
    _, base = live
    a = todays_arrival
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(page, base, a["operator"])
    page.wait_for_url(f"{base}/console/operator")
    expect(page.locator("#stock-panel")).to_have_attribute("data-state", "empty")
    expect(page.locator("#stock-panel .state")).to_contain_text("appears once material is weighed")
    expect(page.locator("#lots-panel")).to_have_attribute("data-state", "empty")
    card = page.locator(f'#arrivals li.arrival[data-route="{a["route"]["id"]}"]')
    expect(card).to_contain_text(a["route"]["plate"])
    expect(card.locator('.estimate li[data-category="paper.cardboard"]')).to_contain_text("reported 13.0 kg")

    on_board = card.locator(".on-board")
    expect(on_board.locator(f'li[data-booking="{a["collected"]}"]')).to_contain_text("reported 13.0 kg")
    expect(on_board.locator(f'li[data-booking="{a["pending"]}"]')).to_contain_text("planned")
    card.locator("button.weigh").click()
    assert page.input_value("#vehicle") == str(a["route"]["vehicle_id"])
    tare = float(page.input_value("#lines .line input[name=tare] >> nth=0"))
    assert tare > 0  # the truck's tare on file
    collected = page.locator(f'#booking-weights input[data-booking="{a["collected"]}"]')
    pending = page.locator(f'#booking-weights input[data-booking="{a["pending"]}"]')
    expect(collected).to_be_enabled()
    expect(pending).to_be_disabled()  # not reported collected: it cannot be settled yet
    lines = page.locator("#lines .line")
    for n in range(lines.count()):
        cardboard = lines.nth(n).get_attribute("data-category") == "paper.cardboard"
        lines.nth(n).locator("input[name=gross]").fill(str(tare + (200 if cardboard else 100)))
    collected.fill("12.5")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "operator-weighing-en.png"), full_page=True)
    page.click("#intake-form button[type=submit]")
    expect(page.locator("#intake-ok")).to_contain_text("Intake saved #")
    intake_id = int(page.text_content("#intake-ok").rsplit("#", 1)[1])
    expect(card).to_have_attribute("data-progress", "weighed")
    expect(page.locator("#stock-panel")).to_have_attribute("data-state", "ready")
    expect(page.locator('#stock tr[data-category="paper.cardboard"] td.kg')).to_have_text("200.0 kg")
    expect(page.locator('#stock-chart svg g[data-category="paper.cardboard"] polyline')).to_have_count(1)

    operator = token(base, a["operator"])
    [saved] = [
        i
        for i in call(base, "GET", f"/api/v1/sorting-centers/{a['center_id']}/intakes", operator)
        if i["id"] == intake_id
    ]
    assert saved["route_id"] == a["route"]["id"]
    assert [(w["booking_id"], w["quantity"]) for w in saved["booking_weights"]] == [(a["collected"], 12.5)]
    assert call(base, "GET", f"/api/v1/bookings/{a['collected']}", operator)["status"] == "settled"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "operator-en.png"), full_page=True)
    page.close()


def test_a_correction_with_its_reason_shows_in_the_intake_list(live, browser, todays_arrival):
    """Correct is an action on a past intake: it asks for the reason, and the list then says
    "corrected by #N: reason" on the original; the stock follows the corrected weight, and a
    lot shipped from it is listed as shipped."""
    _, base = live
    a = todays_arrival
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(page, base, a["operator"])
    page.wait_for_url(f"{base}/console/operator")
    row = page.locator("#intakes tr[data-intake]").first
    expect(row).to_be_visible()
    original = row.get_attribute("data-intake")
    stock = page.locator('#stock tr[data-category="paper.cardboard"] td.kg')
    before = float(stock.text_content().split()[0])
    row.locator("button.correct").click()
    dialog = page.locator("#correct-dialog")
    expect(dialog).to_be_visible()
    gross = dialog.locator('.line[data-category="paper.cardboard"] input[name=gross]')
    gross.fill(str(float(gross.input_value()) - 50))
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_visible()  # no reason: the form does not go
    dialog.locator("input[name=reason]").fill("scale read twice")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    old = page.locator(f'#intakes tr[data-intake="{original}"]')
    expect(old.locator("td.correction")).to_have_text(f"corrected by #{int(original) + 1}: scale read twice")
    expect(old.locator("button.correct")).to_have_count(0)
    expect(stock).to_have_text(f"{before - 50:.1f} kg")
    page.select_option("#lot-category", "paper.cardboard")
    page.fill("#lot-form input[name=weight]", "40")
    page.click("#lot-form button[type=submit]")
    lot = page.locator("#lots tr[data-lot]").first
    expect(lot).to_have_attribute("data-status", "shipped")
    expect(lot).to_contain_text("shipped")
    expect(stock).to_have_text(f"{before - 90:.1f} kg")

    page.goto(f"{base}/console/operator?lang=zh")
    expect(page.locator(f'#intakes tr[data-intake="{original}"] td.correction')).to_contain_text("已被更正")
    expect(page.locator("#arrivals-panel")).to_have_attribute("data-state", "ready")
    page.screenshot(path=str(SCREENSHOTS / "operator-zh.png"), full_page=True)
    page.goto(f"{base}/console/operator?lang=en")
    page.close()


def test_a_panel_that_cannot_load_says_so_and_retries(live, browser, todays_arrival):
    """With the arrivals unreachable the panel shows the error and a retry, the other panels
    still work, and the retry draws the arrivals once the server answers again (on a phone)."""
    _, base = live
    a = todays_arrival
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, base, a["operator"])
    page.wait_for_url(f"{base}/console/operator")
    page.route("**/arrivals", lambda route: route.fulfill(status=503, json={"message": "upstream unavailable"}))
    page.reload()
    panel = page.locator("#arrivals-panel")
    expect(panel).to_have_attribute("data-state", "error")
    expect(panel.locator(".state")).to_contain_text("Could not load: upstream unavailable")
    expect(page.locator("#intakes-panel")).to_have_attribute("data-state", re.compile("^(ready|empty)$"))
    page.unroute("**/arrivals")
    panel.locator(".state button").click()
    expect(panel).to_have_attribute("data-state", "ready")
    expect(panel.locator(f'li.arrival[data-route="{a["route"]["id"]}"]')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_filled_page_and_the_correction_dialog_pass_axe(live, browser, todays_arrival, lang):
    """With an arrival's stops open, the stock chart, the intake list and the correction dialog
    (its lines and booking weights filled), axe-core finds no serious or critical WCAG 2.1 A/AA violation."""
    from tests.backend.web.test_accessibility import BLOCKING, _violations

    _, base = live
    a = todays_arrival
    # bypass_csp: axe is injected by the test; the page itself keeps its policy.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, base, a["operator"])
    page.wait_for_url(f"{base}/console/operator")
    page.goto(f"{base}/console/operator?lang={lang}")
    expect(page.locator("#stock-chart svg")).to_be_visible()
    page.locator(f'#arrivals li.arrival[data-route="{a["route"]["id"]}"] details summary').click()
    page.locator("#intakes tr[data-intake] button.correct").first.click()
    expect(page.locator("#correct-dialog")).to_be_visible()
    blocking = [v for v in _violations(page) if v["impact"] in BLOCKING]
    assert blocking == [], blocking
    context.close()
