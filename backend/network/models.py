"""The registry: the three tiers' sites, the material catalogue, bins and vehicles."""

from __future__ import annotations

from datetime import time

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, Timestamped

UNITS = ("kg", "piece")


class MaterialCategory(Timestamped, Base):
    __tablename__ = "material_categories"
    __table_args__ = (
        CheckConstraint("unit IN ('kg', 'piece')", name="unit"),
        CheckConstraint("density_kg_m3 > 0", name="density_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(8), default="kg")
    # Bulk (loose) density: turns a bin's filled volume into an estimated weight.
    density_kg_m3: Mapped[float]
    # Typical weight of one piece, for categories counted in pieces (a refrigerator).
    piece_kg: Mapped[float | None]
    hazardous: Mapped[bool] = mapped_column(default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("material_categories.id"))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    parent: Mapped[MaterialCategory | None] = relationship(remote_side="MaterialCategory.id")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<MaterialCategory {self.code}>"


TIERS = ("collection_point", "sorting_center", "distribution_market")

site_categories = Table(
    "site_categories",
    Base.metadata,
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("material_categories.id"), primary_key=True),
)

# Which markets a sorting center ships to.
center_markets = Table(
    "center_markets",
    Base.metadata,
    Column("center_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("market_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class Site(Timestamped, Base):
    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("tier IN ('collection_point', 'sorting_center', 'distribution_market')", name="tier"),
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(24), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255), default="")
    district: Mapped[str] = mapped_column(String(80), default="", index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    # OpenStreetMap opening_hours syntax, e.g. "Mo-Su 07:00-20:00".
    opening_hours: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # A collection point is served by exactly one sorting center.
    sorting_center_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    categories: Mapped[list[MaterialCategory]] = relationship(secondary=site_categories, order_by=MaterialCategory.id)
    sorting_center: Mapped[Site | None] = relationship(remote_side="Site.id", foreign_keys=[sorting_center_id])
    markets: Mapped[list[Site]] = relationship(
        secondary=center_markets,
        primaryjoin="Site.id == center_markets.c.center_id",
        secondaryjoin="Site.id == center_markets.c.market_id",
        order_by="Site.id",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def category_ids(self) -> list[int]:
        return [c.id for c in self.categories]

    @property
    def market_ids(self) -> list[int]:
        return [m.id for m in self.markets]

    def __repr__(self) -> str:
        return f"<Site {self.id} {self.tier} {self.name!r}>"


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
    # Who drives it unless the dispatcher names someone else at dispatch. A user with the
    # role driver; named by table, not by model, because accounts sits above the registry.
    default_driver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
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
