"""What the published OpenAPI spec says beyond flask-smorest's defaults, so that it states
every bound the server enforces and every header as it is really sent.

- Path ids: the ``int`` URL converter is bounded (a larger id is a 404 before any query,
  never an integer overflow in the database driver), and the spec says so.
- Ranges: marshmallow's exclusive bounds (``min_inclusive=False``) become OpenAPI 3.0's
  ``exclusiveMinimum``/``exclusiveMaximum``; apispec leaves them out.
- ``X-Pagination`` is a JSON object sent as a header string: declared as a string.
"""

from __future__ import annotations

import flask_smorest
from marshmallow import fields, validate
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer: no id can be larger
# RFC 9110 If-Match: "*" or a list of (weak) quoted entity tags (core.api enforces it).
_ETAG = r'(W/)?"[\x21\x23-\x7e]*"'
IF_MATCH_PATTERN = rf"^\s*(\*|{_ETAG}(\s*,\s*{_ETAG})*)\s*$"


class IdConverter(IntegerConverter):
    """Path integers from 0 to MAX_ID. A larger one names no resource: 404 for any method
    (werkzeug's own ``max`` would make the route not match, and where two rules share a path
    with different methods, a GET could come back as 405 from the other rule)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        super().__init__(url_map, *args, **kwargs)
        self.max = MAX_ID

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def _id_parameter_schema(converter: IdConverter) -> dict:
    return {"type": "integer", "minimum": converter.min or 0, "maximum": converter.max}


def exclusive_bounds(self, field, **kwargs) -> dict:
    """apispec attribute function: a Range that excludes its bound says so in the spec."""
    out = {}
    for validator in field.validators:
        if isinstance(validator, validate.Range):
            if validator.min is not None and not validator.min_inclusive:
                out["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive:
                out["exclusiveMaximum"] = True
    return out


NO_NUL = r"^[^\x00]*$"


def no_nul_in_strings(self, field, ret=None, **kwargs) -> dict:
    """apispec attribute function: text never takes a NUL character (core.schemas refuses
    it: PostgreSQL cannot store one). A field with a pattern of its own states that instead."""
    if isinstance(field, fields.String) and not field.metadata.get("pattern") and not field.dump_only:
        if not any(isinstance(v, (validate.OneOf, validate.Regexp)) for v in field.validators):
            return {"pattern": NO_NUL}
    return {}


def decimal_strings(self, field, **kwargs) -> dict:
    """apispec attribute function: a Decimal sent as a string (money) is a string in the spec."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
    return {}


class Api(flask_smorest.Api):
    """flask-smorest's Api with the spec additions above."""

    def init_app(self, app, *args, **kwargs) -> None:
        # Before any blueprint is registered: rules compile their converters then.
        app.url_map.converters["int"] = IdConverter
        super().init_app(app, *args, **kwargs)
        self.register_converter(IdConverter, _id_parameter_schema)
        self.ma_plugin.converter.add_attribute_function(exclusive_bounds)
        self.ma_plugin.converter.add_attribute_function(decimal_strings)
        self.ma_plugin.converter.add_attribute_function(no_nul_in_strings)

    def _register_etag_headers(self) -> None:
        super()._register_etag_headers()
        # An empty If-Match is no precondition at all (428, as a missing one): say it needs text.
        self.spec.components.parameter(
            "IF_MATCH",
            "header",
            {
                "name": "If-Match",
                "in": "header",
                "required": True,
                "description": "The ETag of the resource's last GET (428 without it, 412 when it is stale)",
                "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
            },
            lazy=True,
        )

    def _register_pagination_header(self) -> None:
        # flask-smorest declares an object; the header carries that object as JSON text.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata as a JSON object: total, total_pages, first_page, "
                "last_page, page, previous_page, next_page",
                "schema": {"type": "string"},
            },
            lazy=True,
        )
