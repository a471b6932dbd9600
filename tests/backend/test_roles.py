"""Role x endpoint matrix: every endpoint answers 401 without a token, 403 to the wrong role,
2xx to the right ones. Object-level cases (a right role on someone else's plan or route: 404)
are in tests/backend/planning/test_access.py, which needs a solved and dispatched day."""

from __future__ import annotations

import itertools

import pytest

ROLES = ("resident", "driver", "dispatcher", "operator", "admin")
STAFF = ("driver", "dispatcher", "operator", "admin")
EVERYONE = ROLES
_unique = itertools.count(1)


def site_body(w):
    return {
        "tier": "collection_point",
        "name": "New point",
        "lat": 30.3,
        "lon": 120.1,
        "sorting_center_id": w.ids["center_a"],
    }


def bin_body(w):
    return {
        "site_id": w.ids["point"],
        "category_id": w.ids["paper"],
        "capacity_l": 240,
        "device_id": f"M-{next(_unique)}",
    }


def vehicle_body(w):
    return {
        "plate": f"P-{next(_unique)}",
        "home_center_id": w.ids["center_a"],
        "capacity_kg": 3000,
        "capacity_m3": 12,
        "shift_start": "07:00:00",
        "shift_end": "16:00:00",
    }


def category_body(w):
    return {"code": f"test.c{next(_unique)}", "name_zh": "测试", "name_en": "Test", "density_kg_m3": 100}


def user_body(w):
    return {"username": f"u{next(_unique)}", "password": "long enough pw", "role": "driver"}


# method, path (formatted with the world's ids), body factory, roles allowed
MATRIX = [
    ("GET", "/api/v1/categories", None, EVERYONE),
    ("GET", "/api/v1/categories/{paper}", None, EVERYONE),
    ("POST", "/api/v1/categories", category_body, ("admin",)),
    ("PATCH", "/api/v1/categories/{paper}", lambda w: {"name_en": "Paper (mixed)"}, ("admin",)),
    ("GET", "/api/v1/sites", None, EVERYONE),
    ("GET", "/api/v1/sites/{point}", None, EVERYONE),
    ("POST", "/api/v1/sites", site_body, ("admin",)),
    ("PATCH", "/api/v1/sites/{point}", lambda w: {"name": "Renamed"}, ("admin",)),
    ("DELETE", "/api/v1/sites/{market}", None, ("admin",)),
    ("GET", "/api/v1/bins", None, STAFF),
    ("GET", "/api/v1/bins/{bin}", None, STAFF),
    ("POST", "/api/v1/bins", bin_body, ("admin",)),
    ("PATCH", "/api/v1/bins/{bin}", lambda w: {"fill_threshold_pct": 75}, ("admin",)),
    ("DELETE", "/api/v1/bins/{bin}", None, ("admin",)),
    ("GET", "/api/v1/vehicles", None, STAFF),
    ("GET", "/api/v1/vehicles/{vehicle}", None, STAFF),
    ("POST", "/api/v1/vehicles", vehicle_body, ("admin",)),
    ("PATCH", "/api/v1/vehicles/{vehicle}", lambda w: {"cost_per_km": 5.0}, ("admin",)),
    ("PATCH", "/api/v1/vehicles/{vehicle}", lambda w: {"default_driver_id": w.ids["user_driver"]}, ("admin",)),
    ("DELETE", "/api/v1/vehicles/{vehicle}", None, ("admin",)),
    ("GET", "/api/v1/users", None, ("admin",)),
    ("GET", "/api/v1/users/{user_driver}", None, ("admin",)),
    ("POST", "/api/v1/users", user_body, ("admin",)),
    ("PATCH", "/api/v1/users/{user_driver}", lambda w: {"display_name": "D"}, ("admin",)),
    # Plans carry residents' pickup locations: drivers read their own routes instead.
    ("GET", "/api/v1/plans", None, ("dispatcher", "operator", "admin")),
    ("GET", "/api/v1/routes", None, STAFF),
    ("GET", "/api/v1/me", None, EVERYONE),
    ("PATCH", "/api/v1/me", lambda w: {"phone": "123"}, EVERYONE),
    ("GET", "/api/v1/roads", None, STAFF),
    # Markets: buyers are approved by admins; listings are for staff (and buyers, not in this matrix).
    ("GET", "/api/v1/buyers", None, ("admin",)),
    ("GET", "/api/v1/listings", None, ("dispatcher", "operator", "admin")),
    ("GET", "/api/v1/me/bids", None, ()),
    ("GET", "/api/v1/prices/index", None, EVERYONE),
    ("GET", "/api/v1/prices/proposal", None, ("operator", "admin")),
]


def _call(w, method, path, body, who):
    headers = w.headers(who)
    if method in ("PATCH", "DELETE"):
        # A current ETag, so a refusal can only come from the role check.
        etag = w.client.get(path, headers=w.headers("admin")).headers.get("ETag")
        if etag:
            headers["If-Match"] = etag
    return w.client.open(path, method=method, json=body(w) if body else None, headers=headers)


@pytest.mark.parametrize("method,path,body,allowed", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_role_matrix(world, method, path, body, allowed):
    """Anonymous is 401, a role not allowed is 403, an allowed role gets 2xx."""
    url = path.format(**world.ids)
    assert _call(world, method, url, body, None).status_code == 401
    # Refusals first, so the allowed call (which may deactivate the object) comes last.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        resp = _call(world, method, url, body, role)
        if role in allowed:
            assert 200 <= resp.status_code < 300, (role, resp.status_code, resp.get_json())
        else:
            assert resp.status_code == 403, (role, resp.status_code, resp.get_json())


def test_garbage_and_forged_tokens_are_401(world):
    """A malformed token, a token signed with another key, or another scheme is 401."""
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-the-key", salt="recyclenet.api-token").dumps({"uid": 1, "gen": 1})
    for header in ("Bearer nonsense", f"Bearer {forged}", f"Basic {world.tokens['admin']}"):
        assert world.client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401
