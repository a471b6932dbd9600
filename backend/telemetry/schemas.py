"""Schemas of telemetry: bin state and forecast, readings, alerts."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Id, Moment, StrictSchema
from backend.network.schemas import BinSchema
from backend.telemetry.models import ALERT_KINDS


class BinStateSchema(StrictSchema):
    fill_pct = fields.Float(allow_none=True, metadata={"description": "FIWARE fillingLevel x 100"})
    battery_pct = fields.Float(allow_none=True)
    temp_c = fields.Float(allow_none=True)
    device_status = fields.String(metadata={"description": "FIWARE WasteContainer status"})
    online = fields.Boolean()
    last_seen = fields.DateTime(allow_none=True)
    last_reading_at = fields.DateTime(allow_none=True)
    last_emptied_at = fields.DateTime(allow_none=True)


class ForecastSchema(StrictSchema):
    last_at = fields.DateTime(allow_none=True)
    last_fill = fields.Float(allow_none=True)
    rate_pct_per_day = fields.Float(allow_none=True)
    rate_by_weekday = fields.List(fields.Float(allow_none=True), metadata={"description": "Monday first"})
    threshold_at = fields.DateTime(allow_none=True)
    full_at = fields.DateTime(allow_none=True)
    samples = fields.Integer()


class BinDetailSchema(BinSchema):
    state = fields.Nested(BinStateSchema, dump_only=True, allow_none=True)
    forecast = fields.Nested(ForecastSchema, dump_only=True)


class ReadingSchema(StrictSchema):
    measured_at = fields.DateTime()
    received_at = fields.DateTime()
    fill_pct = fields.Float(allow_none=True)
    distance_mm = fields.Integer(allow_none=True)
    battery_pct = fields.Float(allow_none=True)
    temp_c = fields.Float(allow_none=True)
    alarms = fields.Function(lambda r: [a for a in r.alarms.split(",") if a])
    seq = fields.Integer(allow_none=True)


class ReadingArgs(StrictSchema):
    from_ = Moment(data_key="from", default_timezone=None)
    to = Moment()


class AlertSchema(StrictSchema):
    id = fields.Integer()
    bin_id = fields.Integer()
    kind = fields.String()
    state = fields.String()
    detail = fields.String()
    opened_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Integer(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class AlertArgs(StrictSchema):
    state = fields.String(validate=validate.OneOf(("open", "acknowledged", "closed")))
    kind = fields.String(validate=validate.OneOf(ALERT_KINDS))
    bin_id = Id()


class CredentialsSchema(StrictSchema):
    device_id = fields.String()
    username = fields.String()
    password = fields.String(metadata={"description": "Shown once; only a hash is stored"})
