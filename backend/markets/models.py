"""The distribution market as a trading venue: buyers, listings, sealed bids, settlement.

A listing's award is a state change guarded by a row lock (two buyers never both win); the
settlement ledger is append-only and every posting sums to zero, so a party's balance is
the sum of its entries, never a stored figure (the residents' wallets' discipline).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, Timestamped, utcnow
from backend.network.models import MaterialCategory

Money = Numeric(12, 2)
BUYER_STATUSES = ("pending", "approved", "rejected")
MODES = ("auction", "fixed")
LISTING_STATUSES = ("open", "awarded", "unsold", "settled", "cancelled")
ACCOUNTS = ("buyer", "market", "center", "bank")

# The categories a buyer holds a licence for (a parent's licence covers its children).
buyer_licences = Table(
    "buyer_licences",
    Base.metadata,
    Column("buyer_id", ForeignKey("buyers.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("material_categories.id"), primary_key=True),
)


class Buyer(Timestamped, Base):
    """A recycling enterprise's profile; it bids once an admin has approved it."""

    __tablename__ = "buyers"
    __table_args__ = (CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    company_name: Mapped[str] = mapped_column(String(120))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # GB 32100-2015
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(255), default="")

    licences: Mapped[list[MaterialCategory]] = relationship(secondary=buyer_licences, order_by=MaterialCategory.id)


class Listing(Timestamped, Base):
    """A lot offered at a market: sealed bids until ``closes_at`` (auction) or a fixed price."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("weight_kg > 0", name="weight_positive"),
        CheckConstraint("reserve_per_kg >= 0", name="reserve_nonnegative"),
        CheckConstraint("contamination_pct >= 0 AND contamination_pct <= 100", name="contamination"),
        CheckConstraint("grade IN ('A', 'B', 'C')", name="grade"),
        CheckConstraint("mode IN ('auction', 'fixed')", name="mode"),
        CheckConstraint("status IN ('open', 'awarded', 'unsold', 'settled', 'cancelled')", name="status"),
        CheckConstraint("mode != 'fixed' OR fixed_price_per_kg IS NOT NULL", name="fixed_price"),
        CheckConstraint("status NOT IN ('awarded', 'settled') OR buyer_id IS NOT NULL", name="awarded_buyer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    grade: Mapped[str] = mapped_column(String(1))
    weight_kg: Mapped[float]
    contamination_pct: Mapped[float] = mapped_column(default=0.0)
    reserve_per_kg: Mapped[Decimal] = mapped_column(Money)
    mode: Mapped[str] = mapped_column(String(8), default="auction")
    fixed_price_per_kg: Mapped[Decimal | None] = mapped_column(Money)
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The award: who won, at what price per kg, when.
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"), index=True)
    price_per_kg: Mapped[Decimal | None] = mapped_column(Money)
    awarded_at: Mapped[datetime | None]
    # Delivery: the weight found at the buyer's weighing; the amount is computed from it.
    delivered_kg: Mapped[float | None]
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    category: Mapped[MaterialCategory] = relationship()


class Bid(Base):
    """A buyer's sealed bid: one per buyer and listing, raised in place, never lowered."""

    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("listing_id", "buyer_id", name="uq_bids_listing_buyer"),
        CheckConstraint("price_per_kg > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    price_per_kg: Mapped[Decimal] = mapped_column(Money)
    # Ties go to the earlier bid: a raise counts from the time of the raise.
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEntry(Base):
    """One line of a settlement posting. Each posting (a sale's settlement, a payment) sums to
    zero; the unique key makes posting twice impossible, whatever retries or races."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("listing_id", "kind", "account", name="uq_ledger_posting"),
        CheckConstraint("account IN ('buyer', 'market', 'center', 'bank')", name="account"),
        CheckConstraint("kind IN ('sale', 'payment')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    account: Mapped[str] = mapped_column(String(8))
    # Whose account: the buyer's, or the market's / center's site (none for the bank).
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)  # + credit, - debit
    description: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
