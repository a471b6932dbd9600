"""Buyers: the credit-code check, licences, approval, and who sees which profile."""

from __future__ import annotations

import pytest

from backend.markets.services.buyers import credit_code_problem
from tests.backend.markets.conftest import CODES, add_user


@pytest.mark.parametrize("code", CODES)
def test_valid_credit_codes_pass(code):
    """Codes whose 18th character is the GB 32100-2015 check character are accepted."""
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y44", "check character should be 3"),
        ("91350100MOOO100Y43", "characters not allowed: O"),
    ],
)
def test_invalid_credit_codes_say_why(code, reason):
    """A short code, a wrong check character and a letter outside the alphabet are named."""
    assert reason in credit_code_problem(code)


def test_a_profile_with_a_bad_code_is_a_field_error(world, session):
    """POST /buyers with a wrong check character answers 422 on credit_code."""
    add_user(world, session, "b", role="buyer")
    body = {
        "company_name": "X",
        "credit_code": "91350100M000100Y44",
        "contact_name": "Y",
        "contact_phone": "123",
    }
    resp = world.client.post("/api/v1/buyers", json=body, headers=world.headers("b"))
    assert resp.status_code == 422
    assert "credit_code" in resp.get_json()["errors"]["json"]


def test_buyers_wait_for_approval_and_see_only_their_own_profile(market, session):
    """A pending buyer cannot bid (403); once approved it can; another buyer's profile is 404."""
    from tests.backend.markets.conftest import add_buyer, list_lot

    c = market.client
    pending_id = add_buyer(
        market, session, "latecomer", "91310000MA1FL0000" + _check("91310000MA1FL0000"), approve=False
    )
    listing = list_lot(market, market.ids["lot_paper"]).get_json()["id"]
    resp = c.post(f"/api/v1/listings/{listing}/bids", json={"price_per_kg": 2}, headers=market.headers("latecomer"))
    assert resp.status_code == 403
    pending = c.get("/api/v1/buyers?status=pending", headers=market.headers("admin")).get_json()
    assert [b["id"] for b in pending] == [pending_id]
    assert c.get(f"/api/v1/buyers/{pending_id}", headers=market.headers("buyer1")).status_code == 404
    assert c.get(f"/api/v1/buyers/{pending_id}", headers=market.headers("latecomer")).status_code == 200
    c.post(f"/api/v1/buyers/{pending_id}/decision", json={"approve": True}, headers=market.headers("admin"))
    resp = c.post(f"/api/v1/listings/{listing}/bids", json={"price_per_kg": 2}, headers=market.headers("latecomer"))
    assert resp.status_code == 201
    me = c.get("/api/v1/buyers/me", headers=market.headers("latecomer")).get_json()
    assert me["status"] == "approved"


def test_a_credit_code_belongs_to_one_company(market, session):
    """A second profile with a code already registered is a 409."""
    add_user(market, session, "copycat", role="buyer")
    body = {"company_name": "X", "credit_code": CODES[0], "contact_name": "Y", "contact_phone": "123"}
    resp = market.client.post("/api/v1/buyers", json=body, headers=market.headers("copycat"))
    assert resp.status_code == 409


def _check(first17: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(alphabet.index(ch) * w for ch, w in zip(first17, weights, strict=True))
    return alphabet[(31 - total % 31) % 31]
