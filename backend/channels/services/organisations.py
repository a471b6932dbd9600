"""Organisations (schools, supermarkets, offices): their accounts, recurring bulk pickups
that become bookings day by day, and the monthly statement of what was weighed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.bookings import services as bookings
from backend.bookings.models import Booking
from backend.channels.models import Organisation, PickupSchedule, ScheduledPickup
from backend.channels.services import organisation_sites
from backend.core.common import commit, dialect_insert, ensure_unique, flush, resolve
from backend.core.errors import Invalid, NotFound, ServiceError
from backend.intake.models import BookingWeight, Intake
from backend.intake.services import price_on
from backend.network.models import MaterialCategory

STAFF = ("dispatcher", "admin")
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_ok(code: str) -> bool:
    """The unified social credit code's check character (GB 32100-2015: 18 characters of
    31, weights 3^i mod 31)."""
    if len(code) != 18 or any(c not in CODE_ALPHABET for c in code):
        return False
    total = sum(CODE_ALPHABET.index(c) * w for c, w in zip(code[:17], CODE_WEIGHTS, strict=True))
    return CODE_ALPHABET[(31 - total % 31) % 31] == code[17]


def create(session: Session, actor: User, data: dict) -> Organisation:
    code = data["credit_code"].upper()
    if not credit_code_ok(code):
        raise Invalid.field("credit_code", "not a valid unified social credit code (check character)")
    ensure_unique(session, Organisation, Organisation.credit_code, code, "credit_code")
    account = resolve(session, User, data["account_id"], "account_id")
    if account.role != "resident" or not account.active:
        raise Invalid.field("account_id", "the organisation's account is an active resident's sign-in")
    ensure_unique(session, Organisation, Organisation.account_id, account.id, "account_id")
    org = Organisation(**{**data, "credit_code": code})
    session.add(org)
    flush(session)
    record(session, actor, "organisation.create", "organisation", org.id, None, snapshot(org))
    commit(session)
    return org


def visible(session: Session, user: User, org_id: int) -> Organisation:
    """Staff see every organisation, its account holder their own; anyone else: 404."""
    org = session.get(Organisation, org_id)
    if org is None or (user.role not in STAFF and org.account_id != user.id):
        raise NotFound(f"organisation {org_id} not found")
    return org


def query(user: User):
    stmt = select(Organisation).order_by(Organisation.id)
    return stmt if user.role in STAFF else stmt.where(Organisation.account_id == user.id)


def add_schedule(session: Session, policy, config, actor: User, org: Organisation, data: dict) -> PickupSchedule:
    if data["window_start"] not in [a for a, _ in policy.windows]:
        raise Invalid.field("window_start", "not the start of one of the pickup windows")
    if data["estimated_kg"] < float(config["BULK_MIN_KG"]):
        raise Invalid.field("estimated_kg", f"a bulk pickup is at least {config['BULK_MIN_KG']} kg")
    category = session.scalar(select(MaterialCategory).where(MaterialCategory.code == data["category"]))
    if category is None or not category.active or category.unit != "kg":
        raise Invalid.field("category", "an active category counted in kg")
    site = organisation_sites.site_of(session, org, data.get("site_id"))
    schedule = PickupSchedule(
        organisation_id=org.id,
        site_id=site.id if site is not None else None,
        weekday=data["weekday"],
        window_start=data["window_start"],
        category_id=category.id,
        estimated_kg=data["estimated_kg"],
    )
    session.add(schedule)
    flush(session)
    record(session, actor, "pickup_schedule.create", "pickup_schedule", schedule.id, None, snapshot(schedule))
    commit(session)
    return schedule


def schedules(session: Session, org: Organisation) -> list[PickupSchedule]:
    stmt = select(PickupSchedule).where(PickupSchedule.organisation_id == org.id).order_by(PickupSchedule.id)
    return list(session.scalars(stmt))


def generate(session: Session, policy, now: datetime | None = None) -> dict[str, int]:
    """Turn each active schedule's coming days (within the booking horizon, past the cutoff)
    into bookings, once per schedule and day; a day that cannot be booked (window full)
    keeps its reason instead."""
    now = now or datetime.now(UTC)
    today = now.astimezone(policy.timezone).date()
    counts = {"booked": 0, "refused": 0}
    for schedule in session.scalars(select(PickupSchedule).where(PickupSchedule.active.is_(True))).all():
        org = session.get(Organisation, schedule.organisation_id)
        account = session.get(User, org.account_id)
        for offset in range(1, policy.days_ahead + 1):
            day = today + timedelta(days=offset)
            if day.weekday() != schedule.weekday:
                continue
            start = datetime.combine(day, schedule.window_start, policy.timezone)
            if policy.why_not_bookable(start, now):
                continue
            claimed = session.execute(
                dialect_insert(session)(ScheduledPickup)
                .values(schedule_id=schedule.id, day=day, note="")
                .on_conflict_do_nothing(index_elements=["schedule_id", "day"])
                .returning(ScheduledPickup.id)
            ).scalar()
            if claimed is None:
                continue  # that day was generated already
            session.commit()
            _book_day(session, policy, schedule, org, account, claimed, start, now, counts)
    return counts


def _book_day(session, policy, schedule, org, account, pickup_id, start, now, counts) -> None:
    place = schedule.site or org  # collected at its site, else at the registered address
    data = {
        "lat": place.lat,
        "lon": place.lon,
        "address": place.address,
        "window_start": start,
        "items": [{"category": schedule.category.code, "quantity": schedule.estimated_kg}],
        "note": f"bulk pickup: {org.name}{f' - {schedule.site.name}' if schedule.site else ''}"
        f" (schedule {schedule.id})",
    }
    try:
        booking = bookings.create_booking(session, policy, account, data, now=now)
    except ServiceError as exc:
        session.rollback()
        session.get(ScheduledPickup, pickup_id).note = exc.message[:255]
        counts["refused"] += 1
    else:
        session.get(ScheduledPickup, pickup_id).booking_id = booking.id
        counts["booked"] += 1
    commit(session)


def statement(session: Session, config, org: Organisation, year: int, month: int) -> dict:
    """Every pickup of the month with what the sorting center weighed (the latest intake,
    corrections applied), its value by the price list, and a fee per kg for categories
    that have no value (BULK_FEES_PER_KG); totals at the bottom."""
    tz = ZoneInfo(config["TIMEZONE"])
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    corrected = aliased(Intake)
    rows = session.execute(
        select(Booking, BookingWeight)
        .join(BookingWeight, BookingWeight.booking_id == Booking.id)
        .join(Intake, Intake.id == BookingWeight.intake_id)
        .outerjoin(corrected, corrected.corrects_id == Intake.id)
        .where(
            Booking.resident_id == org.account_id,
            corrected.id.is_(None),
            Booking.window_start >= datetime.combine(first, datetime.min.time(), tz),
            Booking.window_start < datetime.combine(after, datetime.min.time(), tz),
        )
        .order_by(Booking.window_start, Booking.id, BookingWeight.id)
    ).all()
    fees = {k: Decimal(str(v)) for k, v in dict(config["BULK_FEES_PER_KG"]).items()}
    lines, value, fee_total, kg_total = [], Decimal("0"), Decimal("0"), 0.0
    for booking, weight in rows:
        day = booking.window_start.astimezone(tz).date()
        price = price_on(session, weight.category, day)
        kg = Decimal(str(round(weight.kg, 3)))
        fee_rate = fees.get(weight.category.code, fees.get(weight.category.code.split(".")[0]))
        amount = (kg * price.amount).quantize(Decimal("0.01")) if price is not None and fee_rate is None else None
        fee = (kg * fee_rate).quantize(Decimal("0.01")) if fee_rate is not None else None
        value += amount or 0
        fee_total += fee or 0
        kg_total += weight.kg
        lines.append(
            {
                "day": day,
                "booking_id": booking.id,
                "category": weight.category.code,
                "kg": round(weight.kg, 3),
                "price_per_kg": price.amount if price is not None and amount is not None else None,
                "value": amount,
                "fee": fee,
            }
        )
    return {
        "organisation_id": org.id,
        "organisation": org.name,
        "credit_code": org.credit_code,
        "month": f"{year:04d}-{month:02d}",
        "lines": lines,
        "total_kg": round(kg_total, 3),
        "total_value": value.quantize(Decimal("0.01")),
        "total_fees": fee_total.quantize(Decimal("0.01")),
        "balance": (value - fee_total).quantize(Decimal("0.01")),
    }
