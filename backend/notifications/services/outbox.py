"""The notification outbox: messages written with what caused them, delivered by a job
through a pluggable sender (senders.py), each sent once, retried with backoff while the
channel is down, held back during the city's quiet hours, and skipped for the kinds a
resident turned off."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from backend.core.common import dialect_insert
from backend.notifications.models import OPTIONAL_KINDS, Notification, NotificationOptOut

log = logging.getLogger("recyclenet.notifications")


def opted_out(session: Session, user_id: int | None, kind: str) -> bool:
    if user_id is None or kind not in OPTIONAL_KINDS:
        return False
    stmt = select(NotificationOptOut.id).where(NotificationOptOut.user_id == user_id, NotificationOptOut.kind == kind)
    return session.scalar(stmt) is not None


def add(
    session: Session,
    config,
    *,
    kind: str,
    recipient: str,
    dedupe_key: str,
    body: str,
    user_id: int | None = None,
    booking_id: int | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    channel: str = "sms",
) -> bool:
    """Put a message in the outbox unless one with ``dedupe_key`` is there already or the
    resident opted out of its kind; the caller commits. True when it was added."""
    if opted_out(session, user_id, kind):
        return False
    result = session.execute(
        dialect_insert(session)(Notification)
        .values(
            kind=kind,
            channel=channel,
            recipient=recipient,
            dedupe_key=dedupe_key[:120],
            body=body,
            user_id=user_id,
            booking_id=booking_id,
            status="pending",
            not_before=now or datetime.now(UTC),
            expires_at=expires_at,
            attempts=0,
            last_error="",
            created_at=now or datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)
    )
    return result.scalar() is not None


def quiet_until(config, now: datetime) -> datetime | None:
    """The end of the quiet hours ``now`` falls in (QUIET_HOURS, e.g. "21:00-08:00" in the
    city's time zone), or None outside them."""
    spec = str(config.get("QUIET_HOURS") or "").strip()
    if not spec:
        return None
    tz = ZoneInfo(config["TIMEZONE"])
    start_s, end_s = spec.split("-")
    start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
    local = now.astimezone(tz)
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1) if start > end and t >= start else local.date()
    return datetime.combine(end_day, end, tz).astimezone(UTC)


def backoff(config, attempts: int) -> timedelta:
    base, cap = float(config["NOTIFY_BACKOFF_S"]), float(config["NOTIFY_BACKOFF_MAX_S"])
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _claim(session: Session, notification_id: int, now: datetime, stale: datetime) -> bool:
    """pending -> sending, or take over a claim whose worker vanished: one deliverer wins."""
    taken = session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            or_(
                Notification.status == "pending",
                and_(Notification.status == "sending", Notification.claimed_at < stale),
            ),
        )
        .values(status="sending", claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return taken.rowcount == 1


def deliver_due(session: Session, config, sender, now: datetime | None = None, batch: int = 100) -> dict[str, int]:
    """Send what is due. Each message is claimed (committed) before it is sent and marked
    after, so two deliverers never both send it; a deliverer that dies mid-send leaves a
    claim that another takes over after NOTIFY_LEASE_S, sending with the same idempotency
    key (the message id) so the gateway can drop the repeat."""
    now = now or datetime.now(UTC)
    stale = now - timedelta(seconds=int(config["NOTIFY_LEASE_S"]))
    counts = {"sent": 0, "retry": 0, "failed": 0, "deferred": 0}
    due = session.scalars(
        select(Notification)
        .where(
            or_(
                and_(Notification.status == "pending", Notification.not_before <= now),
                and_(Notification.status == "sending", Notification.claimed_at < stale),
            )
        )
        .order_by(Notification.not_before, Notification.id)
        .limit(batch)
    ).all()
    quiet_end = quiet_until(config, now)
    for n in due:
        if n.expires_at is not None and n.expires_at <= now:
            n.status, n.last_error = "failed", "expired before it could be sent"
            session.commit()
            counts["failed"] += 1
            continue
        if quiet_end is not None and n.kind in OPTIONAL_KINDS:
            n.not_before = quiet_end
            session.commit()
            counts["deferred"] += 1
            continue
        if not _claim(session, n.id, now, stale):
            continue
        session.refresh(n)
        try:
            sender.send(n)
        except Exception as exc:  # any failure of the channel: the message waits and retries
            n.attempts += 1
            n.last_error = f"{type(exc).__name__}: {exc}"[:255]
            if n.attempts >= int(config["NOTIFY_MAX_ATTEMPTS"]):
                n.status = "failed"
                counts["failed"] += 1
            else:
                n.status, n.not_before = "pending", now + backoff(config, n.attempts)
                counts["retry"] += 1
            log.warning("notification %s not sent (attempt %s): %s", n.id, n.attempts, n.last_error)
        else:
            n.attempts += 1
            n.status, n.sent_at, n.last_error = "sent", now, ""
            counts["sent"] += 1
        session.commit()
    return counts


def set_opt_outs(session: Session, user_id: int, kinds: list[str]) -> list[str]:
    """The kinds this resident does not want, replacing the previous choice."""
    session.query(NotificationOptOut).filter(NotificationOptOut.user_id == user_id).delete()
    for kind in sorted(set(kinds)):
        session.add(NotificationOptOut(user_id=user_id, kind=kind))
    session.commit()
    return opt_outs(session, user_id)


def opt_outs(session: Session, user_id: int) -> list[str]:
    stmt = (
        select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id).order_by(NotificationOptOut.kind)
    )
    return list(session.scalars(stmt))


def for_user_query(user_id: int):
    return select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
