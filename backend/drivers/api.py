"""The driver's API: their day (routes with live estimates), stop events, photos, positions;
for dispatchers the day's crews, the live map's data and the planned-versus-actual timings.

Who sees what is planning's rule (``route_scope``): a driver their own routes, an operator
their center's, dispatchers and admins all; another's route, stop or photo is 404, never 403,
so ids cannot be probed. A resident sees the photos of their own bookings only."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.drivers.models import MISS_REASONS, PHOTO_TYPES
from backend.drivers.schemas import (
    AssignmentSchema,
    CrewSchema,
    DayArgs,
    DriverEventCreateSchema,
    DriverEventSchema,
    LearnedArgs,
    LearnedServiceTimesSchema,
    LegArgs,
    LiveRouteSchema,
    NextLegSchema,
    PhoneSettingsSchema,
    PhotoArgs,
    PhotoDataSchema,
    PhotoSchema,
    PhotoUploadSchema,
    PositionCreateSchema,
    PositionSchema,
    TimingsSchema,
)
from backend.drivers.services import assignments, events, legs, live, photos
from backend.drivers.services.photos import PhotoSettings
from backend.planning.services.routes import city_today

blp = Blueprint("drivers", __name__, url_prefix="/api/v1/drivers", description="The driver in the loop")
DISPATCH = ("dispatcher", "admin")
REPORTERS = ("driver", *DISPATCH)
READERS = (*REPORTERS, "operator")
NOT_THEIRS = "No such stop, or not on a route this user may see (another driver's is 404)"


def _day(args: dict):
    return args.get("date") or city_today(current_app.config["TIMEZONE"])


def _photo_settings() -> PhotoSettings:
    return PhotoSettings.from_config(current_app.config, current_app.instance_path)


@blp.route("/settings")
class PhoneSettings(MethodView):
    @roles(blp)
    @blp.response(200, PhoneSettingsSchema)
    def get(self):
        """What the phone page needs: the reasons a stop can be missed, the position interval, photo limits"""
        cfg = current_app.config
        return {
            "miss_reasons": list(MISS_REASONS),
            "position_interval_s": int(cfg["DRIVER_POSITION_INTERVAL_S"]),
            "photo_max_bytes": int(cfg["DRIVER_PHOTO_MAX_BYTES"]),
            "photo_types": list(PHOTO_TYPES),
        }


@blp.route("/assignments")
class Assignments(MethodView):
    @roles(blp, *DISPATCH)
    @blp.arguments(DayArgs, location="query")
    @blp.response(200, CrewSchema(many=True))
    def get(self, args):
        """Every active truck with its driver for the day: assigned for the day, else the vehicle's default"""
        return assignments.day_crews(db.session, _day(args), args.get("center_id"))

    @roles(blp, *DISPATCH)
    @blp.arguments(AssignmentSchema)
    @blp.response(200, CrewSchema)
    @blp.alt_response(422, description="No such vehicle, or the user is not an active driver")
    def put(self, data):
        """Name a truck's driver for a day; its routes already dispatched that day move to them"""
        return assignments.assign_driver(
            db.session, data["vehicle_id"], data["date"], data["driver_id"], current_user()
        )


@blp.route("/routes")
class LiveRoutes(MethodView):
    @roles(blp, *READERS)
    @blp.arguments(DayArgs, location="query")
    @blp.response(200, LiveRouteSchema(many=True))
    def get(self, args):
        """The day's dispatched routes, live: a driver's own (the truck they drive), or all a dispatcher sees

        Each stop carries its re-estimated arrival (`eta`) and its photos; each route the
        truck's last position and its delay against the plan.
        """
        return live.live_day(db.session, current_user(), _day(args), args.get("center_id"))


@blp.route("/routes/<int:route_id>/next-leg")
class NextLeg(MethodView):
    @roles(blp, *READERS)
    @blp.arguments(LegArgs, location="query")
    @blp.response(200, NextLegSchema)
    @blp.alt_response(404, description="No such route, or not one this user may see (another driver's is 404)")
    @blp.alt_response(422, description="lat without lon, or out of range")
    def get(self, args, route_id):
        """The leg to the route's next open stop, along the streets where a road network is loaded, else straight"""
        return legs.next_leg(db.session, current_app.config, current_user(), route_id, args)


@blp.route("/routes/<int:route_id>/events")
class RouteEvents(MethodView):
    @roles(blp, *READERS)
    @blp.response(200, DriverEventSchema(many=True))
    @blp.alt_response(404, description="No such route, or not one this user may see")
    def get(self, route_id):
        """A route's stop events as received, in the order they happened (resends are not stored twice)"""
        return events.route_events(db.session, current_user(), route_id)


