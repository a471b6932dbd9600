"""Schema building blocks shared by every area of the API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

Latitude = lambda **kw: fields.Float(validate=validate.Range(-90, 90), **kw)  # noqa: E731
Longitude = lambda **kw: fields.Float(validate=validate.Range(-180, 180), **kw)  # noqa: E731
Name = lambda **kw: fields.String(validate=validate.Length(1, 120), **kw)  # noqa: E731
Id = lambda **kw: fields.Integer(validate=validate.Range(min=1), **kw)  # noqa: E731


class StrictSchema(Schema):
    """Unknown fields are an error (the marshmallow default), spelled out for readers."""

    class Meta:
        ordered = True


class ResourceSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class NearArgs(StrictSchema):
    """A point and radius: `lat`, `lon` and `radius_km` come together."""

    lat = Latitude()
    lon = Longitude()
    radius_km = fields.Float(validate=validate.Range(min=0, max=200, min_inclusive=False))

    @validates_schema
    def _together(self, data, **kwargs):
        given = [k for k in ("lat", "lon") if k in data]
        if len(given) == 1:
            raise ValidationError("lat and lon go together", field_name="lat")
        if "radius_km" in data and len(given) != 2:
            raise ValidationError("radius_km needs lat and lon", field_name="radius_km")

    @staticmethod
    def near(args: dict) -> tuple[float, float, float] | None:
        if "lat" in args and "lon" in args:
            return args["lat"], args["lon"], args.get("radius_km", 2.0)
        return None
