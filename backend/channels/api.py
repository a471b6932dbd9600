"""The call center's API (agents: find, register and book for callers), and sign-up (or
proof) by phone number."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.views import MethodView

from backend.bookings.schemas import BookingCreateSchema, BookingSchema, CancelSchema, RescheduleSchema
from backend.bookings.services import SlotPolicy
from backend.channels.schemas import (
    CallerArgs,
    CallerCreateSchema,
    CallerDetailSchema,
    CallerSchema,
    CodeRequestSchema,
    CodeSentSchema,
    MyPhoneSchema,
    PhoneLinkSchema,
    PhoneSignUpSchema,
)
from backend.channels.services import callers, phones
from backend.channels.services.callers import has_account
from backend.core import idempotency
from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.core.limits import Rate, client_address, rate_limit

blp = Blueprint("callers", __name__, url_prefix="/api/v1/callers", description="Call center: callers (agents)")
phone_blp = Blueprint("phone", __name__, url_prefix="/api/v1/phone", description="Sign-up and proof by phone number")
AGENTS = ("agent", "admin")
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"^[^\x00]*$"},
    "description": "Retries with the same key get the first answer",
}


def _config():
    return current_app.config


def _caller_out(user, phone, *, full: bool) -> dict:
    return {
        "id": user.id,
        "display_name": user.display_name,
        "phone": phone.e164 if full else phones.mask(phone.e164),
        "address": user.address,
        "district": user.district,
        "lat": user.lat,
        "lon": user.lon,
        "has_account": has_account(user),
        "registered_by_id": phone.registered_by_id,
    }


@blp.route("")
class Callers(MethodView):
    @roles(blp, *AGENTS)
    @blp.arguments(CallerArgs, location="query")
    @blp.response(200, CallerSchema(many=True))
    @blp.alt_response(422, description="Not a valid phone number (of the accepted regions)")
    def get(self, args):
        """Find a caller by phone number (numbers masked in the list)"""
        return [_caller_out(u, p, full=False) for u, p in callers.find(db.session, _config(), args["phone"])]

    @roles(blp, *AGENTS)
    @blp.arguments(CallerCreateSchema)
    @blp.response(201, CallerDetailSchema)
    @blp.alt_response(409, description="The number is already registered")
    @blp.alt_response(422, description="Not a valid phone number")
    def post(self, data):
        """Register a caller who has no account: name, number, address and its location"""
        user, phone = callers.register(db.session, _config(), current_user(), data)
        return _caller_out(user, phone, full=True)


@blp.route("/<int:caller_id>")
class CallerView(MethodView):
    @roles(blp, *AGENTS)
    @blp.response(200, CallerDetailSchema)
    @blp.alt_response(404, description="No such caller")
    def get(self, caller_id):
        """A caller, with the number in full to call back"""
        user, phone = callers.get(db.session, caller_id)
        return _caller_out(user, phone, full=True)


@blp.route("/<int:caller_id>/bookings")
class CallerBookings(MethodView):
    @roles(blp, *AGENTS)
    @blp.response(200, BookingSchema(many=True))
    @blp.alt_response(404, description="No such caller")
    @blp.paginate()
    def get(self, caller_id, pagination_parameters):
        """The caller's bookings, newest window first"""
        callers.get(db.session, caller_id)
        return page(callers.history(db.session, caller_id), pagination_parameters)

    @roles(blp, *AGENTS)
    @blp.arguments(BookingCreateSchema)
    @blp.response(201, BookingSchema)
    @blp.alt_response(404, description="No such caller")
    @blp.alt_response(409, description="The window is full")
    @blp.alt_response(422, description="Not an offered window, an unknown category, or no location")
    @blp.doc(parameters=[IDEMPOTENCY_HEADER])
    def post(self, data, caller_id):
        """Book a pickup for the caller (their address by default), on my name"""
        agent = current_user()
        caller, _ = callers.get(db.session, caller_id)
        digest = idempotency.request_hash("POST", request.path, request.get_json(silent=True))

        def action():
            booking = callers.book(db.session, SlotPolicy.from_config(_config()), agent, caller, data)
            return 201, BookingSchema().dump(booking)

        status, body = idempotency.run(db.session, agent.id, request.headers.get("Idempotency-Key"), digest, action)
        return jsonify(body), status


