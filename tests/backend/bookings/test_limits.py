"""New bookings are limited per resident; 429 with Retry-After."""

from __future__ import annotations

from tests.backend.bookings.conftest import window


def test_a_resident_is_refused_new_bookings_over_the_limit_and_others_are_not(world, limited_app):
    """Two bookings an hour: the third is a 429 with Retry-After and writes nothing; another
    resident still books."""
    client = limited_app(RATELIMIT_BOOKINGS="2 per hour").test_client()

    def book(who, hour):
        body = {"items": [{"category": "paper.cardboard", "quantity": 12}], "window_start": window(hour)}
        return client.post("/api/v1/bookings", json=body, headers=world.headers(who))

    assert book("resident", 8).status_code == 201
    assert book("resident", 10).status_code == 201
    refused = book("resident", 13)
    assert refused.status_code == 429 and refused.get_json()["code"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert book("resident2", 13).status_code == 201
    # The refused booking was never written; reading is not limited.
    mine = client.get("/api/v1/bookings", headers=world.headers("resident"))
    assert mine.status_code == 200 and len(mine.get_json()) == 2
