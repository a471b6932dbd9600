"""Professional collection (e-waste by item, household hazardous waste): the certificate of
proper handover a resident keeps, drawn from the chain of custody: the pickup itself (the
truck, its driver, the time and the weight the driver reported: ``record_pickup``, called by
planning whenever a stop collects a booking), then the weigh-in at the sorting center
(hazardous: logged by intake; e-waste: its weigh-ins).

Routing them only to licensed trucks is the planner's rule already: a hazardous stop only on
a vehicle with ``hazardous_licence``, any stop only on a vehicle whose categories include its
own (routing.model.Vehicle.can_carry)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from backend.accounts.models import User
from backend.bookings.models import Booking
from backend.bookings.services import visible
from backend.core.errors import Conflict
from backend.intake.models import BookingWeight, CustodyEvent, Intake
from backend.network.models import MaterialCategory, Vehicle
from backend.planning.models import PlanRoute, RouteStop


def professional(category: MaterialCategory) -> bool:
    return category.hazardous or category.code.split(".")[0] == "ewaste"


def record_pickup(session: Session, stop: RouteStop, booking: Booking, at: datetime, actor_id: int) -> None:
    """The chain's first link, in the transaction of the collection: resident -> the route's
    truck, at the time it happened, per professional category, with the weight the driver
    reported shared out by the items' estimates (the weigh-in corrects it). Nothing for a
    pickup without e-waste or hazardous items."""
    items = [i for i in booking.items if professional(i.category)]
    if not items:
        return
    vehicle = session.get(Vehicle, session.get(PlanRoute, stop.route_id).vehicle_id)
    total = stop.quantity_kg if stop.quantity_kg is not None else booking.estimated_kg
    estimated = sum(i.estimated_kg for i in booking.items) or 1.0
    by_category: dict[int, float] = {}
    for i in items:
        by_category[i.category_id] = by_category.get(i.category_id, 0.0) + total * i.estimated_kg / estimated
    for category_id, kg in by_category.items():
        session.add(
            CustodyEvent(
                category_id=category_id,
                booking_id=booking.id,
                kg=round(kg, 3),
                from_party=f"resident {booking.resident_id}",
                to_party=f"vehicle {vehicle.plate}",
                at=at,
            )
        )


def _pickup(session: Session, booking: Booking) -> dict | None:
    """Who collected it: the stop that did (the last, after a re-plan), its truck and driver."""
    stop = session.scalars(
        select(RouteStop)
        .where(RouteStop.booking_id == booking.id, RouteStop.status == "done")
        .order_by(RouteStop.updated_at.desc(), RouteStop.id.desc())
    ).first()
    if stop is None:
        return None
    route = session.get(PlanRoute, stop.route_id)
    vehicle = session.get(Vehicle, route.vehicle_id)
    driver = session.get(User, route.driver_id) if route.driver_id is not None else None
    return {
        "at": stop.updated_at,
        "route_id": route.id,
        "vehicle": {"plate": vehicle.plate, "hazardous_licence": vehicle.hazardous_licence},
        "driver_id": driver.id if driver else None,
        "driver": (driver.display_name or driver.username) if driver else "",
        "kg": round(stop.quantity_kg, 3) if stop.quantity_kg is not None else None,
    }


def _step(session: Session, e: CustodyEvent, stage: str) -> dict:
    return {"stage": stage, "at": e.at, "category": session.get(MaterialCategory, e.category_id).code,
            "kg": round(e.kg, 3), "from_party": e.from_party, "to_party": e.to_party}  # fmt: skip


def certificate(session: Session, user: User, booking_id: int) -> dict:
    """The handover certificate of a booking the user may see (404 otherwise); 409 while it
    has no professional items or nothing has reached the sorting center yet. The chain reads
    pickup (recorded by the driver's report) -> intake at the sorting center; where the pickup
    was recorded, the weigh-in's own resident -> truck line is not repeated."""
    booking: Booking = visible(session, user, booking_id)
    items = [i for i in booking.items if professional(i.category)]
    if not items:
        raise Conflict("not a professional pickup: no e-waste or hazardous items")
    logged = session.scalars(
        select(CustodyEvent).where(CustodyEvent.booking_id == booking.id).order_by(CustodyEvent.at, CustodyEvent.id)
    ).all()
    picked = [e for e in logged if e.intake_id is None and e.lot_id is None]
    chain = [_step(session, e, "pickup") for e in picked]
    for e in logged:
        # Weigh-ins logged before intake stopped repeating the pickup's link: that copy skipped.
        if e.intake_id is not None and not (picked and e.from_party.startswith("resident ")):
            chain.append(_step(session, e, "intake"))
    corrected = aliased(Intake)
    weighed = session.execute(
        select(BookingWeight, Intake, Vehicle)
        .join(Intake, Intake.id == BookingWeight.intake_id)
        .join(Vehicle, Vehicle.id == Intake.vehicle_id)
        .outerjoin(corrected, corrected.corrects_id == Intake.id)
        .where(BookingWeight.booking_id == booking.id, corrected.id.is_(None))
        .order_by(BookingWeight.id)
    ).all()
    for weight, intake, vehicle in weighed:
        if professional(weight.category) and not weight.category.hazardous:  # hazardous: in the custody log
            cat, kg = weight.category.code, round(weight.kg, 3)
            step = {"stage": "intake", "at": intake.weighed_at, "category": cat, "kg": kg}
            truck = f"vehicle {vehicle.plate}"
            if not picked:
                chain.append({**step, "from_party": f"resident {booking.resident_id}", "to_party": truck})
            chain.append({**step, "from_party": truck, "to_party": f"center {intake.center_id}"})
    if not any(step["stage"] == "intake" for step in chain):
        raise Conflict("not handed over yet: the certificate follows the weigh-in at the sorting center")
    vehicles = [
        {"plate": v.plate, "hazardous_licence": v.hazardous_licence} for v in {v.id: v for _, _, v in weighed}.values()
    ]
    pickup = _pickup(session, booking) if picked else None
    if pickup is not None and pickup["vehicle"] not in vehicles:
        vehicles.insert(0, pickup["vehicle"])
    return {
        "booking_id": booking.id,
        "resident_id": booking.resident_id,
        "center_id": booking.center_id,
        "items": [{"category": i.category.code, "quantity": i.quantity, "unit": i.unit} for i in items],
        "vehicles": vehicles,
        "pickup": pickup,
        "chain": chain,
        "issued_at": datetime.now(UTC),
    }
