"""On PostgreSQL under concurrency: a fixed-price offer and an auction's close never produce
two winners, and a close never misses a bid it accepted before it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.core.extensions import db
from backend.markets.models import Bid, Listing
from backend.markets.services import trading
from tests.backend.markets.conftest import list_lot


@pytest.fixture
def backend_name():
    return "postgresql"


def test_buyers_buying_a_fixed_price_offer_at_once_never_both_win(market, app, session):
    """Three buyers, four attempts each, all at once: exactly one purchase succeeds."""
    listing = list_lot(market, market.ids["lot_paper"], mode="fixed", fixed_price_per_kg=1.5).get_json()["id"]
    url = f"/api/v1/listings/{listing}/purchase"
    who = ["buyer1", "buyer2", "buyer3"] * 4

    def buy(name):
        return app.test_client().post(url, headers=market.headers(name)).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(buy, who))
    assert codes.count(200) == 1
    assert set(codes) <= {200, 404, 409}
    session.expire_all()
    assert len(session.scalars(select(Bid).where(Bid.listing_id == listing)).all()) == 1


def test_bids_racing_the_close_award_once_to_the_best_bid_accepted(market, app, session):
    """Thirty rising bids sent from just before to just after the close while two closes run:
    one award, to the highest bid accepted; the bids after it are refused."""
    closes_at = datetime.now(UTC) + timedelta(seconds=3)
    listing = list_lot(market, market.ids["lot_paper"], closes_at=closes_at.isoformat()).get_json()["id"]
    url = f"/api/v1/listings/{listing}/bids"
    offers = [(name, 1.0 + 0.01 * i) for i, name in enumerate(["buyer1", "buyer2", "buyer3"] * 10)]

    def wait_until(moment):
        while datetime.now(UTC) < moment:
            time.sleep(0.01)

    def bid(offer):
        n, (name, price) = offer
        wait_until(closes_at + timedelta(seconds=-0.3 + 0.02 * n))
        resp = app.test_client().post(url, json={"price_per_kg": round(price, 2)}, headers=market.headers(name))
        return name, round(price, 2), resp.status_code

    def close(_):
        with app.app_context():
            wait_until(closes_at)
            return trading.close_listing(db.session(), listing).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        closers = [pool.submit(close, n) for n in range(2)]
        results = list(pool.map(bid, enumerate(offers)))
        statuses = [c.result() for c in closers]
    accepted = [(n, p) for n, p, code in results if code in (200, 201)]
    # 422: a raise that arrived after a higher one; 404/409: the listing was awarded meanwhile
    assert all(code in (200, 201, 404, 409, 422) for _, _, code in results)
    assert accepted and any(code in (404, 409) for _, _, code in results)  # the close fell among the bids
    session.expire_all()
    final = session.get(Listing, listing)
    assert final.status == "awarded" and set(statuses) == {"awarded"}
    best = max(p for _, p in accepted)
    assert float(final.price_per_kg) == best
    winners = session.scalars(select(Listing).where(Listing.id == listing, Listing.buyer_id.is_not(None))).all()
    assert len(winners) == 1
