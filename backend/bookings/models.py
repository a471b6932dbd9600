"""Resident bookings of pickups, the slots they reserve, and idempotent retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, utcnow
from backend.network.models import MaterialCategory

BOOKING_STATUSES = ("requested", "scheduled", "en_route", "collected", "received", "settled", "cancelled", "missed")
# Where each status may go next; cancelled and missed are ends, like settled.
TRANSITIONS = {
    "requested": ("scheduled", "cancelled", "missed"),
    "scheduled": ("requested", "en_route", "cancelled", "missed"),
    "en_route": ("collected", "missed", "scheduled"),
    "collected": ("received",),
    "received": ("settled",),
    "settled": (),
    "cancelled": (),
    "missed": (),
}
CANCELLABLE = ("requested", "scheduled")


class SlotUsage(Base):
    """How many bookings a pickup window of one sorting center holds. The CHECK makes
    oversubscription impossible even for increments that race."""

    __tablename__ = "slot_usage"
    __table_args__ = (
        UniqueConstraint("center_id", "window_start", name="uq_slot_usage_center_window"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(
            "status IN ('requested', 'scheduled', 'en_route', 'collected', 'received', 'settled', "
            "'cancelled', 'missed')",
            name="status",
        ),
        CheckConstraint("lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name="location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot_usage.id"))
    window_start: Mapped[datetime] = mapped_column(index=True)
    window_end: Mapped[datetime]
    lat: Mapped[float]
    lon: Mapped[float]
    address: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    status_reason: Mapped[str] = mapped_column(String(255), default="")
    estimated_kg: Mapped[float]
    collected_kg: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[BookingItem]] = relationship(cascade="all, delete-orphan", order_by="BookingItem.id")
    events: Mapped[list[BookingEvent]] = relationship(cascade="all, delete-orphan", order_by="BookingEvent.id")


class BookingItem(Base):
    __tablename__ = "booking_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    quantity: Mapped[float]
    unit: Mapped[str] = mapped_column(String(8))
    estimated_kg: Mapped[float]

    category: Mapped[MaterialCategory] = relationship()


class BookingEvent(Base):
    """Every status change, with when and who."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(255), default="")
