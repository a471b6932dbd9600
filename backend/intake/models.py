"""Sorting-center intake, prices, wallets, stock and lots.

Nothing is edited in place: a correction is a new intake that references the one it
corrects; stock is the sum of movements; a wallet balance is the sum of its entries.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, utcnow
from backend.network.models import MaterialCategory

Money = Numeric(12, 2)
GRADES = ("A", "B", "C")


class Price(Base):
    """What the platform pays residents per kg or piece, from a date (until the next one)."""

    __tablename__ = "prices"
    __table_args__ = (
        UniqueConstraint("category_id", "effective_from", name="uq_prices_category_from"),
        CheckConstraint("amount >= 0", name="amount_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    unit: Mapped[str] = mapped_column(String(8))
    effective_from: Mapped[date]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[MaterialCategory] = relationship()


class Intake(Base):
    __tablename__ = "intakes"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    route_id: Mapped[int | None] = mapped_column(ForeignKey("plan_routes.id"))
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(255), default="")
    weighed_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[IntakeLine]] = relationship(cascade="all, delete-orphan", order_by="IntakeLine.id")
    booking_weights: Mapped[list[BookingWeight]] = relationship(
        cascade="all, delete-orphan", order_by="BookingWeight.id"
    )


class IntakeLine(Base):
    __tablename__ = "intake_lines"
    __table_args__ = (
        CheckConstraint("tare_kg >= 0 AND tare_kg <= gross_kg", name="tare_within_gross"),
        CheckConstraint("net_kg = gross_kg - tare_kg", name="net"),
        CheckConstraint("contamination_pct >= 0 AND contamination_pct <= 100", name="contamination"),
        CheckConstraint("grade IN ('A', 'B', 'C')", name="grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    gross_kg: Mapped[float]
    tare_kg: Mapped[float]
    net_kg: Mapped[float]
    grade: Mapped[str] = mapped_column(String(1), default="B")
    contamination_pct: Mapped[float] = mapped_column(default=0.0)

    category: Mapped[MaterialCategory] = relationship()


class BookingWeight(Base):
    """A booking's material weighed at the door (hand scale), logged with the intake."""

    __tablename__ = "booking_weights"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    quantity: Mapped[float]  # kg, or pieces for piece categories
    kg: Mapped[float]

    category: Mapped[MaterialCategory] = relationship()


class StockMovement(Base):
    """Stock ledger: + intake, - reversal of a corrected intake, - a shipped lot."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_center_category", "center_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    kg: Mapped[float]
    kind: Mapped[str] = mapped_column(String(12))  # intake, reversal, lot
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (
        CheckConstraint("weight_kg > 0", name="weight_positive"),
        CheckConstraint("status IN ('shipped', 'received')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    weight_kg: Mapped[float]
    price_per_kg: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(10), default="shipped")
    shipped_at: Mapped[datetime] = mapped_column(default=utcnow)
    shipped_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_kg: Mapped[float | None]
    received_at: Mapped[datetime | None]
    received_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WalletEntry(Base):
    """A resident's wallet: the balance is the sum of entries, never stored on its own."""

    __tablename__ = "wallet_entries"
    __table_args__ = (UniqueConstraint("booking_id", "intake_id", "category_id", name="uq_wallet_settlement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("material_categories.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustodyEvent(Base):
    """Chain of custody of hazardous material: who handed what to whom, and when."""

    __tablename__ = "custody_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    kg: Mapped[float]
    from_party: Mapped[str] = mapped_column(String(120))
    to_party: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class GenerationEstimate(Base):
    """How much of the main recyclables a district generates a year (for recovery rates)."""

    __tablename__ = "generation_estimates"
    __table_args__ = (
        UniqueConstraint("district", "year", name="uq_generation_district_year"),
        CheckConstraint("tonnes > 0", name="tonnes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(String(80))
    year: Mapped[int]
    tonnes: Mapped[float]
