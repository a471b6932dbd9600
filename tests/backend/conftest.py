"""A small registry and one signed-in user per role (and a second driver and an operator of
center B, for object-level access), built through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

import pytest

from backend.accounts import services as accounts
from backend.network.services import assets, catalog
from backend.network.services import sites as network

PASSWORD = "correct horse battery"


@dataclass
class World:
    client: object
    ids: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def headers(self, who: str | None, **extra) -> dict:
        h = dict(extra)
        if who is not None:
            h["Authorization"] = f"Bearer {self.tokens[who]}"
        return h


def build_world(client, session) -> World:
    w = World(client)
    paper = catalog.by_code(session, "paper.mixed")
    hazardous = catalog.by_code(session, "hazardous")
    market = network.create_site(
        session, {"tier": "distribution_market", "name": "Market", "lat": 30.40, "lon": 120.29}, None
    )
    center_a = network.create_site(
        session,
        {"tier": "sorting_center", "name": "Center A", "lat": 30.34, "lon": 120.12, "market_ids": [market.id]},
        None,
    )
    center_b = network.create_site(
        session, {"tier": "sorting_center", "name": "Center B", "lat": 30.19, "lon": 120.23}, None
    )
    point = network.create_site(
        session,
        {
            "tier": "collection_point",
            "name": "Point 1",
            "district": "Gongshu",
            "lat": 30.32,
            "lon": 120.14,
            "sorting_center_id": center_a.id,
            "category_ids": [paper.id],
        },
        None,
    )
    b = assets.create_bin(
        session, {"site_id": point.id, "category_id": paper.id, "capacity_l": 660, "device_id": "T-BIN-1"}, None
    )
    v = assets.create_vehicle(
        session,
        {
            "plate": "ZJ-A-1",
            "home_center_id": center_a.id,
            "capacity_kg": 4000,
            "capacity_m3": 16,
            "shift_start": time(7),
            "shift_end": time(17),
            "category_ids": [paper.id],
        },
        None,
    )
    w.ids.update(
        market=market.id,
        center_a=center_a.id,
        center_b=center_b.id,
        point=point.id,
        bin=b.id,
        vehicle=v.id,
        paper=paper.id,
        hazardous=hazardous.id,
    )
    people = {
        "admin": {"role": "admin"},
        "dispatcher": {"role": "dispatcher"},
        "driver": {"role": "driver"},
        "driver2": {"role": "driver"},
        "operator": {"role": "operator", "sorting_center_id": center_a.id},
        "operator_b": {"role": "operator", "sorting_center_id": center_b.id},
        "resident": {"role": "resident", "lat": 30.31, "lon": 120.15, "address": "Home 1"},
        "resident2": {"role": "resident", "lat": 30.30, "lon": 120.16, "address": "Home 2"},
    }
    for username, extra in people.items():
        user = accounts.create_user(session, {"username": username, "password": PASSWORD, **extra}, None)
        w.ids[f"user_{username}"] = user.id
        resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        w.tokens[username] = resp.get_json()["access_token"]
    return w


@pytest.fixture
def world(client, session) -> World:
    return build_world(client, session)
