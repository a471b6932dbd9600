"""Schemas of the network registry: categories, sites, bins, vehicles."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.core.schemas import Flag, Id, Latitude, Longitude, Name, NearArgs, ResourceSchema, StrictSchema, TimeOfDay
from backend.network.models import BIN_STATUSES, TIERS, UNITS


class CategorySchema(ResourceSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_.]{0,39}$"))
    name_zh = fields.String(required=True, validate=validate.Length(1, 80))
    name_en = fields.String(required=True, validate=validate.Length(1, 80))
    unit = fields.String(load_default="kg", validate=validate.OneOf(UNITS))
    density_kg_m3 = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    piece_kg = fields.Float(allow_none=True, validate=validate.Range(min=0, min_inclusive=False))
    hazardous = Flag(load_default=False)
    parent_id = Id(allow_none=True)
    active = fields.Boolean(dump_only=True)


class CategoryArgs(StrictSchema):
    active = fields.Boolean()
    hazardous = fields.Boolean()


class SiteSchema(ResourceSchema):
    tier = fields.String(required=True, validate=validate.OneOf(TIERS))
    name = Name(required=True)
    address = fields.String(load_default="", validate=validate.Length(max=255))
    district = fields.String(load_default="", validate=validate.Length(max=80))
    lat = Latitude(required=True)
    lon = Longitude(required=True)
    opening_hours = fields.String(load_default="", validate=validate.Length(max=255))
    sorting_center_id = Id(allow_none=True)
    category_ids = fields.List(Id(), load_default=list)
    market_ids = fields.List(Id())
    active = fields.Boolean(dump_only=True)


class SiteArgs(NearArgs):
    tier = fields.String(validate=validate.OneOf(TIERS))
    district = fields.String()
    category_id = Id()
    sorting_center_id = Id()
    active = fields.Boolean()


class BinSchema(ResourceSchema):
    site_id = Id(required=True)
    category_id = Id(required=True)
    capacity_l = fields.Float(required=True, validate=validate.Range(min=0, max=40000, min_inclusive=False))
    device_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.:-]{3,64}$"))
    empty_distance_mm = fields.Integer(load_default=1200, validate=validate.Range(min=1, max=10000))
    full_distance_mm = fields.Integer(load_default=150, validate=validate.Range(min=0, max=10000))
    fill_threshold_pct = fields.Float(load_default=80.0, validate=validate.Range(min=0, max=100, min_inclusive=False))
    status = fields.String(load_default="in_service", validate=validate.OneOf(BIN_STATUSES))
    active = fields.Boolean(dump_only=True)


class BinArgs(StrictSchema):
    site_id = Id()
    category_id = Id()
    sorting_center_id = Id()
    district = fields.String()
    active = fields.Boolean()


class VehicleSchema(ResourceSchema):
    plate = fields.String(required=True, validate=validate.Length(2, 20))
    home_center_id = Id(required=True)
    capacity_kg = fields.Float(required=True, validate=validate.Range(min=0, max=60000, min_inclusive=False))
    capacity_m3 = fields.Float(required=True, validate=validate.Range(min=0, max=200, min_inclusive=False))
    tare_kg = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=60000))
    hazardous_licence = Flag(load_default=False)
    category_ids = fields.List(Id(), load_default=list)
    shift_start = TimeOfDay(required=True)
    shift_end = TimeOfDay(required=True)
    cost_per_km = fields.Float(load_default=0.0, validate=validate.Range(min=0))
    fixed_cost = fields.Float(load_default=0.0, validate=validate.Range(min=0))
    default_driver_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "An active user with the role driver; dispatch assigns them the vehicle's routes"},
    )
    active = fields.Boolean(dump_only=True)


class VehicleArgs(StrictSchema):
    home_center_id = Id()
    category_id = Id()
    active = fields.Boolean()


# Distinct classes for PATCH bodies (all fields optional), so the OpenAPI spec names them.
class CategoryPatchSchema(CategorySchema):
    pass


class SitePatchSchema(SiteSchema):
    pass


class BinPatchSchema(BinSchema):
    pass


class VehiclePatchSchema(VehicleSchema):
    pass
