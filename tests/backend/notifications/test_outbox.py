"""The outbox (both databases): delivered through a real local SMS gateway, kept while the
gateway is down and sent once when it is back, never twice, quiet hours respected, one
message per dedupe key, opt-outs honoured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from backend.notifications.models import Notification
from backend.notifications.services import outbox, senders

TZ = ZoneInfo("Asia/Shanghai")


def _add(session, app, key="k1", kind="reminder", user=None, **extra):
    added = outbox.add(
        session, app.config, kind=kind, recipient="+8613912345678", dedupe_key=key, body="hello", user_id=user, **extra
    )
    session.commit()
    return added


def _deliver(session, app, now=None):
    return outbox.deliver_due(session, app.config, senders.from_config(app.config), now=now)


def test_a_message_survives_the_gateway_being_down_and_is_delivered_once_when_it_is_back(app, session, gateway):
    """503: kept with the error and a backoff; back up: sent, once, with its idempotency key."""
    _add(session, app)
    gateway.up = False
    now = datetime.now(UTC)
    assert _deliver(session, app, now)["retry"] == 1
    n = session.scalar(select(Notification))
    assert (n.status, n.attempts) == ("pending", 1) and "503" in n.last_error
    assert n.not_before >= now + timedelta(seconds=app.config["NOTIFY_BACKOFF_S"])
    gateway.up = True
    assert _deliver(session, app, now)["sent"] == 0  # still backing off
    later = now + timedelta(hours=1)
    assert _deliver(session, app, later)["sent"] == 1
    assert _deliver(session, app, later + timedelta(hours=1)) == {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    assert [(m["to"], m["text"], m["key"]) for m in gateway.received] == [
        ("+8613912345678", "hello", f"recyclenet-notification-{n.id}")
    ]
    session.refresh(n)
    assert n.status == "sent" and n.sent_at is not None


def test_a_gateway_that_is_gone_entirely_fails_the_message_after_the_last_attempt(app, session, gateway):
    """Connection refused each time: retried NOTIFY_MAX_ATTEMPTS times, then failed with why."""
    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    _add(session, app)
    gateway.stop()
    now = datetime.now(UTC)
    _deliver(session, app, now)
    _deliver(session, app, now + timedelta(days=1))
    n = session.scalar(select(Notification))
    assert (n.status, n.attempts) == ("failed", 2) and n.last_error


def test_each_dedupe_key_is_one_message(app, session):
    """Adding the same key twice keeps one row."""
    assert _add(session, app) is True
    assert _add(session, app) is False
    assert session.scalar(select(func.count()).select_from(Notification)) == 1


def test_quiet_hours_hold_reminders_till_morning_but_not_codes(app, session, gateway):
    """At 22:30 city time a reminder waits until 08:00; a one-time code goes at once."""
    app.config["QUIET_HOURS"] = "21:00-08:00"
    _add(session, app, key="r", kind="reminder")
    _add(session, app, key="c", kind="one_time_code")
    # The next 22:30 in the city after the messages were added (a fixed date would be in
    # the past once that evening has gone by, and nothing would be due at it).
    now = datetime.now(TZ)
    night = now.replace(hour=22, minute=30, second=0, microsecond=0)
    if night <= now:
        night += timedelta(days=1)
    morning = (night + timedelta(days=1)).replace(hour=8, minute=0)
    assert _deliver(session, app, night) == {"sent": 1, "retry": 0, "failed": 0, "deferred": 1}
    assert [m["kind"] for m in gateway.received] == ["one_time_code"]
    reminder = session.scalar(select(Notification).where(Notification.kind == "reminder"))
    assert reminder.not_before.astimezone(TZ) == morning
    assert _deliver(session, app, morning - timedelta(minutes=1))["sent"] == 0
    assert _deliver(session, app, morning)["sent"] == 1


def test_a_claim_is_never_sent_twice_unless_its_deliverer_vanished(app, session, gateway):
    """A message another deliverer holds is left alone; after NOTIFY_LEASE_S it is taken over,
    with the same idempotency key for the gateway to drop a repeat."""
    _add(session, app)
    n = session.scalar(select(Notification))
    now = datetime.now(UTC)
    n.status, n.claimed_at = "sending", now
    session.commit()
    assert _deliver(session, app, now + timedelta(seconds=5))["sent"] == 0
    assert gateway.received == []
    assert _deliver(session, app, now + timedelta(seconds=app.config["NOTIFY_LEASE_S"] + 1))["sent"] == 1
    assert [m["key"] for m in gateway.received] == [f"recyclenet-notification-{n.id}"]


def test_an_expired_message_is_not_sent(app, session, gateway):
    """A reminder whose pickup has passed fails as expired instead of going out late."""
    _add(session, app, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    assert _deliver(session, app)["failed"] == 1
    assert gateway.received == []


def test_residents_opt_out_per_kind_through_the_api(world, app, session):
    """Opting out of reminders stops them; codes still go (they were asked for)."""
    c, h = world.client, world.headers("resident")
    resp = c.put("/api/v1/me/notifications/opt-out", json={"opt_out": ["reminder"]}, headers=h)
    assert resp.status_code == 200 and resp.get_json() == {"opt_out": ["reminder"]}
    user = world.ids["user_resident"]
    assert _add(session, app, key="r", kind="reminder", user=user) is False
    assert _add(session, app, key="o", kind="on_its_way", user=user) is True
    assert _add(session, app, key="c", kind="one_time_code", user=user) is True
    kinds = [n["kind"] for n in c.get("/api/v1/me/notifications", headers=h).get_json()]
    assert sorted(kinds) == ["on_its_way", "one_time_code"]
    assert c.get("/api/v1/me/notifications", headers=world.headers("resident2")).get_json() == []
    bad = c.put("/api/v1/me/notifications/opt-out", json={"opt_out": ["one_time_code"]}, headers=h)
    assert bad.status_code == 422
