"""Sorting-center intake, stock and lots; residents' wallets; prices; statistics."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response
from flask.views import MethodView
from sqlalchemy import select

from backend.api.auth import current_user, roles
from backend.api.common import Blueprint, page
from backend.extensions import db
from backend.models import GenerationEstimate, Intake, Lot, MaterialCategory, Price
from backend.schemas.intake import (
    EstimateSchema, IntakeCreateSchema, IntakeSchema, LotCreateSchema, LotSchema, PriceCreateSchema, PriceSchema,
    ReceiveSchema, StatsArgs, StockSchema, WalletSchema,
)
from backend.services import intake, stats
from backend.services.bookings import center_of
from backend.services.common import commit, get_or_404
from backend.services.errors import Forbidden

centers = Blueprint("sorting_centers", __name__, url_prefix="/api/v1/sorting-centers",
                    description="Intake, stock and lots of a sorting center")
misc = Blueprint("settlement", __name__, url_prefix="/api/v1", description="Prices, wallets, lots, estimates")
stats_blp = Blueprint("stats", __name__, url_prefix="/api/v1/stats", description="Statistics (JSON or CSV)")


def center_for(center_id: int, write: bool = False):
    """The center, if the caller may act there: its operators (and admins) write; staff read."""
    user = current_user()
    center = center_of(db.session, center_id)
    if user.role == "operator" and user.sorting_center_id != center.id:
        raise Forbidden("operators act only at their own sorting center")
    if write and user.role not in ("operator", "admin"):
        raise Forbidden("only the center's operators log intake and ship lots")
    return center


@centers.route("/<int:center_id>/intakes")
class Intakes(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.response(200, IntakeSchema(many=True))
    @centers.paginate()
    def get(self, center_id, pagination_parameters):
        """Intakes of the center, newest first, corrections included (the audit trail)"""
        center_for(center_id)
        return page(select(Intake).where(Intake.center_id == center_id).order_by(Intake.id.desc()), pagination_parameters)

    @roles(centers, "operator", "admin")
    @centers.arguments(IntakeCreateSchema)
    @centers.response(201, IntakeSchema)
    def post(self, data, center_id):
        """Log a truck's unloading, per category; per-booking weights settle those bookings"""
        return intake.log_intake(db.session, center_for(center_id, write=True), current_user(), data)


@centers.route("/<int:center_id>/stock")
class Stock(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.response(200, StockSchema(many=True))
    def get(self, center_id):
        """Stock per category: intake minus what was shipped"""
        center_for(center_id)
        levels = intake.stock(db.session, center_id)
        cats = {c.id: c for c in db.session.scalars(select(MaterialCategory).where(MaterialCategory.id.in_(levels)))}
        return [{"category": cats[k].code, "name_en": cats[k].name_en, "name_zh": cats[k].name_zh, "kg": v}
                for k, v in sorted(levels.items())]


@centers.route("/<int:center_id>/lots")
class Lots(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.response(200, LotSchema(many=True))
    def get(self, center_id):
        """Lots shipped from the center"""
        center_for(center_id)
        return db.session.scalars(select(Lot).where(Lot.center_id == center_id).order_by(Lot.id.desc())).all()

    @roles(centers, "operator", "admin")
    @centers.arguments(LotCreateSchema)
    @centers.response(201, LotSchema)
    @centers.alt_response(409, description="More than the stock")
    def post(self, data, center_id):
        """Ship a lot of one category to a distribution market (409 beyond the stock)"""
        return intake.ship_lot(db.session, center_for(center_id, write=True), current_user(), data)


@misc.route("/lots/<int:lot_id>/receive")
class Receive(MethodView):
    @roles(misc, "operator", "admin")
    @misc.arguments(ReceiveSchema)
    @misc.response(200, LotSchema)
    def post(self, data, lot_id):
        """The market's receipt of a lot, with the weight it found"""
        lot = get_or_404(db.session, Lot, lot_id, "lot")
        center_for(lot.center_id, write=True)
        return intake.receive_lot(db.session, lot_id, current_user(), data["received_kg"])


@misc.route("/me/wallet")
class Wallet(MethodView):
    @roles(misc, "resident")
    @misc.response(200, WalletSchema)
    def get(self):
        """My wallet: the balance is the sum of the entries"""
        balance, entries = intake.wallet(db.session, current_user().id)
        return {"balance": balance, "entries": entries}


@misc.route("/prices")
class Prices(MethodView):
    @roles(misc)
    @misc.response(200, PriceSchema(many=True))
    def get(self):
        """Price list (per kg or per piece, with effective dates)"""
        return db.session.scalars(select(Price).order_by(Price.category_id, Price.effective_from)).all()

    @roles(misc, "admin")
    @misc.arguments(PriceCreateSchema)
    @misc.response(201, PriceSchema)
    def post(self, data):
        """A price for a category from a date on"""
        return intake.set_price(db.session, current_user(), data)


@misc.route("/generation-estimates")
class Estimates(MethodView):
    @roles(misc, "admin", "dispatcher")
    @misc.response(200, EstimateSchema(many=True))
    def get(self):
        """Recyclables generated per district and year (for recovery rates)"""
        return db.session.scalars(select(GenerationEstimate).order_by(GenerationEstimate.year,
                                                                      GenerationEstimate.district)).all()

    @roles(misc, "admin")
    @misc.arguments(EstimateSchema)
    @misc.response(201, EstimateSchema)
    def post(self, data):
        """Enter a district's generation estimate for a year"""
        est = GenerationEstimate(**data)
        db.session.add(est)
        commit(db.session)
        return est


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


BLUEPRINTS = (centers, misc, stats_blp)
