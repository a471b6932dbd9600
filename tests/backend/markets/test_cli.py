"""`recyclenet markets`: the demo city's traders, seeded once, and the close by hand."""

from __future__ import annotations

import json

from sqlalchemy import select

from backend.cli import cli as recyclenet
from backend.demo.seed import DEMO_PASSWORD, seed_demo_city
from backend.markets.models import Buyer


def test_seed_demo_adds_market_staff_and_approved_buyers_once(app, session):
    """After the demo city: one staff member per market and three approved buyers; a second run writes nothing."""
    seed_demo_city(session, seed=3, n_bins=20)
    runner = app.test_cli_runner()
    first = runner.invoke(recyclenet, args=["markets", "seed-demo"])
    assert first.exit_code == 0, first.output
    seeded = json.loads(first.output)
    assert seeded["buyers"] == ["buyer1", "buyer2", "buyer3"] and seeded["market_staff"]
    again = runner.invoke(recyclenet, args=["markets", "seed-demo"])
    assert "nothing written" in again.output
    session.expire_all()
    assert [b.status for b in session.scalars(select(Buyer))] == ["approved"] * 3
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "buyer1", "password": DEMO_PASSWORD}).get_json()
    assert token["role"] == "buyer"
    closed = runner.invoke(recyclenet, args=["markets", "close-due"])
    assert closed.exit_code == 0 and "0 listings closed" in closed.output
