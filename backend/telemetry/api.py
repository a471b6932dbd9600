"""Telemetry: readings of a bin, alerts and their acknowledgement, device credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.views import MethodView

from backend.core.api import Blueprint, page
from backend.core.auth import STAFF_ROLES, current_user, roles
from backend.core.extensions import db
from backend.network.schemas import BinSchema
from backend.network.services import assets
from backend.telemetry.models import BinState
from backend.telemetry.schemas import (
    AlertArgs,
    AlertSchema,
    BinDetailSchema,
    CredentialsSchema,
    ReadingArgs,
    ReadingSchema,
)
from backend.telemetry.services import alerts, devices
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.forecast import HISTORY, forecast

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
        state = db.session.get(BinState, b.id)
        since = datetime.now(UTC) - HISTORY
        fc = forecast(telemetry.fill_history(db.session, b.id, since), b.fill_threshold_pct)
        # Raw attribute values: the response schema does the serializing.
        return {**{name: getattr(b, name) for name in BinSchema().dump_fields}, "state": state, "forecast": fc}


@readings.route("/states")
class BinStates(MethodView):
    @roles(readings, *STAFF_ROLES)
    @readings.response(200)
    def get(self):
        """Every active bin with its location and current state, for the dispatcher's map"""
        from sqlalchemy import select

        from backend.network.models import Bin, Site

        rows = db.session.execute(
            select(Bin, Site.lat, Site.lon, BinState)
            .join(Site, Bin.site_id == Site.id)
            .outerjoin(BinState, BinState.bin_id == Bin.id)
            .where(Bin.active.is_(True))
            .order_by(Bin.id)
        )
        return [
            {
                "bin_id": b.id,
                "site_id": b.site_id,
                "device_id": b.device_id,
                "category_id": b.category_id,
                "lat": lat,
                "lon": lon,
                "threshold": b.fill_threshold_pct,
                "fill_pct": st.fill_pct if st else None,
                "online": bool(st and st.online),
                "device_status": st.device_status if st else "ok",
            }
            for b, lat, lon, st in rows
        ]


@readings.route("/<int:bin_id>/readings")
class Readings(MethodView):
    @roles(readings, *STAFF_ROLES)
    @readings.arguments(ReadingArgs, location="query")
    @readings.response(200, ReadingSchema(many=True))
    @readings.paginate(page_size=500, max_page_size=5000)
    def get(self, args, bin_id, pagination_parameters):
        """Readings of a bin between `from` and `to` (default: the last 7 days), oldest first"""
        assets.get_bin(db.session, bin_id)
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
        password = devices.issue_credentials(db.session, [b])[b.device_id]
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
