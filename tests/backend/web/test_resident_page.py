"""The resident's page in a real browser, phone-sized: each booking's status timeline from its
events (weighed and credited; on the truck; missed), cancel and reschedule where the API
allows and a word why where not, the wallet, the nearest collection points on a map, and a
word why on every empty or failed panel; the sign-in page's own states. Screenshots in
Chinese and English go to $RECYCLENET_SCREENSHOTS (docs/screenshots for the README) or tmp."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.backend.web.conftest import sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
RESIDENT = "resident5"
PASSWORD = "recyclenet-demo"


def _auth(client, username: str, password: str = PASSWORD) -> dict:
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {resp.get_json()['access_token']}"}


def _open_windows(client, headers, lat, lon, zone, n):
    """The first ``n`` windows with room, from the city's tomorrow on."""
    today = datetime.now(ZoneInfo(zone)).date()
    found = []
    for days in range(1, 15):
        day = (today + timedelta(days=days)).isoformat()
        slots = client.get(f"/api/v1/slots?date={day}&lat={lat}&lon={lon}", headers=headers).get_json()
        found += [s["window_start"] for s in slots if s["bookable"] and s["remaining"] >= 2]
        if len(found) >= n:
            return found[:n]
    raise AssertionError("no open windows in two weeks")


@pytest.fixture(scope="module")
def bookings(live):
    """resident5's bookings, one per state the page shows: requested (to cancel), requested (to
    move), en route, missed (the resident was absent), and settled (weighed 280.5 kg, credited)."""
    from sqlalchemy import select

    from backend.accounts.models import User
    from backend.bookings import services as booking_services
    from backend.bookings.models import Booking
    from backend.core.extensions import db
    from backend.network.models import Vehicle

    app, _ = live
    client = app.test_client()
    me = _auth(client, RESIDENT)
    profile = client.get("/api/v1/me", headers=me).get_json()
    windows = _open_windows(client, me, profile["lat"], profile["lon"], app.config["TIMEZONE"], 5)
    ids = {}
    for name, window in zip(("cancel", "move", "en_route", "missed", "settled"), windows, strict=True):
        body = {"items": [{"category": "paper.cardboard", "quantity": 12}], "window_start": window}
        resp = client.post("/api/v1/bookings", json=body, headers=me)
        assert resp.status_code == 201, resp.get_json()
        ids[name] = resp.get_json()["id"]
    with app.app_context():
        session = db.session()
        driver = session.scalar(select(User.id).where(User.role == "driver"))
        paths = {"en_route": ("scheduled", "en_route"), "missed": ("scheduled", "en_route", "missed"),
                 "settled": ("scheduled", "en_route", "collected")}  # fmt: skip
        for name, path in paths.items():
            booking = session.get(Booking, ids[name])
            for to in path:
                booking_services.transition(session, booking, to, driver, "resident_absent" if to == "missed" else "")
        settled = session.get(Booking, ids["settled"])
        vehicle = session.scalars(select(Vehicle).where(Vehicle.home_center_id == settled.center_id)).first()
        vehicle.tare_kg = 3000.0
        operator = session.scalar(
            select(User.username).where(User.role == "operator", User.sorting_center_id == settled.center_id)
        )
        center_id, vehicle_id = settled.center_id, vehicle.id
        session.commit()
    db.session.remove()
    # Cardboard priced (from a week ago, whatever the zones) so the weighed pickup earns credit.
    price = {
        "category": "paper.cardboard",
        "amount": 0.8,
        "effective_from": (datetime.now().date() - timedelta(days=7)).isoformat(),
    }
    resp = client.post("/api/v1/prices", json=price, headers=_auth(client, "admin"))
    assert resp.status_code == 201, resp.get_json()
    weigh = {
        "vehicle_id": vehicle_id,
        "lines": [{"category": "paper.cardboard", "gross_kg": 3300}],
        "booking_weights": [{"booking_id": ids["settled"], "category": "paper.cardboard", "quantity": 280.5}],
    }
    resp = client.post(f"/api/v1/sorting-centers/{center_id}/intakes", json=weigh, headers=_auth(client, operator))
    assert resp.status_code == 201, resp.get_json()
    wallet = client.get("/api/v1/me/wallet", headers=me).get_json()
    credit = sum(float(e["amount"]) for e in wallet["entries"] if e["booking_id"] == ids["settled"])
    assert credit > 0
    return ids, credit


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def _open(page, base, lang="en"):
    sign_in(page, base, RESIDENT)
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/resident?lang={lang}")
    page.wait_for_selector("#mine li.booking")


