"""The weekly price index: volume-weighted over settled trades, thin groups withheld; the
resident price proposal made from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from backend.markets.services import trading
from tests.backend.markets.conftest import list_lot, ship

LATER = datetime.now(UTC) + timedelta(days=1)
# (category, listed kg, delivered kg, price per kg, buyer)
TRADES = [
    ("paper.cardboard", 800, 790.5, 2.10, "buyer1"),
    ("paper.cardboard", 400, 400, 2.45, "buyer2"),
    ("paper.cardboard", 1200, 1188, 1.98, "buyer1"),
    ("plastics.pet", 300, 300, 3.00, "buyer2"),  # one trade only: withheld
]


def trade(market, session, category, kg, delivered, price, buyer) -> None:
    lot = ship(market, category, kg)
    listing = list_lot(market, lot, reserve_per_kg=0.1).get_json()["id"]
    resp = market.client.post(
        f"/api/v1/listings/{listing}/bids", json={"price_per_kg": price}, headers=market.headers(buyer)
    )
    assert resp.status_code == 201, resp.get_json()
    trading.close_listing(session, listing, now=LATER)
    resp = market.client.post(
        f"/api/v1/listings/{listing}/delivery", json={"delivered_kg": delivered}, headers=market.headers("market_staff")
    )
    assert resp.status_code == 200, resp.get_json()


def test_the_index_equals_an_independent_computation_and_hides_thin_categories(market, session):
    """Cardboard: sum(price x kg) / sum(kg) over its three trades; PET (one trade) is not published."""
    for t in TRADES:
        trade(market, session, *t)
    rows = market.client.get("/api/v1/prices/index", headers=market.headers("buyer1")).get_json()
    cardboard = [t for t in TRADES if t[0] == "paper.cardboard"]
    value = sum(Decimal(str(p)) * Decimal(str(d)) for _, _, d, p, _ in cardboard)
    kg = sum(Decimal(str(d)) for _, _, d, _, _ in cardboard)
    assert [r["category"] for r in rows] == ["paper.cardboard"]
    assert rows[0]["price_per_kg"] == str((value / kg).quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert rows[0]["trades"] == 3 and rows[0]["grade"] == "A"
    assert rows[0]["tonnes"] == round(float(kg) / 1000, 3)
    csv = market.client.get("/api/v1/prices/index?format=csv", headers=market.headers("buyer1"))
    assert csv.mimetype == "text/csv" and "paper.cardboard" in csv.get_data(as_text=True)
    proposal = market.client.get("/api/v1/prices/proposal?margin_pct=25", headers=market.headers("operator")).get_json()
    assert [p["category"] for p in proposal] == ["paper.cardboard"]
    expected = (Decimal(rows[0]["price_per_kg"]) * Decimal("0.75")).quantize(Decimal("0.01"))
    assert proposal[0]["proposed_amount"] == str(expected)
