"""The driver's API: day assignments, stop events, photos, positions, the live day, timings."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from backend.core.schemas import Day, Id, Latitude, Longitude, Moment, StrictSchema
from backend.drivers.models import EVENT_TYPES, MISS_REASONS, PHOTO_TYPES
from backend.planning.schemas import RouteSheetSchema, RouteSheetStopSchema

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _LowerString(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


def ClientId(**kw):  # noqa: N802 (a field factory, like core.schemas.Id)
    """An id the phone made (a UUID, stored in lower case), so that a resend is recognised."""
    return _LowerString(validate=[validate.Length(36, 36), validate.Regexp(UUID_PATTERN)], **kw)


class DayArgs(StrictSchema):
    date = Day(metadata={"description": "Default: today in the city's time zone"})
    center_id = Id()


class AssignmentSchema(StrictSchema):
    vehicle_id = Id(required=True)
    date = Day(required=True)
    driver_id = Id(required=True, metadata={"description": "An active user with the role driver"})


class CrewSchema(StrictSchema):
    vehicle_id = fields.Integer()
    plate = fields.String()
    date = fields.Date()
    driver_id = fields.Integer(allow_none=True)
    source = fields.String(metadata={"description": "assigned (for the day), default (the vehicle's), none"})
    routes_moved = fields.List(fields.Integer(), metadata={"description": "Dispatched routes handed to the driver"})


class DriverEventCreateSchema(StrictSchema):
    id = ClientId(required=True, metadata={"description": "The phone's id for the event: a resend is stored once"})
    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    happened_at = Moment(required=True, metadata={"description": "When it happened, on the phone's clock"})
    quantity_kg = fields.Float(
        validate=validate.Range(min=0, max=60000), metadata={"description": "collected: weighed"}
    )
    fill_pct = fields.Float(
        validate=validate.Range(min=0, max=100), metadata={"description": "collected: a bin's fill seen"}
    )
    reason = fields.String(validate=validate.OneOf(MISS_REASONS), metadata={"description": "missed: why"})
    note = fields.String(validate=validate.Length(max=500), metadata={"description": "missed: in the driver's words"})


class DriverEventSchema(StrictSchema):
    id = fields.String(attribute="event_id")
    stop_id = fields.Integer()
    route_id = fields.Integer()
    user_id = fields.Integer()
    type = fields.String()
    happened_at = fields.DateTime()
    received_at = fields.DateTime()
    quantity_kg = fields.Float(allow_none=True)
    fill_pct = fields.Float(allow_none=True)
    reason = fields.String()
    note = fields.String()
    applied = fields.Boolean(metadata={"description": "False: a resend, or late (the stop was already further on)"})
    stop_status = fields.Function(lambda e: e.stop_status, metadata={"description": "The stop's status now"})


class PhotoArgs(StrictSchema):
    id = ClientId(required=True, metadata={"description": "The phone's id for the photo: a resend is stored once"})
    taken_at = Moment(metadata={"description": "When the photo was taken (default: now)"})


class PhotoUploadSchema(StrictSchema):
    photo = Upload(
        required=True,
        metadata={
            "description": f"The image: {', '.join(PHOTO_TYPES)}, at most DRIVER_PHOTO_MAX_BYTES (700 kB by "
            "default; the whole request at most the body limit, else 413); sized down and stored as JPEG"
        },
    )


class PhotoSchema(StrictSchema):
    id = fields.String()
    stop_id = fields.Integer()
    booking_id = fields.Integer(allow_none=True)
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    size_bytes = fields.Integer()
    taken_at = fields.DateTime()


class PhotoDataSchema(PhotoSchema):
    data = fields.String(metadata={"description": "The JPEG, base64"})


class PositionCreateSchema(StrictSchema):
    lat = Latitude(required=True)
    lon = Longitude(required=True)
    accuracy_m = fields.Float(validate=validate.Range(min=0, max=100000))
    at = Moment(metadata={"description": "When the phone was there (default: now)"})


class PositionSchema(StrictSchema):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)
    at = fields.DateTime()


class LiveStopSchema(RouteSheetStopSchema):
    eta = fields.DateTime(allow_none=True, metadata={"description": "Re-estimated arrival (actual, once reached)"})
    photos = fields.List(fields.String(), metadata={"description": "Photo ids, GET /drivers/photos/{id}"})


class LiveRouteSchema(RouteSheetSchema):
    stops = fields.List(fields.Nested(LiveStopSchema))
    position = fields.Nested(PositionSchema, allow_none=True, metadata={"description": "The truck's last known"})
    delay_s = fields.Integer(metadata={"description": "Behind the plan (negative: ahead) at the last stop reached"})


class PhoneSettingsSchema(StrictSchema):
    miss_reasons = fields.List(fields.String())
    position_interval_s = fields.Integer()
    photo_max_bytes = fields.Integer()
    photo_types = fields.List(fields.String())


class LearnedArgs(StrictSchema):
    center_id = Id(required=True)
    since = Day(required=True, metadata={"description": "From this plan day on"})


class LearnedServiceTimesSchema(StrictSchema):
    center_id = fields.Integer()
    since = fields.Date()
    service_s_by_kind = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"description": "Per stop kind, the median over routes of each route's median actual seconds"},
    )
    median_s_by_kind = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"description": "Per stop kind, the median actual seconds over every stop reported (the planner's)"},
    )
    samples_by_kind = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Per stop kind, how many stops were reported arrived and finished"},
    )


class TimingsSchema(StrictSchema):
    route_id = fields.Integer()
    plan_id = fields.Integer()
    vehicle_id = fields.Integer()
    stops_reported = fields.Integer()
    planned_service_s = fields.Float()
    actual_service_s = fields.Float()
    legs_reported = fields.Integer()
    planned_travel_s = fields.Float()
    actual_travel_s = fields.Float()
    service_s_by_kind = fields.Dict(keys=fields.String(), values=fields.Float())


class LegArgs(StrictSchema):
    """lat and lon come together: a rule OpenAPI 3.0 cannot state for query parameters, so the
    service checks it (422 naming the field) and the descriptions say it (like NearArgs)."""

    lat = Latitude(
        metadata={"description": "with lon: where the phone is (default: the last stop finished, else the center)"}
    )
    lon = Longitude(metadata={"description": "with lat"})


class NextLegSchema(StrictSchema):
    route_id = fields.Integer()
    stop_id = fields.Integer(allow_none=True, metadata={"description": "The next open stop (None: none left)"})
    seq = fields.Integer(allow_none=True)
    origin = fields.String(metadata={"description": "position (the phone's), last_stop (finished), center"})
    geometry = fields.String(
        allow_none=True, metadata={"description": "streets (a road network is loaded and reaches the stop), straight"}
    )
    points = fields.List(fields.List(fields.Float()), metadata={"description": "[lat, lon] vertices in order"})
    distance_m = fields.Float(allow_none=True, metadata={"description": "Along the streets"})
    duration_s = fields.Float(allow_none=True, metadata={"description": "Along the streets"})
