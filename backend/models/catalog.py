"""Material categories: what the network collects, sorts and sells."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Timestamped

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
