"""People: residents, drivers, dispatchers, operators (of a sorting center or a market), admins, buyers."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, Timestamped
from backend.network.models import Site


class User(Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('resident', 'driver', 'dispatcher', 'operator', 'admin', 'agent', 'buyer')", name="role"
        ),
        CheckConstraint("role != 'operator' OR sorting_center_id IS NOT NULL", name="operator_center"),
        CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    # Optional: where e-mail notifications go (backend.notifications' SMTP sender), when given.
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(255), default="")
    district: Mapped[str] = mapped_column(String(80), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    sorting_center_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change or deactivation: tokens carry it, so old ones stop working.
    token_generation: Mapped[int] = mapped_column(default=1)
    version: Mapped[int] = mapped_column(default=1)

    sorting_center: Mapped[Site | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
