"""Material categories."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, make_transient_to_detached

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


# Per engine (an app, a test's database): the categories' version and every category's
# column values, by code. A city has some tens of categories.
_copies: WeakKeyDictionary[Engine, tuple[tuple, dict[str, dict[str, Any]]]] = WeakKeyDictionary()
_COLUMNS = tuple(MaterialCategory.__mapper__.column_attrs)
_KEYS = tuple(attr.key for attr in _COLUMNS)


def categories_by_code(session: Session, codes: Iterable[str], version: tuple) -> dict[str, MaterialCategory]:
    """The categories with these codes (active or not; an unknown code is left out), as
    objects of ``session``, from this process's copy of the table (``category_values``)."""
    values = category_values(session, version)
    return {code: attached(session, values[code]) for code in codes if code in values}


def category_values(session: Session, version: tuple) -> dict[str, dict[str, Any]]:
    """Every category's column values, by code, from this process's copy of the table.

    Every booking asks it: a query and the objects it loads cost a statement and CPU per
    booking. ``version`` is the categories' version the caller has just read in its
    transaction (``versions.network_versions``); the copy is used only if it was made at
    that version, else reloaded, so a category added, renamed, given another unit or
    deactivated, here or in another process, is seen at once, as with the query.
    """
    engine = session.get_bind(MaterialCategory)
    cached = _copies.get(engine)
    if cached is None or cached[0] != version:
        rows = session.execute(select(*(attr.class_attribute for attr in _COLUMNS))).all()
        cached = (version, {row.code: dict(zip(_KEYS, row, strict=True)) for row in rows})
        _copies[engine] = cached
    return cached[1]


def unchecked_category_values(session: Session) -> tuple[tuple, dict[str, dict[str, Any]]] | None:
    """The copy as it is, not checked against the table: (the version it was made at, the
    values by code), or None if there is none yet. For a caller that checks that version
    in a statement it runs anyway before it relies on the answer (a booking)."""
    return _copies.get(session.get_bind(MaterialCategory))


def attached(session: Session, values: dict[str, Any]) -> MaterialCategory:
    """The session's object for the category: the one it already holds (as a query would
    give), else one built from the copy and attached as if loaded, without a statement."""
    held = session.identity_map.get(session.identity_key(MaterialCategory, values["id"]))
    if held is not None:
        return held
    cat = MaterialCategory(**values)
    make_transient_to_detached(cat)  # as if loaded: persistent once added, nothing to write
    session.add(cat)
    return cat
