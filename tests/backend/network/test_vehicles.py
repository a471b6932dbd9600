"""A vehicle's default driver: set and cleared by admins through the registry API, and only
ever an active user with the role driver."""

from __future__ import annotations

import itertools

import pytest

from backend.accounts import services as accounts

_plates = itertools.count(1)


def vehicle_body(w) -> dict:
    return {
        "plate": f"V-{next(_plates)}",
        "home_center_id": w.ids["center_a"],
        "capacity_kg": 3000,
        "capacity_m3": 12,
        "shift_start": "07:00:00",
        "shift_end": "16:00:00",
    }


def _patch(w, body):
    url = f"/api/v1/vehicles/{w.ids['vehicle']}"
    etag = w.client.get(url, headers=w.headers("admin")).headers["ETag"]
    return w.client.patch(url, json=body, headers=w.headers("admin", **{"If-Match": etag}))


def test_an_admin_sets_and_clears_a_vehicles_default_driver(world):
    """PATCH sets the default driver, the vehicle reads it back, and null clears it."""
    resp = _patch(world, {"default_driver_id": world.ids["user_driver"]})
    assert resp.status_code == 200 and resp.get_json()["default_driver_id"] == world.ids["user_driver"]
    url = f"/api/v1/vehicles/{world.ids['vehicle']}"
    assert (
        world.client.get(url, headers=world.headers("dispatcher")).get_json()["default_driver_id"]
        == (world.ids["user_driver"])
    )
    assert _patch(world, {"cost_per_km": 4.0}).get_json()["default_driver_id"] == world.ids["user_driver"]
    assert _patch(world, {"default_driver_id": None}).get_json()["default_driver_id"] is None


def test_a_new_vehicle_may_come_with_its_default_driver(world):
    """POST takes the default driver; without one the vehicle has none."""
    c, h = world.client, world.headers("admin")
    with_driver = c.post(
        "/api/v1/vehicles", json={**vehicle_body(world), "default_driver_id": world.ids["user_driver2"]}, headers=h
    )
    assert with_driver.status_code == 201 and with_driver.get_json()["default_driver_id"] == world.ids["user_driver2"]
    without = c.post("/api/v1/vehicles", json=vehicle_body(world), headers=h)
    assert without.status_code == 201 and without.get_json()["default_driver_id"] is None


@pytest.mark.parametrize(
    "who,message",
    [
        ("user_dispatcher", "is not an active driver"),
        ("user_resident", "is not an active driver"),
        ("unknown", "no user with id"),
        ("beyond", "less than or equal to"),
        ("zero", "greater than or equal to"),
    ],
)
def test_a_default_driver_must_be_an_active_driver(world, who, message):
    """Anyone but an existing user with the role driver is a 422 naming default_driver_id, on POST and PATCH."""
    fixed = {"unknown": 999_999, "beyond": 2**31, "zero": 0}
    user_id = fixed[who] if who in fixed else world.ids[who]
    for resp in (
        _patch(world, {"default_driver_id": user_id}),
        world.client.post(
            "/api/v1/vehicles",
            json={**vehicle_body(world), "default_driver_id": user_id},
            headers=world.headers("admin"),
        ),
    ):
        assert resp.status_code == 422, resp.get_json()
        assert message in str(resp.get_json()["errors"]["json"]["default_driver_id"])


def test_a_deactivated_driver_cannot_become_a_default_driver(world, session):
    """A driver whose account is deactivated is a 422 naming default_driver_id."""
    accounts.deactivate_user(session, accounts.get_user(session, world.ids["user_driver2"]), None)
    resp = _patch(world, {"default_driver_id": world.ids["user_driver2"]})
    assert resp.status_code == 422
    assert "not an active driver" in str(resp.get_json()["errors"]["json"]["default_driver_id"])


def test_the_spec_states_the_default_drivers_bounds(client):
    """The published schema says default_driver_id is a nullable id between 1 and 2^31-1."""
    spec = client.get("/api/openapi.json").get_json()
    field = spec["components"]["schemas"]["Vehicle"]["properties"]["default_driver_id"]
    assert (field["minimum"], field["maximum"], field["nullable"]) == (1, 2**31 - 1, True)
