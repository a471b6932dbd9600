"""Helpers for views: pagination over a query, and near-point filtering."""
from __future__ import annotations

import flask_smorest
from sqlalchemy import func, select

from backend.extensions import db
from backend.services.network import within


def page(stmt, pagination, near=None):
    """One page of ``stmt``; sets the total so flask-smorest writes X-Pagination."""
    session = db.session
    if near is not None:
        # The bounding box was applied in SQL; the exact radius needs Python.
        items = within(session.scalars(stmt).all(), near)
        pagination.item_count = len(items)
        return items[pagination.first_item : pagination.last_item + 1]
    pagination.item_count = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return session.scalars(stmt.offset(pagination.first_item).limit(pagination.page_size)).all()


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with recyclenet's page sizes (50 by default, up to 500:
    a city's sites fit one page of the dispatcher's map)."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 50, "max_page_size": 500}
