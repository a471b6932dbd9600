"""A slot read takes its center from the process's copy of the sites unchecked and reads the
sites' version with the windows, in one statement: the answer is still the one the table
gives now, whatever changed in this session or another process (both databases)."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session

from backend.bookings.services import SlotPolicy, list_slots
from backend.network.models import Site
from backend.network.services import sites
from tests.backend.bookings.conftest import DAY, book

HOME = (30.31, 120.15)  # the resident's address, served by center A through Point 1


def _read(app, session, lat_lon=HOME) -> list[dict]:
    return list_slots(session, SlotPolicy.from_config(app.config), DAY, *lat_lon)


def _centers(slots) -> set[int]:
    return {s["center_id"] for s in slots}


def test_an_unchanged_read_is_one_statement_with_the_room_left(world, app, session):
    assert _centers(_read(app, session)) == {world.ids["center_a"]}
    assert book(world).status_code == 201
    statements = []
    engine = session.get_bind(Site)
    listener = lambda *args, **kw: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        slots = _read(app, session)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "count(" in statements[0].lower()
    assert [s["remaining"] for s in slots] == [s["capacity"] - 1 for s in slots[:1]] + [
        s["capacity"] for s in slots[1:]
    ]


def test_sites_changed_by_another_process_or_this_session_are_seen(world, app, session, db_url):
    """After reads from the copy: another connection's point moved out of reach switches the
    address to the nearest center; this session's new point switches it back."""
    a, b = world.ids["center_a"], world.ids["center_b"]
    assert _centers(_read(app, session)) == {a}
    session.commit()
    other_engine = create_engine(db_url)
    try:
        with Session(other_engine) as other:
            sites.update_site(other, other.get(Site, world.ids["point"]), {"sorting_center_id": b}, None)
        assert _centers(_read(app, session)) == {b}
        session.commit()
        with Session(other_engine) as other:
            sites.deactivate_site(other, other.get(Site, world.ids["point"]), None)
        assert _centers(_read(app, session)) == {a}  # no point in reach: the nearest center
    finally:
        other_engine.dispose()
    data = {"tier": "collection_point", "name": "Near", "lat": 30.311, "lon": 120.151, "sorting_center_id": b}
    sites.create_site(session, data, None)
    assert _centers(_read(app, session)) == {b}


def _booking_statements(world, session, hour: int) -> list[str]:
    statements = []
    engine = session.get_bind(Site)
    listener = lambda *args, **kw: statements.append(" ".join(args[2].split()).lower())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert book(world, hour=hour).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return statements


def test_a_booking_checks_the_copies_in_the_update_that_takes_the_place(world, session):
    """With the copies current and the window in use, a booking reads no version of its own:
    the UPDATE taking the place checks both tables' versions."""
    assert book(world, hour=8).status_code == 201  # makes the copies and the window's row
    statements = _booking_statements(world, session, 8)
    assert not [s for s in statements if s.startswith("select") and "count(" in s]
    [take] = [s for s in statements if s.startswith("update slot_usage")]
    assert "from sites" in take and "from material_categories" in take


def test_a_booking_after_sites_changed_elsewhere_goes_to_the_new_center(world, app, session, db_url):
    """A point re-assigned by another process after the copies were used: the next booking
    is the new center's (and takes a place there), not the copy's."""
    a, b = world.ids["center_a"], world.ids["center_b"]
    assert book(world, hour=8).get_json()["center_id"] == a
    assert book(world, hour=8).get_json()["center_id"] == a  # from the copies
    session.commit()
    other_engine = create_engine(db_url)
    try:
        with Session(other_engine) as other:
            sites.update_site(other, other.get(Site, world.ids["point"]), {"sorting_center_id": b}, None)
    finally:
        other_engine.dispose()
    assert book(world, hour=8).get_json()["center_id"] == b
    first = _read(app, session)[0]  # the 08:00 window at the address's center, now B
    assert first["center_id"] == b and first["capacity"] - first["remaining"] == 1
