"""recyclenet backend: the domain (models, services), its API and its pages."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from backend.config import finalize, load_settings
from backend import extensions


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. ``config`` is a settings file name/path or a dict of overrides."""
    # static_folder=None: the console blueprint serves /static (the app has none of its own).
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    app.config.update(finalize(load_settings(config), app.instance_path))
    app.config.update(
        API_TITLE="recyclenet",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/static/",
        JSON_SORT_KEYS=False,
    )
    # `backend.api` is also a subpackage name: reach the extension through its module.
    extensions.db.init_app(app)
    extensions.api.init_app(app)

    from backend.api import register_api
    from backend.cli import register_cli
    from backend.web import bp as web_bp

    register_api(app, extensions.api)
    register_cli(app)
    app.register_blueprint(web_bp)
    return app
