"""The open-data API: no account, JSON or CSV, cacheable, rate-limited per client address."""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import wraps

from flask import Response, current_app, jsonify
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.extensions import db
from backend.core.limits import Rate, client_address, rate_limit
from backend.public import services as public
from backend.public.schemas import (
    IndexArgs,
    MonthlyRecoverySchema,
    PriceRowSchema,
    PublicSiteSchema,
    RecoverySchema,
    SiteArgs,
    TonnageSchema,
    YearArgs,
)

blp = Blueprint(
    "public", __name__, url_prefix="/api/v1/public", description="Open data: the city's recycling figures, no account"
)
PER_CLIENT = Rate("RATELIMIT_PUBLIC", by=client_address, what="requests per client address")
# The same rows as CSV with ?format=csv: the spec names both bodies.
CSV_BODY = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
CACHE_HEADER = {"Cache-Control": {"description": "public, max-age=PUBLIC_CACHE_S", "schema": {"type": "string"}}}


def published(schema):
    """Serve ``rows`` as JSON (through ``schema``) or CSV, with a public Cache-Control."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            rows, fmt = func(*args, **kwargs)
            data = schema.dump(rows, many=True)
            if fmt == "csv":
                out = io.StringIO()
                writer = csv.DictWriter(out, fieldnames=list(schema.fields))
                writer.writeheader()
                writer.writerows(data)
                response = Response(out.getvalue(), mimetype="text/csv")
            else:
                response = jsonify(data)
            response.headers["Cache-Control"] = f"public, max-age={int(current_app.config['PUBLIC_CACHE_S'])}"
            return response

        documented = blp.doc(**CSV_BODY)(wrapper)
        return blp.response(200, schema.__class__(many=True), headers=CACHE_HEADER)(documented)

    return decorator


@blp.route("/recovery")
class Recovery(MethodView):
    @blp.arguments(YearArgs, location="query")
    @published(RecoverySchema())
    @rate_limit(blp, PER_CLIENT)
    def get(self, args):
        """Recovery rate per district and for the city against the 60% target, for a year"""
        return public.recovery(db.session, args.get("year") or date.today().year), args["format"]


@blp.route("/recovery/monthly")
class MonthlyRecovery(MethodView):
    @blp.arguments(YearArgs, location="query")
    @published(MonthlyRecoverySchema())
    @rate_limit(blp, PER_CLIENT)
    def get(self, args):
        """Recovery rate per district and month (a twelfth of the year's estimate)"""
        return public.recovery_by_month(db.session, args.get("year") or date.today().year), args["format"]


@blp.route("/tonnage")
class Tonnage(MethodView):
    @blp.arguments(YearArgs, location="query")
    @published(TonnageSchema())
    @rate_limit(blp, PER_CLIENT)
    def get(self, args):
        """Tonnes received per month and category"""
        return public.tonnage(db.session, args.get("year") or date.today().year), args["format"]


@blp.route("/price-index")
class PriceIndex(MethodView):
    @blp.arguments(IndexArgs, location="query")
    @published(PriceRowSchema())
    @rate_limit(blp, PER_CLIENT)
    def get(self, args):
        """The weekly price index per category and grade, with its history"""
        min_trades = int(current_app.config["PRICE_INDEX_MIN_TRADES"])
        return public.prices(db.session, min_trades, args.get("category"), args.get("grade")), args["format"]


@blp.route("/sites")
class Sites(MethodView):
    @blp.arguments(SiteArgs, location="query")
    @published(PublicSiteSchema())
    @rate_limit(blp, PER_CLIENT)
    def get(self, args):
        """Collection points, sorting centers and markets: where, opening hours, what they take"""
        return public.sites(db.session, args.get("tier")), args["format"]


BLUEPRINTS = (blp,)
