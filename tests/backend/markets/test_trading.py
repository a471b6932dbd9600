"""Listings, sealed bids, the close, fixed-price purchases, and who sees what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.core.jobs import enqueue
from backend.markets.jobs import close_due_listings
from backend.markets.services import trading
from tests.backend.markets.conftest import list_lot

LATER = datetime.now(UTC) + timedelta(days=1)


def bid(world, listing: int, who: str, price: float):
    return world.client.post(
        f"/api/v1/listings/{listing}/bids", json={"price_per_kg": price}, headers=world.headers(who)
    )


def test_three_buyers_bid_and_the_best_valid_bid_wins_at_the_close(market, session, app):
    """Bids 1.5, 2.2 and 1.9 (raised to 2.0): 2.2 wins when the scheduled job closes the listing."""
    resp = list_lot(market, market.ids["lot_paper"])
    assert resp.status_code == 201, resp.get_json()
    listing = resp.get_json()
    assert listing["weight_kg"] == 1000 and listing["category"] == "paper.cardboard"
    assert bid(market, listing["id"], "buyer1", 1.5).status_code == 201
    assert bid(market, listing["id"], "buyer2", 2.2).status_code == 201
    assert bid(market, listing["id"], "buyer3", 1.9).status_code == 201
    assert bid(market, listing["id"], "buyer3", 2.0).status_code == 200  # raised
    lowered = bid(market, listing["id"], "buyer3", 1.95)
    assert lowered.status_code == 422 and "raised" in lowered.get_json()["message"]
    closed = market.client.post(f"/api/v1/listings/{listing['id']}/close", headers=market.headers("market_staff"))
    assert closed.status_code == 409  # not due yet: bidding is still open
    trading.close_due(session, now=LATER)
    with app.test_request_context():
        enqueue(close_due_listings, LATER.isoformat())  # a second run of the job changes nothing
    got = market.client.get(f"/api/v1/listings/{listing['id']}", headers=market.headers("buyer2")).get_json()
    assert got["status"] == "awarded"
    assert got["buyer_id"] == market.ids["buyer_buyer2"] and got["price_per_kg"] == "2.20"


def test_ties_go_to_the_earlier_bid(market, session):
    """Two bids of 2.00: the first placed wins."""
    listing = list_lot(market, market.ids["lot_paper"]).get_json()["id"]
    bid(market, listing, "buyer2", 2.0)
    bid(market, listing, "buyer1", 2.0)
    assert trading.close_listing(session, listing, now=LATER).buyer_id == market.ids["buyer_buyer2"]


def test_bids_below_the_reserve_after_the_close_or_unlicensed_are_refused(market, session):
    """Below the reserve is 422, after the close 409, an unlicensed buyer on lamps 403; the licensed one bids."""
    paper = list_lot(market, market.ids["lot_paper"], reserve_per_kg=1.0).get_json()["id"]
    below = bid(market, paper, "buyer1", 0.5)
    assert below.status_code == 422 and "reserve" in below.get_json()["errors"]["json"]["price_per_kg"][0]
    lamps = list_lot(market, market.ids["lot_lamps"], reserve_per_kg=0.1).get_json()["id"]
    refused = bid(market, lamps, "buyer1", 0.3)
    assert refused.status_code == 403 and "licensed" in refused.get_json()["message"]
    assert bid(market, lamps, "buyer3", 0.3).status_code == 201
    trading.close_due(session, now=LATER)
    late = bid(market, paper, "buyer2", 5.0)
    assert late.status_code in (404, 409)  # unsold: no longer open to anyone
    assert session.get(trading.Listing, paper).status == "unsold"


def test_bids_are_sealed_until_the_close(market, session):
    """A buyer sees only their own bid; the staff see none before the close, all after."""
    listing = list_lot(market, market.ids["lot_paper"]).get_json()["id"]
    bid(market, listing, "buyer1", 1.5)
    bid(market, listing, "buyer2", 1.7)
    url = f"/api/v1/listings/{listing}/bids"
    mine = market.client.get(url, headers=market.headers("buyer1")).get_json()
    assert [b["price_per_kg"] for b in mine] == ["1.50"]
    assert market.client.get(url, headers=market.headers("market_staff")).status_code == 403
    trading.close_due(session, now=LATER)
    every = market.client.get(url, headers=market.headers("market_staff")).get_json()
    assert [b["price_per_kg"] for b in every] == ["1.70", "1.50"]
    # The loser no longer sees the awarded listing at all; the winner does.
    assert market.client.get(f"/api/v1/listings/{listing}", headers=market.headers("buyer1")).status_code == 404
    won = market.client.get("/api/v1/me/bids", headers=market.headers("buyer2")).get_json()
    assert won[0]["won"] is True and won[0]["listing_status"] == "awarded"


def test_only_the_markets_staff_list_its_lots(market):
    """A sorting-center operator cannot list at the market (404); the lot is listed once only (409)."""
    assert list_lot(market, market.ids["lot_paper"], who="operator").status_code == 404
    assert list_lot(market, market.ids["lot_paper"]).status_code == 201
    again = list_lot(market, market.ids["lot_paper"])
    assert again.status_code == 409
    past = list_lot(market, market.ids["lot_lamps"], closes_at="2020-01-01T00:00:00Z")
    assert past.status_code == 422
    # The center's operator sees the listing of its lot; the other center's does not.
    mine = market.client.get("/api/v1/listings", headers=market.headers("operator")).get_json()
    assert len(mine) == 1
    assert market.client.get("/api/v1/listings", headers=market.headers("operator_b")).get_json() == []


def test_a_fixed_price_offer_goes_to_the_first_buyer(market):
    """The first purchase wins at the fixed price; the second is 409; a bid on it is 409."""
    resp = list_lot(market, market.ids["lot_paper"], mode="fixed", fixed_price_per_kg=1.8)
    listing = resp.get_json()["id"]
    assert bid(market, listing, "buyer1", 2.0).status_code == 409
    first = market.client.post(f"/api/v1/listings/{listing}/purchase", headers=market.headers("buyer1"))
    assert first.status_code == 200 and first.get_json()["price_per_kg"] == "1.80"
    second = market.client.post(f"/api/v1/listings/{listing}/purchase", headers=market.headers("buyer2"))
    assert second.status_code in (404, 409)
