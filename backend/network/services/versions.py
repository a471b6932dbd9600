"""Versions of the registry's small tables, which this process keeps copies of (the sites'
places, the categories): a copy is used only while the table's version has not moved.

A version is one row of aggregates, read in the caller's transaction (so it sees what the
caller itself just changed): a row added or removed changes the count or the highest id, an
ORM update bumps ``version`` (the mapper's version counter) and any update, the ORM's or a
bulk one, sets ``updated_at``.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, func, select, true
from sqlalchemy.orm import Session

from backend.network.models import MaterialCategory, Site


def _aggregates(model):
    return select(func.count(), func.max(model.id), func.sum(model.version), func.max(model.updated_at))


# Built once: building a statement (its clauses, then its cache key) cost as much client
# CPU as running it. A statement is immutable; every session and thread may run it.
SITES_VERSION = _aggregates(Site)
WIDTH = len(SITES_VERSION.selected_columns)  # the values in one table's version
_sites = SITES_VERSION.subquery()
_categories = _aggregates(MaterialCategory).subquery()
# Two one-row subqueries side by side: the join on TRUE says the product is meant.
NETWORK_VERSIONS = select(_sites, _categories).select_from(_sites.join(_categories, true()))


def sites_version(session: Session) -> tuple:
    return tuple(session.execute(SITES_VERSION).one())


def network_versions(session: Session) -> tuple[tuple, tuple]:
    """The sites' and the categories' versions in one round trip: a booking needs both, and
    a statement less per booking is CPU less on the server and in PostgreSQL."""
    row = tuple(session.execute(NETWORK_VERSIONS).one())
    return row[:WIDTH], row[WIDTH:]


def unchanged_since(model, version_param: str):
    """A condition true only while ``model``'s table is at the version given in the bound
    parameters ``{version_param}_0`` to ``_{WIDTH - 1}``: lets a statement the caller runs anyway act
    only if the copies it relied on are still current (one scan, no extra round trip)."""
    p = [bindparam(f"{version_param}_{i}") for i in range(WIDTH)]
    return (
        select(func.count())  # an aggregate in the list: SQLite wants one for HAVING
        .select_from(model)
        .having(
            and_(
                func.count() == p[0],
                func.max(model.id) == p[1],
                func.sum(model.version) == p[2],
                func.max(model.updated_at) == p[3],
            )
        )
        .exists()
    )


def version_params(version_param: str, version: tuple) -> dict:
    return {f"{version_param}_{i}": value for i, value in enumerate(version)}
