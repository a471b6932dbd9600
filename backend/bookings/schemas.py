"""Schemas of slots, bookings, plans and stop events."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.bookings.models import BOOKING_STATUSES
from backend.core.schemas import Day, Id, Latitude, Longitude, Moment, StrictSchema


class SlotArgs(StrictSchema):
    date = Day(required=True)
    lat = Latitude(required=True)
    lon = Longitude(required=True)


class SlotSchema(StrictSchema):
    center_id = fields.Integer()
    window_start = fields.DateTime()
    window_end = fields.DateTime()
    capacity = fields.Integer()
    remaining = fields.Integer()
    bookable = fields.Boolean(
        metadata={"description": "False once the booking cutoff has passed or before bookings open"}
    )


class BookingItemSchema(StrictSchema):
    category = fields.String(
        required=True, validate=validate.Length(1, 40), metadata={"description": "Category code, e.g. paper.cardboard"}
    )
    quantity = fields.Float(required=True, validate=validate.Range(min=0, max=5000, min_inclusive=False))
    unit = fields.String(validate=validate.OneOf(("kg", "piece")), metadata={"description": "Default: the category's"})
    estimated_kg = fields.Float(dump_only=True)


class BookingItemOut(BookingItemSchema):
    category = fields.Function(lambda i: i.category.code)


class BookingEventSchema(StrictSchema):
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = fields.String()


class BookingCreateSchema(StrictSchema):
    lat = Latitude(metadata={"description": "Default: your address's location"})
    lon = Longitude()
    address = fields.String(validate=validate.Length(max=255))
    items = fields.List(fields.Nested(BookingItemSchema), required=True, validate=validate.Length(1, 20))
    window_start = Moment(required=True, metadata={"description": "Start of an offered slot"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class BookingSchema(StrictSchema):
    id = fields.Integer()
    resident_id = fields.Integer()
    center_id = fields.Integer()
    window_start = fields.DateTime()
    window_end = fields.DateTime()
    lat = fields.Float()
    lon = fields.Float()
    address = fields.String()
    note = fields.String()
    status = fields.String()
    status_reason = fields.String()
    estimated_kg = fields.Float()
    collected_kg = fields.Float(allow_none=True)
    items = fields.List(fields.Nested(BookingItemOut))
    events = fields.List(fields.Nested(BookingEventSchema))
    created_at = fields.DateTime()


class BookingArgs(StrictSchema):
    status = fields.String(validate=validate.OneOf(BOOKING_STATUSES))
    date = Day()
    center_id = Id()


class CancelSchema(StrictSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=255))


class RescheduleSchema(StrictSchema):
    window_start = Moment(required=True)
