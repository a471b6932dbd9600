"""The rate limiter itself: counts shared through a real Redis, sign-in still limited while
that Redis is down, the client address behind trusted proxies, settings checked at start."""

from __future__ import annotations

import pytest
import redis

from tests.support.servers import RedisServer

TOKEN = "/api/v1/auth/token"


def fail_sign_in(client, address="192.0.2.1", **extra):
    body = {"username": "admin", "password": "not the password"}
    return client.post(TOKEN, json=body, environ_base={"REMOTE_ADDR": address}, **extra)


def test_counts_live_in_redis_and_every_app_sharing_it_sees_them(world, limited_app, redis_server):
    """Failures counted by one app instance refuse the next attempt at a second instance on the
    same Redis; the counts are keys in Redis, and emptying it lifts the limit."""
    store = redis.Redis.from_url(redis_server.url)
    store.flushdb()  # the server outlives the test: start from no counts
    settings = {"RATELIMIT_STORAGE_URI": redis_server.url, "RATELIMIT_TOKEN_FAILURES": "2 per minute"}
    first = limited_app(**settings).test_client()
    assert [fail_sign_in(first).status_code for _ in range(2)] == [401, 401]
    second = limited_app(**settings).test_client()  # a second worker: its memory starts empty
    assert fail_sign_in(second).status_code == 429
    assert any(b"recyclenet" in key for key in store.keys("*"))
    store.flushdb()
    assert fail_sign_in(second).status_code == 401


def test_without_redis_each_app_counts_in_its_own_memory(world, limited_app):
    """The default storage is the process's memory: a new app instance starts counting afresh."""
    first = limited_app(RATELIMIT_TOKEN_FAILURES="2 per minute").test_client()
    assert [fail_sign_in(first).status_code for _ in range(3)] == [401, 401, 429]
    second = limited_app(RATELIMIT_TOKEN_FAILURES="2 per minute").test_client()
    assert fail_sign_in(second).status_code == 401


def test_sign_in_is_still_limited_and_never_fails_while_redis_is_down(world, limited_app):
    """Redis stopped under a running app: sign-ins get answers (no 500) and the limit holds,
    counted in the process's memory meanwhile."""
    own_redis = RedisServer().start()
    try:
        app = limited_app(RATELIMIT_STORAGE_URI=own_redis.url, RATELIMIT_TOKEN_FAILURES="2 per minute")
        client = app.test_client()
        assert fail_sign_in(client).status_code == 401
    finally:
        own_redis.stop()
    # The failure counted in Redis is lost with it: memory counts two more, then refuses.
    assert [fail_sign_in(client).status_code for _ in range(3)] == [401, 401, 429]


def test_x_forwarded_for_is_ignored_when_no_proxy_is_trusted(world, limited_app):
    """TRUSTED_PROXIES = 0: a client cannot escape its address's limit by sending X-Forwarded-For."""
    client = limited_app(RATELIMIT_TOKEN="2 per minute", TRUSTED_PROXIES=0).test_client()
    answers = [fail_sign_in(client, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
    assert answers == [401, 401, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_is_limited_on_its_own(world, limited_app):
    """TRUSTED_PROXIES = 1: requests all come from the proxy's address, and the limit applies to
    the client address the proxy forwards."""
    client = limited_app(RATELIMIT_TOKEN="2 per minute", TRUSTED_PROXIES=1).test_client()
    proxy = "10.0.0.2"

    def via_proxy(client_address):
        return fail_sign_in(client, address=proxy, headers={"X-Forwarded-For": client_address})

    assert [via_proxy("198.51.100.7").status_code for _ in range(3)] == [401, 401, 429]
    assert via_proxy("198.51.100.8").status_code == 401
    # A client's own spoofed entry in front of the proxy's is not trusted.
    spoofed = fail_sign_in(client, address=proxy, headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.7"})
    assert spoofed.status_code == 429


@pytest.mark.parametrize("setting", ["RATELIMIT_TOKEN", "RATELIMIT_TOKEN_FAILURES", "RATELIMIT_BOOKINGS"])
def test_a_malformed_limit_stops_the_app_at_start_naming_the_setting(db_url, setting):
    """A rate no one can parse is an error when the app is built, not a limit silently skipped."""
    from backend.app import create_app
    from tests.conftest import _test_settings

    with pytest.raises(ValueError, match=setting):
        create_app({"DATABASE_URL": db_url, **_test_settings(), setting: "a lot"})
