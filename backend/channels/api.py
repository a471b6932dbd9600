"""The call center's API (agents: find, register and book for callers), and sign-up (or
proof) by phone number."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, current_app, jsonify, request
from flask.views import MethodView

from backend.bookings.schemas import BookingCreateSchema, BookingSchema, CancelSchema, RescheduleSchema
from backend.bookings.services import SlotPolicy
from backend.channels.schemas import (
    CallerArgs,
    CallerCreateSchema,
    CallerDetailSchema,
    CallerSchema,
    CertificateSchema,
    CodeRequestSchema,
    CodeSentSchema,
    MyPhoneSchema,
    OrganisationContactPatchSchema,
    OrganisationContactSchema,
    OrganisationSchema,
    OrganisationSitePatchSchema,
    OrganisationSiteSchema,
    PhoneLinkSchema,
    PhoneSignUpSchema,
    ScheduleOut,
    ScheduleSchema,
    StatementArgs,
    StatementSchema,
)
from backend.channels.services import (
    callers,
    organisation_sites,
    organisations,
    phones,
    professional,
    statement_document,
)
from backend.channels.services.callers import has_account
from backend.core import idempotency
from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.core.limits import Rate, client_address, rate_limit

blp = Blueprint("callers", __name__, url_prefix="/api/v1/callers", description="Call center: callers (agents)")
phone_blp = Blueprint("phone", __name__, url_prefix="/api/v1/phone", description="Sign-up and proof by phone number")
orgs = Blueprint(
    "organisations", __name__, url_prefix="/api/v1/organisations", description="Organisations' bulk pickups"
)
certificates = Blueprint(
    "handover_certificates",
    __name__,
    url_prefix="/api/v1/handover-certificates",
    description="Professional collection: certificates of proper handover",
)
AGENTS = ("agent", "admin")
ORG_ROLES = ("resident", "dispatcher", "admin")  # a resident: the account holder of their own
ORG_EDITORS = ("resident", "admin")  # sites and contacts are changed by the holder (or an admin)
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


@orgs.route("")
class Organisations(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.response(200, OrganisationSchema(many=True))
    @orgs.paginate()
    def get(self, pagination_parameters):
        """Organisations (a resident: the ones they sign in for)"""
        return page(organisations.query(current_user()), pagination_parameters)

    @roles(orgs, "dispatcher", "admin")
    @orgs.arguments(OrganisationSchema)
    @orgs.response(201, OrganisationSchema)
    @orgs.alt_response(409, description="The credit code or the account already has an organisation")
    @orgs.alt_response(422, description="Credit code's check character wrong, or the account is no resident")
    def post(self, data):
        """Register an organisation (school, supermarket, office) and the resident who signs in for it"""
        return organisations.create(db.session, current_user(), data)


@orgs.route("/<int:org_id>")
class OrganisationView(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.response(200, OrganisationSchema)
    @orgs.alt_response(404, description="No such organisation, or not yours")
    def get(self, org_id):
        """An organisation"""
        return organisations.visible(db.session, current_user(), org_id)


@orgs.route("/<int:org_id>/sites")
class Sites(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.response(200, OrganisationSiteSchema(many=True))
    @orgs.alt_response(404, description="No such organisation, or not yours")
    def get(self, org_id):
        """The organisation's pickup sites"""
        return organisation_sites.sites(db.session, organisations.visible(db.session, current_user(), org_id))

    @roles(orgs, *ORG_ROLES)
    @orgs.arguments(OrganisationSiteSchema)
    @orgs.response(201, OrganisationSiteSchema)
    @orgs.alt_response(404, description="No such organisation, or not yours")
    @orgs.alt_response(409, description="The organisation has a site of that name")
    def post(self, data, org_id):
        """Add a pickup site (a campus, a branch) with its location"""
        org = organisations.visible(db.session, current_user(), org_id)
        return organisation_sites.add_site(db.session, current_user(), org, data)


