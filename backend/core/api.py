"""What every domain's API shares: the Blueprint with recyclenet's page sizes, one page of
a query, and the mapping of service errors (and of a database that is away: 503) to HTTP
answers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import wraps
from http import HTTPStatus

import flask_smorest
from flask import current_app, jsonify, request
from flask_smorest import abort
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed

from backend.core.db import unavailable
from backend.core.errors import ServiceError
from backend.core.extensions import db
from backend.core.openapi import DATABASE_UNAVAILABLE, IF_MATCH_PATTERN

log = logging.getLogger("recyclenet.api")


def page(stmt, pagination, refine: Callable[[Sequence], list] | None = None):
    """One page of ``stmt``; sets the total so flask-smorest writes X-Pagination.

    ``refine`` filters and orders the whole result in Python when SQL cannot say it all
    (the exact radius of a near-point search after the bounding box); the page is cut after it.
    """
    session = db.session
    if refine is not None:
        items = refine(session.scalars(stmt).all())
        pagination.item_count = len(items)
        return items[pagination.first_item : pagination.last_item + 1]
    pagination.item_count = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if pagination.first_item >= pagination.item_count:
        # Past the last page: empty, without asking the database for an offset it may not
        # be able to represent (any page number is valid; there is just nothing on it).
        return []
    return session.scalars(stmt.offset(pagination.first_item).limit(pagination.page_size)).all()


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with recyclenet's page sizes (50 by default, up to 500:
    a city's sites fit one page of the dispatcher's map)."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # First: flask-smorest's own callback turns the collected responses into the doc.
        self._prepare_doc_cbks.insert(0, self._prepare_unavailable_doc)

    @staticmethod
    def _prepare_unavailable_doc(doc, doc_info, **kwargs):
        """Every operation may meet a database that is away: each declares the 503."""
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        responses.setdefault(503, []).append(DATABASE_UNAVAILABLE)
        return doc

    def _check_precondition(self) -> None:
        # Runs inside `etag`, after `roles`: an anonymous caller still gets 401 first.
        check_if_match_syntax()
        super()._check_precondition()

    def arguments(self, schema, *, location="json", **kwargs):
        """flask-smorest's ``arguments``; a JSON body the spec requires must be there.

        webargs reads an absent body as ``{}``, which a schema of optional fields (every
        PATCH) accepts: a request with no body at all would then go through as an empty
        update. It is a 422 instead, as the spec's ``requestBody.required`` says.
        """
        decorator = super().arguments(schema, location=location, **kwargs)
        if location != "json" or kwargs.get("required") is False:
            return decorator

        def wrap(func):
            parsed = decorator(func)

            @wraps(parsed)
            def wrapper(*args, **kw):
                if not request.get_data(cache=True):
                    abort(422, errors={"json": {"_schema": ["a JSON body is required"]}})
                return parsed(*args, **kw)

            return wrapper

        return wrap


IF_MATCH_SYNTAX = re.compile(IF_MATCH_PATTERN)


def check_if_match_syntax() -> None:
    """An If-Match that is not entity tags is no precondition (428), rather than a tag that
    matches nothing (412) or, garbled, a missing header."""
    value = request.headers.get("If-Match")
    if request.method in ("PUT", "PATCH", "DELETE") and value is not None and not IF_MATCH_SYNTAX.match(value):
        abort(428, message='If-Match must be * or quoted entity tags, e.g. "1a2b"')


def register_error_handler(app) -> None:
    """Service errors answer in flask-smorest's own body shape, field messages included."""

    @app.errorhandler(MethodNotAllowed)
    def _method_not_allowed(exc: MethodNotAllowed):
        # flask-smorest's JSON body for HTTP errors drops werkzeug's Allow header (RFC 9110).
        body = {"code": 405, "status": HTTPStatus(405).phrase}
        return jsonify(body), 405, {"Allow": ", ".join(sorted(exc.valid_methods or ()))}

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def _database_error(exc: sa_exc.SQLAlchemyError):
        if not unavailable(exc):
            raise exc  # a bug or a broken schema: Flask's 500, logged with its traceback
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        log.warning("database unavailable (%s %s): %s", request.method, request.path, reason)
        # The request's transaction is lost (the server rolls back what it had not
        # committed); the teardown discards the session and its connection.
        retry_after = max(1, int(current_app.config["DATABASE_RETRY_AFTER_S"]))
        body = {
            "code": 503,
            "status": HTTPStatus(503).phrase,
            "message": f"the database is unavailable; retry in {retry_after} s",
        }
        return jsonify(body), 503, {"Retry-After": str(retry_after)}

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        # Whatever the service had changed in the session is discarded: nothing half-written.
        db.session.rollback()
        body = {"code": exc.status, "status": HTTPStatus(exc.status).phrase, "message": exc.message}
        if exc.fields:
            body["errors"] = {"json": exc.fields}
        return jsonify(body), exc.status
