"""Intake at the sorting center, settlement to residents' wallets, stock and lots."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.bookings import services as booking_service
from backend.bookings.models import Booking
from backend.core.common import commit, flush, get_or_404, resolve
from backend.core.errors import Conflict, Forbidden, Invalid
from backend.intake.models import (
    BookingWeight,
    CustodyEvent,
    GenerationEstimate,
    Intake,
    IntakeLine,
    Lot,
    Price,
    StockMovement,
    WalletEntry,
)
from backend.network.models import MaterialCategory, Site, Vehicle
from backend.network.services.sites import center_of
from backend.planning.models import PlanRoute

PLAUSIBLE_LOAD = 1.1  # a line may not exceed the vehicle's capacity by more than 10%
CENT = Decimal("0.01")


def _category(session: Session, code: str, where: str) -> MaterialCategory:
    cat = session.scalar(select(MaterialCategory).where(MaterialCategory.code == code))
    if cat is None:
        raise Invalid(f"unknown category {code!r}", {where: ["unknown category"]})
    return cat


def price_on(session: Session, category: MaterialCategory, day: date) -> Price | None:
    """The price in force that day for the category, else for its parent category."""
    node = category
    while node is not None:
        price = session.scalar(
            select(Price)
            .where(Price.category_id == node.id, Price.effective_from <= day)
            .order_by(Price.effective_from.desc())
            .limit(1)
        )
        if price is not None:
            return price
        node = node.parent
    return None


def set_price(session: Session, user: User, data: dict) -> Price:
    cat = _category(session, data["category"], "category")
    unit = data.get("unit") or cat.unit
    if unit != cat.unit:
        raise Invalid.field("unit", f"{cat.code} is counted in {cat.unit}")
    if cat.hazardous and data["amount"] > 0:
        raise Invalid.field("amount", "hazardous categories pay nothing")
    price = Price(
        category=cat,
        amount=Decimal(str(data["amount"])).quantize(CENT),
        unit=unit,
        effective_from=data["effective_from"],
        created_by=user.id,
    )
    session.add(price)
    flush(session)
    record(session, user, "price.create", "price", price.id, None, snapshot(price))
    commit(session)
    return price


def _lines(session: Session, vehicle: Vehicle, raw: list[dict]) -> list[IntakeLine]:
    lines = []
    for n, line in enumerate(raw):
        cat = _category(session, line["category"], "lines")
        tare = line.get("tare_kg", vehicle.tare_kg)
        gross = line["gross_kg"]
        errors = {}
        if tare > gross:
            errors["tare_kg"] = [f"tare ({tare} kg) exceeds gross ({gross} kg)"]
        elif gross - tare <= 0:
            errors["gross_kg"] = ["net weight must be positive"]
        elif gross - tare > vehicle.capacity_kg * PLAUSIBLE_LOAD:
            errors["gross_kg"] = [
                f"net {gross - tare:.0f} kg is more than vehicle {vehicle.plate} carries ({vehicle.capacity_kg:.0f} kg)"
            ]
        if errors:
            raise Invalid(f"implausible intake line {n}", {"lines": {n: errors}})
        lines.append(
            IntakeLine(
                category=cat,
                gross_kg=gross,
                tare_kg=tare,
                net_kg=round(gross - tare, 3),
                grade=line.get("grade", "B"),
                contamination_pct=line.get("contamination_pct", 0.0),
            )
        )
    return lines


def _reverse(session: Session, old: Intake, user: User) -> None:
    """Undo what the corrected intake did: its stock and its settlements."""
    for line in old.lines:
        session.add(
            StockMovement(
                center_id=old.center_id,
                category_id=line.category_id,
                kg=-line.net_kg,
                kind="reversal",
                intake_id=old.id,
            )
        )
    for entry in session.scalars(select(WalletEntry).where(WalletEntry.intake_id == old.id)):
        session.add(
            WalletEntry(
                user_id=entry.user_id,
                booking_id=entry.booking_id,
                intake_id=None,
                category_id=None,
                amount=-entry.amount,
                description=f"reversal of intake {old.id} (corrected by {user.username})",
            )
        )


def _intake_snapshot(intake: Intake) -> dict:
    """An intake with its lines and per-booking weights: what a correction changes."""
    return snapshot(intake) | {
        "lines": [snapshot(line, exclude=("intake_id",)) for line in intake.lines],
        "booking_weights": [snapshot(w, exclude=("intake_id",)) for w in intake.booking_weights],
    }


def _picked_up(session: Session, booking_id: int, category_id: int) -> bool:
    """Whether the booking's pickup already logged this category leaving the resident."""
    return (
        session.scalar(
            select(CustodyEvent.id)
            .where(
                CustodyEvent.booking_id == booking_id,
                CustodyEvent.category_id == category_id,
                CustodyEvent.intake_id.is_(None),
                CustodyEvent.lot_id.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def _settle(session: Session, intake: Intake, center: Site, vehicle: Vehicle, user: User) -> None:
    by_booking: dict[int, list[BookingWeight]] = {}
    for w in intake.booking_weights:
        by_booking.setdefault(w.booking_id, []).append(w)
    day = intake.weighed_at.date()
    for booking_id, weights in by_booking.items():
        booking = session.get(Booking, booking_id)
        for w in weights:
            price = price_on(session, w.category, day)
            amount = (
                Decimal("0.00")
                if w.category.hazardous or price is None
                else (price.amount * Decimal(str(w.quantity))).quantize(CENT, ROUND_HALF_UP)
            )
            note = (
                "hazardous: no payment, chain of custody logged"
                if w.category.hazardous
                else (
                    f"{w.quantity:g} {w.category.unit} {w.category.code} "
                    f"at {price.amount if price else 0}/{w.category.unit}"
                )
            )
            session.add(
                WalletEntry(
                    user_id=booking.resident_id,
                    booking_id=booking.id,
                    intake_id=intake.id,
                    category_id=w.category_id,
                    amount=amount,
                    description=note,
                )
            )
            if w.category.hazardous:
                truck = f"vehicle {vehicle.plate}"
                links = [(truck, f"center {center.id}")]
                # The chain's resident -> truck link is the pickup's when the driver reported
                # it (channels' record_pickup); the weigh-in adds it only where none was.
                if not _picked_up(session, booking.id, w.category_id):
                    links.insert(0, (f"resident {booking.resident_id}", truck))
                for from_party, to_party in links:
                    session.add(
                        CustodyEvent(
                            category_id=w.category_id,
                            booking_id=booking.id,
                            intake_id=intake.id,
                            kg=w.kg,
                            from_party=from_party,
                            to_party=to_party,
                        )
                    )
        booking.collected_kg = round(sum(w.kg for w in weights), 3)
        if booking.status == "collected":
            booking_service.transition(session, booking, "received", user.id, f"weighed in intake {intake.id}")
        if booking.status == "received":
            booking_service.transition(session, booking, "settled", user.id, "credited to the wallet")


def log_intake(session: Session, center: Site, user: User, data: dict) -> Intake:
    vehicle = resolve(session, Vehicle, data["vehicle_id"], "vehicle_id")
    old = None
    if data.get("corrects_id") is not None:
        old = resolve(session, Intake, data["corrects_id"], "corrects_id")
        if old.center_id != center.id:
            raise Invalid.field("corrects_id", "that intake belongs to another sorting center")
        if session.scalar(select(Intake.id).where(Intake.corrects_id == old.id)) is not None:
            raise Conflict(
                "that intake was already corrected; correct the latest version", {"corrects_id": ["already corrected"]}
            )
        if not data.get("reason"):
            raise Invalid.field("reason", "say why the intake is corrected")
        before = _intake_snapshot(old)  # now, while nothing is pending: no autoflush midway
    if data.get("route_id") is not None:
        route = resolve(session, PlanRoute, data["route_id"], "route_id")
        if route.vehicle_id != vehicle.id:
            raise Invalid.field("route_id", "that route was driven by another vehicle")
    intake = Intake(
        center_id=center.id,
        vehicle_id=vehicle.id,
        route_id=data.get("route_id"),
        operator_id=user.id,
        corrects_id=old.id if old else None,
        reason=data.get("reason", ""),
        weighed_at=datetime.now(UTC),
        lines=_lines(session, vehicle, data["lines"]),
    )
    for n, w in enumerate(data.get("booking_weights", [])):
        booking = session.get(Booking, w["booking_id"])
        if booking is None or booking.center_id != center.id:
            raise Invalid(
                f"booking {w['booking_id']} is not one of this center's",
                {"booking_weights": {n: {"booking_id": ["not a booking of this center"]}}},
            )
        allowed = ("collected",) if old is None else ("collected", "settled")
        if booking.status not in allowed:
            raise Invalid(
                f"booking {booking.id} is {booking.status}, not collected",
                {"booking_weights": {n: {"booking_id": [f"booking is {booking.status}"]}}},
            )
        cat = _category(session, w["category"], "booking_weights")
        kg = w["quantity"] if cat.unit == "kg" else w["quantity"] * (cat.piece_kg or booking_service.DEFAULT_PIECE_KG)
        intake.booking_weights.append(BookingWeight(booking_id=booking.id, category=cat, quantity=w["quantity"], kg=kg))
    session.add(intake)
    session.flush()
    if old is not None:
        _reverse(session, old, user)
    for line in intake.lines:
        session.add(
            StockMovement(
                center_id=center.id, category_id=line.category.id, kg=line.net_kg, kind="intake", intake_id=intake.id
            )
        )
        if line.category.hazardous:
            session.add(
                CustodyEvent(
                    category_id=line.category.id,
                    intake_id=intake.id,
                    kg=line.net_kg,
                    from_party=f"vehicle {vehicle.plate}",
                    to_party=f"center {center.id}",
                )
            )
    _settle(session, intake, center, vehicle, user)
    if old is not None:
        # On the corrected intake's record: its history shows what replaced it, and why.
        record(session, user, "intake.correct", "intake", old.id, before, _intake_snapshot(intake))
    commit(session)
    return intake


def stock(session: Session, center_id: int) -> dict[int, float]:
    rows = session.execute(
        select(StockMovement.category_id, func.sum(StockMovement.kg))
        .where(StockMovement.center_id == center_id)
        .group_by(StockMovement.category_id)
    )
    return {cat: round(kg, 3) for cat, kg in rows}


def ship_lot(session: Session, center: Site, user: User, data: dict) -> Lot:
    """Ship a lot; never more than the stock, also when two operators ship at once."""
    cat = _category(session, data["category"], "category")
    market = resolve(session, Site, data["market_id"], "market_id")
    if market.id not in center.market_ids:
        raise Invalid.field("market_id", "this sorting center does not ship to that market")
    # Take the center's row lock first (PostgreSQL row lock; SQLite's write lock): the
    # stock read below cannot be overtaken by a concurrent shipment.
    session.execute(
        update(Site)
        .where(Site.id == center.id)
        .values(version=Site.version)
        .execution_options(synchronize_session=False)
    )
    available = stock(session, center.id).get(cat.id, 0.0)
    if data["weight_kg"] > available + 1e-9:
        session.rollback()
        raise Conflict(f"only {available:g} kg of {cat.code} in stock", {"weight_kg": [f"stock is {available:g} kg"]})
    lot = Lot(
        center_id=center.id,
        market_id=market.id,
        category_id=cat.id,
        weight_kg=data["weight_kg"],
        price_per_kg=Decimal(str(data["price_per_kg"])).quantize(CENT),
        shipped_by=user.id,
    )
    session.add(lot)
    session.flush()
    session.add(
        StockMovement(center_id=center.id, category_id=cat.id, kg=-data["weight_kg"], kind="lot", lot_id=lot.id)
    )
    if cat.hazardous:
        session.add(
            CustodyEvent(
                category_id=cat.id,
                lot_id=lot.id,
                kg=data["weight_kg"],
                from_party=f"center {center.id}",
                to_party=f"market {market.id}",
            )
        )
    commit(session)
    return lot


def receive_lot(session: Session, lot_id: int, user: User, received_kg: float) -> Lot:
    lot = get_or_404(session, Lot, lot_id, "lot")
    if lot.status == "received":
        raise Conflict("the lot was already received")
    lot.status, lot.received_kg, lot.received_by = "received", received_kg, user.id
    lot.received_at = datetime.now(UTC)
    commit(session)
    return lot


def wallet(session: Session, user_id: int) -> tuple[Decimal, list[WalletEntry]]:
    entries = session.scalars(
        select(WalletEntry).where(WalletEntry.user_id == user_id).order_by(WalletEntry.created_at, WalletEntry.id)
    ).all()
    return sum((e.amount for e in entries), Decimal("0.00")), entries


def get_center_for(session: Session, user: User, center_id: int, write: bool = False) -> Site:
    """The center, if ``user`` may act there: its operators (and admins) write; staff read."""
    center = center_of(session, center_id)
    if user.role == "operator" and user.sorting_center_id != center.id:
        raise Forbidden("operators act only at their own sorting center")
    if write and user.role not in ("operator", "admin"):
        raise Forbidden("only the center's operators log intake and ship lots")
    return center


def intake_query(center_id: int):
    """The center's intakes, newest first, corrections included (the audit trail)."""
    return select(Intake).where(Intake.center_id == center_id).order_by(Intake.id.desc())


def stock_by_category(session: Session, center_id: int) -> list[dict]:
    levels = stock(session, center_id)
    cats = {c.id: c for c in session.scalars(select(MaterialCategory).where(MaterialCategory.id.in_(levels)))}
    return [
        {"category": cats[k].code, "name_en": cats[k].name_en, "name_zh": cats[k].name_zh, "kg": v}
        for k, v in sorted(levels.items())
    ]


def list_lots(session: Session, center_id: int) -> list[Lot]:
    return session.scalars(select(Lot).where(Lot.center_id == center_id).order_by(Lot.id.desc())).all()


def get_lot(session: Session, lot_id: int) -> Lot:
    return get_or_404(session, Lot, lot_id, "lot")


def list_prices(session: Session) -> list[Price]:
    return session.scalars(select(Price).order_by(Price.category_id, Price.effective_from)).all()


def list_generation_estimates(session: Session) -> list[GenerationEstimate]:
    return session.scalars(
        select(GenerationEstimate).order_by(GenerationEstimate.year, GenerationEstimate.district)
    ).all()


def add_generation_estimate(session: Session, data: dict) -> GenerationEstimate:
    """A district's generation estimate for a year (the denominator of its recovery rate)."""
    est = GenerationEstimate(**data)
    session.add(est)
    commit(session)
    return est
