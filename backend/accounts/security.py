"""Password hashing (Argon2id) and expiring bearer tokens.

Tokens are signed with the app's SECRET_KEY (itsdangerous, which Flask already ships) and
carry the user's id and token generation: changing a password or deactivating a user bumps
the generation, so every token issued before stops working at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOKEN_SALT = "recyclenet.api-token"


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["PASSWORD_TIME_COST"], memory_cost=cfg["PASSWORD_MEMORY_COST_KIB"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes: dict[tuple[int, int], str] = {}


def dummy_verify(password: str) -> None:
    """Verify against a throwaway hash, so a login for an unknown user costs as much time
    as one with a wrong password (no user enumeration by timing)."""
    hasher = _hasher()
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("recyclenet-dummy")
    verify_password(_dummy_hashes[key], password)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    generation: int


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(user_id: int, generation: int) -> str:
    return _serializer().dumps({"uid": user_id, "gen": generation})


def read_token(token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["TOKEN_TTL_SECONDS"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return TokenClaims(user_id=data["uid"], generation=int(data.get("gen", 0)))
