"""Idempotency-Key: a retried POST gets the first answer; the same key with another body is 422.

The record is written in the same transaction as what the request created, so either
both exist or neither, and the unique (user, key) index lets one transaction only write
it: one key never does the action twice. The action is tried first, without looking for
a record, since almost every keyed request is a first one and a look-up would be a
statement more for each of them. A retry (or two requests racing with one key) does the
action again, then hits the index at commit, rolls back everything it did (its slot
reservation included) and replays the first answer; an action that refuses (a window now
full, a category since withdrawn) also replays the first answer if there is one. So the
action must write only through the session, which the rollback undoes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, Invalid, ServiceError
from backend.core.models import IdempotencyRecord


def request_hash(method: str, path: str, body) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# Built once (every keyed POST runs it): building it per request cost about as much client
# CPU as running it.
RECORD = select(IdempotencyRecord).where(
    IdempotencyRecord.user_id == bindparam("user_id"), IdempotencyRecord.key == bindparam("key")
)


def _replay(session: Session, user_id: int, key: str, digest: str) -> tuple[int, dict] | None:
    rec = session.scalar(RECORD, {"user_id": user_id, "key": key})
    if rec is None:
        return None
    if rec.request_hash != digest:
        raise Invalid(
            "this Idempotency-Key was used with a different request",
            {"Idempotency-Key": ["already used with a different request"]},
        )
    return rec.status_code, json.loads(rec.response)


def run(
    session: Session, user_id: int, key: str | None, digest: str, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Do ``action`` (which adds and flushes, not commits) once per key."""
    if key is None:
        status, body = action()
        session.commit()
        return status, body
    if not 1 <= len(key) <= 128 or "\x00" in key:
        raise Invalid.field("Idempotency-Key", "1 to 128 characters, no NUL")
    try:
        status, body = action()
        session.add(
            IdempotencyRecord(
                user_id=user_id,
                key=key,
                request_hash=digest,
                status_code=status,
                response=json.dumps(body, default=str),
            )
        )
        session.commit()
        return status, body
    except (IntegrityError, ServiceError) as exc:
        session.rollback()
        replay = _replay(session, user_id, key, digest)
        if replay is not None:
            return replay
        if isinstance(exc, IntegrityError):
            raise Conflict("conflicts with a concurrent request; try again") from None
        raise
