"""Schemas of the public release: query arguments and the rows it publishes."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import StrictSchema
from backend.network.models import TIERS

Format = lambda: fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))  # noqa: E731


class YearArgs(StrictSchema):
    year = fields.Integer(validate=validate.Range(2000, 2100), metadata={"description": "Default: this year"})
    format = Format()


class IndexArgs(StrictSchema):
    category = fields.String(validate=validate.Length(1, 40))
    grade = fields.String(validate=validate.OneOf(("A", "B", "C")))
    format = Format()


class SiteArgs(StrictSchema):
    tier = fields.String(validate=validate.OneOf(TIERS))
    format = Format()


class RecoverySchema(StrictSchema):
    district = fields.String()
    collected_tonnes = fields.Float()
    generated_tonnes = fields.Float()
    recovery_pct = fields.Float(allow_none=True)
    target_pct = fields.Float()
    meets_target = fields.Boolean()


class MonthlyRecoverySchema(StrictSchema):
    month = fields.String()
    district = fields.String()
    collected_tonnes = fields.Float()
    recovery_pct = fields.Float(allow_none=True)
    target_pct = fields.Float()


class TonnageSchema(StrictSchema):
    month = fields.String()
    category = fields.String()
    tonnes = fields.Float()


class PriceRowSchema(StrictSchema):
    week = fields.Date()
    category = fields.String()
    grade = fields.String()
    price_per_kg = fields.Decimal(as_string=True)
    trades = fields.Integer()
    tonnes = fields.Float()


class PublicSiteSchema(StrictSchema):
    id = fields.Integer()
    tier = fields.String()
    name = fields.String()
    district = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    opening_hours = fields.String()
    categories = fields.List(fields.String())
