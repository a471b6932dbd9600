"""The console (pages for dispatchers, operators and residents), Swagger UI's assets and
the twin report. Pages are shells: their data comes from the API with the signed-in
user's token, so they enforce exactly the API's permissions."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from backend.web.i18n import current_language, table

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")
PAGES = ("login", "dispatcher", "operator", "resident")


@bp.get("/")
def index():
    return redirect("/console/login")


@bp.get("/console/<page>")
def console(page: str):
    if page not in PAGES:
        return redirect("/console/login")
    lang = current_language()
    t = table(lang)
    resp = make_response(
        render_template(
            f"{page}.html",
            t=t,
            lang=lang,
            i18n=json.dumps(t, ensure_ascii=False),
            tile_url=current_app.config.get("MAP_TILE_URL", ""),
        )
    )
    resp.set_cookie("lang", lang, samesite="Lax")
    return resp


@bp.get("/twin/")
@bp.get("/twin/<path:filename>")
def twin_report(filename: str = "report.html"):
    """The digital twin's report from `make demo` (instance/twin-report)."""

    folder = Path(current_app.instance_path) / "twin-report"
    if not (folder / filename).is_file():
        abort(404, "no twin report yet: run `recyclenet twin --report instance/twin-report`")
    return send_from_directory(folder, filename)


@bp.get("/api/docs/static/<path:filename>")
def swagger_assets(filename: str):

    return send_from_directory(swagger_ui_path, filename)
