"""Bookings look categories up in the process's copy of the table (both databases): every
change to the categories, in this session or committed by another process, is seen at once."""

from __future__ import annotations

from sqlalchemy import create_engine, event, update
from sqlalchemy.orm import Session

from backend.network.models import MaterialCategory
from backend.network.services import catalog
from backend.network.services.versions import network_versions
from tests.backend.bookings.conftest import book


def _lookup(session, *codes):
    return catalog.categories_by_code(session, codes, network_versions(session)[1])


def _reason(answer) -> str:
    return str(answer.get_json().get("errors"))


def test_a_category_deactivated_by_another_process_is_refused(world, session, db_url):
    """After bookings have used the copy, another connection's bulk UPDATE deactivating the
    category, then its ORM update re-activating it, change the next answer."""
    assert book(world).status_code == 201
    assert book(world).status_code == 201  # answered from the copy
    session.commit()
    other_engine = create_engine(db_url)
    try:
        with Session(other_engine) as other:
            cardboard = MaterialCategory.code == "paper.cardboard"
            other.execute(update(MaterialCategory).where(cardboard).values(active=False))
            other.commit()
        refused = book(world)
        assert refused.status_code == 422 and "unknown category" in _reason(refused)
        with Session(other_engine) as other:
            cat = catalog.by_code(other, "paper.cardboard")
            catalog.update_category(other, cat, {"active": True}, None)
        assert book(world).status_code == 201
    finally:
        other_engine.dispose()


def test_renamed_re_unit_and_new_categories_are_seen_at_once(world, session):
    """A rename, a change of unit and a new category, made through the service after the copy
    was made, are what the next lookup answers."""
    assert book(world).status_code == 201
    cat = catalog.by_code(session, "paper.cardboard")
    catalog.update_category(session, cat, {"code": "paper.boxes"}, None)
    old = book(world)
    assert old.status_code == 422 and "unknown category" in _reason(old)
    renamed = book(world, items=[{"category": "paper.boxes", "quantity": 12}])
    assert renamed.status_code == 201
    assert renamed.get_json()["items"][0]["category"] == "paper.boxes"
    catalog.update_category(session, cat, {"unit": "piece", "piece_kg": 2.5}, None)
    in_kg = book(world, items=[{"category": "paper.boxes", "quantity": 12, "unit": "kg"}])
    assert in_kg.status_code == 422 and "must be piece" in _reason(in_kg)
    pieces = book(world, items=[{"category": "paper.boxes", "quantity": 4}])
    assert pieces.status_code == 201 and pieces.get_json()["estimated_kg"] == 10.0
    data = {"code": "paper.new", "name_zh": "新", "name_en": "New", "unit": "kg", "density_kg_m3": 50}
    catalog.create_category(session, data, None)
    assert book(world, items=[{"category": "paper.new", "quantity": 1}]).status_code == 201


def test_unchanged_categories_are_answered_from_the_copy(session):
    """With no change, a lookup reads only the version row, and gives the session's objects."""
    _lookup(session, "paper.cardboard")
    session.commit()
    statements = []
    engine = session.get_bind(MaterialCategory)
    listener = lambda *args, **kw: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        found = _lookup(session, "paper.cardboard", "moon-rock")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "count(" in statements[0].lower()
    assert set(found) == {"paper.cardboard"}
    cat = found["paper.cardboard"]
    assert cat in session and cat.code == "paper.cardboard" and cat.unit == "kg"
    assert session.get(MaterialCategory, cat.id) is cat  # the one object the session holds for it
    assert _lookup(session, "paper.cardboard")["paper.cardboard"] is cat
    assert not session.dirty and not session.new
