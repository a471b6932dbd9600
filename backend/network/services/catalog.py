"""Material categories."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit_log.services import record, snapshot
from backend.core.auth import Principal
from backend.core.common import apply, commit, ensure_unique, flush, get_or_404, resolve
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


def create_category(session: Session, data: dict, actor: Principal | None) -> MaterialCategory:
    ensure_unique(session, MaterialCategory, MaterialCategory.code, data["code"], "code")
    cat = MaterialCategory()
    apply(cat, data, FIELDS)
    _set_parent(session, cat, data.get("parent_id"))
    session.add(cat)
    flush(session)
    record(session, actor, "category.create", "category", cat.id, None, snapshot(cat))
    commit(session)
    return cat


def update_category(session: Session, cat: MaterialCategory, data: dict, actor: Principal | None) -> MaterialCategory:
    if "code" in data:
        ensure_unique(session, MaterialCategory, MaterialCategory.code, data["code"], "code", cat.id)
    before = snapshot(cat)
    apply(cat, data, FIELDS)
    if "parent_id" in data:
        _set_parent(session, cat, data["parent_id"])
    flush(session)
    record(session, actor, "category.update", "category", cat.id, before, snapshot(cat))
    commit(session)
    return cat


def deactivate_category(session: Session, cat: MaterialCategory, actor: Principal | None) -> None:
    """Bookings, bins and intakes keep referring to it; it is no longer offered."""
    before = snapshot(cat)
    cat.active = False
    flush(session)
    record(session, actor, "category.deactivate", "category", cat.id, before, snapshot(cat))
    commit(session)


def get_category(session: Session, cat_id: int) -> MaterialCategory:
    return get_or_404(session, MaterialCategory, cat_id, "category")