@blp.route("/<int:caller_id>/bookings/<int:booking_id>/cancel")
class CallerCancel(MethodView):
    @roles(blp, *AGENTS)
    @blp.arguments(CancelSchema)
    @blp.response(200, BookingSchema)
    @blp.alt_response(404, description="No such caller, or not their booking")
    @blp.alt_response(409, description="The truck is already on its way")
    def post(self, data, caller_id, booking_id):
        """Cancel a caller's booking, on my name"""
        callers.get(db.session, caller_id)
        booking = callers.booking_of(db.session, caller_id, booking_id)
        return callers.cancel(db.session, current_user(), booking, data["reason"])


@blp.route("/<int:caller_id>/bookings/<int:booking_id>/reschedule")
class CallerReschedule(MethodView):
    @roles(blp, *AGENTS)
    @blp.arguments(RescheduleSchema)
    @blp.response(200, BookingSchema)
    @blp.alt_response(404, description="No such caller, or not their booking")
    @blp.alt_response(409, description="The new window is full, or the truck is on its way")
    @blp.alt_response(422, description="Not an offered window")
    def post(self, data, caller_id, booking_id):
        """Move a caller's booking to another offered window, on my name"""
        callers.get(db.session, caller_id)
        booking = callers.booking_of(db.session, caller_id, booking_id)
        return callers.reschedule(
            db.session, SlotPolicy.from_config(_config()), current_user(), booking, data["window_start"]
        )


@phone_blp.route("/codes")
class Codes(MethodView):
    @phone_blp.arguments(CodeRequestSchema)
    @phone_blp.response(202, CodeSentSchema)
    @phone_blp.alt_response(422, description="Not a valid phone number")
    @rate_limit(phone_blp, Rate("RATELIMIT_PHONE_CODES", by=client_address, what="codes per client address"))
    def post(self, data):
        """Text me a one-time code (to sign up with my number, or to prove it)"""
        callers.send_code(db.session, _config(), data["phone"])
        e164 = phones.normalize(data["phone"], _config())
        return {"phone": phones.mask(e164), "expires_in": int(_config()["PHONE_CODE_TTL_S"])}


@phone_blp.route("/register")
class PhoneRegister(MethodView):
    @phone_blp.arguments(PhoneSignUpSchema)
    @phone_blp.response(201, CallerDetailSchema)
    @phone_blp.alt_response(409, description="The number or the username already has an account")
    @phone_blp.alt_response(422, description="Wrong or expired code, or not a valid phone number")
    @rate_limit(phone_blp, Rate("RATELIMIT_REGISTER", by=client_address, what="sign-ups per client address"))
    def post(self, data):
        """Sign up with my phone number: bookings the call center made for it become mine"""
        user = callers.sign_up(db.session, _config(), data)
        _, phone = callers.get(db.session, user.id)
        return _caller_out(user, phone, full=True)


@phone_blp.route("/mine")
class MyPhone(MethodView):
    @roles(phone_blp, "resident")
    @phone_blp.response(200, MyPhoneSchema)
    def get(self):
        """My proven phone number"""
        phone = callers.phone_of(db.session, current_user().id)
        return {"phone": phone.e164 if phone else None, "verified": bool(phone and phone.verified_at)}

    @roles(phone_blp, "resident")
    @phone_blp.arguments(PhoneLinkSchema)
    @phone_blp.response(200, MyPhoneSchema)
    @phone_blp.alt_response(409, description="The number belongs to another account")
    @phone_blp.alt_response(422, description="Wrong or expired code")
    def put(self, data):
        """Prove my number with its code: bookings the call center made for it become mine"""
        phone = callers.link(db.session, _config(), current_user(), data["phone"], data["code"])
        return {"phone": phone.e164, "verified": True}


BLUEPRINTS = (blp, phone_blp)
