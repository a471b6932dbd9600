"""Schemas of callers and of sign-up by phone."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.accounts.schemas import Password, Username
from backend.core.schemas import Latitude, Longitude, StrictSchema

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
