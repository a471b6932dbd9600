"""The bookings world plus a call-center agent (and a second one), signed in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.accounts import services as accounts
from backend.notifications.models import Notification
from tests.backend.conftest import PASSWORD, build_world

CALLER = {
    "phone": "139 1234 5678",
    "display_name": "Grandma Wang",
    "address": "3 Lane, Gongshu",
    "lat": 30.31,
    "lon": 120.15,
}


@pytest.fixture
def world(client, session):
    w = build_world(client, session)
    for name in ("agent", "agent2"):
        user = accounts.create_user(session, {"username": name, "password": PASSWORD, "role": "agent"}, None)
        w.ids[f"user_{name}"] = user.id
        resp = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        w.tokens[name] = resp.get_json()["access_token"]
    return w


def register_caller(world, who="agent", **extra):
    return world.client.post("/api/v1/callers", json={**CALLER, **extra}, headers=world.headers(who))


def last_code(session, e164: str) -> str:
    """The code texted to ``e164``, read from the outbox as the SMS gateway would get it."""
    session.expire_all()
    body = session.scalars(
        select(Notification.body)
        .where(Notification.recipient == e164, Notification.kind == "one_time_code")
        .order_by(Notification.id.desc())
    ).first()
    return body.split("your code is ")[1][:6]


def book_as(world, who: str, window_start: str):
    body = {"items": [{"category": "paper.cardboard", "quantity": 8}], "window_start": window_start}
    return world.client.post("/api/v1/bookings", json=body, headers=world.headers(who))