def _steps(card) -> dict[str, str]:
    items = card.locator("ol.timeline li")
    return {items.nth(i).get_attribute("data-step"): items.nth(i).get_attribute("class") for i in range(items.count())}


def test_a_settled_booking_shows_every_step_with_weight_and_credit(live, bookings, phone):
    """The weighed booking's six steps are done: collected with 280.5 kg, credited with the wallet's credit."""
    _, base = live
    ids, credit = bookings
    _open(phone, base)
    card = phone.locator(f"#mine li.booking[data-booking='{ids['settled']}']")
    expect(card.locator(".status")).to_have_text("settled")
    steps = _steps(card)
    assert list(steps) == ["requested", "scheduled", "en_route", "collected", "received", "settled"]
    assert all("done" in c for c in steps.values()), steps
    expect(card.locator("li[data-step='collected']")).to_contain_text("Collected · 280.5 kg")
    expect(card.locator("li[data-step='settled']")).to_contain_text(f"Credited · +{credit:.2f}")
    assert card.locator("button.cancel").count() == 0
    expect(card.locator(".why")).to_have_text("Settled: the credit is in your wallet")
    expect(phone.locator("#entries tr.entry").filter(has_text=f"#{ids['settled']}")).not_to_have_count(0)
    assert phone.errors == []


def test_a_booking_on_the_truck_cannot_be_changed_and_says_why(live, bookings, phone):
    """An en-route booking is done up to "on its way", the rest to come, with no cancel or move button."""
    _, base = live
    ids, _ = bookings
    _open(phone, base)
    card = phone.locator(f"#mine li.booking[data-booking='{ids['en_route']}']")
    steps = _steps(card)
    assert steps["en_route"] == "done current" and steps["collected"] == "todo", steps
    assert card.locator("button").count() == 0
    expect(card.locator(".why")).to_have_text("The truck is on its way: it can no longer be cancelled or moved")


def test_a_missed_booking_ends_with_its_reason(live, bookings, phone):
    """A missed booking's timeline stops where it got to (on its way) and ends with 'missed' and the driver's reason."""
    _, base = live
    ids, _ = bookings
    _open(phone, base)
    card = phone.locator(f"#mine li.booking[data-booking='{ids['missed']}']")
    assert list(_steps(card)) == ["requested", "scheduled", "en_route", "missed"]
    expect(card.locator("li.ended")).to_contain_text("missed · resident absent")


def test_a_resident_cancels_a_booking_after_confirming(live, bookings, phone):
    """Cancel asks first; confirmed, the booking is cancelled on the server and its timeline ends with 'cancelled'."""
    app, base = live
    ids, _ = bookings
    _open(phone, base)
    card = phone.locator(f"#mine li.booking[data-booking='{ids['cancel']}']")
    expect(card.locator(".status")).to_have_text("requested")
    card.locator("button.cancel").click()
    expect(card.locator(".actions")).to_contain_text("Cancel this pickup?")
    card.locator("button.confirm-cancel").click()
    card = phone.locator(f"#mine li.booking[data-booking='{ids['cancel']}']")
    expect(card.locator(".status")).to_have_text("cancelled")
    assert list(_steps(card)) == ["requested", "cancelled"]
    expect(card.locator(".why")).to_have_text("Cancelled: book again for a new pickup")
    client = app.test_client()
    assert (
        client.get(f"/api/v1/bookings/{ids['cancel']}", headers=_auth(client, RESIDENT)).get_json()["status"]
        == "cancelled"
    )


