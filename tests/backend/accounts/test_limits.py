"""Rate limits on sign-in and sign-up: failed sign-ins per username from any address,
attempts per client address, sign-ups per client address; 429 with Retry-After."""

from __future__ import annotations

from tests.backend.conftest import PASSWORD

TOKEN = "/api/v1/auth/token"


def sign_in(client, username, password, address="192.0.2.1"):
    return client.post(TOKEN, json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def assert_too_many(resp, window_s=60):
    """A 429 in the API's error shape, saying when to retry: within the limit's window."""
    assert resp.status_code == 429, resp.get_json()
    body = resp.get_json()
    assert body["code"] == 429 and body["status"] == "Too Many Requests" and body["message"]
    assert 1 <= int(resp.headers["Retry-After"]) <= window_s


def test_failed_sign_ins_for_a_username_are_refused_after_the_limit_from_any_address(world, limited_app):
    """Three failures for one username, each from another address: the fourth attempt is a
    429 with Retry-After, even with the right password, while other usernames still sign in."""
    client = limited_app(RATELIMIT_TOKEN_FAILURES="3 per minute", RATELIMIT_TOKEN="100 per minute").test_client()
    for n in range(3):
        assert sign_in(client, "admin", "not the password", address=f"198.51.100.{n}").status_code == 401
    assert_too_many(sign_in(client, "admin", "still not it", address="203.0.113.9"))
    assert_too_many(sign_in(client, "admin", PASSWORD, address="203.0.113.10"))
    assert sign_in(client, "dispatcher", "wrong", address="203.0.113.9").status_code == 401
    assert sign_in(client, "dispatcher", PASSWORD, address="203.0.113.9").status_code == 200


def test_successful_sign_ins_do_not_count_against_the_username(world, limited_app):
    """Only failures count per username: five good sign-ins under a limit of three failures all succeed."""
    client = limited_app(RATELIMIT_TOKEN_FAILURES="3 per minute", RATELIMIT_TOKEN="100 per minute").test_client()
    assert [sign_in(client, "resident", PASSWORD).status_code for _ in range(5)] == [200] * 5


def test_unknown_usernames_are_limited_like_known_ones(world, limited_app):
    """No way to tell a real username from the limit: an unknown one is refused after as many failures."""
    client = limited_app(RATELIMIT_TOKEN_FAILURES="2 per minute", RATELIMIT_TOKEN="100 per minute").test_client()
    answers = [sign_in(client, "nobody-here", "guess", address=f"198.51.100.{n}").status_code for n in range(3)]
    assert answers == [401, 401, 429]


def test_sign_in_attempts_per_client_address_are_limited(world, limited_app):
    """Three attempts from one address, whatever the usernames, then 429; another address still signs in."""
    client = limited_app(RATELIMIT_TOKEN="3 per minute", RATELIMIT_TOKEN_FAILURES="100 per minute").test_client()
    assert sign_in(client, "admin", PASSWORD).status_code == 200
    assert sign_in(client, "driver", "wrong").status_code == 401
    assert sign_in(client, "someone", "wrong").status_code == 401
    assert_too_many(sign_in(client, "resident", PASSWORD))
    assert sign_in(client, "resident", PASSWORD, address="192.0.2.77").status_code == 200


def test_sign_ups_per_client_address_are_limited(world, limited_app):
    """Two sign-ups from one address an hour, the third is a 429; another address may sign up."""
    client = limited_app(RATELIMIT_REGISTER="2 per hour").test_client()

    def register(username, address="192.0.2.5"):
        body = {"username": username, "password": "long enough pw"}
        return client.post("/api/v1/auth/register", json=body, environ_base={"REMOTE_ADDR": address})

    assert register("new.one").status_code == 201
    assert register("new.two").status_code == 201
    assert_too_many(register("new.three"), window_s=3600)
    assert register("new.three", address="192.0.2.6").status_code == 201


def test_the_spec_declares_429_with_retry_after_on_the_limited_routes(client):
    """Sign-in, sign-up and new bookings document 429 and its Retry-After header; reading bookings does not."""
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/auth/register", "/api/v1/bookings"):
        answer = paths[path]["post"]["responses"]["429"]
        assert "Retry-After" in answer["headers"], path
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "429" not in paths["/api/v1/bookings"]["get"]["responses"]
