"""The app factory: settings, extensions, every domain's API blueprints, the console."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from backend.accounts import api as accounts_api
from backend.accounts import services as accounts
from backend.audit_log import api as audit_log_api
from backend.bookings import api as bookings_api
from backend.channels import api as channels_api
from backend.channels.services.professional import record_pickup
from backend.core import bodies, extensions, headers, limits
from backend.core.api import register_error_handler
from backend.core.auth import set_user_loader
from backend.core.config import finalize, load_settings
from backend.core.models import import_all_models
from backend.drivers import api as drivers_api
from backend.drivers.services.assignments import assigned_driver
from backend.drivers.services.live import service_time_samples
from backend.intake import api as intake_api
from backend.markets import api as markets_api
from backend.network import api as network_api
from backend.notifications import api as notifications_api
from backend.planning import api as planning_api
from backend.planning.services.dispatch import set_crew_source
from backend.planning.services.progress import add_collection_listener
from backend.planning.services.service_times import set_service_time_source
from backend.public import api as public_api
from backend.reporting import api as reporting_api
from backend.roads import api as roads_api
from backend.telemetry import api as telemetry_api
from backend.web import bp as web_bp
from backend.web.i18n import init_app as init_i18n

# The order of the API's sections in the spec and in Swagger UI.
API_MODULES = (
    accounts_api,
    network_api,
    telemetry_api,
    bookings_api,
    channels_api,
    notifications_api,
    planning_api,
    drivers_api,
    intake_api,
    markets_api,
    reporting_api,
    public_api,
    audit_log_api,
    roads_api,
)


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. ``config`` is a settings file name/path or a dict of overrides."""
    import_all_models()
    # static_folder=None: the console blueprint serves /static (the app has none of its own).
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.update(finalize(load_settings(config), app.instance_path))
    app.config.update(
        API_TITLE="recyclenet",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        # Swagger UI at /api/docs is the console's page (backend/web), not flask-smorest's.
        JSON_SORT_KEYS=False,
    )
    if app.config["TRUSTED_PROXIES"]:
        # The client's address (rate limits, logs) from the proxies' X-Forwarded-For, and
        # the scheme from their X-Forwarded-Proto; only as many hops as are trusted.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    extensions.db.init_app(app)
    # Bodies over MAX_CONTENT_LENGTH are a 413 (Flask's own check), stated in the spec.
    extensions.api.init_app(
        app, spec_kwargs={"extra_plugins": [bodies.BodyLimitPlugin(int(app.config["MAX_CONTENT_LENGTH"]))]}
    )
    bodies.init_app(app)
    limits.init_app(app)
    headers.init_app(app)
    set_user_loader(app, lambda token: accounts.user_for_token(extensions.db.session, token))
    # Planning asks the drivers domain (above it) who drives a truck on a day, at dispatch.
    set_crew_source(assigned_driver)
    # A professional pickup collected: the custody chain's first link (channels, above planning).
    add_collection_listener(record_pickup)
    # Planning gives stops the service times the drivers' reports taught (drivers is above it).
    set_service_time_source(service_time_samples)

    api = extensions.api
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    for module in API_MODULES:
        for blp in module.BLUEPRINTS:
            api.register_blueprint(blp)
    register_error_handler(app)
    app.register_blueprint(web_bp)
    init_i18n(app)
    return app
