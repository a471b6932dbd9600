"""Pages. For now: the landing page and Swagger UI's assets, served locally (no CDN)."""
from __future__ import annotations

from flask import Blueprint, redirect, send_from_directory

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    return redirect("/api/docs")


@bp.get("/twin/")
@bp.get("/twin/<path:filename>")
def twin_report(filename: str = "report.html"):
    """The digital twin's report from `make demo` (instance/twin-report)."""
    from pathlib import Path

    from flask import abort, current_app

    folder = Path(current_app.instance_path) / "twin-report"
    if not (folder / filename).is_file():
        abort(404, "no twin report yet: run `recyclenet twin --report instance/twin-report`")
    return send_from_directory(folder, filename)


@bp.get("/api/docs/static/<path:filename>")
def swagger_assets(filename: str):
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename)
