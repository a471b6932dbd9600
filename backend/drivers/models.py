"""Day assignments of drivers to trucks, stop events as the phone reported them, photos as
proof of service, and the trucks' positions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, utcnow

EVENT_TYPES = ("arrived", "collected", "missed")
# Why a stop was missed: a short list the phone offers as buttons (and reports count by),
# with a free-text note beside it.
# The photo types a phone's camera or canvas gives, and Pillow's name for each.
PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MISS_REASONS = ("no_access", "blocked", "not_out", "contaminated", "resident_absent", "vehicle_full", "other")


class VehicleAssignment(Base):
    """Who drives a truck on a day, set by a dispatcher; without one, the vehicle's default driver."""

    __tablename__ = "vehicle_assignments"
    __table_args__ = (UniqueConstraint("vehicle_id", "day", name="vehicle_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StopEvent(Base):
    """One event as the phone reported it. ``event_id`` is the phone's own id, so a queue
    replayed twice stores it once; ``happened_at`` is the phone's clock, ``received_at`` ours;
    ``applied`` says whether it moved the stop on (a late event never moves it back)."""

    __tablename__ = "stop_events"
    __table_args__ = (
        CheckConstraint("type IN ('arrived', 'collected', 'missed')", name="type"),
        Index("ix_stop_events_route_happened", "route_id", "happened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_routes.id", ondelete="CASCADE"))
    stop_id: Mapped[int] = mapped_column(ForeignKey("route_stops.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    type: Mapped[str] = mapped_column(String(10))
    happened_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    quantity_kg: Mapped[float | None]
    fill_pct: Mapped[float | None]
    reason: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    applied: Mapped[bool] = mapped_column(default=False)


class StopPhoto(Base):
    """A photo as proof of service (a missed stop, a collected booking), stored sized down
    under the photo folder; ``photo_id`` is the phone's id, so a resend stores it once."""

    __tablename__ = "stop_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[str] = mapped_column(String(36), unique=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_routes.id", ondelete="CASCADE"))
    stop_id: Mapped[int] = mapped_column(ForeignKey("route_stops.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    path: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    taken_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VehiclePosition(Base):
    """Where a route's truck was (the driver's phone), kept for the day and thinned after the
    retention period (settings DRIVER_POSITION_RETENTION_DAYS)."""

    __tablename__ = "vehicle_positions"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name="location"),
        Index("ix_vehicle_positions_route_at", "route_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("plan_routes.id", ondelete="CASCADE"))
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lat: Mapped[float]
    lon: Mapped[float]
    accuracy_m: Mapped[float | None]
    at: Mapped[datetime]