@orgs.route("/<int:org_id>/contacts")
class Contacts(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.response(200, OrganisationContactSchema(many=True))
    @orgs.alt_response(404, description="No such organisation, or not yours")
    def get(self, org_id):
        """The organisation's contacts"""
        return organisation_sites.contacts(db.session, organisations.visible(db.session, current_user(), org_id))

    @roles(orgs, *ORG_ROLES)
    @orgs.arguments(OrganisationContactSchema)
    @orgs.response(201, OrganisationContactSchema)
    @orgs.alt_response(404, description="No such organisation, or not yours")
    @orgs.alt_response(422, description="No phone or e-mail, a number not valid, or a site not the organisation's")
    def post(self, data, org_id):
        """Add a contact (name, role, phone or e-mail, at a site)"""
        org = organisations.visible(db.session, current_user(), org_id)
        return organisation_sites.add_contact(db.session, _config(), current_user(), org, data)


@orgs.route("/<int:org_id>/sites/<int:site_id>")
class SiteView(MethodView):
    @roles(orgs, *ORG_EDITORS)
    @orgs.arguments(OrganisationSitePatchSchema(partial=True))
    @orgs.response(200, OrganisationSiteSchema)
    @orgs.alt_response(404, description="No such organisation or site, or not yours")
    @orgs.alt_response(409, description="The organisation has another site of that name")
    def patch(self, data, org_id, site_id):
        """Rename or move a pickup site (its holder or an admin)"""
        org = organisations.visible(db.session, current_user(), org_id)
        site = organisation_sites.get_site(db.session, org, site_id)
        return organisation_sites.update_site(db.session, current_user(), org, site, data)

    @roles(orgs, *ORG_EDITORS)
    @orgs.response(204)
    @orgs.alt_response(404, description="No such organisation or site, or not yours")
    @orgs.alt_response(409, description="A recurring pickup is collected there, or a pickup booked there is to come")
    def delete(self, org_id, site_id):
        """Remove a pickup site (its holder or an admin); its contacts stay, at no site"""
        org = organisations.visible(db.session, current_user(), org_id)
        site = organisation_sites.get_site(db.session, org, site_id)
        organisation_sites.delete_site(db.session, current_user(), org, site, ZoneInfo(_config()["TIMEZONE"]))


@orgs.route("/<int:org_id>/contacts/<int:contact_id>")
class ContactView(MethodView):
    @roles(orgs, *ORG_EDITORS)
    @orgs.arguments(OrganisationContactPatchSchema(partial=True))
    @orgs.response(200, OrganisationContactSchema)
    @orgs.alt_response(404, description="No such organisation or contact, or not yours")
    @orgs.alt_response(422, description="Left with no phone or e-mail, a bad number, or a site not the organisation's")
    def patch(self, data, org_id, contact_id):
        """Change a contact (its organisation's holder or an admin)"""
        org = organisations.visible(db.session, current_user(), org_id)
        contact = organisation_sites.get_contact(db.session, org, contact_id)
        return organisation_sites.update_contact(db.session, _config(), current_user(), org, contact, data)

    @roles(orgs, *ORG_EDITORS)
    @orgs.response(204)
    @orgs.alt_response(404, description="No such organisation or contact, or not yours")
    def delete(self, org_id, contact_id):
        """Remove a contact (its organisation's holder or an admin)"""
        org = organisations.visible(db.session, current_user(), org_id)
        contact = organisation_sites.get_contact(db.session, org, contact_id)
        organisation_sites.delete_contact(db.session, current_user(), contact)


@orgs.route("/<int:org_id>/schedules")
class Schedules(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.response(200, ScheduleOut(many=True))
    @orgs.alt_response(404, description="No such organisation, or not yours")
    def get(self, org_id):
        """The organisation's recurring pickups"""
        return organisations.schedules(db.session, organisations.visible(db.session, current_user(), org_id))

    @roles(orgs, *ORG_ROLES)
    @orgs.arguments(ScheduleSchema)
    @orgs.response(201, ScheduleOut)
    @orgs.alt_response(404, description="No such organisation, or not yours")
    @orgs.alt_response(
        422, description="Not a window's start, below the bulk minimum, not a kg category, or not one of its sites"
    )
    def post(self, data, org_id):
        """Add a recurring bulk pickup (every weekday N, in a window, about so many kg)"""
        org = organisations.visible(db.session, current_user(), org_id)
        policy = SlotPolicy.from_config(_config())
        return organisations.add_schedule(db.session, policy, _config(), current_user(), org, data)


@orgs.route("/<int:org_id>/statement")
class Statement(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.arguments(StatementArgs, location="query")
    @orgs.response(200, StatementSchema)
    @orgs.alt_response(404, description="No such organisation, or not yours")
    def get(self, args, org_id):
        """The monthly statement: every pickup with its weight, value and fee"""
        org = organisations.visible(db.session, current_user(), org_id)
        year, month = map(int, args["month"].split("-"))
        return organisations.statement(db.session, _config(), org, year, month)


@orgs.route("/<int:org_id>/statement.html")
class StatementDocument(MethodView):
    @roles(orgs, *ORG_ROLES)
    @orgs.arguments(StatementArgs, location="query")
    @orgs.response(200, content_type="text/html", description="The statement as a printable page")
    @orgs.alt_response(404, description="No such organisation, or not yours")
    def get(self, args, org_id):
        """The monthly statement as a document to print or keep"""
        org = organisations.visible(db.session, current_user(), org_id)
        year, month = map(int, args["month"].split("-"))
        data = organisations.statement(db.session, _config(), org, year, month)
        return Response(statement_document.render(data), mimetype="text/html")


@certificates.route("/<int:booking_id>")
class Certificate(MethodView):
    @roles(certificates, "resident", "agent", "dispatcher", "operator", "admin")
    @certificates.response(200, CertificateSchema)
    @certificates.alt_response(404, description="No such booking, or not yours (an operator: not your center's)")
    @certificates.alt_response(409, description="No e-waste or hazardous items, or not handed over yet")
    def get(self, booking_id):
        """The certificate of proper handover of an e-waste or hazardous pickup, with its chain of custody"""
        return professional.certificate(db.session, current_user(), booking_id)


BLUEPRINTS = (blp, phone_blp, orgs, certificates)
