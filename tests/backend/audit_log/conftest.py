"""Helpers for the audit-trail tests: reading the trail, writes with a current ETag, a solved plan."""

from __future__ import annotations

from datetime import timedelta

from backend.audit_log.models import AuditEvent
from backend.audit_log.services import audit_event_query
from backend.planning.services import dispatch
from tests.support.clock import city_today


def events(session, **filters) -> list[AuditEvent]:
    """The committed trail, newest first, as the API filters it."""
    session.expire_all()
    return session.scalars(audit_event_query(**filters)).all()


def current_etag(world, url: str) -> str:
    return world.client.get(url, headers=world.headers("admin")).headers["ETag"]


def patch(world, url: str, body: dict, who: str = "admin", etag: str | None = None):
    headers = world.headers(who, **{"If-Match": etag or current_etag(world, url)})
    return world.client.patch(url, json=body, headers=headers)


def delete(world, url: str, who: str = "admin"):
    return world.client.delete(url, headers=world.headers(who, **{"If-Match": current_etag(world, url)}))


def solved_plan(app, session, world) -> int:
    """A plan of center A for tomorrow, created through the service and marked solved: the
    solver is not what these tests are about, and an empty solved plan dispatches."""
    options = dispatch.plan_options(app.config, {})
    plan = dispatch.create_plan(session, world.ids["center_a"], city_today() + timedelta(days=1), options, None)
    plan.status = "done"
    session.commit()
    return plan.id
