"""Accounts: sign-up, expiring tokens, sessions ended by password change, isolation."""

from __future__ import annotations

import time

from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from backend.accounts.security import TOKEN_SALT
from backend.cli import cli as recyclenet


def test_resident_signs_up_and_signs_in(client, session):
    """A registered resident gets a token and sees their own account with role resident."""
    resp = client.post(
        "/api/v1/auth/register",
        json={"username": "li.wei", "password": "s3cret-enough", "lat": 30.3, "lon": 120.1, "address": "1 Road"},
    )
    assert resp.status_code == 201
    assert "password" not in resp.get_json() and "password_hash" not in resp.get_json()
    token = client.post("/api/v1/auth/token", json={"username": "li.wei", "password": "s3cret-enough"})
    assert token.status_code == 200
    body = token.get_json()
    assert body["role"] == "resident" and body["expires_in"] > 0
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.get_json()["username"] == "li.wei" and me.get_json()["address"] == "1 Road"


def test_passwords_are_stored_as_argon2_hashes(world, session):
    """No plain password in the database: an Argon2id hash."""
    from backend.accounts.models import User

    user = session.get(User, world.ids["user_resident"])
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


def test_wrong_password_and_unknown_user_are_both_401(world):
    """Same answer for a wrong password and an unknown user (no enumeration)."""
    a = world.client.post("/api/v1/auth/token", json={"username": "admin", "password": "wrong-one"})
    b = world.client.post("/api/v1/auth/token", json={"username": "nobody", "password": "wrong-one"})
    assert a.status_code == b.status_code == 401
    assert a.get_json()["message"] == b.get_json()["message"]


class _OldSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 100_000


def test_expired_token_is_401(world, app):
    """A token older than TOKEN_TTL_SECONDS is refused."""
    ser = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT, signer=_OldSigner)
    old = ser.dumps({"uid": world.ids["user_admin"], "gen": 1})
    resp = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
    assert resp.status_code == 401
    fresh = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT).dumps(
        {"uid": world.ids["user_admin"], "gen": 1}
    )
    assert world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_password_change_ends_existing_sessions(world):
    """After a password change the old token is 401 and the new password works."""
    c, old = world.client, world.headers("resident")
    assert c.patch("/api/v1/me", json={"password": "a brand new pw"}, headers=old).status_code == 200
    assert c.get("/api/v1/me", headers=old).status_code == 401
    resp = c.post("/api/v1/auth/token", json={"username": "resident", "password": "a brand new pw"})
    assert resp.status_code == 200


def test_deactivated_user_cannot_use_token_or_sign_in(world):
    """Deactivating a user ends their sessions and refuses new sign-ins."""
    c = world.client
    url = f"/api/v1/users/{world.ids['user_driver']}"
    etag = c.get(url, headers=world.headers("admin")).headers["ETag"]
    assert c.delete(url, headers=world.headers("admin", **{"If-Match": etag})).status_code == 204
    assert c.get("/api/v1/me", headers=world.headers("driver")).status_code == 401
    resp = c.post("/api/v1/auth/token", json={"username": "driver", "password": "correct horse battery"})
    assert resp.status_code == 401


def test_resident_cannot_read_or_change_another_resident(world):
    """A resident reaches only /me: other users' records are refused, and /me is their own."""
    c, h = world.client, world.headers("resident")
    other = world.ids["user_resident2"]
    assert c.get(f"/api/v1/users/{other}", headers=h).status_code == 403
    assert c.patch(f"/api/v1/users/{other}", json={"address": "x"}, headers=h).status_code == 403
    assert c.get("/api/v1/users", headers=h).status_code == 403
    me = c.get("/api/v1/me", headers=h).get_json()
    assert me["id"] == world.ids["user_resident"] and me["address"] == "Home 1"
    c.patch("/api/v1/me", json={"address": "Moved"}, headers=h)
    other_view = c.get("/api/v1/me", headers=world.headers("resident2")).get_json()
    assert other_view["address"] == "Home 2"


def test_cli_creates_first_admin_from_stdin(app, session):
    """`recyclenet users create --password-stdin` bootstraps an admin who can sign in."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        recyclenet,
        args=["users", "create", "--role", "admin", "--username", "root", "--password-stdin"],
        input="first admin pw\n",
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    resp = client.post("/api/v1/auth/token", json={"username": "root", "password": "first admin pw"})
    assert resp.status_code == 200 and resp.get_json()["role"] == "admin"
    again = runner.invoke(
        recyclenet,
        args=["users", "create", "--role", "admin", "--username", "root", "--password-stdin"],
        input="first admin pw\n",
    )
    assert again.exit_code != 0 and "already taken" in again.output
