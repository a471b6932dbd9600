"""Who is calling: bearer tokens checked on every request, roles checked per endpoint.

The roles are the platform's vocabulary, so they live here, below every domain. Turning a
token into a user is the accounts domain's business: it registers a loader at start-up
(``set_user_loader``), the way Flask-Login's ``user_loader`` works, so that every domain's
API can require a role without importing the accounts domain (which itself needs the
registry's sites: a user may be bound to a sorting center).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import current_app, g, request
from flask_smorest import abort

from backend.core.errors import Unauthorized

# agent: the call center's staff, who book for residents who phone in (backend/channels).
# A buyer is a recycling enterprise (利用企业) that buys sorted material at the markets.
ROLES = ("resident", "driver", "dispatcher", "operator", "admin", "agent", "buyer")
# Not the agent: an agent sees residents and their bookings, not the fleet or the bins.
STAFF_ROLES = ("driver", "dispatcher", "operator", "admin")

BEARER = [{"bearerAuth": []}]
_LOADER_KEY = "recyclenet.user_loader"


class Principal(Protocol):
    """What the API needs of a signed-in user."""

    id: int
    role: str
    sorting_center_id: int | None


def set_user_loader(app, loader: Callable[[str], Any]) -> None:
    """``loader(token)`` returns the active user the token belongs to, or raises
    ``Unauthorized`` saying why not (401)."""
    app.extensions[_LOADER_KEY] = loader


def current_user() -> Any:
    return g.user


def _authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401, message="sign in: send 'Authorization: Bearer <token>'")
    try:
        return current_app.extensions[_LOADER_KEY](token.strip())
    except Unauthorized as exc:
        abort(401, message=exc.message)


def roles(blp, *allowed: str):
    """Require a signed-in user with one of ``allowed`` roles (any role if none given).

    Documents the bearer requirement and the 401/403 answers in the OpenAPI spec.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            user = _authenticate()
            if allowed and user.role not in allowed:
                abort(403, message=f"this needs the role {' or '.join(allowed)}")
            g.user = user
            return func(*args, **kwargs)

        doc = blp.doc(security=BEARER)(wrapper)
        doc = blp.alt_response(401, description="Not signed in or token expired")(doc)
        if allowed:
            doc = blp.alt_response(403, description=f"Role must be {', '.join(allowed)}")(doc)
        return doc

    return decorator
