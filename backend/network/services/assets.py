"""Bins and vehicles."""

from __future__ import annotations

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from backend.audit_log.services import record, snapshot
from backend.core.auth import Principal
from backend.core.common import apply, commit, ensure_unique, flush, get_or_404, resolve, resolve_many
from backend.core.errors import Invalid
from backend.network.models import Bin, MaterialCategory, Site, Vehicle

BIN_FIELDS = (
    "capacity_l",
    "device_id",
    "empty_distance_mm",
    "full_distance_mm",
    "fill_threshold_pct",
    "status",
    "active",
)
VEHICLE_FIELDS = (
    "plate",
    "capacity_kg",
    "capacity_m3",
    "tare_kg",
    "hazardous_licence",
    "shift_start",
    "shift_end",
    "cost_per_km",
    "fixed_cost",
    "default_driver_id",
    "active",
)
# Accounts sits above the registry (a user may belong to a sorting center), so the registry
# reads the three columns it needs to check a default driver instead of importing the model.
_users = table("users", column("id"), column("role"), column("active"))


def bin_query(*, site_id=None, category_id=None, sorting_center_id=None, district=None, active=None):
    stmt = select(Bin).order_by(Bin.id)
    if site_id is not None:
        stmt = stmt.where(Bin.site_id == site_id)
    if category_id is not None:
        stmt = stmt.where(Bin.category_id == category_id)
    if active is not None:
        stmt = stmt.where(Bin.active == active)
    if sorting_center_id is not None or district:
        stmt = stmt.join(Bin.site)
        if sorting_center_id is not None:
            stmt = stmt.where(Site.sorting_center_id == sorting_center_id)
        if district:
            stmt = stmt.where(Site.district == district)
    return stmt


def _bin_links(session: Session, b: Bin, data: dict) -> None:
    if "site_id" in data:
        site = resolve(session, Site, data["site_id"], "site_id")
        if site.tier != "collection_point":
            raise Invalid.field("site_id", "bins stand at collection points")
        b.site = site
    if "category_id" in data:
        b.category = resolve(session, MaterialCategory, data["category_id"], "category_id")
    if b.empty_distance_mm <= b.full_distance_mm:
        raise Invalid.field("full_distance_mm", "must be shorter than empty_distance_mm")


def create_bin(session: Session, data: dict, actor: Principal | None) -> Bin:
    ensure_unique(session, Bin, Bin.device_id, data["device_id"], "device_id")
    b = Bin(empty_distance_mm=1200, full_distance_mm=150)
    apply(b, data, BIN_FIELDS)
    _bin_links(session, b, data)
    session.add(b)
    flush(session)
    record(session, actor, "bin.create", "bin", b.id, None, snapshot(b))
    commit(session)
    return b


def update_bin(session: Session, b: Bin, data: dict, actor: Principal | None) -> Bin:
    if "device_id" in data:
        ensure_unique(session, Bin, Bin.device_id, data["device_id"], "device_id", b.id)
    before = snapshot(b)
    with session.no_autoflush:
        apply(b, data, BIN_FIELDS)
        _bin_links(session, b, data)
    flush(session)
    record(session, actor, "bin.update", "bin", b.id, before, snapshot(b))
    commit(session)
    return b


def deactivate_bin(session: Session, b: Bin, actor: Principal | None) -> None:
    before = snapshot(b)
    b.active = False
    b.status = "retired"
    flush(session)
    record(session, actor, "bin.deactivate", "bin", b.id, before, snapshot(b))
    commit(session)


def get_bin(session: Session, bin_id: int) -> Bin:
    return get_or_404(session, Bin, bin_id, "bin")


def vehicle_query(*, home_center_id=None, category_id=None, active=None):
    stmt = select(Vehicle).order_by(Vehicle.id)
    if home_center_id is not None:
        stmt = stmt.where(Vehicle.home_center_id == home_center_id)
    if active is not None:
        stmt = stmt.where(Vehicle.active == active)
    if category_id is not None:
        stmt = stmt.where(Vehicle.categories.any(MaterialCategory.id == category_id))
    return stmt


def _vehicle_links(session: Session, v: Vehicle, data: dict) -> None:
    if "home_center_id" in data:
        center = resolve(session, Site, data["home_center_id"], "home_center_id")
        if center.tier != "sorting_center":
            raise Invalid.field("home_center_id", "a vehicle's home is a sorting center")
        v.home_center = center
    if "category_ids" in data:
        v.categories = resolve_many(session, MaterialCategory, data["category_ids"], "category_ids")
    if not v.hazardous_licence and any(c.hazardous for c in v.categories):
        raise Invalid.field("category_ids", "hazardous categories need a vehicle with a hazardous licence")
    if v.shift_end <= v.shift_start:
        raise Invalid.field("shift_end", "must be after shift_start")
    if data.get("default_driver_id") is not None:
        _check_driver(session, data["default_driver_id"])


def _check_driver(session: Session, user_id: int) -> None:
    """A vehicle's default driver is an active user with the role driver (else 422)."""
    row = session.execute(select(_users.c.role, _users.c.active).where(_users.c.id == user_id)).first()
    if row is None:
        raise Invalid.field("default_driver_id", f"no user with id {user_id}")
    if row.role != "driver" or not row.active:
        raise Invalid.field("default_driver_id", f"user {user_id} is not an active driver")


def _vehicle_snapshot(v: Vehicle) -> dict:
    return snapshot(v, extra=("category_ids",))


def create_vehicle(session: Session, data: dict, actor: Principal | None) -> Vehicle:
    ensure_unique(session, Vehicle, Vehicle.plate, data["plate"], "plate")
    v = Vehicle()
    apply(v, data, VEHICLE_FIELDS)
    _vehicle_links(session, v, data)
    session.add(v)
    flush(session)
    record(session, actor, "vehicle.create", "vehicle", v.id, None, _vehicle_snapshot(v))
    commit(session)
    return v


def update_vehicle(session: Session, v: Vehicle, data: dict, actor: Principal | None) -> Vehicle:
    if "plate" in data:
        ensure_unique(session, Vehicle, Vehicle.plate, data["plate"], "plate", v.id)
    before = _vehicle_snapshot(v)
    with session.no_autoflush:
        apply(v, data, VEHICLE_FIELDS)
        _vehicle_links(session, v, data)
    flush(session)
    record(session, actor, "vehicle.update", "vehicle", v.id, before, _vehicle_snapshot(v))
    commit(session)
    return v


def deactivate_vehicle(session: Session, v: Vehicle, actor: Principal | None) -> None:
    before = _vehicle_snapshot(v)
    v.active = False
    flush(session)
    record(session, actor, "vehicle.deactivate", "vehicle", v.id, before, _vehicle_snapshot(v))
    commit(session)


def get_vehicle(session: Session, vehicle_id: int) -> Vehicle:
    return get_or_404(session, Vehicle, vehicle_id, "vehicle")
