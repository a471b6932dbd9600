"""The call center (both databases): an agent registers a caller without an account, books,
moves and cancels for them on the agent's name; the caller signs up later with the same
number and finds the bookings; numbers are validated, kept once and masked in lists."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.audit_log.models import AuditEvent
from backend.notifications.models import PhoneNumber
from tests.backend.bookings.conftest import window
from tests.backend.channels.conftest import CALLER, last_code, register_caller

E164 = "+8613912345678"
ITEMS = [{"category": "paper.cardboard", "quantity": 8}]


def agent_books(world, caller_id, who="agent", hour=8, **extra):
    return world.client.post(
        f"/api/v1/callers/{caller_id}/bookings",
        json={"items": ITEMS, "window_start": window(hour), **extra},
        headers=world.headers(who),
    )


def test_agent_books_for_a_caller_without_an_account_on_the_agents_name(world, session):
    """The caller gets a booking at their address; its history and the audit trail name the agent."""
    resp = register_caller(world)
    assert resp.status_code == 201, resp.get_json()
    caller = resp.get_json()
    assert caller["phone"] == E164 and caller["has_account"] is False
    assert caller["registered_by_id"] == world.ids["user_agent"]
    booked = agent_books(world, caller["id"])
    assert booked.status_code == 201, booked.get_json()
    b = booked.get_json()
    assert b["resident_id"] == caller["id"] and (b["lat"], b["lon"], b["address"]) == (30.31, 120.15, CALLER["address"])
    assert b["events"][0]["actor_id"] == world.ids["user_agent"]
    actions = session.execute(
        select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.object_type.in_(("user", "booking")))
    ).all()
    assert ("caller.register", world.ids["user_agent"]) in actions
    assert ("booking.create_for_caller", world.ids["user_agent"]) in actions


def test_a_caller_cannot_sign_in_before_signing_up(world):
    """A caller registered by the call center has no password that works."""
    caller = register_caller(world).get_json()
    username = f"caller-{E164[1:]}"
    for password in ("", "!caller registered by the call center", "correct horse battery"):
        resp = world.client.post("/api/v1/auth/token", json={"username": username, "password": password or "x"})
        assert resp.status_code == 401
    assert caller["has_account"] is False


def test_the_caller_signs_up_with_the_same_number_and_sees_the_booking(world, session):
    """A one-time code proves the number; the call center's caller becomes the new account."""
    caller = register_caller(world).get_json()
    booking = agent_books(world, caller["id"]).get_json()
    c = world.client
    sent = c.post("/api/v1/phone/codes", json={"phone": "+86 139-1234-5678"})
    assert sent.status_code == 202 and sent.get_json()["phone"] == "+86 139****5678"
    code = last_code(session, E164)
    signup = {"phone": "13912345678", "code": code, "username": "wang", "password": "long enough pw"}
    resp = c.post("/api/v1/phone/register", json=signup)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["id"] == caller["id"] and resp.get_json()["has_account"] is True
    token = c.post("/api/v1/auth/token", json={"username": "wang", "password": "long enough pw"}).get_json()
    mine = c.get("/api/v1/bookings", headers={"Authorization": f"Bearer {token['access_token']}"}).get_json()
    assert [b["id"] for b in mine] == [booking["id"]]
    # The code is used up: signing up again with it fails.
    again = c.post("/api/v1/phone/register", json={**signup, "username": "wang2"})
    assert again.status_code == 422 and "code" in again.get_json()["errors"]["json"]


def test_a_wrong_code_is_refused_and_too_many_tries_kill_it(world, session, app):
    """Wrong codes are 422; after PHONE_CODE_MAX_ATTEMPTS the right one no longer works."""
    app.config["PHONE_CODE_MAX_ATTEMPTS"] = 2
    c = world.client
    c.post("/api/v1/phone/codes", json={"phone": E164})
    code = last_code(session, E164)
    wrong = "000000" if code != "000000" else "111111"
    body = {"phone": E164, "username": "wang", "password": "long enough pw"}
    for _ in range(2):
        assert c.post("/api/v1/phone/register", json={**body, "code": wrong}).status_code == 422
    resp = c.post("/api/v1/phone/register", json={**body, "code": code})
    assert resp.status_code == 422, resp.get_json()
    assert c.post("/api/v1/auth/token", json={"username": "wang", "password": "long enough pw"}).status_code == 401


