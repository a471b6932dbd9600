"""The serving center from the process's cached copy of the sites (both databases): every
change to the sites, in this session or committed by another process, is seen at once."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, update
from sqlalchemy.orm import Session

from backend.core.errors import Invalid
from backend.network.models import Site
from backend.network.services import sites

RADIUS_KM = 5.0
HOME = (30.30, 120.30)  # nearer to center B than to center A


def _site(session, tier: str, lat: float, lon: float, center_id: int | None = None) -> int:
    data = {"tier": tier, "name": f"{tier} {lat},{lon}", "lat": lat, "lon": lon}
    if center_id is not None:
        data["sorting_center_id"] = center_id
    return sites.create_site(session, data, None).id


@pytest.fixture
def centers(session):
    return _site(session, "sorting_center", 30.00, 120.00), _site(session, "sorting_center", 30.45, 120.45)


def _serving(session) -> int:
    return sites.serving_center_id(session, *HOME, RADIUS_KM)


def test_no_center_is_a_422_on_lat(session):
    """With no sorting center at all the answer is the field error, as before the cache."""
    with pytest.raises(Invalid):
        _serving(session)


def test_a_new_collection_point_is_seen_at_once(session, centers):
    """A point added near the address switches it to the point's center, after a cached answer."""
    a, b = centers
    assert _serving(session) == b
    _site(session, "collection_point", 30.29, 120.29, a)
    assert _serving(session) == a
    assert sites.serving_center(session, *HOME, RADIUS_KM).id == a


def test_moved_and_deactivated_sites_are_seen_at_once(session, centers):
    """Moving a point out of reach, back, and deactivating it or a center change the answer."""
    a, b = centers
    point_id = _site(session, "collection_point", 30.29, 120.29, a)
    point = session.get(Site, point_id)
    assert _serving(session) == a
    sites.update_site(session, point, {"lat": 31.5}, None)  # out of reach: the nearest center
    assert _serving(session) == b
    sites.update_site(session, point, {"lat": 30.29}, None)
    assert _serving(session) == a
    sites.update_site(session, point, {"sorting_center_id": b}, None)  # re-assigned
    assert _serving(session) == b
    sites.deactivate_site(session, point, None)
    sites.deactivate_site(session, session.get(Site, b), None)
    assert _serving(session) == a


def test_a_change_committed_by_another_process_is_seen(session, centers, db_url):
    """Another connection's ORM update and its bulk UPDATE, committed, change the next answer."""
    a, b = centers
    point_id = _site(session, "collection_point", 30.29, 120.29, a)
    assert _serving(session) == a
    session.commit()
    other_engine = create_engine(db_url)
    try:
        with Session(other_engine) as other:
            sites.update_site(other, other.get(Site, point_id), {"sorting_center_id": b}, None)
        assert _serving(session) == b
        session.commit()
        with Session(other_engine) as other:
            other.execute(update(Site).where(Site.id == point_id).values(lat=31.5))
            other.commit()
        assert _serving(session) == b  # out of reach: B is the nearest center anyway
        with Session(other_engine) as other:
            other.execute(update(Site).where(Site.id == b).values(active=False))
            other.commit()
        assert _serving(session) == a
    finally:
        other_engine.dispose()


def test_unchanged_sites_are_answered_from_the_copy(session, centers):
    """With no change, a lookup reads only the version row, not the sites (what the cache is for)."""
    _serving(session)
    statements = []
    engine = session.get_bind(Site)
    listener = lambda *args, **kw: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert _serving(session) == centers[1]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "count(" in statements[0].lower()


def test_remembered_answers_are_per_place_and_radius(session, centers):
    """An answer remembered for one address and radius is not given for another."""
    a, b = centers
    _site(session, "collection_point", 30.29, 120.29, a)
    assert _serving(session) == a
    assert sites.serving_center_id(session, *HOME, 0.5) == b  # the point is out of a 0.5 km reach
    assert sites.serving_center_id(session, 30.01, 120.01, RADIUS_KM) == a
    assert _serving(session) == a
