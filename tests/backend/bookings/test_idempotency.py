"""Retries with an Idempotency-Key: the booking is tried first (no look-up of the key), so a
retry books again and is rolled back at the key's unique index; nothing of it may remain."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.bookings.models import Booking, BookingEvent, BookingItem, SlotUsage
from tests.backend.bookings.conftest import book


def _counts(session) -> tuple:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Booking)),
        session.scalar(select(func.count()).select_from(BookingEvent)),
        session.scalar(select(func.count()).select_from(BookingItem)),
        session.scalar(select(func.sum(SlotUsage.booked))),
    )


def test_a_retry_leaves_nothing_of_its_own(world, session):
    """The retry's booking, its events and items and its place in the window are rolled back."""
    first = book(world, key="k-1")
    assert first.status_code == 201
    before = _counts(session)
    assert before == (1, 1, 1, 1)
    for _ in range(3):
        again = book(world, key="k-1")
        assert again.status_code == 201 and again.get_json() == first.get_json()
    assert _counts(session) == before


def test_a_retry_into_a_full_window_gets_the_first_answer(world, session, small_slots):
    """The window filled up since: the retry's booking is refused, and the answer is the first one."""
    first = book(world, key="k-2")
    assert book(world, who="resident2").status_code == 201  # the window is full now
    assert book(world, who="resident2").status_code == 409
    again = book(world, key="k-2")
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert _counts(session)[0] == 2


def test_another_body_with_a_used_key_is_422_whatever_the_booking_says(world, session):
    """Another request under a used key is the key's 422, whether its booking would have
    succeeded or been refused itself; it books nothing."""
    assert book(world, key="k-3").status_code == 201
    before = _counts(session)
    bookable = book(world, key="k-3", hour=10)
    unbookable = book(world, key="k-3", items=[{"category": "moon-rock", "quantity": 1}])
    for answer in (bookable, unbookable):
        assert answer.status_code == 422 and "Idempotency-Key" in answer.get_json()["errors"]["json"]
    assert _counts(session) == before
