"""The three tiers: collection points, sorting centers, distribution markets."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Timestamped
from backend.models.catalog import MaterialCategory

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
        CheckConstraint(
            "tier IN ('collection_point', 'sorting_center', 'distribution_market')", name="tier"
        ),
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

    categories: Mapped[list[MaterialCategory]] = relationship(
        secondary=site_categories, order_by=MaterialCategory.id
    )
    sorting_center: Mapped[Site | None] = relationship(
        remote_side="Site.id", foreign_keys=[sorting_center_id]
    )
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
