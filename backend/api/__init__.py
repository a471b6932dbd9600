"""The HTTP API under /api/v1: blueprints, error mapping, the OpenAPI security scheme."""
from __future__ import annotations

from flask import jsonify
from http import HTTPStatus

from backend.extensions import db
from backend.services.errors import ServiceError


def register_api(app, api) -> None:
    from backend.api import accounts, bookings, intake, plans, registry, telemetry

    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    for blp in (*accounts.BLUEPRINTS, *registry.BLUEPRINTS, *telemetry.BLUEPRINTS, *bookings.BLUEPRINTS,
                *plans.BLUEPRINTS, *intake.BLUEPRINTS):
        api.register_blueprint(blp)

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        # Whatever the service had changed in the session is discarded: nothing half-written.
        db.session.rollback()
        body = {"code": exc.status, "status": HTTPStatus(exc.status).phrase, "message": exc.message}
        if exc.fields:
            body["errors"] = {"json": exc.fields}
        return jsonify(body), exc.status
