"""Who drives which truck on a day: set by a dispatcher, else the vehicle's default driver.

An assignment is read at dispatch (planning asks through ``assigned_driver``, registered by
the app) and, when the day's plan is already dispatched, moves the truck's routes of that
day to the assigned driver at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record
from backend.core.common import commit, resolve
from backend.core.errors import Invalid
from backend.drivers.models import VehicleAssignment
from backend.network.models import Vehicle
from backend.planning.models import Plan, PlanRoute
from backend.planning.services.progress import set_route_driver


def assigned_driver(session: Session, vehicle_id: int, day: date) -> int | None:
    """The driver assigned to the truck for the day, if a dispatcher named one."""
    return session.scalar(
        select(VehicleAssignment.driver_id).where(
            VehicleAssignment.vehicle_id == vehicle_id, VehicleAssignment.day == day
        )
    )


def assignment_query(day: date, center_id: int | None = None):
    stmt = select(VehicleAssignment).where(VehicleAssignment.day == day).order_by(VehicleAssignment.vehicle_id)
    if center_id is not None:
        stmt = stmt.join(Vehicle, Vehicle.id == VehicleAssignment.vehicle_id).where(Vehicle.home_center_id == center_id)
    return stmt


def day_crews(session: Session, day: date, center_id: int | None = None) -> list[dict]:
    """Every active truck with its driver for the day: assigned, else the default (``source``)."""
    stmt = select(Vehicle).where(Vehicle.active.is_(True)).order_by(Vehicle.id)
    if center_id is not None:
        stmt = stmt.where(Vehicle.home_center_id == center_id)
    assigned = {a.vehicle_id: a for a in session.scalars(assignment_query(day, center_id))}
    out = []
    for v in session.scalars(stmt):
        a = assigned.get(v.id)
        driver_id = a.driver_id if a else v.default_driver_id
        source = "assigned" if a else ("default" if v.default_driver_id else "none")
        out.append({"vehicle_id": v.id, "plate": v.plate, "date": day, "driver_id": driver_id, "source": source})
    return out


def assign_driver(session: Session, vehicle_id: int, day: date, driver_id: int, actor: User) -> dict:
    """Name the truck's driver for the day; routes of the truck already dispatched that day
    move to them (the previous driver no longer sees them)."""
    vehicle = resolve(session, Vehicle, vehicle_id, "vehicle_id")
    driver = resolve(session, User, driver_id, "driver_id")
    if driver.role != "driver" or not driver.active:
        raise Invalid.field("driver_id", f"user {driver_id} is not an active driver")
    a = session.scalar(
        select(VehicleAssignment).where(VehicleAssignment.vehicle_id == vehicle.id, VehicleAssignment.day == day)
    )
    before = {"driver_id": a.driver_id} if a else {"driver_id": vehicle.default_driver_id, "source": "default"}
    if a is None:
        a = VehicleAssignment(vehicle_id=vehicle.id, day=day, driver_id=driver.id, assigned_by=actor.id)
        session.add(a)
    a.driver_id, a.assigned_by = driver.id, actor.id
    routes = session.scalars(
        select(PlanRoute)
        .join(Plan, Plan.id == PlanRoute.plan_id)
        .where(PlanRoute.vehicle_id == vehicle.id, Plan.day == day, Plan.status == "dispatched")
    ).all()
    moved = [r.id for r in routes if set_route_driver(r, driver.id)]
    session.flush()
    record(
        session,
        actor,
        "vehicle.assign_driver",
        "vehicle",
        vehicle.id,
        before,
        {"driver_id": driver.id, "date": day, "routes_moved": moved},
    )
    commit(session)
    return {
        "vehicle_id": vehicle.id,
        "plate": vehicle.plate,
        "date": day,
        "driver_id": driver.id,
        "source": "assigned",
        "routes_moved": moved,
    }
