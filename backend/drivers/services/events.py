"""Stop events as a phone reports them: each carries the phone's own id and the time it
happened, so an offline queue sent twice is stored once and late events are applied in the
order they happened (a late one never rolls a stop back: planning's ``advance_stop``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.errors import Conflict, Invalid
from backend.drivers.models import StopEvent
from backend.drivers.services.access import reportable_stop
from backend.network.models import Bin
from backend.planning.models import RouteStop
from backend.planning.services.progress import advance_stop
from backend.planning.services.routes import get_visible_route
from backend.telemetry.services.readings import record_fill_seen

# A phone's clock may run a little fast; an event further in the future is a wrong clock.
CLOCK_SKEW = timedelta(minutes=10)
STOP_STATUS = {"arrived": "arrived", "collected": "done", "missed": "missed"}
# What a litre of a full bin weighs, roughly, when the driver reports the fill seen and no
# weight (mixed recyclables; the intake's weigh-in corrects it).
KG_PER_LITRE = 0.1


def _existing(session: Session, event_id: str) -> StopEvent | None:
    return session.scalar(select(StopEvent).where(StopEvent.event_id == event_id))


def _same_event(session: Session, event: StopEvent, user: User, stop_id: int) -> StopEvent:
    if event.stop_id != stop_id or event.user_id != user.id:
        raise Conflict(f"event id {event.event_id} was already used for another stop or by another user")
    return _with_status(session, event)


def _with_status(session: Session, event: StopEvent) -> StopEvent:
    """The event, telling the phone where the stop stands now (its answer to a resend too)."""
    event.stop_status = session.get(RouteStop, event.stop_id).status
    return event


def _quantity(session: Session, stop: RouteStop, data: dict) -> float | None:
    """The weight collected: as weighed, else from the fill seen and the bin's volume."""
    if data.get("quantity_kg") is not None:
        return data["quantity_kg"]
    if data.get("fill_pct") is not None and stop.bin_id is not None:
        b = session.get(Bin, stop.bin_id)
        return round(b.capacity_l * KG_PER_LITRE * data["fill_pct"] / 100, 1)
    return None


def _check(stop: RouteStop, data: dict, now: datetime) -> None:
    kind = data["type"]
    if data["happened_at"] > now + CLOCK_SKEW:
        raise Invalid.field("happened_at", "lies in the future: check the phone's clock")
    if stop.kind == "unload" and kind != "arrived":
        raise Invalid.field("type", "at an unloading stop only 'arrived' is reported (the weigh-in does the rest)")
    if kind == "missed" and not data.get("reason"):
        raise Invalid.field("reason", "say why the stop was missed")
    if kind != "missed" and data.get("reason"):
        raise Invalid.field("reason", "only a missed stop has a reason")
    if kind != "collected" and (data.get("quantity_kg") is not None or data.get("fill_pct") is not None):
        raise Invalid.field("quantity_kg", "a weight or fill is reported with 'collected' only")
    if data.get("fill_pct") is not None and stop.bin_id is None:
        raise Invalid.field("fill_pct", "the fill seen is for a bin; a pickup reports its weight")


def record_event(session: Session, user: User, stop_id: int, data: dict, now: datetime | None = None):
    """Store the event once and move the stop on if it is news; (event, created)."""
    now = now or datetime.now(UTC)
    existing = _existing(session, data["id"])
    if existing is not None:
        return _same_event(session, existing, user, stop_id), False
    stop, route = reportable_stop(session, user, stop_id)
    _check(stop, data, now)
    kind = data["type"]
    event = StopEvent(
        event_id=data["id"],
        route_id=route.id,
        stop_id=stop.id,
        user_id=user.id,
        type=kind,
        happened_at=data["happened_at"],
        received_at=now,
        quantity_kg=_quantity(session, stop, data) if kind == "collected" else None,
        fill_pct=data.get("fill_pct"),
        reason=data.get("reason", ""),
        note=data.get("note", ""),
    )
    session.add(event)
    try:
        session.flush()  # the unique event id: a resend racing this one loses here
    except IntegrityError:
        session.rollback()
        return _same_event(session, _existing(session, data["id"]), user, stop_id), False
    reason = f"{event.reason}: {event.note}" if event.note else event.reason
    event.applied = advance_stop(
        session, stop, STOP_STATUS[kind], event.happened_at, user.id, quantity_kg=event.quantity_kg, reason=reason
    )
    if kind == "collected" and event.fill_pct is not None and stop.bin_id is not None:
        # What the driver saw is a true point of the bin's fill: the forecasts learn from it.
        record_fill_seen(session, stop.bin_id, event.happened_at, event.fill_pct)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return _same_event(session, _existing(session, data["id"]), user, stop_id), False
    return _with_status(session, event), True


def route_events(session: Session, user: User, route_id: int) -> list[StopEvent]:
    """The events of a route ``user`` may see, in the order they happened."""
    route = get_visible_route(session, user, route_id)
    statuses = {s.id: s.status for s in route.stops}
    found = session.scalars(
        select(StopEvent).where(StopEvent.route_id == route.id).order_by(StopEvent.happened_at, StopEvent.id)
    ).all()
    for e in found:
        e.stop_status = statuses[e.stop_id]
    return list(found)
