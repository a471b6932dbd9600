"""The messages about a resident's pickup, written to the outbox by a periodic job: the
reminder the day before, "on its way" when the truck is a few stops away (ON_ITS_WAY_STOPS),
and "collected" with the weight. Each has its dedupe key, so running the job again (or two
schedulers running it) adds nothing new."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.bookings.models import Booking
from backend.notifications.models import PhoneNumber
from backend.notifications.services.outbox import add
from backend.planning.models import Plan, PlanRoute, RouteStop


def _local(config, moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(config["TIMEZONE"])).strftime("%m-%d %H:%M")


def _with_numbers(session: Session, stmt):
    return session.execute(
        stmt.join(PhoneNumber, PhoneNumber.user_id == Booking.resident_id).add_columns(PhoneNumber.e164)
    )


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
    for booking, e164 in _with_numbers(session, stmt):
        added += add(
            session,
            config,
            kind="reminder",
            recipient=e164,
            user_id=booking.resident_id,
            booking_id=booking.id,
            dedupe_key=f"reminder:{booking.id}:{booking.window_start.astimezone(UTC).isoformat()}",
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
    booking = session.get(Booking, stop.booking_id)
    e164 = session.scalar(select(PhoneNumber.e164).where(PhoneNumber.user_id == booking.resident_id))
    if e164 is None or booking.status not in ("scheduled", "en_route"):
        return 0
    return add(
        session,
        config,
        kind="on_its_way",
        recipient=e164,
        user_id=booking.resident_id,
        booking_id=booking.id,
        dedupe_key=f"on_its_way:{booking.id}:{stop.route_id}",
        body=f"recyclenet: the truck is on its way, {ahead} stop(s) before yours"
        f" (about {_local(config, stop.arrival_at)[-5:]}).",
        expires_at=booking.window_end + timedelta(hours=2),
        now=now,
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
    for booking, e164 in _with_numbers(session, stmt):
        added += add(
            session,
            config,
            kind="collected",
            recipient=e164,
            user_id=booking.resident_id,
            booking_id=booking.id,
            dedupe_key=f"collected:{booking.id}",
            body=f"recyclenet: collected {booking.collected_kg:.1f} kg, thank you. Credit follows the weigh-in.",
            now=now,
        )
    session.commit()
    return added
