"""Schemas of accounts and sign-in."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.auth import ROLES
from backend.core.schemas import Flag, Id, Latitude, Longitude, ResourceSchema, StrictSchema

Username = lambda **kw: fields.String(  # noqa: E731
    validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{3,64}$", error="3-64 letters, digits or _.@-"), **kw
)
# An e-mail address by one pattern, the same in the spec and on the server (the spec's
# "format: email" admits addresses marshmallow's Email refuses, such as a one-letter TLD).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
EmailAddress = lambda **kw: fields.String(  # noqa: E731
    validate=[validate.Length(3, 254), validate.Regexp(EMAIL_PATTERN, error="not an e-mail address")], **kw
)
Password = lambda **kw: fields.String(load_only=True, validate=validate.Length(8, 256), **kw)  # noqa: E731


class ProfileSchema(StrictSchema):
    display_name = fields.String(validate=validate.Length(max=120))
    phone = fields.String(validate=validate.Length(max=32))
    email = EmailAddress(allow_none=True, metadata={"description": "Where e-mail notifications go, when given"})
    address = fields.String(validate=validate.Length(max=255))
    district = fields.String(validate=validate.Length(max=80))
    lat = Latitude(allow_none=True)
    lon = Longitude(allow_none=True)


class UserSchema(ResourceSchema, ProfileSchema):
    username = Username(required=True)
    password = Password(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    sorting_center_id = Id(allow_none=True)
    active = fields.Boolean(dump_only=True)


class UserUpdateSchema(ProfileSchema):
    password = Password()
    role = fields.String(validate=validate.OneOf(ROLES))
    sorting_center_id = Id(allow_none=True)
    active = Flag()


class RegisterSchema(ProfileSchema):
    username = Username(required=True)
    password = Password(required=True)


class MeUpdateSchema(ProfileSchema):
    password = Password()


class TokenRequestSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 256))


class TokenSchema(StrictSchema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user_id = fields.Integer()
    role = fields.String()


class UserArgs(StrictSchema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
