"""The statistics' query arguments."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Moment, StrictSchema


class StatsArgs(StrictSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))
    by = fields.String(load_default="category", validate=validate.OneOf(("category", "district", "center", "month")))
    year = fields.Integer(validate=validate.Range(2000, 2100))
    from_ = Moment(data_key="from")
    to = Moment()
