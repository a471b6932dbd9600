"""Sorting-center intake, stock and lots; residents' wallets; prices; generation estimates."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.intake import services as intake
from backend.intake.schemas import (
    ArrivalArgs,
    ArrivalSchema,
    EstimateSchema,
    IntakeCreateSchema,
    IntakeSchema,
    LotCreateSchema,
    LotSchema,
    PriceCreateSchema,
    PriceSchema,
    ReceiveSchema,
    StockHistoryArgs,
    StockHistorySchema,
    StockSchema,
    WalletSchema,
)
from backend.intake.services import arrivals

centers = Blueprint(
    "sorting_centers",
    __name__,
    url_prefix="/api/v1/sorting-centers",
    description="Intake, stock and lots of a sorting center",
)
misc = Blueprint("settlement", __name__, url_prefix="/api/v1", description="Prices, wallets, lots, estimates")


def center_for(center_id: int, write: bool = False):
    return intake.get_center_for(db.session, current_user(), center_id, write)


@centers.route("/<int:center_id>/intakes")
class Intakes(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.response(200, IntakeSchema(many=True))
    @centers.paginate()
    def get(self, center_id, pagination_parameters):
        """Intakes of the center, newest first, corrections included (the audit trail)"""
        center_for(center_id)
        return page(intake.intake_query(center_id), pagination_parameters)

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
        return intake.stock_by_category(db.session, center_id)


@centers.route("/<int:center_id>/stock/history")
class StockHistory(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.arguments(StockHistoryArgs, location="query")
    @centers.response(200, StockHistorySchema)
    def get(self, args, center_id):
        """Stock per category at the end of each of the last weeks (the city's calendar)"""
        center_for(center_id)
        return arrivals.stock_history(db.session, center_id, args["weeks"], current_app.config["TIMEZONE"])


@centers.route("/<int:center_id>/arrivals")
class Arrivals(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.arguments(ArrivalArgs, location="query")
    @centers.response(200, ArrivalSchema(many=True))
    @centers.alt_response(404, description="No such sorting center, or another center than the operator's")
    def get(self, args, center_id):
        """The day's expected arrivals: dispatched routes with the bookings and bins on board
        ---
        Per route: the truck and its tare on file, the driver, each booking and bin with the
        crew's reports where they reported, and the kilograms to expect per category (reported
        where reported, else the plan's estimate; a missed stop brings nothing). An operator
        sees only their own center: another is 404.
        """
        center = arrivals.get_visible_center(db.session, current_user(), center_id)
        return arrivals.list_arrivals(
            db.session, current_user(), center, args.get("date"), current_app.config["TIMEZONE"]
        )


@centers.route("/<int:center_id>/lots")
class Lots(MethodView):
    @roles(centers, "operator", "admin", "dispatcher")
    @centers.response(200, LotSchema(many=True))
    def get(self, center_id):
        """Lots shipped from the center"""
        center_for(center_id)
        return intake.list_lots(db.session, center_id)

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
        center_for(intake.get_lot(db.session, lot_id).center_id, write=True)
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
        return intake.list_prices(db.session)

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
        return intake.list_generation_estimates(db.session)

    @roles(misc, "admin")
    @misc.arguments(EstimateSchema)
    @misc.response(201, EstimateSchema)
    def post(self, data):
        """Enter a district's generation estimate for a year"""
        return intake.add_generation_estimate(db.session, data)


BLUEPRINTS = (centers, misc)
