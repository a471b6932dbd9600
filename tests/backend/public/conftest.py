"""Fixtures for the public release: a city with a trade settled, a district's estimate, a
collected bin, and residents whose personal details must never be published."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.accounts.models import User
from backend.markets.services import trading
from backend.planning.models import Plan, PlanRoute, RouteStop
from tests.backend.markets.conftest import list_lot, market  # noqa: F401  (the market fixture)

PERSONAL = {"resident": ("Wang Xiaoming", "13800138000"), "resident2": ("Li Hua", "13912345678")}


def collect_bin(session, world, kg: float) -> None:
    """A dispatched plan whose one bin stop at the Gongshu point was done today with ``kg``."""
    now = datetime.now(UTC)
    plan = Plan(center_id=world.ids["center_a"], day=date.today(), status="dispatched")
    session.add(plan)
    session.flush()
    route = PlanRoute(
        plan_id=plan.id, seq=0, vehicle_id=world.ids["vehicle"], distance_km=10, empty_km=2,
        collected_kg=kg, trips=1, start_at=now, end_at=now,
    )  # fmt: skip
    session.add(route)
    session.flush()
    session.add(
        RouteStop(
            route_id=route.id, seq=1, kind="bin", bin_id=world.ids["bin"], lat=30.32, lon=120.14,
            arrival_at=now, start_at=now, departure_at=now, leg_km=5, load_kg=kg, status="done",
            quantity_kg=kg, updated_at=now,
        )
    )  # fmt: skip
    session.commit()


@pytest.fixture
def city(market, session, app):  # noqa: F811
    """Residents with names and phones, Gongshu's estimate (12 t this year), 800 kg collected
    there today, and one cardboard trade settled (the index published from one trade)."""
    for username, (name, phone) in PERSONAL.items():
        user = session.get(User, market.ids[f"user_{username}"])
        user.display_name, user.phone = name, phone
    session.commit()
    est = {"district": "Gongshu", "year": date.today().year, "tonnes": 12}
    assert (
        market.client.post("/api/v1/generation-estimates", json=est, headers=market.headers("admin")).status_code == 201
    )
    collect_bin(session, market, 800)
    app.config["PRICE_INDEX_MIN_TRADES"] = 1
    listing = list_lot(market, market.ids["lot_paper"], reserve_per_kg=0.1).get_json()["id"]
    market.client.post(f"/api/v1/listings/{listing}/bids", json={"price_per_kg": 2}, headers=market.headers("buyer1"))
    trading.close_listing(session, listing, now=datetime.now(UTC) + timedelta(days=1))
    resp = market.client.post(
        f"/api/v1/listings/{listing}/delivery", json={"delivered_kg": 990}, headers=market.headers("market_staff")
    )
    assert resp.status_code == 200, resp.get_json()
    return market
