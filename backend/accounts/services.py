"""Users: self-registration of residents, staff accounts, sign-in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.security import dummy_verify, hash_password, issue_token, read_token, verify_password
from backend.audit_log.services import record, snapshot
from backend.core.common import apply, commit, ensure_unique, flush, get_or_404, resolve
from backend.core.errors import Conflict, Invalid, Unauthorized
from backend.network.models import Site

PROFILE_FIELDS = ("display_name", "phone", "email", "address", "district", "lat", "lon")
MIN_PASSWORD_LENGTH = 8


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"at least {MIN_PASSWORD_LENGTH} characters")


def _check_role_links(session: Session, user: User, data: dict) -> None:
    center_id = data.get("sorting_center_id", user.sorting_center_id)
    if user.role == "operator":
        if center_id is None:
            raise Invalid.field("sorting_center_id", "an operator is bound to one sorting center")
        center = resolve(session, Site, center_id, "sorting_center_id")
        # An operator bound to a distribution market is that market's staff (backend.markets).
        if center.tier not in ("sorting_center", "distribution_market"):
            raise Invalid.field("sorting_center_id", f"site {center_id} is not a sorting center or a market")
        user.sorting_center = center
    elif center_id is not None:
        raise Invalid.field("sorting_center_id", "only operators are bound to a sorting center")
    if (data.get("lat") is None) != (data.get("lon") is None) and ("lat" in data or "lon" in data):
        raise Invalid.field("lat", "give lat and lon together")


def _add_user(session: Session, data: dict) -> User:
    ensure_unique(session, User, User.username, data["username"], "username")
    _check_password(data["password"])
    user = User(username=data["username"], role=data["role"])
    apply(user, data, PROFILE_FIELDS)
    _check_role_links(session, user, data)
    user.password_hash = hash_password(data["password"])
    session.add(user)
    flush(session)
    return user


def create_user(session: Session, data: dict, actor: User | None) -> User:
    """Any role; the API restricts who may call it (admins), the CLI bootstraps the first admin."""
    user = _add_user(session, data)
    record(session, actor, "user.create", "user", user.id, None, snapshot(user))
    commit(session)
    return user


def register_resident(session: Session, data: dict) -> User:
    """A resident signs up: on the audit trail as their own actor."""
    user = _add_user(session, {**data, "role": "resident", "sorting_center_id": None})
    record(session, user, "user.register", "user", user.id, None, snapshot(user))
    commit(session)
    return user


def update_user(session: Session, user: User, data: dict, actor: User | None) -> User:
    """A profile, role, center, password or active flag; the trail says that the password
    changed, never the hash."""
    before = snapshot(user)
    with session.no_autoflush:
        if "role" in data:
            user.role = data["role"]
        apply(user, data, PROFILE_FIELDS + ("active",))
        _check_role_links(session, user, data)
        if "password" in data:
            _check_password(data["password"])
            user.password_hash = hash_password(data["password"])
        if "password" in data or data.get("active") is False or "role" in data:
            user.token_generation += 1  # every token issued before stops working
    flush(session)
    after = snapshot(user) | ({"password_changed": True} if "password" in data else {})
    record(session, actor, "user.update", "user", user.id, before, after)
    commit(session)
    return user


def refuse_own_lockout(actor: User, user: User, data: dict) -> None:
    """An admin does not demote, deactivate or re-password themselves through the users
    API: a slip would lock the city out of its own registry (another admin can, and the
    password changes at /me, with the session ending as it should)."""
    if actor.id != user.id:
        return
    for name in ("role", "active", "password"):
        if name in data and (name == "password" or data[name] != getattr(user, name)):
            raise Conflict(f"an admin cannot change their own {name} here", {name: ["not on your own account"]})


def sign_out(session: Session, user: User) -> None:
    """End every session of ``user``: the tokens issued so far carry the old generation."""
    user.token_generation += 1
    commit(session)


def deactivate_user(session: Session, user: User, actor: User | None) -> None:
    before = snapshot(user)
    user.active = False
    user.token_generation += 1
    flush(session)
    record(session, actor, "user.deactivate", "user", user.id, before, snapshot(user))
    commit(session)


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def user_for_token(session: Session, token: str) -> User:
    """The active user a bearer token was issued to; ``Unauthorized`` for an invalid or
    expired token, or one issued before a password change or deactivation."""
    claims = read_token(token)
    if claims is None:
        raise Unauthorized("token invalid or expired")
    user = session.get(User, claims.user_id)
    if user is None or not user.active or user.token_generation != claims.generation:
        raise Unauthorized("token no longer valid")
    return user


def token_for(user: User) -> str:
    return issue_token(user.id, user.token_generation)


def get_user(session: Session, user_id: int) -> User:
    return get_or_404(session, User, user_id, "user")


def user_query(*, role: str | None = None, active: bool | None = None):
    stmt = select(User).order_by(User.id)
    if role:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active == active)
    return stmt
