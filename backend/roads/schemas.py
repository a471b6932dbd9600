"""What the roads API takes and gives."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from backend.core.schemas import Latitude, Longitude, StrictSchema


class RoadsStatusSchema(StrictSchema):
    provider = fields.String(metadata={"description": "What measures every kilometre: osrm:<network> or great-circle"})
    network = fields.String(allow_none=True)
    extract = fields.String(allow_none=True)
    extract_sha256 = fields.String(allow_none=True)
    bbox = fields.List(fields.Float(), allow_none=True, metadata={"description": "min lat, min lon, max lat, max lon"})
    attribution = fields.String(allow_none=True)


class StreetsArgs(StrictSchema):
    south = Latitude(required=True)
    west = Longitude(required=True)
    north = Latitude(required=True)
    east = Longitude(required=True)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data["south"] > data["north"]:
            raise ValidationError("south must not be north of north", "south")
        if data["west"] > data["east"]:
            raise ValidationError("west must not be east of east", "west")
