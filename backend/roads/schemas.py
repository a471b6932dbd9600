"""What the roads API takes and gives."""

from __future__ import annotations

from marshmallow import fields

from backend.core.schemas import Latitude, Longitude, StrictSchema


class RoadsStatusSchema(StrictSchema):
    provider = fields.String(metadata={"description": "What measures every kilometre: osrm:<network> or great-circle"})
    network = fields.String(allow_none=True)
    extract = fields.String(allow_none=True)
    extract_sha256 = fields.String(allow_none=True)
    bbox = fields.List(fields.Float(), allow_none=True, metadata={"description": "min lat, min lon, max lat, max lon"})
    attribution = fields.String(allow_none=True)


class StreetsArgs(StrictSchema):
    """Two corners of the box. Any two are accepted (OpenAPI cannot say south <= north, so
    the server does not ask it): the box is the one they span."""

    south = Latitude(required=True)
    west = Longitude(required=True)
    north = Latitude(required=True)
    east = Longitude(required=True)
