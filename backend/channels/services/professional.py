"""Professional collection (e-waste by item, household hazardous waste): the certificate of
proper handover a resident keeps, drawn from the chain of custody the sorting center logs
(hazardous: resident -> vehicle -> center, at the weigh-in) and the weigh-ins of e-waste.

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


def professional(category: MaterialCategory) -> bool:
    return category.hazardous or category.code.split(".")[0] == "ewaste"


def certificate(session: Session, user: User, booking_id: int) -> dict:
    """The handover certificate of a booking the user may see (404 otherwise); 409 while it
    has no professional items or nothing has reached the sorting center yet."""
    booking: Booking = visible(session, user, booking_id)
    items = [i for i in booking.items if professional(i.category)]
    if not items:
        raise Conflict("not a professional pickup: no e-waste or hazardous items")
    chain = [
        {"at": e.at, "category": session.get(MaterialCategory, e.category_id).code, "kg": round(e.kg, 3),
         "from_party": e.from_party, "to_party": e.to_party}
        for e in session.scalars(
            select(CustodyEvent).where(CustodyEvent.booking_id == booking.id).order_by(CustodyEvent.at, CustodyEvent.id)
        )
    ]  # fmt: skip
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
            chain += [
                {"at": intake.weighed_at, "category": weight.category.code, "kg": round(weight.kg, 3),
                 "from_party": f"resident {booking.resident_id}", "to_party": f"vehicle {vehicle.plate}"},
                {"at": intake.weighed_at, "category": weight.category.code, "kg": round(weight.kg, 3),
                 "from_party": f"vehicle {vehicle.plate}", "to_party": f"center {intake.center_id}"},
            ]  # fmt: skip
    if not chain:
        raise Conflict("not handed over yet: the certificate follows the weigh-in at the sorting center")
    vehicles = [
        {"plate": v.plate, "hazardous_licence": v.hazardous_licence} for v in {v.id: v for _, _, v in weighed}.values()
    ]
    return {
        "booking_id": booking.id,
        "resident_id": booking.resident_id,
        "center_id": booking.center_id,
        "items": [{"category": i.category.code, "quantity": i.quantity, "unit": i.unit} for i in items],
        "vehicles": vehicles,
        "chain": chain,
        "issued_at": datetime.now(UTC),
    }