def test_a_resident_moves_a_booking_to_another_window(live, bookings, phone):
    """Reschedule offers the day's windows (the current one disabled); the chosen one becomes the booking's."""
    app, base = live
    ids, _ = bookings
    client = app.test_client()
    before = client.get(f"/api/v1/bookings/{ids['move']}", headers=_auth(client, RESIDENT)).get_json()["window_start"]
    _open(phone, base)
    card = phone.locator(f"#mine li.booking[data-booking='{ids['move']}']")
    card.locator("button.reschedule").click()
    form = card.locator("form.reschedule-form")
    expect(form.locator("option").first).to_be_attached()
    expect(form.locator("option[disabled]", has_text="current window")).to_have_count(1)
    chosen = form.locator("select").input_value()
    assert chosen and datetime.fromisoformat(chosen) != datetime.fromisoformat(before)
    form.locator("button[type=submit]").click()
    expect(phone.locator(f"#mine li.booking[data-booking='{ids['move']}'] form")).to_have_count(0)
    after = client.get(f"/api/v1/bookings/{ids['move']}", headers=_auth(client, RESIDENT)).get_json()["window_start"]
    assert datetime.fromisoformat(after) == datetime.fromisoformat(chosen)


def test_the_nearest_collection_points_are_markers_on_a_map(live, bookings, phone):
    """The map shows the five nearest collection points as markers and the resident's address, listed nearest first."""
    _, base = live
    _open(phone, base)
    expect(phone.locator("#points-map path.point-marker")).to_have_count(5)
    expect(phone.locator("#points-map path.home-marker")).to_have_count(1)
    distances = [
        float(t.split(" · ")[1].split(" km")[0]) for t in phone.locator("#points li.point").all_text_contents()
    ]
    assert len(distances) == 5 and distances == sorted(distances)


def test_screenshots_of_the_resident_page_in_chinese_and_english(live, bookings, phone, tmp_path):
    """The page renders on a phone in both languages (Chinese labels, not boxes' fallback text); screenshots saved."""
    _, base = live
    folder = Path(os.environ.get("RECYCLENET_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for lang, word in (("zh", "我的预约"), ("en", "My bookings")):
        _open(phone, base, lang)
        expect(phone.locator("#mine-title")).to_have_text(word)
        expect(phone.locator("#points-map path.point-marker")).to_have_count(5)
        phone.screenshot(path=str(folder / f"resident-{lang}.png"), full_page=True)
    assert phone.errors == []


def test_a_new_resident_is_told_why_each_panel_is_empty(live, browser):
    """A resident with no bookings, no credit and no location sees a sentence in each empty panel, not a blank."""
    from backend.accounts import services as accounts
    from backend.core.extensions import db

    app, base = live
    with app.app_context():
        accounts.create_user(db.session(), {"username": "newcomer", "password": PASSWORD, "role": "resident"}, None)
    db.session.remove()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, "newcomer")
    page.wait_for_url(f"{base}/console/resident")
    expect(page.locator("#mine-state")).to_have_text(
        "No bookings yet: pick a category and a window above to book a pickup"
    )
    expect(page.locator("#mine-state")).to_have_attribute("data-state", "empty")
    expect(page.locator("#wallet-state")).to_contain_text("credit arrives once your recyclables are weighed")
    expect(page.locator("#wallet-table")).to_be_hidden()
    expect(page.locator("#points-state")).to_contain_text("Your address has no location")
    context.close()


def test_a_panel_whose_request_fails_says_so(live, bookings, phone):
    """With the wallet's request failing in the network, its panel shows an error; the bookings still load."""
    _, base = live
    phone.route("**/api/v1/me/wallet", lambda route: route.abort())
    _open(phone, base)
    expect(phone.locator("#wallet-state")).to_have_attribute("data-state", "error")
    expect(phone.locator("#wallet-state")).to_contain_text("Could not load")
    assert phone.locator("#mine li.booking").count() >= 5


def test_the_sign_in_page_says_why_a_sign_in_or_sign_up_failed(live, browser, tmp_path):
    """A wrong password and a taken username get their reasons; a signed-in visitor is offered their own page."""
    _, base = live
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=en")
    page.fill("#login input[name=username]", RESIDENT)
    page.fill("#login input[name=password]", "not-the-password")
    page.click("#login button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Wrong username or password")
    expect(page.locator("#login button[type=submit]")).to_be_enabled()
    page.fill("#signup input[name=username]", RESIDENT)
    page.fill("#signup input[name=password]", "long-enough-1")
    page.click("#signup button[type=submit]")
    expect(page.locator("#signup-username-error")).to_have_text("That username is taken")
    folder = Path(os.environ.get("RECYCLENET_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(folder / "login-en.png"), full_page=True)
    sign_in(page, base, RESIDENT)
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/login?lang=en")
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {RESIDENT}")
    expect(page.locator("#continue")).to_have_attribute("href", "/console/resident")
    context.close()
