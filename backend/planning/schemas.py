"""Plans, their routes and stops, re-planning and stop events."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from backend.core.schemas import Day, Id, StrictSchema
from backend.planning.models import PLAN_STATUSES, SOLVE_PHASES, SOLVING

STATUS_DESCRIPTION = (
    "queued -> solving -> done -> dispatched -> superseded (by the dispatched re-plan of its day); "
    "solving -> failed (see error); queued or solving -> cancelled"
)


class PlanOptionsSchema(StrictSchema):
    time_limit = fields.Float(validate=validate.Range(min=1, max=600))
    horizon_hours = fields.Float(validate=validate.Range(min=1, max=168))
    optional_margin_pct = fields.Float(validate=validate.Range(min=0, max=100))
    fill_threshold = fields.Float(validate=validate.Range(min=1, max=100))
    optional_prize_scale = fields.Float(
        validate=validate.Range(min=0, max=100),
        metadata={"description": "Worth of an optional bin against its detour (1: default; 0: never visited)"},
    )


class PlanCreateSchema(StrictSchema):
    center_id = Id(required=True)
    date = Day(required=True)
    options = fields.Nested(PlanOptionsSchema, load_default=dict)


class CityDayCreateSchema(StrictSchema):
    date = Day(required=True)
    options = fields.Nested(PlanOptionsSchema, load_default=dict)


class CityDayPlanSchema(StrictSchema):
    id = fields.Integer()
    center_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    progress = fields.Float()
    parts = fields.Integer(metadata={"description": "Jobs a large plan was solved in (0: one job)"})
    error = fields.String()
    url = fields.String()


class CityDaySchema(StrictSchema):
    id = fields.Integer()
    date = fields.Date()
    status = fields.String(
        validate=validate.OneOf(("queued", "solving", "done", "failed", "cancelled")),
        metadata={"description": "solving while any plan is open; done when every plan is done (or later)"},
    )
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "Plans by status"})
    created_at = fields.DateTime()
    plans = fields.List(fields.Nested(CityDayPlanSchema), metadata={"description": "One per sorting center"})


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


class PlanStopSchema(RouteStopSchema):
    """A stop in a plan, with the window it must be served in."""

    window_start = fields.DateTime(
        allow_none=True, metadata={"description": "A booking's pickup window (none for a bin)"}
    )
    window_end = fields.DateTime(allow_none=True)


class RouteDriverSchema(StrictSchema):
    id = fields.Integer()
    name = fields.String()
    dispatched = fields.Boolean(
        metadata={"description": "The route's own driver (set at dispatch); false: the truck's driver for the day"}
    )


class PlanRouteSchema(StrictSchema):
    id = fields.Integer()
    seq = fields.Integer()
    vehicle_id = fields.Integer()
    plate = fields.String(metadata={"description": "The truck's plate"})
    driver_id = fields.Integer(allow_none=True, metadata={"description": "Set at dispatch"})
    driver = fields.Nested(
        RouteDriverSchema,
        allow_none=True,
        metadata={"description": "Who drives it: the route's driver, or before dispatch the truck's for the day"},
    )
    distance_km = fields.Float()
    empty_km = fields.Float()
    collected_kg = fields.Float()
    km_per_tonne = fields.Function(
        lambda r: round(r.distance_km / (r.collected_kg / 1000), 3) if r.collected_kg else None
    )
    trips = fields.Integer()
    start_at = fields.DateTime()
    end_at = fields.DateTime()
    stops = fields.List(fields.Nested(PlanStopSchema))


def _solving(plan, key: str):
    """What a solving plan's worker last said (``lifecycle.beat``); None once it is not solving."""
    if plan.status != "solving" or not plan.summary:
        return None
    return (plan.summary.get(SOLVING) or {}).get(key)


