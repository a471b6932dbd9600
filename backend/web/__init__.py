"""The console (pages for dispatchers, operators, residents, organisations, buyers and market staff, and the
public figures page that needs no sign-in), Swagger UI's assets and
the twin report. Pages are shells: their data comes from the API with the signed-in
user's token, so they enforce exactly the API's permissions."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

from backend.web.i18n import current_language, js_catalog, language_names

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")
PAGES = ("login", "dispatcher", "operator", "resident", "driver", "agent", "buyer", "market", "public", "organisation")
# The twin's report is a static page with a <style> of its own and no script at all.
TWIN_REPORT_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@bp.get("/")
def index():
    return redirect("/console/login")


@bp.get("/console/<page>")
def console(page: str):
    if page not in PAGES:
        return redirect("/console/login")
    lang = current_language()
    resp = make_response(
        render_template(
            f"{page}.html",
            lang=lang,
            languages=language_names(),
            catalog=js_catalog(),
            tile_url=current_app.config.get("MAP_TILE_URL", ""),
            timezone=current_app.config.get("TIMEZONE", "UTC"),
        )
    )
    resp.set_cookie("lang", lang, samesite="Lax")
    return resp


@bp.get("/console/driver-sw.js")
def driver_service_worker():
    """The driver page's service worker, served from /console/ so that it may control the page
    (a worker controls only paths under its own). Its policy is its own: the API's
    ``default-src 'none'`` would forbid the worker's fetches."""
    resp = send_from_directory(bp.static_folder, "driver-sw.js", mimetype="text/javascript", max_age=0)
    resp.headers["Content-Security-Policy"] = "default-src 'self'"
    return resp


@bp.get("/twin/")
@bp.get("/twin/<path:filename>")
def twin_report(filename: str = "report.html"):
    """The digital twin's report from `make demo` (instance/twin-report)."""

    folder = Path(current_app.instance_path) / "twin-report"
    if not (folder / filename).is_file():
        abort(404, "no twin report yet: run `recyclenet twin --report instance/twin-report`")
    resp = send_from_directory(folder, filename)
    resp.headers["Content-Security-Policy"] = TWIN_REPORT_POLICY
    return resp


@bp.get("/api/docs")
def api_docs():
    """Swagger UI, started by a script file rather than flask-smorest's inline one, so that
    the page runs under the same script policy as the console."""
    return render_template(
        "api_docs.html", title=current_app.config["API_TITLE"], spec_url=url_for("api-docs.openapi_json")
    )


@bp.get("/api/docs/static/<path:filename>")
def swagger_assets(filename: str):

    return send_from_directory(swagger_ui_path, filename)
