"""Fixtures for the market tests: the market's staff, three approved buyers (one licensed for
hazardous material), and lots of cardboard and of fluorescent lamps shipped to the market."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.accounts import services as accounts
from backend.network.models import Vehicle
from tests.backend.conftest import PASSWORD

# Valid unified social credit codes (GB 32100-2015 check characters).
CODES = ("91350100M000100Y43", "91330000MA27U0FQ67", "91110000710933043H")


def sign_in(world, username: str) -> None:
    resp = world.client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.get_json()
    world.tokens[username] = resp.get_json()["access_token"]


def add_user(world, session, username: str, **extra) -> int:
    user = accounts.create_user(session, {"username": username, "password": PASSWORD, **extra}, None)
    sign_in(world, username)
    world.ids[f"user_{username}"] = user.id
    return user.id


def add_buyer(world, session, username: str, code: str, licences=(), approve=True) -> int:
    add_user(world, session, username, role="buyer")
    body = {
        "company_name": f"{username} Recycling Co.",
        "credit_code": code,
        "contact_name": f"Contact of {username}",
        "contact_phone": "0571-88000000",
        "licences": list(licences),
    }
    resp = world.client.post("/api/v1/buyers", json=body, headers=world.headers(username))
    assert resp.status_code == 201, resp.get_json()
    buyer_id = resp.get_json()["id"]
    if approve:
        resp = world.client.post(
            f"/api/v1/buyers/{buyer_id}/decision", json={"approve": True}, headers=world.headers("admin")
        )
        assert resp.status_code == 200, resp.get_json()
    world.ids[f"buyer_{username}"] = buyer_id
    return buyer_id


def ship(world, category: str, kg: float) -> int:
    """Log an intake of ``kg`` at center A and ship it all to the market as one lot."""
    c, h = world.client, world.headers("operator")
    center = world.ids["center_a"]
    body = {"vehicle_id": world.ids["vehicle"], "lines": [{"category": category, "gross_kg": 3000 + kg}]}
    assert c.post(f"/api/v1/sorting-centers/{center}/intakes", json=body, headers=h).status_code == 201
    lot = {"category": category, "market_id": world.ids["market"], "weight_kg": kg, "price_per_kg": 0.5}
    resp = c.post(f"/api/v1/sorting-centers/{center}/lots", json=lot, headers=h)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def soon(minutes: float = 60) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def list_lot(world, lot_id: int, who="market_staff", **extra):
    body = {"lot_id": lot_id, "grade": "A", "reserve_per_kg": 1.0, "closes_at": soon(), **extra}
    return world.client.post("/api/v1/listings", json=body, headers=world.headers(who))


@pytest.fixture
def market(world, session):
    """Staff at the market, three approved buyers (buyer3 licensed for hazardous), a pending
    buyer, and a 1000 kg cardboard lot and a 200 kg lamp lot at the market."""
    v = session.get(Vehicle, world.ids["vehicle"])
    v.tare_kg = 3000.0
    session.commit()
    add_user(world, session, "market_staff", role="operator", sorting_center_id=world.ids["market"])
    add_buyer(world, session, "buyer1", CODES[0])
    add_buyer(world, session, "buyer2", CODES[1])
    add_buyer(world, session, "buyer3", CODES[2], licences=["hazardous"])
    world.ids["lot_paper"] = ship(world, "paper.cardboard", 1000)
    world.ids["lot_lamps"] = ship(world, "hazardous.fluorescent_lamps", 200)
    return world