@blp.route("/stops/<int:stop_id>/events")
class StopEvents(MethodView):
    @roles(blp, *REPORTERS)
    @blp.arguments(DriverEventCreateSchema)
    @blp.response(201, DriverEventSchema)
    @blp.alt_response(200, schema=DriverEventSchema, description="A resend of an event already stored: the stored one")
    @blp.alt_response(404, description=NOT_THEIRS)
    @blp.alt_response(409, description="The plan is not dispatched, or the event id was used for another stop")
    @blp.alt_response(
        422, description="A missed stop without a reason, a weight with another event, a time in the future"
    )
    def post(self, data, stop_id):
        """Arrived, collected (weight, or a bin's fill seen) or missed (reason, note) at a stop, once per event id

        Applied in the order things happened: an event older than the stop's status (sent
        late from a phone that was offline) is stored but does not roll the stop back.
        """
        event, created = events.record_event(db.session, current_user(), stop_id, data)
        return event, 201 if created else 200


@blp.route("/stops/<int:stop_id>/photos")
class StopPhotos(MethodView):
    @roles(blp, *REPORTERS)
    @blp.arguments(PhotoArgs, location="query")
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(201, PhotoSchema)
    @blp.alt_response(200, schema=PhotoSchema, description="A resend of a photo already stored")
    @blp.alt_response(404, description=NOT_THEIRS)
    @blp.alt_response(
        409, description="The stop is neither missed nor a collected pickup, or the plan is not dispatched"
    )
    @blp.alt_response(422, description="Not base64, not an image of the declared type, or too large")
    @blp.alt_response(503, description="The configured S3-compatible photo store did not take the photo")
    def post(self, args, files, stop_id):
        """A photo as proof of service (a missed stop, a collected pickup): JPEG, PNG or WebP, sized down on upload"""
        raw = files["photo"].read(_photo_settings().max_bytes + 1)
        photo, created = photos.add_photo(db.session, _photo_settings(), current_user(), stop_id, args, raw)
        return photos.photo_meta(photo), 201 if created else 200


@blp.route("/photos/<uuid:photo_id>")
class Photo(MethodView):
    @roles(blp)
    @blp.response(200, PhotoDataSchema)
    @blp.alt_response(404, description="No such photo, or not one this user may see")
    @blp.alt_response(503, description="The configured S3-compatible photo store did not answer")
    def get(self, photo_id):
        """A photo with its JPEG (base64): dispatch staff, the route's driver and operators, the booking's resident"""
        return photos.get_photo(db.session, _photo_settings(), current_user(), str(photo_id))


@blp.route("/bookings/<int:booking_id>/photos")
class BookingPhotos(MethodView):
    @roles(blp)
    @blp.response(200, PhotoSchema(many=True))
    @blp.alt_response(404, description="No such booking, or not one this user may see (a resident: not theirs)")
    def get(self, booking_id):
        """The photos taken at a booking's pickup (a resident: their own bookings only)"""
        return photos.booking_photos(db.session, current_user(), booking_id)


@blp.route("/routes/<int:route_id>/positions")
class Positions(MethodView):
    @roles(blp, *REPORTERS)
    @blp.arguments(PositionCreateSchema)
    @blp.response(201, PositionSchema)
    @blp.alt_response(404, description="No such route, or (to a driver) not their own")
    @blp.alt_response(409, description="The plan is not dispatched")
    def post(self, data, route_id):
        """Where the truck is: the phone reports it while the route is active"""
        return live.record_position(db.session, current_user(), route_id, data)


@blp.route("/timings")
class Timings(MethodView):
    @roles(blp, *DISPATCH, "operator")
    @blp.arguments(DayArgs, location="query")
    @blp.response(200, TimingsSchema(many=True))
    def get(self, args):
        """Planned against actual service and travel times per route of the day, from the stop events"""
        return live.day_timings(db.session, current_user(), _day(args), args.get("center_id"))


@blp.route("/service-times")
class ServiceTimes(MethodView):
    @roles(blp, *DISPATCH)
    @blp.arguments(LearnedArgs, location="query")
    @blp.response(200, LearnedServiceTimesSchema)
    def get(self, args):
        """The median actual service time per stop kind at a center since a day: what to tune the planner's to"""
        learned = live.learned_service_times(db.session, args["center_id"], args["since"])
        samples = live.service_time_samples(db.session, args["center_id"], args["since"])
        return {
            "center_id": args["center_id"],
            "since": args["since"],
            "service_s_by_kind": learned,
            "samples_by_kind": {kind: n for kind, (_median, n) in samples.items()},
            "median_s_by_kind": {kind: m for kind, (m, _n) in samples.items()},
        }


BLUEPRINTS = (blp,)
