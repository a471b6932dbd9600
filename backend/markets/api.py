"""Buyers, listings, sealed bids, delivery and settlement, the price index."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, current_app
from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import current_user, roles
from backend.core.extensions import db
from backend.markets.schemas import (
    AccountSchema,
    BidCreateSchema,
    BidSchema,
    BuyerArgs,
    BuyerCreateSchema,
    BuyerSchema,
    DecisionSchema,
    DeliverySchema,
    IndexArgs,
    IndexRowSchema,
    LedgerEntrySchema,
    ListingArgs,
    ListingCreateSchema,
    ListingSchema,
    MyBidSchema,
    ProposalArgs,
    ProposalSchema,
)
from backend.markets.services import buyers, prices, settlement, trading

buyers_blp = Blueprint("buyers", __name__, url_prefix="/api/v1/buyers", description="Buyers (recycling enterprises)")
listings_blp = Blueprint(
    "listings", __name__, url_prefix="/api/v1/listings", description="Lots for sale at the markets: bids, delivery"
)
trade_blp = Blueprint("trade", __name__, url_prefix="/api/v1", description="My bids and account; the price index")

STAFF = ("operator", "admin", "dispatcher")
# The index as CSV with ?format=csv: the spec names both bodies.
CSV_BODY = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}


@buyers_blp.route("")
class Buyers(MethodView):
    @roles(buyers_blp, "admin")
    @buyers_blp.arguments(BuyerArgs, location="query")
    @buyers_blp.response(200, BuyerSchema(many=True))
    @buyers_blp.paginate()
    def get(self, args, pagination_parameters):
        """Buyers, to approve (admins)"""
        return page(buyers.buyers_query(args.get("status")), pagination_parameters)

    @roles(buyers_blp, "buyer")
    @buyers_blp.arguments(BuyerCreateSchema)
    @buyers_blp.response(201, BuyerSchema)
    @buyers_blp.alt_response(409, description="Approved already, or the credit code is taken")
    @buyers_blp.alt_response(422, description="Invalid credit code or unknown licence category")
    def post(self, data):
        """Submit my company's profile (pending until an admin approves it)"""
        return buyers.submit_profile(db.session, current_user(), data)


@buyers_blp.route("/me")
class MyCompany(MethodView):
    @roles(buyers_blp, "buyer")
    @buyers_blp.response(200, BuyerSchema)
    @buyers_blp.alt_response(404, description="No profile yet")
    def get(self):
        """My company's profile and its approval"""
        return buyers.my_profile(db.session, current_user())


@buyers_blp.route("/<int:buyer_id>")
class BuyerById(MethodView):
    @roles(buyers_blp, "admin", "buyer")
    @buyers_blp.response(200, BuyerSchema)
    @buyers_blp.alt_response(404, description="No such buyer, or another company")
    def get(self, buyer_id):
        """A buyer (admins; a buyer only their own)"""
        return buyers.get_buyer(db.session, current_user(), buyer_id)


@buyers_blp.route("/<int:buyer_id>/decision")
class Decision(MethodView):
    @roles(buyers_blp, "admin")
    @buyers_blp.arguments(DecisionSchema)
    @buyers_blp.response(200, BuyerSchema)
    @buyers_blp.alt_response(404, description="No such buyer")
    def post(self, data, buyer_id):
        """Approve or reject a buyer"""
        return buyers.decide(db.session, buyer_id, current_user(), data["approve"], data["note"])


@listings_blp.route("")
class Listings(MethodView):
    @roles(listings_blp, *STAFF, "buyer")
    @listings_blp.arguments(ListingArgs, location="query")
    @listings_blp.response(200, ListingSchema(many=True))
    @listings_blp.paginate()
    def get(self, args, pagination_parameters):
        """Listings I may see: buyers the open ones and those they won; staff their market's"""
        return page(trading.listings_query(db.session, current_user(), args), pagination_parameters)

    @roles(listings_blp, "operator", "admin")
    @listings_blp.arguments(ListingCreateSchema)
    @listings_blp.response(201, ListingSchema)
    @listings_blp.alt_response(404, description="The lot's market is not yours")
    @listings_blp.alt_response(409, description="The lot is already listed")
    @listings_blp.alt_response(422, description="Unknown lot, a close in the past, a fixed price below the reserve")
    def post(self, data):
        """List a lot at its market (the market's staff)"""
        return trading.create_listing(db.session, current_user(), data)


@listings_blp.route("/<int:listing_id>")
class ListingById(MethodView):
    @roles(listings_blp, *STAFF, "buyer")
    @listings_blp.response(200, ListingSchema)
    @listings_blp.alt_response(404, description="No such listing, or not one you may see")
    def get(self, listing_id):
        """A listing"""
        return trading.get_listing(db.session, current_user(), listing_id)


@listings_blp.route("/<int:listing_id>/bids")
class Bids(MethodView):
    @roles(listings_blp, *STAFF, "buyer")
    @listings_blp.response(200, BidSchema(many=True))
    @listings_blp.alt_response(404, description="No such listing, or not one you may see")
    def get(self, listing_id):
        """Bids: a buyer sees their own; the market's staff all of them after the close"""
        return trading.bids_for(db.session, current_user(), listing_id)

    @roles(listings_blp, "buyer")
    @listings_blp.arguments(BidCreateSchema)
    @listings_blp.response(201, BidSchema)
    @listings_blp.alt_response(200, schema=BidSchema, description="My bid, raised")
    @listings_blp.alt_response(404, description="No such open listing")
    @listings_blp.alt_response(409, description="Bidding closed, or a fixed-price offer")
    @listings_blp.alt_response(422, description="Below the reserve, or not above my bid")
    def post(self, data, listing_id):
        """Place a sealed bid, or raise mine (403 unapproved or unlicensed for the category)"""
        bid, created = trading.place_bid(db.session, current_user(), listing_id, data["price_per_kg"])
        return bid, 201 if created else 200


