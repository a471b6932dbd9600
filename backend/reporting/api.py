"""Statistics: tonnage, recovery, route efficiency, bin service, bookings (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response
from flask.views import MethodView

from backend.core.api import Blueprint
from backend.core.auth import roles
from backend.core.extensions import db
from backend.reporting.schemas import StatsArgs
from backend.reporting.services import stats

stats_blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Statistics (JSON or CSV)")


def _table(rows: list[dict], fmt: str):
    if fmt == "json":
        return rows
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv")


STATS_ROLES = ("dispatcher", "admin", "operator")


@stats_blp.route("/tonnage")
class Tonnage(MethodView):
    @roles(stats_blp, *STATS_ROLES)
    @stats_blp.arguments(StatsArgs, location="query")
    @stats_blp.response(200)
    def get(self, args):
        """Tonnes received by category, center or month, or collected by district"""
        return _table(stats.tonnage(db.session, args["by"], args.get("from_"), args.get("to")), args["format"])


@stats_blp.route("/recovery")
class Recovery(MethodView):
    @roles(stats_blp, *STATS_ROLES)
    @stats_blp.arguments(StatsArgs, location="query")
    @stats_blp.response(200)
    def get(self, args):
        """Recovery rate per district: collected against generated"""
        return _table(stats.recovery(db.session, args.get("year") or date.today().year), args["format"])


@stats_blp.route("/routes")
class RouteStats(MethodView):
    @roles(stats_blp, *STATS_ROLES)
    @stats_blp.arguments(StatsArgs, location="query")
    @stats_blp.response(200)
    def get(self, args):
        """Route efficiency per month: km per tonne, share of empty km"""
        return _table(stats.route_efficiency(db.session), args["format"])


@stats_blp.route("/bins")
class BinStats(MethodView):
    @roles(stats_blp, *STATS_ROLES)
    @stats_blp.arguments(StatsArgs, location="query")
    @stats_blp.response(200)
    def get(self, args):
        """Bin service: visits, wasted visits (below 25%), overflow bin-days"""
        return _table(stats.bin_service(db.session, args.get("from_"), args.get("to")), args["format"])


@stats_blp.route("/bookings")
class BookingStats(MethodView):
    @roles(stats_blp, *STATS_ROLES)
    @stats_blp.arguments(StatsArgs, location="query")
    @stats_blp.response(200)
    def get(self, args):
        """Bookings collected, and within their window"""
        return _table(stats.bookings_on_time(db.session), args["format"])


BLUEPRINTS = (stats_blp,)
