"""Schemas of the audit trail: an event (out) and the list's filters (query)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from backend.core.schemas import StrictSchema

# core.schemas.Id has no upper bound yet (bounding the API's integers is work of its own).
# Ids are 32-bit INTEGER columns on PostgreSQL: a larger one matches nothing, and SQLite
# overflows on it, so the filters state the bound themselves. Use Id once it has a max.
MAX_ID = 2**31 - 1
BoundedId = lambda **kw: fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kw)  # noqa: E731


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
    object_id = BoundedId()
    actor_id = BoundedId()
    action = fields.String(validate=validate.Length(1, 40))
    from_ = fields.AwareDateTime(data_key="from", default_timezone=None, metadata={"description": "inclusive"})
    to = fields.AwareDateTime(default_timezone=None, metadata={"description": "exclusive"})

    @validates_schema
    def _order(self, data, **kwargs):
        if "from_" in data and "to" in data and data["to"] <= data["from_"]:
            raise ValidationError("must be after from", field_name="to")
