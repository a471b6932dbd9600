"""Telemetry: readings of a bin, alerts and their acknowledgement, device credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import STAFF_ROLES, current_user, roles
from backend.core.errors import Invalid
from backend.core.extensions import db
from backend.network.schemas import BinSchema
from backend.network.services import assets
from backend.telemetry.schemas import (
    AlertArgs,
    AlertSchema,
    BinDetailSchema,
    CredentialsSchema,
    ReadingArgs,
    ReadingSchema,
)
from backend.telemetry.services import alerts, devices, states
from backend.telemetry.services import readings as telemetry

readings = Blueprint("readings", __name__, url_prefix="/api/v1/bins", description="Bin telemetry")
alerts_blp = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="Bin alerts")


@readings.route("/<int:bin_id>", tags=["bins"])
class BinDetail(MethodView):
    """GET /bins/{id}: the registry's bin with telemetry's state and forecast. The registry
    (network) serves PATCH and DELETE on the same path, and knows nothing of telemetry."""

    @roles(readings, *STAFF_ROLES)
    @readings.etag
    @readings.response(200, BinDetailSchema)
    def get(self, bin_id):
        """Read a bin, with its current state and fill forecast"""
        b = assets.get_bin(db.session, bin_id)
        # The ETag covers the registry fields only: a new reading must not make an
        # admin's pending edit fail with 412.
        readings.set_etag(b, BinSchema)
        return states.bin_detail(db.session, b, BinSchema().dump_fields)


@readings.route("/states")
class BinStates(MethodView):
    @roles(readings, *STAFF_ROLES)
    @readings.response(200)
    def get(self):
        """Every active bin with its location and current state, for the dispatcher's map"""
        return states.list_bin_states(db.session)


@readings.route("/<int:bin_id>/readings")
class Readings(MethodView):
    @roles(readings, *STAFF_ROLES)
    @readings.arguments(ReadingArgs, location="query")
    @readings.response(200, ReadingSchema(many=True))
    @readings.paginate(page_size=500, max_page_size=5000)
    def get(self, args, bin_id, pagination_parameters):
        """Readings of a bin between `from` and `to` (default: the last 7 days), oldest first"""
        assets.get_bin(db.session, bin_id)
        if "from_" in args and "to" in args and args["to"] <= args["from_"]:
            raise Invalid.field("to", "must be after from")
        end = args.get("to") or datetime.now(UTC)
        start = args.get("from_") or end - timedelta(days=7)
        return page(telemetry.readings_between(db.session, bin_id, start, end), pagination_parameters)


@readings.route("/<int:bin_id>/credentials")
class Credentials(MethodView):
    @roles(readings, "admin")
    @readings.response(201, CredentialsSchema)
    def post(self, bin_id):
        """Issue (or rotate) the bin's MQTT password; re-export the broker files afterwards"""
        b = assets.get_bin(db.session, bin_id)
        password = devices.issue_credentials(db.session, [b], current_user())[b.device_id]
        return {"device_id": b.device_id, "username": b.device_id, "password": password}


@alerts_blp.route("")
class Alerts(MethodView):
    @roles(alerts_blp, *STAFF_ROLES)
    @alerts_blp.arguments(AlertArgs, location="query")
    @alerts_blp.response(200, AlertSchema(many=True))
    @alerts_blp.paginate()
    def get(self, args, pagination_parameters):
        """Alerts, newest first, filtered by state, kind or bin"""
        return page(alerts.alert_query(**args), pagination_parameters)


@alerts_blp.route("/<int:alert_id>/ack")
class AlertAck(MethodView):
    @roles(alerts_blp, "dispatcher", "operator", "admin")
    @alerts_blp.response(200, AlertSchema)
    def post(self, alert_id):
        """Acknowledge an alert (409 if it is already closed)"""
        return alerts.acknowledge(db.session, alert_id, current_user().id)


BLUEPRINTS = (readings, alerts_blp)
