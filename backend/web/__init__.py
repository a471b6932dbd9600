"""Pages. For now: the landing page and Swagger UI's assets, served locally (no CDN)."""
from __future__ import annotations

from flask import Blueprint, redirect, send_from_directory

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    return redirect("/api/docs")


@bp.get("/api/docs/static/<path:filename>")
def swagger_assets(filename: str):
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename)
