"""Schemas of notifications and opt-outs."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import StrictSchema
from backend.notifications.models import NOTIFICATION_KINDS, OPTIONAL_KINDS


class OptOutSchema(StrictSchema):
    opt_out = fields.List(
        fields.String(validate=validate.OneOf(OPTIONAL_KINDS)),
        required=True,
        validate=validate.Length(max=len(OPTIONAL_KINDS)),
        metadata={"description": "Kinds of message not to send me"},
    )


class NotificationSchema(StrictSchema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(NOTIFICATION_KINDS))
    booking_id = fields.Integer(allow_none=True)
    channel = fields.String()
    status = fields.String()
    # A code is for the phone it was texted to, not for whoever holds the session.
    body = fields.Function(lambda n: "(one-time code)" if n.kind == "one_time_code" else n.body)
    attempts = fields.Integer()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
