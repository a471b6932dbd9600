"""Every mapped class, imported here so Alembic sees the whole metadata."""
from backend.models.accounts import ROLES, STAFF_ROLES, User
from backend.models.assets import BIN_STATUSES, Bin, Vehicle
from backend.models.base import Base, utcnow
from backend.models.bookings import (
    BOOKING_STATUSES, CANCELLABLE, TRANSITIONS, Booking, BookingEvent, BookingItem, IdempotencyRecord, SlotUsage,
)
from backend.models.catalog import UNITS, MaterialCategory
from backend.models.intake import (
    GRADES, BookingWeight, CustodyEvent, GenerationEstimate, Intake, IntakeLine, Lot, Price, StockMovement, WalletEntry,
)
from backend.models.network import TIERS, Site
from backend.models.plans import Plan, PlanRoute, RouteStop
from backend.models.telemetry import ALERT_KINDS, Alert, BinState, DeadLetter, Reading

__all__ = [
    "Base", "utcnow", "Site", "TIERS", "MaterialCategory", "UNITS",
    "Bin", "BIN_STATUSES", "Vehicle", "User", "ROLES", "STAFF_ROLES",
    "Reading", "DeadLetter", "BinState", "Alert", "ALERT_KINDS",
    "Booking", "BookingItem", "BookingEvent", "IdempotencyRecord", "SlotUsage", "BOOKING_STATUSES",
    "TRANSITIONS", "CANCELLABLE", "Plan", "PlanRoute", "RouteStop",
    "Price", "Intake", "IntakeLine", "BookingWeight", "StockMovement", "Lot", "WalletEntry", "CustodyEvent",
    "GenerationEstimate", "GRADES",
]
