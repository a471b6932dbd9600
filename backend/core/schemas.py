"""Schema building blocks shared by every area of the API."""

from __future__ import annotations

import re
from collections.abc import Mapping

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from backend.core.errors import Invalid
from backend.core.openapi import MAX_ID

Latitude = lambda **kw: fields.Float(validate=validate.Range(-90, 90), **kw)  # noqa: E731
Longitude = lambda **kw: fields.Float(validate=validate.Range(-180, 180), **kw)  # noqa: E731
Name = lambda **kw: fields.String(validate=validate.Length(1, 120), **kw)  # noqa: E731
Id = lambda **kw: fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kw)  # noqa: E731

# Calendar input is bounded to this century: the platform plans and reports on it, and date
# arithmetic near year 1 or 9999 would overflow. OpenAPI 3.0 bounds a date string only by
# a pattern, so each of these fields checks the raw text against the very pattern the spec
# publishes before parsing it: what the spec calls valid and what the server accepts agree.
_DATE = r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"


class _Patterned:
    pattern: str

    def __init__(self, *args, **kwargs) -> None:
        kwargs["metadata"] = {"pattern": self.pattern, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or re.fullmatch(self.pattern, value) is None:
            raise ValidationError(f"Must match {self.pattern}.")
        return super()._deserialize(value, attr, data, **kwargs)


class Day(_Patterned, fields.Date):
    """A calendar date from 2000-01-01 to 2099-12-31 (YYYY-MM-DD)."""

    pattern = f"^{_DATE}$"


class Moment(_Patterned, fields.AwareDateTime):
    """A date and time with its UTC offset, in this century (RFC 3339: seconds, 'T', an offset)."""

    pattern = (
        rf"^{_DATE}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{{1,6}})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    )


class TimeOfDay(_Patterned, fields.Time):
    """A local time of day, HH:MM or HH:MM:SS."""

    pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


class Flag(fields.Boolean):
    """A JSON boolean: true or false only (marshmallow would also take 1, "yes", "on" ...,
    which the spec's `boolean` does not allow). Query strings keep fields.Boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictSchema(Schema):
    """Unknown fields are an error (the marshmallow default), spelled out for readers.

    No text takes a NUL character: PostgreSQL cannot store one (SQLite can), so it is refused
    at the door on both databases, and the spec says so (core.openapi.no_nul_in_strings).
    """

    class Meta:
        ordered = True

    @pre_load
    def _refuse_nul(self, data, **kwargs):
        if isinstance(data, Mapping):
            bad = {
                key: ["may not contain a NUL character"]
                for key, value in data.items()
                if (isinstance(value, str) and "\x00" in value)
                or (isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value))
            }
            if bad:
                raise ValidationError(bad)
        return data


class ResourceSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class NearArgs(StrictSchema):
    """A point and radius: `lat`, `lon` and `radius_km` come together.

    That rule binds fields to each other, which OpenAPI 3.0 cannot state for query
    parameters, so ``near`` checks it (422 with a message naming the field) and the
    parameters' descriptions say it.
    """

    lat = Latitude(metadata={"description": "with lon: sites near this point"})
    lon = Longitude(metadata={"description": "with lat"})
    radius_km = fields.Float(
        validate=validate.Range(min=0, max=200, min_inclusive=False),
        metadata={"description": "with lat and lon (default 2 km)"},
    )

    @staticmethod
    def near(args: dict) -> tuple[float, float, float] | None:
        given = [k for k in ("lat", "lon") if k in args]
        if len(given) == 1:
            raise Invalid.field("lat", "lat and lon go together")
        if "radius_km" in args and len(given) != 2:
            raise Invalid.field("radius_km", "radius_km needs lat and lon")
        if given:
            return args["lat"], args["lon"], args.get("radius_km", 2.0)
        return None
