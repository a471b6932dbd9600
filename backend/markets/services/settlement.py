"""Delivery and settlement: the amount is the delivered weight times the winning price,
split between the buyer (who owes it), the market (its commission) and the selling sorting
center (the rest). Each posting is a set of ledger lines that sums to zero, keyed so that it
can be posted once only; balances are sums of lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.core.common import commit, flush
from backend.core.errors import Conflict, Forbidden, Invalid
from backend.markets.models import LedgerEntry, Listing
from backend.markets.services.buyers import buyer_of
from backend.markets.services.trading import _is_staff_of, _lock, get_listing

CENT = Decimal("0.01")
PLAUSIBLE_DELIVERY = 1.1  # the buyer's scale may find up to 10% more than listed


@dataclass(frozen=True)
class Commission:
    """The market's commission, in percent of a sale (MARKET_COMMISSION_PCT)."""

    pct: Decimal

    @classmethod
    def from_config(cls, config: Mapping) -> Commission:
        return cls(Decimal(str(config["MARKET_COMMISSION_PCT"])))


def split(price_per_kg: Decimal, kg: float, commission: Commission) -> tuple[Decimal, Decimal, Decimal]:
    """(amount, market fee, center credit): fee + credit == amount to the cent."""
    amount = (price_per_kg * Decimal(str(kg))).quantize(CENT, ROUND_HALF_UP)
    fee = (amount * commission.pct / 100).quantize(CENT, ROUND_HALF_UP)
    return amount, fee, amount - fee


def deliver(
    session: Session, user: User, listing_id: int, delivered_kg: float, commission: Commission, now=None
) -> Listing:
    """Record the weight delivered to the buyer and post the sale; a second delivery is 409."""
    listing = get_listing(session, user, listing_id)
    if not _is_staff_of(user, listing):
        raise Forbidden("only the market's staff record deliveries")
    listing = _lock(session, listing_id)
    if listing.status == "settled":
        session.rollback()
        raise Conflict("the lot was already delivered and settled", {"delivered_kg": ["already delivered"]})
    if listing.status != "awarded":
        session.rollback()
        raise Conflict(
            f"the listing is {listing.status}: only an awarded lot is delivered", {"listing": ["not awarded"]}
        )
    if delivered_kg > listing.weight_kg * PLAUSIBLE_DELIVERY:
        session.rollback()
        raise Invalid.field("delivered_kg", f"more than the {listing.weight_kg:g} kg listed (plus 10%)")
    before = snapshot(listing)
    amount, fee, credit = split(listing.price_per_kg, delivered_kg, commission)
    what = f"listing {listing.id}: {delivered_kg:g} kg at {listing.price_per_kg}/kg"
    session.add_all(
        [
            LedgerEntry(listing_id=listing.id, kind="sale", account="buyer", buyer_id=listing.buyer_id,
                        amount=-amount, description=f"{what}, due"),
            LedgerEntry(listing_id=listing.id, kind="sale", account="market", site_id=listing.market_id,
                        amount=fee, description=f"{what}, commission {commission.pct}%"),
            LedgerEntry(listing_id=listing.id, kind="sale", account="center", site_id=listing.center_id,
                        amount=credit, description=f"{what}, credited to the center"),
        ]
    )  # fmt: skip
    listing.status = "settled"
    listing.delivered_kg, listing.delivered_by, listing.delivered_at = delivered_kg, user.id, now or datetime.now(UTC)
    flush(session)
    record(session, user, "listing.deliver", "listing", listing.id, before, snapshot(listing))
    commit(session)
    return listing


def record_payment(session: Session, user: User, listing_id: int) -> list[LedgerEntry]:
    """The buyer paid what the sale posted: once per listing (a repeat returns the payment)."""
    listing = get_listing(session, user, listing_id)
    if not _is_staff_of(user, listing):
        raise Forbidden("only the market's staff record payments")
    listing = _lock(session, listing_id)
    if listing.status != "settled":
        session.rollback()
        raise Conflict("nothing is due before the delivery", {"listing": ["not delivered"]})
    paid = ledger(session, listing.id, "payment")
    if paid:
        session.rollback()
        return paid
    due = -sum(e.amount for e in ledger(session, listing.id, "sale") if e.account == "buyer")
    session.add_all(
        [
            LedgerEntry(listing_id=listing.id, kind="payment", account="buyer", buyer_id=listing.buyer_id,
                        amount=due, description=f"listing {listing.id}: paid"),
            LedgerEntry(listing_id=listing.id, kind="payment", account="bank", amount=-due,
                        description=f"listing {listing.id}: received from the buyer"),
        ]
    )  # fmt: skip
    commit(session)
    return ledger(session, listing.id, "payment")


def ledger(session: Session, listing_id: int, kind: str | None = None) -> list[LedgerEntry]:
    stmt = select(LedgerEntry).where(LedgerEntry.listing_id == listing_id).order_by(LedgerEntry.id)
    if kind:
        stmt = stmt.where(LedgerEntry.kind == kind)
    return session.scalars(stmt).all()


def listing_ledger(session: Session, user: User, listing_id: int) -> list[LedgerEntry]:
    """The listing's postings: its market's staff and admins see all; a buyer their own lines;
    the selling center's operators the center's."""
    listing = get_listing(session, user, listing_id)
    entries = ledger(session, listing.id)
    if _is_staff_of(user, listing) or user.role == "dispatcher":
        return entries
    if user.role == "buyer":
        return [e for e in entries if e.account == "buyer"]
    return [e for e in entries if e.account == "center"]


def buyer_account(session: Session, user: User) -> tuple[Decimal, list[LedgerEntry]]:
    """(what the buyer owes, their ledger lines): owed is minus the sum of the lines."""
    buyer = buyer_of(session, user)
    if buyer is None:
        return Decimal("0.00"), []
    entries = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.account == "buyer", LedgerEntry.buyer_id == buyer.id)
        .order_by(LedgerEntry.id)
    ).all()
    return -sum((e.amount for e in entries), Decimal("0.00")), entries


def site_balance(session: Session, site_id: int, account: str) -> Decimal:
    total = session.scalar(
        select(func.sum(LedgerEntry.amount)).where(LedgerEntry.account == account, LedgerEntry.site_id == site_id)
    )
    return Decimal(total or 0).quantize(CENT)


def ledger_total(session: Session) -> Decimal:
    """The sum of every line: zero while the books balance."""
    return Decimal(session.scalar(select(func.sum(LedgerEntry.amount))) or 0).quantize(CENT)