def test_a_resident_with_an_account_proves_the_number_and_gets_the_callers_bookings(world, session):
    """Merging: the call center's bookings move to the signed-in resident, the caller is retired."""
    caller = register_caller(world).get_json()
    booking = agent_books(world, caller["id"]).get_json()
    c = world.client
    c.post("/api/v1/phone/codes", json={"phone": E164})
    resp = c.put(
        "/api/v1/phone/mine", json={"phone": E164, "code": last_code(session, E164)}, headers=world.headers("resident")
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"phone": E164, "verified": True}
    mine = c.get("/api/v1/bookings", headers=world.headers("resident")).get_json()
    assert booking["id"] in [b["id"] for b in mine]
    assert c.get(f"/api/v1/callers/{caller['id']}", headers=world.headers("agent")).status_code == 404
    found = c.get("/api/v1/callers", query_string={"phone": E164}, headers=world.headers("agent")).get_json()
    assert [f["id"] for f in found] == [world.ids["user_resident"]]


def test_numbers_are_validated_and_kept_once_whatever_their_spelling(world, session, app):
    """Not a number or not of mainland China: 422; the same number spelled otherwise: 409."""
    assert register_caller(world, phone="12345").status_code == 422
    foreign = register_caller(world, phone="+1 650 253 0000")
    assert foreign.status_code == 422 and "phone" in foreign.get_json()["errors"]["json"]
    assert register_caller(world).status_code == 201
    again = register_caller(world, phone="+86 139 1234 5678", display_name="Someone else")
    assert again.status_code == 409
    assert session.scalar(select(func.count()).select_from(PhoneNumber)) == 1
    app.config["PHONE_ALLOWED_REGIONS"] = "CN,US"
    assert register_caller(world, phone="+1 650 253 0000").status_code == 201


def test_lists_mask_the_number_and_the_detail_shows_it(world):
    """An agent's search shows +86 139****5678; the caller's page, the number to call back."""
    caller = register_caller(world).get_json()
    c, h = world.client, world.headers("agent")
    found = c.get("/api/v1/callers", query_string={"phone": "13912345678"}, headers=h).get_json()
    assert [(f["id"], f["phone"]) for f in found] == [(caller["id"], "+86 139****5678")]
    assert c.get(f"/api/v1/callers/{caller['id']}", headers=h).get_json()["phone"] == E164
    assert c.get("/api/v1/callers", query_string={"phone": "13800138000"}, headers=h).get_json() == []


def test_agent_reschedules_and_cancels_on_their_name(world):
    """Each change of the caller's booking is an event whose actor is the agent who made it."""
    caller = register_caller(world).get_json()
    b = agent_books(world, caller["id"]).get_json()
    c = world.client
    moved = c.post(
        f"/api/v1/callers/{caller['id']}/bookings/{b['id']}/reschedule",
        json={"window_start": window(10)},
        headers=world.headers("agent2"),
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["window_start"].startswith(window(10)[:16])
    assert moved.get_json()["events"][-1]["actor_id"] == world.ids["user_agent2"]
    cancelled = c.post(
        f"/api/v1/callers/{caller['id']}/bookings/{b['id']}/cancel", json={}, headers=world.headers("agent")
    )
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["events"][-1]["actor_id"] == world.ids["user_agent"]
    history = c.get(f"/api/v1/callers/{caller['id']}/bookings", headers=world.headers("agent")).get_json()
    assert [h["id"] for h in history] == [b["id"]]


def test_object_level_access(world):
    """Another resident's booking through a caller's path is 404; residents and drivers are 403;
    an account holder without a proven number is no caller."""
    caller = register_caller(world).get_json()
    own = world.client.post(
        "/api/v1/bookings", json={"items": ITEMS, "window_start": window(8)}, headers=world.headers("resident")
    ).get_json()
    c, h = world.client, world.headers("agent")
    assert c.post(f"/api/v1/callers/{caller['id']}/bookings/{own['id']}/cancel", json={}, headers=h).status_code == 404
    assert c.get(f"/api/v1/callers/{world.ids['user_resident']}", headers=h).status_code == 404
    assert c.get(f"/api/v1/callers/{world.ids['user_driver']}/bookings", headers=h).status_code == 404
    for role in ("resident", "driver", "dispatcher"):
        assert c.get(f"/api/v1/callers/{caller['id']}", headers=world.headers(role)).status_code == 403
        assert register_caller(world, who=role, phone="13800138000").status_code == 403


def test_idempotent_booking_by_an_agent(world, session):
    """The same Idempotency-Key twice books once and answers the same."""
    caller = register_caller(world).get_json()
    c = world.client
    body = {"items": ITEMS, "window_start": window(8)}
    h = world.headers("agent", **{"Idempotency-Key": "call-42"})
    first = c.post(f"/api/v1/callers/{caller['id']}/bookings", json=body, headers=h)
    second = c.post(f"/api/v1/callers/{caller['id']}/bookings", json=body, headers=h)
    assert first.status_code == second.status_code == 201 and first.get_json()["id"] == second.get_json()["id"]
    assert len(c.get(f"/api/v1/callers/{caller['id']}/bookings", headers=world.headers("agent")).get_json()) == 1
