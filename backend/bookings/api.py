"""Slots and bookings: residents book pickups and follow them; staff see them all."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.views import MethodView

from backend.bookings import services as bookings
from backend.bookings.schemas import (
    BookingArgs,
    BookingCreateSchema,
    BookingSchema,
    CancelSchema,
    RescheduleSchema,
    SlotArgs,
    SlotSchema,
)
from backend.bookings.services import SlotPolicy, list_slots
from backend.core import idempotency
from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.errors import Forbidden
from backend.core.extensions import db
from backend.core.limits import Rate, rate_limit, signed_in_user

slots = Blueprint("slots", __name__, url_prefix="/api/v1/slots", description="Pickup windows")
blp = Blueprint("bookings", __name__, url_prefix="/api/v1/bookings", description="Pickup bookings")
STAFF_WRITE = ("dispatcher", "admin")
# Schema instances built once: given a class, webargs builds an instance per request, and
# building a marshmallow schema (deep-copying its fields, binding the nested ones) is a
# visible share of a booking's CPU (bench/api_cpu.py). Loading and dumping keep no state
# in the instance, so the server's threads share them.
SLOT_ARGS = SlotArgs()
BOOKING_CREATE = BookingCreateSchema()
BOOKING = BookingSchema()


def policy() -> SlotPolicy:
    return SlotPolicy.from_config(current_app.config)


@slots.route("")
class Slots(MethodView):
    @roles(slots)
    @slots.arguments(SLOT_ARGS, location="query")
    @slots.response(200, SlotSchema(many=True))
    def get(self, args):
        """Pickup windows offered at a place on a date, with the room left in each"""
        return list_slots(db.session, policy(), args["date"], args["lat"], args["lon"])


@blp.route("")
class Bookings(MethodView):
    @roles(blp)
    @blp.arguments(BookingArgs, location="query")
    @blp.response(200, BookingSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """A resident's own bookings; staff see all (an operator, their center's), filterable"""
        return page(
            bookings.booking_query(
                current_user(),
                day=args.get("date"),
                status=args.get("status"),
                center_id=args.get("center_id"),
                tz=policy().timezone,
            ),
            pagination_parameters,
        )

    @roles(blp, "resident")
    @blp.arguments(BOOKING_CREATE)
    @blp.response(201, BookingSchema)
    @blp.alt_response(409, description="The window is full")
    @blp.doc(
        parameters=[
            {
                "in": "header",
                "name": "Idempotency-Key",
                "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"^[^\x00]*$"},
                "description": "Retries with the same key get the first answer",
            }
        ]
    )
    @rate_limit(blp, Rate("RATELIMIT_BOOKINGS", by=signed_in_user, what="new bookings per resident"))
    def post(self, data):
        """Book a pickup in an offered window (send an Idempotency-Key to retry safely)"""
        user = current_user()
        digest = idempotency.request_hash("POST", request.path, request.get_json(silent=True))

        def action():
            booking = bookings.create_booking(db.session, policy(), user, data)
            return 201, BOOKING.dump(booking)

        status, body = idempotency.run(db.session, user.id, request.headers.get("Idempotency-Key"), digest, action)
        return jsonify(body), status  # already serialized (and stored for replays)


@blp.route("/<int:booking_id>")
class BookingView(MethodView):
    @roles(blp)
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """A booking with its history (another resident's booking is 404)"""
        return bookings.visible(db.session, current_user(), booking_id)


def _own_or_staff(booking_id: int):
    user = current_user()
    b = bookings.visible(db.session, user, booking_id)
    if user.role not in ("resident",) + STAFF_WRITE:
        raise Forbidden("only the resident or a dispatcher may change a booking")
    return user, b


@blp.route("/<int:booking_id>/cancel")
class Cancel(MethodView):
    @roles(blp)
    @blp.arguments(CancelSchema)
    @blp.response(200, BookingSchema)
    def post(self, data, booking_id):
        """Cancel (until the truck is on its way)"""
        user, b = _own_or_staff(booking_id)
        return bookings.cancel(db.session, b, user, data["reason"])


@blp.route("/<int:booking_id>/reschedule")
class Reschedule(MethodView):
    @roles(blp)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, BookingSchema)
    def post(self, data, booking_id):
        """Move to another offered window (until the truck is on its way)"""
        user, b = _own_or_staff(booking_id)
        return bookings.reschedule(db.session, policy(), b, user, data["window_start"])


BLUEPRINTS = (slots, blp)
