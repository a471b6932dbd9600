"""Token hygiene: signing out and a role change end every session of that user."""

from __future__ import annotations

from tests.backend.conftest import PASSWORD


def sign_in(client, username):
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['access_token']}"}


def test_logout_revokes_every_token_of_the_caller_and_only_theirs(world):
    """After POST /auth/logout both of the resident's tokens are 401, other users' still work,
    and signing in again gives a working token."""
    c = world.client
    first, second = world.headers("resident"), sign_in(c, "resident")
    assert c.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert c.get("/api/v1/me", headers=first).status_code == 401
    assert c.get("/api/v1/me", headers=second).status_code == 401
    assert c.get("/api/v1/me", headers=world.headers("resident2")).status_code == 200
    assert c.get("/api/v1/me", headers=sign_in(c, "resident")).status_code == 200


def test_logout_needs_a_valid_token(world):
    """Signing out without a token, or with one already revoked, is a 401."""
    c, h = world.client, world.headers("driver")
    assert c.post("/api/v1/auth/logout").status_code == 401
    assert c.post("/api/v1/auth/logout", headers=h).status_code == 204
    assert c.post("/api/v1/auth/logout", headers=h).status_code == 401


def test_a_role_change_revokes_that_users_tokens(world):
    """An admin makes the driver a dispatcher: the driver's old token is 401, a new sign-in
    carries the new role, and the admin's own token is untouched."""
    c, admin = world.client, world.headers("admin")
    url = f"/api/v1/users/{world.ids['user_driver']}"
    etag = c.get(url, headers=admin).headers["ETag"]
    resp = c.patch(url, json={"role": "dispatcher"}, headers={**admin, "If-Match": etag})
    assert resp.status_code == 200 and resp.get_json()["role"] == "dispatcher"
    assert c.get("/api/v1/me", headers=world.headers("driver")).status_code == 401
    fresh = c.post("/api/v1/auth/token", json={"username": "driver", "password": PASSWORD}).get_json()
    assert fresh["role"] == "dispatcher"
    assert c.get("/api/v1/me", headers=admin).status_code == 200
