"""Rate limits (flask-limiter): sign-in and sign-up per client address, failed sign-ins per
username, bookings per resident.

Every limit is a setting (``RATELIMIT_*`` in config/default.toml, ``RECYCLENET_RATELIMIT_*``
in the environment), so a city tunes them without code; ``RATELIMIT_ENABLED = false`` turns
them all off (the test suite does, except the tests of the limits). Counts live in the
process's memory unless ``RATELIMIT_STORAGE_URI`` names a Redis (``redis://host:6379/0``),
which every worker and host then shares; should that Redis go away, each process goes on
limiting in its own memory until it is back, rather than failing sign-in with 500s.

A refused request answers 429 in the API's error shape, with ``Retry-After``: the seconds
until one more request would be accepted.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from backend.core.auth import current_user

RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds until one more request is accepted",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def client_address() -> str:
    """The caller's address: the socket's peer, or what the trusted proxies say
    (TRUSTED_PROXIES, applied by create_app with werkzeug's ProxyFix)."""
    return request.remote_addr or "unknown"


def signed_in_user() -> str:
    """The signed-in user (the limit must sit below ``roles``, which signs the caller in)."""
    return f"user:{current_user().id}"


def submitted_username() -> str:
    """The username a sign-in names, hashed: the key stays short whatever is sent, and no
    username is written in clear to a shared store."""
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    digest = hashlib.sha256(name.encode()).hexdigest()[:32] if isinstance(name, str) else "-"
    return f"username:{digest}"


def failed_sign_in(response: Response) -> bool:
    return response.status_code == 401


# One limiter per process, bound to the app by create_app like ``db`` and ``api``.
limiter = Limiter(
    key_func=client_address,
    # "10 per 15 minutes" means in any 15 minutes, not per clock-aligned window (a fixed
    # window would let twice the limit through around a window's edge).
    strategy="moving-window",
    key_prefix="recyclenet",
    # Retry-After is written on 429s only (below), not on every answer of a limited route.
    headers_enabled=False,
    # A Redis that goes away: go on counting in memory (and back to Redis when it returns);
    # an error past that lets the request through rather than failing it.
    in_memory_fallback_enabled=True,
    swallow_errors=True,
)

# The settings the routes' limits read, checked when an app is created.
_settings_in_use: set[str] = set()


@dataclass(frozen=True)
class Rate:
    """At most the rate in the setting ``setting`` (e.g. "10 per minute") per key ``by()``;
    with ``counting``, only the answers it accepts count (failed sign-ins), and a caller
    over the limit is refused before the view runs. ``what`` says it in the spec."""

    setting: str
    by: Callable[[], str]
    what: str
    counting: Callable[[Response], bool] | None = None


def rate_limit(blp, *rates: Rate):
    """Limit the decorated view to every one of ``rates``; documents the 429 and its
    Retry-After header in the OpenAPI spec."""
    description = "Too many requests: more than " + ", or ".join(f"{r.setting} {r.what}" for r in rates)

    def decorator(func):
        limited = func
        for rate in rates:
            _settings_in_use.add(rate.setting)
            limited = limiter.limit(partial(_configured, rate.setting), key_func=rate.by, deduct_when=rate.counting)(
                limited
            )
        return blp.alt_response(
            429,
            schema="Error",
            description=f"{description}; retry after Retry-After seconds",
            headers=RETRY_AFTER_HEADER,
        )(limited)

    return decorator


def _configured(setting: str) -> str:
    return current_app.config[setting]


def init_app(app: Flask) -> None:
    """Check the configured limits, bind the limiter, answer 429s in the API's shape."""
    config = app.config
    for setting in sorted(_settings_in_use):
        try:
            parse_many(str(config[setting]))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{setting}: a rate such as '10 per minute' is needed ({exc})") from exc
    # Say "memory" outright: flask-limiter warns on every start when no storage is named.
    config["RATELIMIT_STORAGE_URI"] = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    # The limiter serves the process's latest app (tests build many): a storage found dead
    # under an earlier app says nothing of this one's.
    limiter._storage_dead = False
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def _retry_after_seconds() -> int:
    breached = limiter.current_limit
    if breached is None:
        return 1
    return max(1, math.ceil(breached.window.reset_time - time.time()))


def _too_many_requests(exc: RateLimitExceeded):
    retry_after = _retry_after_seconds()
    body = {
        "code": 429,
        "status": "Too Many Requests",
        "message": f"too many requests (at most {exc.description}): retry in {retry_after} s",
    }
    response = jsonify(body)
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response
