"""Versions of the registry's small tables, which this process keeps copies of (the sites'
places): a copy is used only while the table's version has not moved.

A version is one row of aggregates, read in the caller's transaction (so it sees what the
caller itself just changed): a row added or removed changes the count or the highest id, an
ORM update bumps ``version`` (the mapper's version counter) and any update, the ORM's or a
bulk one, sets ``updated_at``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.network.models import Site


def _aggregates(model):
    return select(func.count(), func.max(model.id), func.sum(model.version), func.max(model.updated_at))


def sites_version(session: Session) -> tuple:
    return tuple(session.execute(_aggregates(Site)).one())
