"""Bookings: pickup windows and the room left in them, reserve a slot, follow the
lifecycle, cancel, reschedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.bookings.models import CANCELLABLE, TRANSITIONS, Booking, BookingEvent, BookingItem, SlotUsage
from backend.core.common import commit, dialect_insert
from backend.core.errors import Conflict, Invalid, NotFound
from backend.network.models import MaterialCategory, Site
from backend.network.services.catalog import attached, category_values, unchecked_category_values
from backend.network.services.sites import serving_center_id, unchecked_serving_center_id
from backend.network.services.versions import (
    SITES_VERSION,
    WIDTH,
    network_versions,
    unchanged_since,
    version_params,
)


@dataclass(frozen=True)
class SlotPolicy:
    timezone: ZoneInfo
    windows: tuple[tuple[time, time], ...]
    capacity: int
    days_ahead: int
    cutoff: timedelta
    service_radius_km: float

    @classmethod
    def from_config(cls, cfg) -> SlotPolicy:
        windows = []
        for spec in cfg["SLOT_WINDOWS"]:
            start, end = spec.split("-")
            windows.append((time.fromisoformat(start), time.fromisoformat(end)))
        return cls(
            ZoneInfo(cfg["TIMEZONE"]),
            tuple(windows),
            int(cfg["SLOT_CAPACITY"]),
            int(cfg["BOOKING_DAYS_AHEAD"]),
            timedelta(hours=cfg["BOOKING_CUTOFF_HOURS"]),
            float(cfg["SERVICE_RADIUS_KM"]),
        )

    def windows_on(self, day: date) -> list[tuple[datetime, datetime]]:
        tz = self.timezone
        return [(datetime.combine(day, a, tz), datetime.combine(day, b, tz)) for a, b in self.windows]

    def why_not_bookable(self, start: datetime, now: datetime) -> str | None:
        """Why a window cannot be booked at ``now`` (None: it can)."""
        if start - now < self.cutoff:
            return "too late to book this window"
        if (start.astimezone(self.timezone).date() - now.astimezone(self.timezone).date()).days > self.days_ahead:
            return f"bookings open {self.days_ahead} days ahead"
        return None

    def check_bookable(self, start: datetime, now: datetime) -> tuple[datetime, datetime]:
        """The offered window starting at ``start``, or a 422 naming window_start."""
        local = start.astimezone(self.timezone)
        for a, b in self.windows_on(local.date()):
            if a == start:
                reason = self.why_not_bookable(a, now)
                if reason:
                    raise Invalid.field("window_start", reason)
                return a, b
        raise Invalid.field("window_start", "not one of the offered pickup windows")


def list_slots(
    session: Session, policy: SlotPolicy, day: date, lat: float, lon: float, now: datetime | None = None
) -> list[dict]:
    """The day's windows at the center serving (lat, lon), with the room left and whether
    they can still be booked (the cutoff and the booking horizon, in the city's time)."""
    now = now or datetime.now(UTC)
    windows = policy.windows_on(day)
    center_id, used = _center_and_usage(session, lat, lon, policy.service_radius_km, [a for a, _ in windows])
    out = []
    for a, b in windows:
        capacity, booked = used.get(a, (policy.capacity, 0))
        out.append(
            {
                "center_id": center_id,
                "window_start": a,
                "window_end": b,
                "capacity": capacity,
                "remaining": max(0, capacity - booked),
                "bookable": policy.why_not_bookable(a, now) is None,
            }
        )
    return out


DEFAULT_PIECE_KG = 20.0  # a piece of unknown weight


def _insert_slot_if_missing(session: Session, center_id: int, a: datetime, b: datetime, capacity: int) -> None:
    session.execute(
        dialect_insert(session)(SlotUsage)
        .values(center_id=center_id, window_start=a, window_end=b, capacity=capacity, booked=0)
        .on_conflict_do_nothing()
    )


# The hot path's statements, built once with bound parameters: building a statement (its
# clauses, then its cache key) per request cost about as much client CPU as running it.
_USAGE = (SlotUsage.window_start, SlotUsage.capacity, SlotUsage.booked)
_IN_WINDOWS = and_(
    SlotUsage.center_id == bindparam("center_id"), SlotUsage.window_start.in_(bindparam("starts", expanding=True))
)
SLOTS_USED = select(*_USAGE).where(_IN_WINDOWS)
# The same with the sites' version beside it (one row even when no window is used yet).
_version = SITES_VERSION.subquery()
SLOTS_USED_AND_SITES_VERSION = select(*_version.c, *_USAGE).select_from(_version.outerjoin(SlotUsage, _IN_WINDOWS))


def _center_and_usage(
    session: Session, lat: float, lon: float, radius_km: float, starts: list[datetime]
) -> tuple[int, dict[datetime, tuple[int, int]]]:
    """The serving center and the (capacity, booked) of its used windows among ``starts``.

    A slot read is most of the traffic: the center comes from the process's copy of the
    sites unchecked, and the sites' version is read in the one statement that reads the
    windows; the answer stands only if the copy was made at that version (else the
    checked way, two statements), so it is always the one the table gives now.
    """
    guess = unchecked_serving_center_id(session, lat, lon, radius_km)
    if guess is not None:
        center_id, version = guess
        rows = session.execute(SLOTS_USED_AND_SITES_VERSION, {"center_id": center_id, "starts": starts}).all()
        if tuple(rows[0][:WIDTH]) == version:
            return center_id, {r.window_start: (r.capacity, r.booked) for r in rows if r.window_start is not None}
    center_id = serving_center_id(session, lat, lon, radius_km)
    rows = session.execute(SLOTS_USED, {"center_id": center_id, "starts": starts})
    return center_id, {r.window_start: (r.capacity, r.booked) for r in rows}


TAKE_PLACE = (
    update(SlotUsage)
    .where(
        SlotUsage.center_id == bindparam("take_center_id"),  # not a column's name: an UPDATE's
        SlotUsage.window_start == bindparam("take_start"),
        SlotUsage.booked < SlotUsage.capacity,
    )
    .values(booked=SlotUsage.booked + 1)
    .returning(SlotUsage.id)
    .execution_options(synchronize_session=False)
)


def _take_place(session: Session, center_id: int, a: datetime) -> int | None:
    """One place more in the window if it has room left: its id, else None (full or no row)."""
    return session.scalar(TAKE_PLACE, {"take_center_id": center_id, "take_start": a})


def reserve(session: Session, center_id: int, a: datetime, b: datetime, capacity: int) -> int:
    """Take one place in the window, atomically: the guarded UPDATE is the lock, so
    concurrent bookings cannot take more places than there are. The window's row is made
    only when the first try finds none (the first booking of a window), so a booking
    usually costs this one statement."""
    slot_id = _take_place(session, center_id, a)
    if slot_id is None:
        _insert_slot_if_missing(session, center_id, a, b, capacity)
        slot_id = _take_place(session, center_id, a)
    if slot_id is None:
        raise Conflict("this pickup window is full", {"window_start": ["full: choose another window"]})
    return slot_id


def release(session: Session, slot_id: int) -> None:
    session.execute(
        update(SlotUsage)
        .where(SlotUsage.id == slot_id, SlotUsage.booked > 0)
        .values(booked=SlotUsage.booked - 1)
        .execution_options(synchronize_session=False)
    )


def _checked_items(raw: list[dict], categories: dict[str, dict]) -> list[tuple[dict, float, str, float]]:
    """(category values, quantity, unit, estimated kg) per item, or the 422 naming the item."""
    out = []
    for n, item in enumerate(raw):
        cat = categories.get(item["category"])
        if cat is None or not cat["active"]:
            raise Invalid(f"unknown category {item['category']!r}", {"items": {n: {"category": ["unknown category"]}}})
        unit = item.get("unit") or cat["unit"]
        if unit != cat["unit"]:
            raise Invalid(
                f"{cat['code']} is counted in {cat['unit']}", {"items": {n: {"unit": [f"must be {cat['unit']}"]}}}
            )
        kg = item["quantity"] if unit == "kg" else item["quantity"] * (cat["piece_kg"] or DEFAULT_PIECE_KG)
        out.append((cat, item["quantity"], unit, round(kg, 2)))
    return out


def _items(session: Session, checked: list[tuple[dict, float, str, float]]) -> list[BookingItem]:
    return [
        BookingItem(category=attached(session, cat), quantity=quantity, unit=unit, estimated_kg=kg)
        for cat, quantity, unit, kg in checked
    ]


TAKE_PLACE_IF_UNCHANGED = TAKE_PLACE.where(
    unchanged_since(Site, "sites_version"), unchanged_since(MaterialCategory, "categories_version")
)


def _reserve_from_copies(
    session: Session, policy: SlotPolicy, raw: list[dict], lat: float, lon: float, a: datetime
) -> tuple[list, int, int] | None:
    """Most bookings: (checked items, center id, slot id) from the process's copies of the
    categories and the sites taken unchecked, with the place taken by one UPDATE that acts
    only if both tables are still at the versions the copies were made at (and the window
    has room). None when that cannot be said so (no copies yet, a copy out of date, an
    item the copy refuses, a window full or not yet used): the caller then does it the
    checked way, and nothing was written or attached to the session."""
    categories = unchecked_category_values(session)
    guess = unchecked_serving_center_id(session, lat, lon, policy.service_radius_km)
    if categories is None or guess is None:
        return None
    try:
        checked = _checked_items(raw, categories[1])
    except Invalid:
        return None  # perhaps the copy is out of date: the checked way says
    center_id, sites_version = guess
    params = {"take_center_id": center_id, "take_start": a}
    params |= version_params("sites_version", sites_version) | version_params("categories_version", categories[0])
    slot_id = session.scalar(TAKE_PLACE_IF_UNCHANGED, params)
    return None if slot_id is None else (checked, center_id, slot_id)


def transition(session: Session, booking: Booking, to: str, actor_id: int | None, reason: str = "") -> None:
    if to not in TRANSITIONS[booking.status]:
        raise Conflict(f"a booking that is {booking.status} cannot become {to}", {"status": [booking.status]})
    booking.events.append(
        BookingEvent(
            from_status=booking.status, to_status=to, actor_id=actor_id, reason=reason[:255], at=datetime.now(UTC)
        )
    )
    booking.status, booking.status_reason = to, reason[:255]


def create_booking(
    session: Session,
    policy: SlotPolicy,
    resident: User,
    data: dict,
    now: datetime | None = None,
    actor: User | None = None,
) -> Booking:
    """Validate, reserve the slot and add the booking; the caller commits. ``actor``: who
    booked, when not the resident (a call-center agent, on the caller's behalf)."""
    now = now or datetime.now(UTC)
    lat, lon = data.get("lat", resident.lat), data.get("lon", resident.lon)
    if lat is None or lon is None:
        raise Invalid.field("lat", "give lat and lon, or set your address location in your profile")
    a, b = policy.check_bookable(data["window_start"], now)
    reserved = _reserve_from_copies(session, policy, data["items"], lat, lon, a)
    if reserved is not None:
        checked, center_id, slot_id = reserved
    else:
        # The versions of the categories and the sites in one statement: both lookups
        # below answer from this process's copies when those have not changed.
        sites_version, categories_version = network_versions(session)
        checked = _checked_items(data["items"], category_values(session, categories_version))
        center_id = serving_center_id(session, lat, lon, policy.service_radius_km, sites_version)
        slot_id = reserve(session, center_id, a, b, policy.capacity)
    items = _items(session, checked)
    booking = Booking(
        resident_id=resident.id,
        center_id=center_id,
        slot_id=slot_id,
        window_start=a,
        window_end=b,
        lat=lat,
        lon=lon,
        address=data.get("address", resident.address or ""),
        note=data.get("note", ""),
        status="requested",
        estimated_kg=round(sum(i.estimated_kg for i in items), 2),
        items=items,
    )
    booking.events.append(
        BookingEvent(from_status=None, to_status="requested", actor_id=(actor or resident).id, at=now)
    )
    session.add(booking)
    session.flush()
    return booking


def visible(session: Session, user: User, booking_id: int) -> Booking:
    """A resident sees only their own bookings (others are 404, not 403: no probing);
    an operator sees those of their sorting center."""
    b = session.get(Booking, booking_id)
    if (
        b is None
        or (user.role == "resident" and b.resident_id != user.id)
        or (user.role == "operator" and b.center_id != user.sorting_center_id)
    ):
        raise NotFound(f"booking {booking_id} not found")
    return b


def booking_query(
    user: User, *, status: str | None = None, day: date | None = None, center_id: int | None = None, tz=None
):
    stmt = select(Booking).order_by(Booking.window_start, Booking.id)
    if user.role == "resident":
        stmt = stmt.where(Booking.resident_id == user.id)
    elif user.role == "operator":
        stmt = stmt.where(Booking.center_id == user.sorting_center_id)
    if status:
        stmt = stmt.where(Booking.status == status)
    if center_id is not None:
        stmt = stmt.where(Booking.center_id == center_id)
    if day is not None:
        start = datetime.combine(day, time(0), tz or UTC)
        stmt = stmt.where(Booking.window_start >= start, Booking.window_start < start + timedelta(days=1))
    return stmt


def cancel(session: Session, booking: Booking, actor: User, reason: str = "") -> Booking:
    if booking.status not in CANCELLABLE:
        raise Conflict(f"a booking that is {booking.status} can no longer be cancelled")
    transition(session, booking, "cancelled", actor.id, reason or "cancelled")
    release(session, booking.slot_id)
    commit(session)
    return booking


def reschedule(session: Session, policy: SlotPolicy, booking: Booking, actor: User, window_start: datetime) -> Booking:
    if booking.status not in CANCELLABLE:
        raise Conflict(f"a booking that is {booking.status} can no longer be rescheduled")
    a, b = policy.check_bookable(window_start, datetime.now(UTC))
    if a == booking.window_start:
        raise Invalid.field("window_start", "that is the booking's current window")
    new_slot = reserve(session, booking.center_id, a, b, policy.capacity)
    release(session, booking.slot_id)
    booking.slot_id, booking.window_start, booking.window_end = new_slot, a, b
    if booking.status == "scheduled":
        transition(session, booking, "requested", actor.id, "rescheduled")
    else:
        booking.events.append(
            BookingEvent(
                from_status=booking.status,
                to_status=booking.status,
                actor_id=actor.id,
                reason=f"rescheduled to {a.isoformat()}",
                at=datetime.now(UTC),
            )
        )
    commit(session)
    return booking
