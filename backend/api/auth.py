"""Who is calling: bearer tokens checked on every request, roles checked per endpoint."""
from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_smorest import abort

from backend.extensions import db
from backend.models import User
from backend.security import read_token

BEARER = [{"bearerAuth": []}]


def current_user() -> User:
    return g.user


def _authenticate() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401, message="sign in: send 'Authorization: Bearer <token>'")
    claims = read_token(token.strip())
    if claims is None:
        abort(401, message="token invalid or expired")
    user = db.session.get(User, claims.user_id)
    if user is None or not user.active or user.token_generation != claims.generation:
        abort(401, message="token no longer valid")
    return user


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
