"""The call center: callers found by phone number or registered without an account, and
their pickups booked, moved or cancelled by an agent, each act on the agent's name (the
booking's history and the audit trail). A caller who later signs up with the same number,
proven by a one-time code, finds those bookings in their account."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.accounts.security import hash_password
from backend.audit_log.services import record, snapshot
from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.channels.services import phones
from backend.core.common import commit, ensure_unique, flush
from backend.core.errors import Conflict, Invalid, NotFound
from backend.notifications.models import Notification, PhoneNumber
from backend.notifications.services import outbox as notifications

# A caller registered by an agent has no password anyone could type: no valid Argon2 hash
# starts with "!", so signing in as them fails until they sign up with their number.
NO_PASSWORD = "!caller registered by the call center"


def has_account(user: User) -> bool:
    return not user.password_hash.startswith("!")


def find(session: Session, config, phone: str) -> list[tuple[User, PhoneNumber]]:
    """Residents with this number (at most one: a number belongs to one person)."""
    e164 = phones.normalize(phone, config)
    return [
        tuple(row)
        for row in session.execute(
            select(User, PhoneNumber)
            .join(PhoneNumber, PhoneNumber.user_id == User.id)
            .where(PhoneNumber.e164 == e164, User.role == "resident")
        )
    ]


def get(session: Session, caller_id: int) -> tuple[User, PhoneNumber]:
    """A resident known by phone number; anyone else is 404 to an agent."""
    row = session.execute(
        select(User, PhoneNumber)
        .join(PhoneNumber, PhoneNumber.user_id == User.id)
        .where(User.id == caller_id, User.role == "resident", User.active.is_(True))
    ).first()
    if row is None:
        raise NotFound(f"caller {caller_id} not found")
    return tuple(row)


def _check_location(data: dict) -> None:
    if ("lat" in data) != ("lon" in data):
        raise Invalid.field("lat", "give lat and lon together")


def register(session: Session, config, agent: User, data: dict) -> tuple[User, PhoneNumber]:
    """A caller without an account: name, number, address and its location."""
    e164 = phones.normalize(data["phone"], config)
    _check_location(data)
    if session.scalar(select(PhoneNumber.id).where(PhoneNumber.e164 == e164)) is not None:
        raise Conflict("this number is already registered: search for it", {"phone": ["already registered"]})
    username = f"caller-{e164.lstrip('+')}"
    ensure_unique(session, User, User.username, username, "phone")
    user = User(
        username=username,
        role="resident",
        password_hash=NO_PASSWORD,
        display_name=data["display_name"],
        address=data.get("address", ""),
        district=data.get("district", ""),
        lat=data.get("lat"),
        lon=data.get("lon"),
    )
    session.add(user)
    flush(session)
    phone = PhoneNumber(user_id=user.id, e164=e164, registered_by_id=agent.id)
    session.add(phone)
    flush(session)
    record(session, agent, "caller.register", "user", user.id, None, snapshot(user) | {"phone": phones.mask(e164)})
    commit(session)
    return user, phone


def booking_of(session: Session, caller_id: int, booking_id: int) -> Booking:
    """The caller's booking; another person's is 404."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.resident_id != caller_id:
        raise NotFound(f"booking {booking_id} not found")
    return booking


def history(session: Session, caller_id: int):
    return select(Booking).where(Booking.resident_id == caller_id).order_by(Booking.window_start.desc(), Booking.id)


def book(session: Session, policy, agent: User, caller: User, data: dict) -> Booking:
    """Book for the caller (their address by default); the booking's first event names the
    agent; the caller's request commits with the idempotency record."""
    booking = bookings.create_booking(session, policy, caller, data, actor=agent)
    record(session, agent, "booking.create_for_caller", "booking", booking.id, None, snapshot(booking))
    return booking


def cancel(session: Session, agent: User, booking: Booking, reason: str) -> Booking:
    record(session, agent, "booking.cancel_for_caller", "booking", booking.id, {"status": booking.status}, None)
    return bookings.cancel(session, booking, agent, reason or "cancelled by the call center")


