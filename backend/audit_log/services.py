"""Recording changes and reading them back.

``record`` only adds the event to the session: the calling service's commit writes it with
the change, in one transaction. A change that is rolled back (a 409, a 412, any error) takes
its event with it, and a committed change always has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from backend.audit_log.models import AuditEvent
from backend.core.auth import Principal
from backend.core.errors import Invalid

# Never on record, whatever the model: a hash is a secret an offline attack starts from.
SECRET_COLUMNS = frozenset({"password_hash", "mqtt_password_hash"})


def plain(value):
    """``value`` as plain JSON: times as ISO 8601 and decimals as strings (no float rounding)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def snapshot(obj, *, extra: Iterable[str] = (), exclude: Iterable[str] = ()) -> dict:
    """The model's column values (secrets left out), plus ``extra`` attributes such as the
    ids of a many-to-many link (a site's ``category_ids``), as plain JSON."""
    skip = SECRET_COLUMNS | set(exclude)
    names = [a.key for a in inspect(obj).mapper.column_attrs if a.key not in skip]
    return {name: plain(getattr(obj, name)) for name in [*names, *extra]}


def record(
    session: Session,
    actor: Principal | None,
    action: str,
    obj_type: str,
    obj_id: int,
    before: dict | None,
    after: dict | None,
) -> AuditEvent:
    """Add the event of a change to the session; the caller's commit writes it with the change.

    ``actor`` is the user who made it, None for the system (the CLI, the demo seed, the twin).
    Call it after a flush, so a new object has its id and a versioned one its new version.
    """
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj_type,
        object_id=obj_id,
        before=plain(before) if before is not None else None,
        after=plain(after) if after is not None else None,
    )
    session.add(event)
    return event


def audit_event_query(
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    from_: datetime | None = None,
    to: datetime | None = None,
):
    """Events newest first, filtered by object, actor, action, and time in [from_, to)."""
    if from_ is not None and to is not None and to <= from_:
        raise Invalid.field("to", "must be after from")
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    if from_ is not None:
        stmt = stmt.where(AuditEvent.at >= from_)
    if to is not None:
        stmt = stmt.where(AuditEvent.at < to)
    return stmt
