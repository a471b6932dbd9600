"""Request bodies are bounded: Flask's MAX_CONTENT_LENGTH refuses a larger one with a 413,
answered in the API's JSON error shape, and the spec states the bound on every operation
that takes a body."""

from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin
from flask import Flask, jsonify
from werkzeug.exceptions import RequestEntityTooLarge


def _too_large(limit: int) -> str:
    return f"The request body is larger than {limit} bytes"


class BodyLimitPlugin(BasePlugin):
    """apispec plugin: a 413 on each operation with a request body."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {})["413"] = {"description": _too_large(self.limit)}


def init_app(app: Flask) -> None:
    limit = int(app.config["MAX_CONTENT_LENGTH"])

    @app.errorhandler(RequestEntityTooLarge)
    def _request_too_large(_exc: RequestEntityTooLarge):
        body = {"code": 413, "status": HTTPStatus(413).phrase, "message": _too_large(limit)}
        return jsonify(body), 413