class PlanSchema(StrictSchema):
    id = fields.Integer()
    center_id = fields.Integer()
    date = fields.Date(attribute="day")
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES), metadata={"description": STATUS_DESCRIPTION})
    progress = fields.Float(metadata={"description": "Share of the solve's time limit used, 0 to 1"})
    phase = fields.Function(
        lambda p: _solving(p, "phase"),
        allow_none=True,
        metadata={
            "description": "While solving, what the solver is doing: matrices (measuring distances), warm_start, "
            "searching, baseline (the fixed round it is compared with); null otherwise",
            "enum": [*SOLVE_PHASES, None],
        },
    )
    best_km = fields.Function(
        lambda p: _solving(p, "best_km"),
        allow_none=True,
        metadata={"description": "While searching, the km of the best plan found so far; null otherwise"},
    )
    attempts = fields.Integer(metadata={"description": "Workers that took the solve (more than one: a worker died)"})
    cancel_requested_at = fields.DateTime(
        allow_none=True, metadata={"description": "A dispatcher asked to stop the solve; it ends cancelled"}
    )
    options = fields.Dict()
    overrides = fields.Dict()
    error = fields.String()
    parent_id = fields.Integer(allow_none=True)
    city_day_id = fields.Integer(allow_none=True, metadata={"description": "The city's day it is one center's plan of"})
    parts = fields.Integer(attribute="parts_total", metadata={"description": "Jobs it was solved in (0: one job)"})
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    dispatched_at = fields.DateTime(allow_none=True)
    summary = fields.Function(
        lambda p: {k: v for k, v in p.summary.items() if k != SOLVING} or None if p.summary else None,
        allow_none=True,
        metadata={"type": "object", "description": "When done: totals, the baseline and the saving"},
    )
    routes = fields.List(fields.Nested(PlanRouteSchema))


class PlanArgs(StrictSchema):
    center_id = Id()
    date = Day()
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))


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


MAX_DRIVER_ASSIGNMENTS = 500


def _at_most_assignments(drivers: dict) -> None:
    if len(drivers) > MAX_DRIVER_ASSIGNMENTS:
        raise ValidationError(f"at most {MAX_DRIVER_ASSIGNMENTS} routes")


class DispatchSchema(StrictSchema):
    """The optional body of a dispatch: who drives which route."""

    drivers = fields.Dict(
        # Keys are route ids as JSON object keys; OpenAPI 3.0 cannot constrain keys, so any
        # string passes the schema and one that names no route of the plan is the service's 422.
        keys=fields.String(),
        values=Id(),
        load_default=dict,
        # A count check of our own: apispec would state marshmallow's Length as maxLength, a
        # string keyword, on an object.
        validate=_at_most_assignments,
        metadata={
            "description": "Route id (a string of digits) -> the user id of an active driver. Routes not "
            "named get whoever drove the same truck in the plan this one re-plans, else the "
            "vehicle's default driver.",
            "maxProperties": MAX_DRIVER_ASSIGNMENTS,
        },
    )


class RouteArgs(StrictSchema):
    date = Day(metadata={"description": "Default: today in the city's time zone"})
    center_id = Id()


class RouteSheetItemSchema(StrictSchema):
    category = fields.String(metadata={"description": "Category code"})
    quantity = fields.Float()
    unit = fields.String()


class RouteSheetStopSchema(StrictSchema):
    id = fields.Integer()
    seq = fields.Integer()
    kind = fields.String(metadata={"description": "bin, booking, or unload (at the sorting center)"})
    status = fields.String()
    bin_id = fields.Integer(allow_none=True)
    booking_id = fields.Integer(allow_none=True)
    lat = fields.Float()
    lon = fields.Float()
    arrival_at = fields.DateTime()
    departure_at = fields.DateTime()
    window_start = fields.DateTime(allow_none=True, metadata={"description": "A booking's pickup window"})
    window_end = fields.DateTime(allow_none=True)
    place = fields.String(metadata={"description": "The station of a bin, the center of an unload"})
    address = fields.String(metadata={"description": "Where to go: a booking's pickup address, a station's"})
    note = fields.String(metadata={"description": "The resident's note on a booking"})
    items = fields.List(fields.Nested(RouteSheetItemSchema), metadata={"description": "What to collect"})
    expected_kg = fields.Float()
    load_kg = fields.Float(metadata={"description": "On the truck after this stop"})
    quantity_kg = fields.Float(allow_none=True, metadata={"description": "Reported with the done event"})
    reason = fields.String(metadata={"description": "Reported with the missed event"})


class RouteSheetSchema(StrictSchema):
    """A route as its crew works it, with only that route's stops."""

    id = fields.Integer()
    plan_id = fields.Integer()
    date = fields.Date()
    plan_status = fields.String()
    center_id = fields.Integer()
    center_name = fields.String()
    seq = fields.Integer()
    vehicle_id = fields.Integer()
    plate = fields.String()
    driver_id = fields.Integer(allow_none=True)
    start_at = fields.DateTime()
    end_at = fields.DateTime()
    distance_km = fields.Float()
    distance_provider = fields.String(
        allow_none=True, metadata={"description": "What measured the km: osrm:<network> or great-circle x1.3"}
    )
    trips = fields.Integer()
    stops = fields.List(fields.Nested(RouteSheetStopSchema))


class PlanListSchema(PlanSchema):
    """Plans in a list: without their routes."""

    class Meta:
        exclude = ("routes",)
