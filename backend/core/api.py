"""What every domain's API shares: the Blueprint with recyclenet's page sizes, one page of
a query, and the mapping of service errors to HTTP answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus

import flask_smorest
from flask import jsonify
from sqlalchemy import func, select

from backend.core.errors import ServiceError
from backend.core.extensions import db


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
    return session.scalars(stmt.offset(pagination.first_item).limit(pagination.page_size)).all()


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with recyclenet's page sizes (50 by default, up to 500:
    a city's sites fit one page of the dispatcher's map)."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}


def register_error_handler(app) -> None:
    """Service errors answer in flask-smorest's own body shape, field messages included."""

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        # Whatever the service had changed in the session is discarded: nothing half-written.
        db.session.rollback()
        body = {"code": exc.status, "status": HTTPStatus(exc.status).phrase, "message": exc.message}
        if exc.fields:
            body["errors"] = {"json": exc.fields}
        return jsonify(body), exc.status