@listings_blp.route("/<int:listing_id>/purchase")
class Purchase(MethodView):
    @roles(listings_blp, "buyer")
    @listings_blp.response(200, ListingSchema)
    @listings_blp.alt_response(404, description="No such open listing")
    @listings_blp.alt_response(409, description="Sold already, closed, or an auction")
    def post(self, listing_id):
        """Buy a fixed-price offer at its price: the first buyer gets it"""
        return trading.purchase(db.session, current_user(), listing_id)


@listings_blp.route("/<int:listing_id>/close")
class Close(MethodView):
    @roles(listings_blp, "operator", "admin")
    @listings_blp.response(200, ListingSchema)
    @listings_blp.alt_response(404, description="No such listing at your market")
    @listings_blp.alt_response(409, description="Not due yet")
    def post(self, listing_id):
        """Close a due listing now (the scheduler does it too; closing twice changes nothing)"""
        return trading.close_by_staff(db.session, current_user(), listing_id)


@listings_blp.route("/<int:listing_id>/delivery")
class Delivery(MethodView):
    @roles(listings_blp, "operator", "admin")
    @listings_blp.arguments(DeliverySchema)
    @listings_blp.response(200, ListingSchema)
    @listings_blp.alt_response(404, description="No such listing at your market")
    @listings_blp.alt_response(409, description="Not awarded, or delivered already")
    @listings_blp.alt_response(422, description="More than listed")
    def post(self, data, listing_id):
        """The weight delivered to the buyer: settles the sale in the ledger"""
        commission = settlement.Commission.from_config(current_app.config)
        return settlement.deliver(db.session, current_user(), listing_id, data["delivered_kg"], commission)


@listings_blp.route("/<int:listing_id>/payment")
class Payment(MethodView):
    @roles(listings_blp, "operator", "admin")
    @listings_blp.response(200, LedgerEntrySchema(many=True))
    @listings_blp.alt_response(404, description="No such listing at your market")
    @listings_blp.alt_response(409, description="Not delivered yet")
    def post(self, listing_id):
        """The buyer paid the sale: posted once (a repeat answers the same payment)"""
        return settlement.record_payment(db.session, current_user(), listing_id)


@listings_blp.route("/<int:listing_id>/ledger")
class ListingLedger(MethodView):
    @roles(listings_blp, *STAFF, "buyer")
    @listings_blp.response(200, LedgerEntrySchema(many=True))
    @listings_blp.alt_response(404, description="No such listing, or not one you may see")
    def get(self, listing_id):
        """The listing's settlement lines that concern me"""
        return settlement.listing_ledger(db.session, current_user(), listing_id)


@trade_blp.route("/me/bids")
class MyBids(MethodView):
    @roles(trade_blp, "buyer")
    @trade_blp.response(200, MyBidSchema(many=True))
    def get(self):
        """My bids, with each listing's status and whether I won it"""
        return trading.my_bids(db.session, current_user())


@trade_blp.route("/me/account")
class MyAccount(MethodView):
    @roles(trade_blp, "buyer")
    @trade_blp.response(200, AccountSchema)
    def get(self):
        """What my company owes: the sum of its ledger lines"""
        owed, entries = settlement.buyer_account(db.session, current_user())
        return {"owed": owed, "entries": entries}


def index_rows(args: dict) -> list[dict]:
    min_trades = int(current_app.config["PRICE_INDEX_MIN_TRADES"])
    return prices.price_index(db.session, min_trades, args.get("category"), args.get("grade"))


def as_csv(rows: list[dict], schema) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(schema.fields))
    writer.writeheader()
    writer.writerows(schema.dump(rows, many=True))
    return Response(out.getvalue(), mimetype="text/csv")


@trade_blp.route("/prices/index")
class PriceIndex(MethodView):
    @roles(trade_blp)
    @trade_blp.arguments(IndexArgs, location="query")
    @trade_blp.response(200, IndexRowSchema(many=True))
    @trade_blp.doc(**CSV_BODY)
    def get(self, args):
        """Weekly price index per category and grade (volume-weighted, enough trades only)"""
        rows = index_rows(args)
        return as_csv(rows, IndexRowSchema()) if args["format"] == "csv" else rows


@trade_blp.route("/prices/proposal")
class PriceProposal(MethodView):
    @roles(trade_blp, "operator", "admin")
    @trade_blp.arguments(ProposalArgs, location="query")
    @trade_blp.response(200, ProposalSchema(many=True))
    def get(self, args):
        """Resident prices proposed from the index less a margin (accept them through POST /prices)"""
        min_trades = int(current_app.config["PRICE_INDEX_MIN_TRADES"])
        return prices.propose_prices(db.session, min_trades, args["margin_pct"], date.today())


BLUEPRINTS = (buyers_blp, listings_blp, trade_blp)
