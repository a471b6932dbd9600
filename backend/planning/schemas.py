"""Plans, their routes and stops, re-planning and stop events."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Day, Id, StrictSchema


class PlanOptionsSchema(StrictSchema):
    time_limit = fields.Float(validate=validate.Range(min=1, max=600))
    horizon_hours = fields.Float(validate=validate.Range(min=1, max=168))
    optional_margin_pct = fields.Float(validate=validate.Range(min=0, max=100))
    fill_threshold = fields.Float(validate=validate.Range(min=1, max=100))


class PlanCreateSchema(StrictSchema):
    center_id = Id(required=True)
    date = Day(required=True)
    options = fields.Nested(PlanOptionsSchema, load_default=dict)


class RouteStopSchema(StrictSchema):
    id = fields.Integer()
    seq = fields.Integer()
    kind = fields.String()
    bin_id = fields.Integer(allow_none=True)
    booking_id = fields.Integer(allow_none=True)
    lat = fields.Float()
    lon = fields.Float()
    arrival_at = fields.DateTime()
    start_at = fields.DateTime()
    departure_at = fields.DateTime()
    leg_km = fields.Float()
    load_kg = fields.Float()
    expected_kg = fields.Float()
    status = fields.String()
    quantity_kg = fields.Float(allow_none=True)
    reason = fields.String()


class PlanRouteSchema(StrictSchema):
    id = fields.Integer()
    seq = fields.Integer()
    vehicle_id = fields.Integer()
    distance_km = fields.Float()
    empty_km = fields.Float()
    collected_kg = fields.Float()
    km_per_tonne = fields.Function(
        lambda r: round(r.distance_km / (r.collected_kg / 1000), 3) if r.collected_kg else None
    )
    trips = fields.Integer()
    start_at = fields.DateTime()
    end_at = fields.DateTime()
    stops = fields.List(fields.Nested(RouteStopSchema))


class PlanSchema(StrictSchema):
    id = fields.Integer()
    center_id = fields.Integer()
    date = fields.Date(attribute="day")
    status = fields.String()
    progress = fields.Float()
    options = fields.Dict()
    overrides = fields.Dict()
    error = fields.String()
    parent_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    dispatched_at = fields.DateTime(allow_none=True)
    summary = fields.Dict(allow_none=True)
    routes = fields.List(fields.Nested(PlanRouteSchema))


class PlanArgs(StrictSchema):
    center_id = Id()
    date = Day()
    status = fields.String()


class MoveSchema(StrictSchema):
    stop_id = Id(required=True)
    route_id = Id(required=True)


class ReplanSchema(StrictSchema):
    moves = fields.List(fields.Nested(MoveSchema), load_default=list)
    drops = fields.List(Id(), load_default=list)


class StopEventSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(("arrived", "done", "missed")))
    quantity_kg = fields.Float(validate=validate.Range(min=0, max=60000))
    reason = fields.String(validate=validate.Length(max=255))


class PlanListSchema(PlanSchema):
    """Plans in a list: without their routes."""

    class Meta:
        exclude = ("routes",)
