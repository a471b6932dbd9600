"""Delivery and settlement: the amount from the delivered weight, a balanced ledger posted
once, the buyer's account, and the mass balance from intake to buyer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from backend.markets.services import settlement, trading
from backend.reporting.services.audit import audit
from tests.backend.markets.conftest import list_lot

LATER = datetime.now(UTC) + timedelta(days=1)


def awarded(market, session, lot_key="lot_paper", who="buyer2", price=2.37) -> int:
    listing = list_lot(market, market.ids[lot_key], reserve_per_kg=0.1).get_json()["id"]
    resp = market.client.post(
        f"/api/v1/listings/{listing}/bids", json={"price_per_kg": price}, headers=market.headers(who)
    )
    assert resp.status_code == 201, resp.get_json()
    trading.close_listing(session, listing, now=LATER)
    return listing


def deliver(market, listing: int, kg: float, who="market_staff"):
    return market.client.post(
        f"/api/v1/listings/{listing}/delivery", json={"delivered_kg": kg}, headers=market.headers(who)
    )


def test_the_amount_is_the_delivered_weight_times_the_price_split_three_ways(market, session, app):
    """987.5 kg at 2.37 = 2340.38; the market takes 2% (46.81), the center the rest; the lines sum to zero."""
    listing = awarded(market, session)
    resp = deliver(market, listing, 987.5)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "settled"
    lines = market.client.get(f"/api/v1/listings/{listing}/ledger", headers=market.headers("market_staff")).get_json()
    amounts = {line["account"]: Decimal(line["amount"]) for line in lines}
    assert app.config["MARKET_COMMISSION_PCT"] == 2.0
    assert amounts == {"buyer": Decimal("-2340.38"), "market": Decimal("46.81"), "center": Decimal("2293.57")}
    assert settlement.ledger_total(session) == 0
    assert settlement.site_balance(session, market.ids["center_a"], "center") == Decimal("2293.57")


def test_a_delivery_is_posted_once(market, session):
    """A second delivery of the same listing is 409 and leaves the ledger as it was."""
    listing = awarded(market, session)
    assert deliver(market, listing, 1000).status_code == 200
    again = deliver(market, listing, 1000)
    assert again.status_code == 409
    assert len(settlement.ledger(session, listing)) == 3


def test_only_the_markets_staff_deliver_and_not_beyond_the_listed_weight(market, session):
    """The center's operator cannot record the delivery (403); 1200 kg of a 1000 kg lot is 422."""
    listing = awarded(market, session)
    assert deliver(market, listing, 1000, who="operator").status_code == 403
    assert deliver(market, listing, 1200).status_code == 422


def test_payment_clears_what_the_buyer_owes_and_is_idempotent(market, session):
    """The buyer owes the sale until the payment; paying twice posts once; the books balance."""
    listing = awarded(market, session, price=2.0)
    deliver(market, listing, 500)
    account = market.client.get("/api/v1/me/account", headers=market.headers("buyer2")).get_json()
    assert account["owed"] == "1000.00"
    url = f"/api/v1/listings/{listing}/payment"
    first = market.client.post(url, headers=market.headers("market_staff"))
    second = market.client.post(url, headers=market.headers("market_staff"))
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    account = market.client.get("/api/v1/me/account", headers=market.headers("buyer2")).get_json()
    assert account["owed"] == "0.00"
    assert settlement.ledger_total(session) == 0
    # Another buyer sees nothing of it.
    other = market.client.get(f"/api/v1/listings/{listing}/ledger", headers=market.headers("buyer1"))
    assert other.status_code == 404
    assert market.client.get("/api/v1/me/account", headers=market.headers("buyer1")).get_json()["owed"] == "0.00"


def test_the_audit_reconciles_intake_to_buyer_to_the_kg(market, session):
    """Intake 1000 kg, shipped 1000, sold 1000: a row with sold_kg and no discrepancy; a short
    delivery beyond the tolerance is listed."""
    listing = awarded(market, session)
    deliver(market, listing, 1000)
    rows, problems = audit(session)
    paper = next(r for r in rows if r["category"] == "paper.cardboard")
    assert (paper["intake_kg"], paper["shipped_kg"], paper["stock_kg"], paper["sold_kg"]) == (1000, 1000, 0, 1000)
    assert not [p for p in problems if "buyers" in p["check"] or "sold" in p["check"]]
    lamps = awarded(market, session, lot_key="lot_lamps", who="buyer3")
    deliver(market, lamps, 150)  # 200 kg listed, 150 delivered: 25% short
    _, problems = audit(session)
    short = [p for p in problems if "buyers" in p["check"]]
    assert len(short) == 1 and short[0]["expected"] == 200 and short[0]["actual"] == 150
