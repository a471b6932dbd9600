"""Material categories."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.common import apply, commit, ensure_unique, get_or_404, resolve
from backend.core.errors import Invalid
from backend.network.models import MaterialCategory

FIELDS = ("code", "name_zh", "name_en", "unit", "density_kg_m3", "piece_kg", "hazardous", "active")


def list_categories(session: Session, *, active: bool | None = None, hazardous: bool | None = None):
    stmt = select(MaterialCategory).order_by(MaterialCategory.id)
    if active is not None:
        stmt = stmt.where(MaterialCategory.active == active)
    if hazardous is not None:
        stmt = stmt.where(MaterialCategory.hazardous == hazardous)
    return stmt


def by_code(session: Session, code: str) -> MaterialCategory | None:
    return session.scalar(select(MaterialCategory).where(MaterialCategory.code == code))


def _set_parent(session: Session, cat: MaterialCategory, parent_id: int | None) -> None:
    parent = resolve(session, MaterialCategory, parent_id, "parent_id")
    # Walk up from the new parent: meeting ourselves would make a cycle.
    node = parent
    while node is not None:
        if node is cat:
            raise Invalid.field("parent_id", "a category cannot be its own ancestor")
        node = node.parent
    cat.parent = parent


def create_category(session: Session, data: dict) -> MaterialCategory:
    ensure_unique(session, MaterialCategory, MaterialCategory.code, data["code"], "code")
    cat = MaterialCategory()
    apply(cat, data, FIELDS)
    _set_parent(session, cat, data.get("parent_id"))
    session.add(cat)
    commit(session)
    return cat


def update_category(session: Session, cat: MaterialCategory, data: dict) -> MaterialCategory:
    if "code" in data:
        ensure_unique(session, MaterialCategory, MaterialCategory.code, data["code"], "code", cat.id)
    apply(cat, data, FIELDS)
    if "parent_id" in data:
        _set_parent(session, cat, data["parent_id"])
    commit(session)
    return cat


def get_category(session: Session, cat_id: int) -> MaterialCategory:
    return get_or_404(session, MaterialCategory, cat_id, "category")
