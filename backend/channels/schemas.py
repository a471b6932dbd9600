"""Schemas of callers and of sign-up by phone."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.accounts.schemas import EmailAddress, Password, Username
from backend.channels.models import ORGANISATION_KINDS
from backend.core.schemas import Id, Latitude, Longitude, StrictSchema, TimeOfDay

Phone = lambda **kw: fields.String(  # noqa: E731
    validate=validate.Length(3, 32),
    metadata={"description": "A phone number; without +country code it is read as one of PHONE_REGION"},
    **kw,
)
Code = lambda **kw: fields.String(  # noqa: E731
    validate=validate.Regexp(r"^[0-9]{6}$", error="6 digits"), metadata={"description": "The code texted"}, **kw
)


class CallerArgs(StrictSchema):
    phone = Phone(required=True)


class CallerCreateSchema(StrictSchema):
    phone = Phone(required=True)
    display_name = fields.String(required=True, validate=validate.Length(1, 120))
    address = fields.String(required=True, validate=validate.Length(1, 255))
    district = fields.String(validate=validate.Length(max=80))
    lat = Latitude(required=True)
    lon = Longitude(required=True)


class CallerSchema(StrictSchema):
    """A caller in a list: the number masked."""

    id = fields.Integer()
    display_name = fields.String()
    phone = fields.String(metadata={"description": "Masked: +86 138****5678"})
    address = fields.String()
    district = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    has_account = fields.Boolean(metadata={"description": "False: registered by the call center, no sign-in yet"})
    registered_by_id = fields.Integer(allow_none=True)


class CallerDetailSchema(CallerSchema):
    phone = fields.String(metadata={"description": "In full (E.164), to call back"})


class CodeRequestSchema(StrictSchema):
    phone = Phone(required=True)


class CodeSentSchema(StrictSchema):
    phone = fields.String(metadata={"description": "Masked"})
    expires_in = fields.Integer()


class PhoneSignUpSchema(StrictSchema):
    phone = Phone(required=True)
    code = Code(required=True)
    username = Username(required=True)
    password = Password(required=True)
    display_name = fields.String(validate=validate.Length(max=120))


class PhoneLinkSchema(StrictSchema):
    phone = Phone(required=True)
    code = Code(required=True)


class MyPhoneSchema(StrictSchema):
    phone = fields.String(allow_none=True, metadata={"description": "E.164, null when none is proven"})
    verified = fields.Boolean()


class OrganisationSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    credit_code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9A-Za-z]{18}$", error="18 letters or digits"),
        metadata={"description": "Unified social credit code (check character verified)"},
    )
    account_id = Id(required=True, metadata={"description": "The resident who signs in for the organisation"})
    address = fields.String(required=True, validate=validate.Length(1, 255))
    lat = Latitude(required=True)
    lon = Longitude(required=True)
    created_at = fields.DateTime(dump_only=True)


class OrganisationSiteSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    address = fields.String(required=True, validate=validate.Length(1, 255))
    lat = Latitude(required=True)
    lon = Longitude(required=True)
    created_at = fields.DateTime(dump_only=True)


class OrganisationContactSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    role = fields.String(validate=validate.Length(max=80), metadata={"description": "e.g. caretaker"})
    phone = Phone(allow_none=True)
    email = EmailAddress(allow_none=True)
    site_id = Id(allow_none=True, metadata={"description": "The site they are at (one of the organisation's)"})
    created_at = fields.DateTime(dump_only=True)


# Distinct classes for PATCH bodies (every field optional, every bound kept), so the spec names them.
class OrganisationSitePatchSchema(OrganisationSiteSchema):
    pass


class OrganisationContactPatchSchema(OrganisationContactSchema):
    pass


class ScheduleSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    site_id = Id(
        allow_none=True, metadata={"description": "One of the organisation's sites; none: its registered address"}
    )
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6), metadata={"description": "Monday 0"})
    window_start = TimeOfDay(required=True, metadata={"description": "Start of one of the pickup windows"})
    category = fields.String(required=True, validate=validate.Length(1, 40))
    estimated_kg = fields.Float(required=True, validate=validate.Range(min=0, max=20000, min_inclusive=False))
    active = fields.Boolean(dump_only=True)


class ScheduleOut(ScheduleSchema):
    category = fields.Function(lambda s: s.category.code)


class StatementLineSchema(StrictSchema):
    day = fields.Date()
    booking_id = fields.Integer()
    category = fields.String()
    kg = fields.Float()
    price_per_kg = fields.Decimal(as_string=True, allow_none=True)
    value = fields.Decimal(as_string=True, allow_none=True)
    fee = fields.Decimal(as_string=True, allow_none=True)


class StatementSchema(StrictSchema):
    organisation_id = fields.Integer()
    organisation = fields.String()
    credit_code = fields.String()
    month = fields.String()
    lines = fields.List(fields.Nested(StatementLineSchema))
    total_kg = fields.Float()
    total_value = fields.Decimal(as_string=True)
    total_fees = fields.Decimal(as_string=True)
    balance = fields.Decimal(as_string=True)


class StatementArgs(StrictSchema):
    month = fields.String(
        required=True,
        validate=validate.Regexp(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", error="YYYY-MM"),
        metadata={"description": "The month, YYYY-MM"},
    )


class CustodyStepSchema(StrictSchema):
    stage = fields.String(
        metadata={"description": "pickup: reported by the driver at the stop; intake: at the sorting center's weigh-in"}
    )
    at = fields.DateTime()
    category = fields.String()
    kg = fields.Float()
    from_party = fields.String()
    to_party = fields.String()


class CertificateItemSchema(StrictSchema):
    category = fields.String()
    quantity = fields.Float()
    unit = fields.String()


class CertificateVehicleSchema(StrictSchema):
    plate = fields.String()
    hazardous_licence = fields.Boolean()


class CertificatePickupSchema(StrictSchema):
    at = fields.DateTime(metadata={"description": "When the driver collected it (the phone's time)"})
    route_id = fields.Integer()
    vehicle = fields.Nested(CertificateVehicleSchema)
    driver_id = fields.Integer(allow_none=True)
    driver = fields.String(metadata={"description": "The route's driver's name"})
    kg = fields.Float(allow_none=True, metadata={"description": "The weight the driver reported"})


class CertificateSchema(StrictSchema):
    booking_id = fields.Integer()
    resident_id = fields.Integer()
    center_id = fields.Integer()
    items = fields.List(fields.Nested(CertificateItemSchema))
    vehicles = fields.List(fields.Nested(CertificateVehicleSchema))
    pickup = fields.Nested(
        CertificatePickupSchema, allow_none=True, metadata={"description": "The pickup, where a driver reported it"}
    )
    chain = fields.List(fields.Nested(CustodyStepSchema))
    issued_at = fields.DateTime()
