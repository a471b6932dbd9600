"""An agent's booking retried with its Idempotency-Key: the retry books again and is rolled
back at the key's unique index, its audit event with it."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.audit_log.models import AuditEvent
from tests.backend.bookings.conftest import window
from tests.backend.channels.conftest import register_caller


def test_a_retried_agent_booking_leaves_one_audit_event(world, session):
    caller = register_caller(world).get_json()
    url = f"/api/v1/callers/{caller['id']}/bookings"
    body = {"items": [{"category": "paper.cardboard", "quantity": 8}], "window_start": window(8)}
    h = world.headers("agent", **{"Idempotency-Key": "call-7"})
    answers = [world.client.post(url, json=body, headers=h) for _ in range(3)]
    assert {a.status_code for a in answers} == {201} and len({a.get_json()["id"] for a in answers}) == 1
    created = select(func.count()).where(AuditEvent.action == "booking.create_for_caller")
    assert session.scalar(created) == 1
