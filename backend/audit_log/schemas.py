"""Schemas of the audit trail: an event (out) and the list's filters (query)."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Id, Moment, StrictSchema


class AuditEventSchema(StrictSchema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(
        allow_none=True, metadata={"description": "null: the system (the command line, the demo seed)"}
    )
    action = fields.String(metadata={"example": "site.update"})
    object_type = fields.String(metadata={"example": "site"})
    object_id = fields.Integer()
    before = fields.Dict(allow_none=True, metadata={"description": "The fields that matter, before the change"})
    after = fields.Dict(allow_none=True, metadata={"description": "The same fields after it"})


class AuditEventArgs(StrictSchema):
    object_type = fields.String(validate=validate.Length(1, 40))
    object_id = Id()
    actor_id = Id()
    action = fields.String(validate=validate.Length(1, 40))
    from_ = Moment(data_key="from", metadata={"description": "inclusive"})
    to = Moment(metadata={"description": "exclusive; after from"})
