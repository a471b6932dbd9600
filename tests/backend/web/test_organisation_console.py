"""The organisation's page in a real browser, in English and Chinese: the holder sees their
recurring pickup at its site, the pickups it became, and the month's statement with the
weighed kilograms, and opens the printable statement; another resident sees none of it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.backend.web.conftest import sign_in

PASSWORD = "school-password-1"


def _seed(app):
    """A school signed in by a new resident, with a campus, a Monday-to-Sunday recurring
    pickup there (one per weekday, so the horizon always holds some), its days booked, and
    the first one collected and weighed at 280.5 kg through the intake API."""
    from sqlalchemy import select

    from backend.accounts import services as accounts
    from backend.accounts.models import User
    from backend.bookings import services as bookings
    from backend.bookings.models import Booking
    from backend.bookings.services import SlotPolicy
    from backend.channels.services import organisation_sites, organisations
    from backend.core.extensions import db
    from backend.network.models import Vehicle

    with app.app_context():
        session = db.session()
        holder = accounts.create_user(session, {"username": "school1", "password": PASSWORD, "role": "resident"}, None)
        org = organisations.create(
            session, holder, {"name": "No. 2 Primary School", "kind": "school", "credit_code": "911101080000000007",
                              "account_id": holder.id, "address": "8 School Road", "lat": 30.27, "lon": 120.16},
        )  # fmt: skip
        site = organisation_sites.add_site(
            session, holder, org, {"name": "North campus", "address": "1 North Road", "lat": 30.28, "lon": 120.17}
        )
        policy = SlotPolicy.from_config(app.config)
        first_window = policy.windows[0][0]
        for weekday in range(7):
            organisations.add_schedule(
                session, policy, app.config, holder, org,
                {"weekday": weekday, "window_start": first_window, "category": "paper.cardboard",
                 "estimated_kg": 300, "site_id": site.id},
            )  # fmt: skip
        assert organisations.generate(session, policy)["booked"] >= 1
        booking = session.scalars(
            select(Booking).where(Booking.resident_id == holder.id).order_by(Booking.window_start)
        ).first()
        driver = session.scalar(select(User.id).where(User.role == "driver"))
        for to in ("scheduled", "en_route", "collected"):
            bookings.transition(session, booking, to, driver)
        vehicle = session.scalars(select(Vehicle).where(Vehicle.home_center_id == booking.center_id)).first()
        vehicle.tare_kg = 3000.0
        operator = session.scalar(
            select(User.username).where(User.role == "operator", User.sorting_center_id == booking.center_id)
        )
        center_id, vehicle_id, booking_id = booking.center_id, vehicle.id, booking.id
        session.commit()
        db.session.remove()
    client = app.test_client()
    from backend.demo.seed import DEMO_PASSWORD

    token = client.post("/api/v1/auth/token", json={"username": operator, "password": DEMO_PASSWORD}).get_json()
    weigh = {
        "vehicle_id": vehicle_id,
        "lines": [{"category": "paper.cardboard", "gross_kg": 3300}],
        "booking_weights": [{"booking_id": booking_id, "category": "paper.cardboard", "quantity": 280.5}],
    }
    resp = client.post(
        f"/api/v1/sorting-centers/{center_id}/intakes",
        json=weigh,
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert resp.status_code == 201, resp.get_json()
    return booking_id


def test_the_holder_sees_schedule_pickups_and_statement_and_prints_it(live, browser, tmp_path):
    """English: seven schedule rows at the campus, the pickups (the weighed one settled), the statement
    row with 280.5 kg, and the printable statement opens in a new tab with the school's name;
    Chinese: the same page in Chinese."""
    app, base = live
    booking_id = _seed(app)
    page = browser.new_page()
    sign_in(page, base, "school1", PASSWORD)
    page.wait_for_url(f"{base}/console/organisation")
    page.goto(f"{base}/console/organisation?lang=en")
    expect(page.locator("#org-name")).to_have_text("No. 2 Primary School")
    expect(page.locator("#schedules tr.schedule")).to_have_count(7)
    expect(page.locator("#schedules")).to_contain_text("North campus")
    expect(page.locator("#sites tr.site")).to_have_count(1)
    expect(page.locator("#org-choice")).to_be_hidden()  # one organisation: nothing to choose
    expect(page.locator(f"#pickups tr.pickup:has-text('#{booking_id}') td.status")).to_have_attribute(
        "data-status", "settled"
    )
    weighed = page.locator("#statements tr.statement", has_text="280.5 kg")
    expect(weighed).to_have_count(1)
    expect(weighed).to_contain_text("Printable statement")
    with page.context.expect_page() as printable:
        weighed.locator("a.print").click()
    document = printable.value
    document.wait_for_load_state()
    expect(document.locator("body")).to_contain_text("No. 2 Primary School")
    expect(document.locator("body")).to_contain_text("280.5")
    document.close()
    page.screenshot(path=str(tmp_path / "organisation-en.png"), full_page=True)
    page.goto(f"{base}/console/organisation?lang=zh")
    expect(page.locator("h3").first).to_contain_text("单位")
    expect(page.locator("#statements")).to_contain_text("打印对账单")
    page.screenshot(path=str(tmp_path / "organisation-zh.png"), full_page=True)
    page.close()


def test_another_resident_sees_no_organisation(live, browser):
    """A resident who holds no organisation is told so and sees no one's pickups or statements."""
    app, base = live
    from backend.accounts import services as accounts
    from backend.core.extensions import db

    with app.app_context():
        accounts.create_user(db.session(), {"username": "neighbour", "password": PASSWORD, "role": "resident"}, None)
        db.session.remove()
    page = browser.new_page()
    sign_in(page, base, "neighbour", PASSWORD)
    page.wait_for_url(f"{base}/console/resident")
    page.goto(f"{base}/console/organisation?lang=en")
    expect(page.locator("#org-error")).to_have_text("No organisation is registered for your account")
    expect(page.locator("#statements tr")).to_have_count(0)
    page.close()