def reschedule(session: Session, policy, agent: User, booking: Booking, window_start: datetime) -> Booking:
    before = {"window_start": booking.window_start.isoformat()}
    record(
        session, agent, "booking.reschedule_for_caller", "booking", booking.id, before, {"window_start": window_start}
    )
    return bookings.reschedule(session, policy, booking, agent, window_start)


def send_code(session: Session, config, phone: str) -> None:
    """Text a one-time code to the number (through the outbox; a code skips quiet hours)."""
    e164 = phones.normalize(phone, config)
    code = phones.issue_code(session, config, e164)
    ttl_min = max(1, int(config["PHONE_CODE_TTL_S"]) // 60)
    holder = session.scalar(select(PhoneNumber.user_id).where(PhoneNumber.e164 == e164))
    notifications.add(
        session,
        config,
        kind="one_time_code",
        recipient=e164,
        user_id=holder,
        dedupe_key=f"code:{e164}:{datetime.now(UTC).timestamp():.6f}",
        body=f"recyclenet: your code is {code}, valid for {ttl_min} minutes. Never share it.",
    )
    commit(session)


def sign_up(session: Session, config, data: dict) -> User:
    """Sign up with a number proven by its code. A caller the call center registered with
    it becomes this account, bookings and all; a number that already has an account is 409."""
    e164 = phones.normalize(data["phone"], config)
    phones.redeem_code(session, config, e164, data["code"])
    held = session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))
    if held is not None and has_account(held.user):
        raise Conflict("this number belongs to an account: sign in", {"phone": ["already has an account"]})
    if held is None:
        profile = {k: data[k] for k in ("display_name",) if k in data}
        user = accounts.register_resident(
            session, {"username": data["username"], "password": data["password"], **profile}
        )
        session.add(PhoneNumber(user_id=user.id, e164=e164, verified_at=datetime.now(UTC)))
        commit(session)
        return user
    user = held.user
    ensure_unique(session, User, User.username, data["username"], "username", exclude_id=user.id)
    before = snapshot(user)
    user.username = data["username"]
    user.password_hash = hash_password(data["password"])
    if data.get("display_name"):
        user.display_name = data["display_name"]
    user.token_generation += 1
    held.verified_at = datetime.now(UTC)
    flush(session)
    record(session, user, "user.register_by_phone", "user", user.id, before, snapshot(user))
    commit(session)
    return user


def link(session: Session, config, user: User, phone: str, code: str) -> PhoneNumber:
    """A signed-in resident proves a number: it becomes theirs, and a caller registered with
    it by the call center is merged into them (their bookings move over)."""
    e164 = phones.normalize(phone, config)
    phones.redeem_code(session, config, e164, code)
    now = datetime.now(UTC)
    held = session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))
    if held is not None and held.user_id == user.id:
        held.verified_at = now
        commit(session)
        return held
    if held is not None and has_account(held.user):
        raise Conflict("this number belongs to another account", {"phone": ["already has an account"]})
    own = session.scalar(select(PhoneNumber).where(PhoneNumber.user_id == user.id))
    if own is not None:
        session.delete(own)
        flush(session)
    if held is None:
        held = PhoneNumber(user_id=user.id, e164=e164, verified_at=now)
        session.add(held)
    else:
        caller = held.user
        for model in (Booking, Notification):
            column = model.resident_id if model is Booking else model.user_id
            session.execute(
                update(model)
                .where(column == caller.id)
                .values({column.key: user.id})
                .execution_options(synchronize_session=False)
            )
        caller.active = False
        held.user_id, held.verified_at = user.id, now
        record(session, user, "caller.merge", "user", caller.id, {"active": True}, {"merged_into": user.id})
    flush(session)
    commit(session)
    return held


def phone_of(session: Session, user_id: int) -> PhoneNumber | None:
    return session.scalar(select(PhoneNumber).where(PhoneNumber.user_id == user_id))
