"""The messages about a resident's pickup, written to the outbox by a periodic job: the
reminder the day before, "on its way" when the truck is a few stops away (ON_ITS_WAY_STOPS),
and "collected" with the weight, texted to the proven number and, when e-mail is set up
(SMTP_HOST), e-mailed to the resident's address too. Each has its dedupe key, so running the job again (or two
schedulers running it) adds nothing new."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.bookings.models import Booking
from backend.notifications.models import PhoneNumber
from backend.notifications.services.outbox import add
from backend.notifications.services.senders import email_enabled
from backend.planning.models import Plan, PlanRoute, RouteStop


def _local(config, moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(config["TIMEZONE"])).strftime("%m-%d %H:%M")


def _with_recipients(session: Session, config, stmt):
    """(booking, channel, recipient) for each booking of ``stmt``: its resident's number, and
    their e-mail address when e-mail is set up; one query per channel, not per booking."""
    rows = session.execute(
        stmt.join(PhoneNumber, PhoneNumber.user_id == Booking.resident_id).add_columns(PhoneNumber.e164)
    ).all()
    found = [(booking, "sms", e164) for booking, e164 in rows]
    if email_enabled(config):
        rows = session.execute(
            stmt.join(User, User.id == Booking.resident_id).where(User.email.is_not(None)).add_columns(User.email)
        ).all()
        found += [(booking, "email", email) for booking, email in rows]
    return found


def _key(key: str, channel: str) -> str:
    """The SMS key is the historical one; the e-mail copy is a message of its own."""
    return key if channel == "sms" else f"{key}:email"


def queue_reminders(session: Session, config, now: datetime | None = None) -> int:
    """A reminder for every live booking whose window is tomorrow in the city."""
    now = now or datetime.now(UTC)
    tz = ZoneInfo(config["TIMEZONE"])
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tz)
    stmt = select(Booking).where(
        Booking.status.in_(("requested", "scheduled")),
        Booking.window_start >= start,
        Booking.window_start < start + timedelta(days=1),
    )
    added = 0
    for booking, channel, recipient in _with_recipients(session, config, stmt):
        added += add(
            session,
            config,
            kind="reminder",
            channel=channel,
            recipient=recipient,
            user_id=booking.resident_id,
            booking_id=booking.id,
            dedupe_key=_key(f"reminder:{booking.id}:{booking.window_start.astimezone(UTC).isoformat()}", channel),
            body=f"recyclenet: your pickup is tomorrow {_local(config, booking.window_start)}"
            f"-{_local(config, booking.window_end)[-5:]} at {booking.address or 'your address'}.",
            expires_at=booking.window_start,
            now=now,
        )
    session.commit()
    return added


def queue_on_its_way(session: Session, config, now: datetime | None = None) -> int:
    """ "On its way" for each booking stop of today's dispatched routes that have started,
    once at most ON_ITS_WAY_STOPS stops are left before it."""
    now = now or datetime.now(UTC)
    today = now.astimezone(ZoneInfo(config["TIMEZONE"])).date()
    routes = session.scalars(
        select(PlanRoute).join(Plan, Plan.id == PlanRoute.plan_id).where(Plan.status == "dispatched", Plan.day == today)
    ).all()
    limit = int(config["ON_ITS_WAY_STOPS"])
    added = 0
    for route in routes:
        stops = [s for s in route.stops if s.kind != "unload"]
        if all(s.status == "planned" for s in stops):
            continue  # the truck has not served anything yet
        ahead = 0
        for stop in stops:
            if stop.status != "planned":
                continue
            if stop.booking_id is not None and ahead <= limit:
                added += _on_its_way(session, config, stop, ahead, now)
            ahead += 1
    session.commit()
    return added


def _on_its_way(session: Session, config, stop: RouteStop, ahead: int, now: datetime) -> int:
    stmt = select(Booking).where(Booking.id == stop.booking_id, Booking.status.in_(("scheduled", "en_route")))
    return sum(
        add(
            session,
            config,
            kind="on_its_way",
            channel=channel,
            recipient=recipient,
            user_id=booking.resident_id,
            booking_id=booking.id,
            dedupe_key=_key(f"on_its_way:{booking.id}:{stop.route_id}", channel),
            body=f"recyclenet: the truck is on its way, {ahead} stop(s) before yours"
            f" (about {_local(config, stop.arrival_at)[-5:]}).",
            expires_at=booking.window_end + timedelta(hours=2),
            now=now,
        )
        for booking, channel, recipient in _with_recipients(session, config, stmt)
    )


def queue_collected(
    session: Session, config, now: datetime | None = None, within: timedelta = timedelta(days=2)
) -> int:
    """ "Collected" with the weight, for bookings collected lately."""
    now = now or datetime.now(UTC)
    stmt = select(Booking).where(
        Booking.status.in_(("collected", "received", "settled")),
        Booking.collected_kg.is_not(None),
        Booking.updated_at >= now - within,
    )
    added = 0
    for booking, channel, recipient in _with_recipients(session, config, stmt):
        added += add(
            session,
            config,
            kind="collected",
            channel=channel,
            recipient=recipient,
            user_id=booking.resident_id,
            booking_id=booking.id,
            dedupe_key=_key(f"collected:{booking.id}", channel),
            body=f"recyclenet: collected {booking.collected_kg:.1f} kg, thank you. Credit follows the weigh-in.",
            now=now,
        )
    session.commit()
    return added
