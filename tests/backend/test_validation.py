"""Bad input on every write endpoint: 422 (or 409 for a taken name) with field messages,
and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.core.extensions import db
from backend.core.models import Base


def row_counts() -> dict[str, int]:
    session = db.session()
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


# method, path, body, field that must be named in the error, status
BAD = [
    ("POST", "/api/v1/sites", {"tier": "moon_base", "name": "X", "lat": 1, "lon": 1}, "tier", 422),
    ("POST", "/api/v1/sites", {"tier": "sorting_center", "name": "X", "lat": 91, "lon": 1}, "lat", 422),
    ("POST", "/api/v1/sites", {"tier": "sorting_center", "name": "X", "lat": 30, "lon": -181}, "lon", 422),
    (
        "POST",
        "/api/v1/sites",
        {"tier": "collection_point", "name": "X", "lat": 30, "lon": 120},
        "sorting_center_id",
        422,
    ),
    (
        "POST",
        "/api/v1/sites",
        {"tier": "collection_point", "name": "X", "lat": 30, "lon": 120, "sorting_center_id": "{market}"},
        "sorting_center_id",
        422,
    ),
    (
        "POST",
        "/api/v1/sites",
        {"tier": "sorting_center", "name": "X", "lat": 30, "lon": 120, "market_ids": ["{center_b}"]},
        "market_ids",
        422,
    ),
    (
        "POST",
        "/api/v1/sites",
        {"tier": "sorting_center", "name": "X", "lat": 30, "lon": 120, "category_ids": [99999]},
        "category_ids",
        422,
    ),
    (
        "POST",
        "/api/v1/sites",
        {"tier": "sorting_center", "name": "X", "lat": 30, "lon": 120, "colour": "red"},
        "colour",
        422,
    ),
    (
        "POST",
        "/api/v1/bins",
        {"site_id": "{center_a}", "category_id": "{paper}", "capacity_l": 240, "device_id": "NEW-1"},
        "site_id",
        422,
    ),
    (
        "POST",
        "/api/v1/bins",
        {"site_id": "{point}", "category_id": "{paper}", "capacity_l": -5, "device_id": "NEW-1"},
        "capacity_l",
        422,
    ),
    (
        "POST",
        "/api/v1/bins",
        {
            "site_id": "{point}",
            "category_id": "{paper}",
            "capacity_l": 240,
            "device_id": "NEW-1",
            "empty_distance_mm": 100,
            "full_distance_mm": 500,
        },
        "full_distance_mm",
        422,
    ),
    (
        "POST",
        "/api/v1/bins",
        {"site_id": "{point}", "category_id": "{paper}", "capacity_l": 240, "device_id": "T-BIN-1"},
        "device_id",
        409,
    ),
    (
        "POST",
        "/api/v1/vehicles",
        {
            "plate": "Z1",
            "home_center_id": "{center_a}",
            "capacity_kg": 1000,
            "capacity_m3": 5,
            "shift_start": "07:00",
            "shift_end": "06:00",
        },
        "shift_end",
        422,
    ),
    (
        "POST",
        "/api/v1/vehicles",
        {
            "plate": "Z1",
            "home_center_id": "{center_a}",
            "capacity_kg": 1000,
            "capacity_m3": 5,
            "shift_start": "07:00",
            "shift_end": "16:00",
            "category_ids": ["{hazardous}"],
        },
        "category_ids",
        422,
    ),
    (
        "POST",
        "/api/v1/vehicles",
        {
            "plate": "Z1",
            "home_center_id": "{point}",
            "capacity_kg": 1000,
            "capacity_m3": 5,
            "shift_start": "07:00",
            "shift_end": "16:00",
        },
        "home_center_id",
        422,
    ),
    (
        "POST",
        "/api/v1/vehicles",
        {
            "plate": "ZJ-A-1",
            "home_center_id": "{center_a}",
            "capacity_kg": 1000,
            "capacity_m3": 5,
            "shift_start": "07:00",
            "shift_end": "16:00",
        },
        "plate",
        409,
    ),
    (
        "POST",
        "/api/v1/categories",
        {"code": "Bad Code!", "name_zh": "x", "name_en": "x", "density_kg_m3": 1},
        "code",
        422,
    ),
    (
        "POST",
        "/api/v1/categories",
        {"code": "ok.code", "name_zh": "x", "name_en": "x", "density_kg_m3": 0},
        "density_kg_m3",
        422,
    ),
    ("POST", "/api/v1/categories", {"code": "paper", "name_zh": "x", "name_en": "x", "density_kg_m3": 5}, "code", 409),
    (
        "POST",
        "/api/v1/users",
        {"username": "op2", "password": "long enough", "role": "operator"},
        "sorting_center_id",
        422,
    ),
    ("POST", "/api/v1/users", {"username": "x", "password": "long enough", "role": "driver"}, "username", 422),
    ("POST", "/api/v1/users", {"username": "newbie", "password": "short", "role": "driver"}, "password", 422),
    ("POST", "/api/v1/users", {"username": "driver", "password": "long enough", "role": "driver"}, "username", 409),
    ("POST", "/api/v1/auth/register", {"username": "resident", "password": "long enough"}, "username", 409),
    ("POST", "/api/v1/auth/register", {"username": "newres", "password": "long enough", "lat": 200}, "lat", 422),
    ("POST", "/api/v1/auth/register", {"username": "newres", "password": "long enough", "role": "admin"}, "role", 422),
    ("PATCH", "/api/v1/sites/{point}", {"sorting_center_id": "{market}"}, "sorting_center_id", 422),
    ("PATCH", "/api/v1/sites/{point}", {"lat": "north"}, "lat", 422),
    ("PATCH", "/api/v1/sites/{center_a}", {"tier": "distribution_market"}, "tier", 422),
    ("PATCH", "/api/v1/bins/{bin}", {"fill_threshold_pct": 150}, "fill_threshold_pct", 422),
    ("PATCH", "/api/v1/bins/{bin}", {"full_distance_mm": 5000}, "full_distance_mm", 422),
    ("PATCH", "/api/v1/vehicles/{vehicle}", {"category_ids": ["{hazardous}"]}, "category_ids", 422),
    ("PATCH", "/api/v1/categories/{paper}", {"parent_id": "{paper}"}, "parent_id", 422),
    ("PATCH", "/api/v1/users/{user_operator}", {"sorting_center_id": "{point}"}, "sorting_center_id", 422),
    ("PATCH", "/api/v1/me", {"password": "short"}, "password", 422),
    ("PATCH", "/api/v1/me", {"role": "admin"}, "role", 422),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("method,path,body,field,status", BAD, ids=[f"{m} {p} {f} {s}" for m, p, _, f, s in BAD])
def test_bad_input_is_rejected_with_field_message_and_writes_nothing(world, app, method, path, body, field, status):
    """The answer names the offending field, and no table changes."""
    url = path.format(**world.ids)
    who = "resident" if "/me" in url else ("admin" if "/auth/" not in url else None)
    headers = world.headers(who)
    original = None
    if method == "PATCH":
        original = world.client.get(url, headers=world.headers(who))
        if "ETag" in original.headers:
            headers["If-Match"] = original.headers["ETag"]
    payload = {k: _fill(v, world.ids) for k, v in body.items()}
    with app.app_context():
        before = row_counts()
    resp = world.client.open(url, method=method, json=payload, headers=headers)
    assert resp.status_code == status, resp.get_json()
    errors = resp.get_json()["errors"]["json"]
    assert field in errors and errors[field], errors
    with app.app_context():
        assert row_counts() == before
    if original is not None:
        # Nothing half-written either: the resource reads exactly as before.
        assert world.client.get(url, headers=world.headers(who)).get_json() == original.get_json()


def test_malformed_json_body_is_an_error_not_a_crash(world):
    """A body that is not JSON gets a 4xx answer."""
    resp = world.client.post(
        "/api/v1/sites", data="{not json", content_type="application/json", headers=world.headers("admin")
    )
    assert 400 <= resp.status_code < 500
