"""The market pages in a real browser: a buyer places a sealed bid on a listed lot; anyone,
signed in or not, reads the public figures and the map. Screenshots are saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from backend.accounts.models import User
from backend.demo.seed import DEMO_PASSWORD
from backend.network.models import Site, Vehicle
from tests.backend.web.conftest import sign_in


def _token(client, username: str) -> dict:
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {resp.get_json()['access_token']}"}


@pytest.fixture(scope="module")
def listed(live):
    """Traders seeded; operator1 weighs in 800 kg of cardboard and ships it; the market lists it."""
    from backend.core.extensions import db
    from backend.markets.services.demo import seed_traders

    app, _ = live
    with app.app_context():
        session = db.session()
        seed_traders(session)
        operator = session.scalar(select(User).where(User.username == "operator1"))
        center = session.get(Site, operator.sorting_center_id)
        market_id = center.market_ids[0]
        vehicle = session.scalar(select(Vehicle).where(Vehicle.home_center_id == center.id).limit(1))
        staff = session.scalar(select(User.username).where(User.sorting_center_id == market_id))
        center_id, vehicle_id = center.id, vehicle.id
    db.session.remove()
    client = app.test_client()
    op = _token(client, "operator1")
    line = {"category": "paper.cardboard", "gross_kg": 1800, "tare_kg": 1000}
    resp = client.post(
        f"/api/v1/sorting-centers/{center_id}/intakes", json={"vehicle_id": vehicle_id, "lines": [line]}, headers=op
    )
    assert resp.status_code == 201, resp.get_json()
    lot = {"category": "paper.cardboard", "market_id": market_id, "weight_kg": 800, "price_per_kg": 0.5}
    resp = client.post(f"/api/v1/sorting-centers/{center_id}/lots", json=lot, headers=op)
    assert resp.status_code == 201, resp.get_json()
    closes = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    body = {"lot_id": resp.get_json()["id"], "grade": "A", "reserve_per_kg": 1.2, "closes_at": closes}
    resp = client.post("/api/v1/listings", json=body, headers=_token(client, staff))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"], staff


def test_a_buyer_bids_on_a_listed_lot(live, browser, listed, tmp_path):
    """buyer2 signs in, lands on the buyer page, bids 2.35 on the lot; the bid shows under My bids."""
    _, base = live
    listed, _ = listed
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in(page, base, "buyer2")
    page.wait_for_url(f"{base}/console/buyer")
    row = page.locator(f"#open-lots tr[data-listing='{listed}']")
    expect(row).to_be_visible()
    row.locator("input[name=price]").fill("0.5")
    row.locator("button.bid").click()
    expect(page.locator("#bid-error")).to_contain_text("reserve")
    row.locator("input[name=price]").fill("2.35")
    row.locator("button.bid").click()
    expect(page.locator(f"#my-bids tr[data-listing='{listed}'] td.price")).to_have_text("2.35")
    expect(page.locator("#bid-error")).to_have_text("")
    page.screenshot(path=str(tmp_path / "buyer.png"))
    page.close()


def test_the_public_page_shows_the_figures_without_signing_in(live, browser, listed, tmp_path):
    """With no token: the month's cardboard tonnage, the site markers on the map, in Chinese too."""
    _, base = live
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/console/public?lang=zh")
    assert "价格指数" in page.locator("body").text_content()
    month = datetime.now().strftime("%Y-%m")
    expect(page.locator("#tonnage tbody tr", has_text="paper.cardboard").filter(has_text=month)).to_have_count(1)
    expect(page.locator("#map path.leaflet-interactive").first).to_be_attached()
    assert page.locator("#map path.leaflet-interactive").count() > 10
    page.screenshot(path=str(tmp_path / "public.png"), full_page=True)
    context.close()


def test_the_markets_staff_land_on_the_market_page_and_cannot_close_early(live, browser, listed, tmp_path):
    """The market's staff sign in to the market page; the open listing's early close is refused."""
    _, base = live
    listing, staff = listed
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in(page, base, staff)
    page.wait_for_url(f"{base}/console/market")
    row = page.locator(f"#listings tr[data-listing='{listing}']")
    expect(row.locator("td.status")).to_have_text("open")
    row.locator("button").click()
    expect(page.locator("#action-error")).to_contain_text("bidding is open until")
    page.screenshot(path=str(tmp_path / "market.png"))
    page.close()
