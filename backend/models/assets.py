"""Bins at collection points and the vehicles that empty them."""
from __future__ import annotations

from datetime import time

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Timestamped
from backend.models.catalog import MaterialCategory
from backend.models.network import Site

BIN_STATUSES = ("in_service", "maintenance", "retired")

vehicle_categories = Table(
    "vehicle_categories",
    Base.metadata,
    Column("vehicle_id", ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("material_categories.id"), primary_key=True),
)


class Bin(Timestamped, Base):
    __tablename__ = "bins"
    __table_args__ = (
        CheckConstraint("capacity_l > 0", name="capacity_positive"),
        CheckConstraint("fill_threshold_pct > 0 AND fill_threshold_pct <= 100", name="threshold"),
        CheckConstraint("status IN ('in_service', 'maintenance', 'retired')", name="status"),
        # An ultrasonic sensor sits on the lid: the empty bin reads the longer distance.
        CheckConstraint("empty_distance_mm > full_distance_mm", name="calibration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"), index=True)
    capacity_l: Mapped[float]
    device_id: Mapped[str] = mapped_column(String(64), unique=True)
    empty_distance_mm: Mapped[int] = mapped_column(default=1200)
    full_distance_mm: Mapped[int] = mapped_column(default=150)
    fill_threshold_pct: Mapped[float] = mapped_column(default=80.0)
    # The device's MQTT password, hashed in Mosquitto's PBKDF2-SHA512 format, for the
    # broker's password file; the clear password is shown once when it is issued.
    mqtt_password_hash: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="in_service")
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    site: Mapped[Site] = relationship()
    category: Mapped[MaterialCategory] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Vehicle(Timestamped, Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        CheckConstraint("capacity_kg > 0", name="capacity_kg_positive"),
        CheckConstraint("capacity_m3 > 0", name="capacity_m3_positive"),
        CheckConstraint("shift_end > shift_start", name="shift_order"),
        CheckConstraint("cost_per_km >= 0", name="cost_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(20), unique=True)
    home_center_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    capacity_kg: Mapped[float]
    capacity_m3: Mapped[float]
    tare_kg: Mapped[float] = mapped_column(default=0.0)
    hazardous_licence: Mapped[bool] = mapped_column(default=False)
    shift_start: Mapped[time]
    shift_end: Mapped[time]
    cost_per_km: Mapped[float] = mapped_column(default=0.0)
    fixed_cost: Mapped[float] = mapped_column(default=0.0)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    home_center: Mapped[Site] = relationship()
    categories: Mapped[list[MaterialCategory]] = relationship(
        secondary=vehicle_categories, order_by=MaterialCategory.id
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def category_ids(self) -> list[int]:
        return [c.id for c in self.categories]
