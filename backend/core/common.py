"""Helpers shared by the services: loading by id, reference checks, safe commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backend.core.errors import Conflict, Invalid, NotFound, PreconditionFailed


def get_or_404[T](session: Session, model: type[T], obj_id: int, what: str | None = None) -> T:
    obj = session.get(model, obj_id)
    if obj is None:
        raise NotFound(f"{what or model.__name__.lower()} {obj_id} not found")
    return obj


def resolve[T](session: Session, model: type[T], obj_id: int | None, field: str) -> T | None:
    """A referenced row, or a 422 naming the field that points nowhere."""
    if obj_id is None:
        return None
    obj = session.get(model, obj_id)
    if obj is None:
        raise Invalid.field(field, f"no {model.__name__} with id {obj_id}")
    return obj


def resolve_many[T](session: Session, model: type[T], ids: Iterable[int], field: str) -> list[T]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = {o.id: o for o in session.scalars(select(model).where(model.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid.field(field, f"unknown ids: {missing}")
    return [found[i] for i in ids]


def ensure_unique(session: Session, model, column, value, field: str, exclude_id=None) -> None:
    stmt = select(model.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if session.scalar(stmt) is not None:
        raise Conflict(f"{field} {value!r} is already taken", {field: ["already taken"]})


def dialect_insert(session: Session):
    """INSERT with ON CONFLICT, which PostgreSQL and SQLite both have (with one syntax)."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert
    return sqlite_insert


@contextmanager
def _races_as_errors(session: Session) -> Iterator[None]:
    """Races the pre-checks could not see become 409/412, with the session rolled back."""
    try:
        yield
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"conflicts with existing data: {exc.orig}") from None
    except StaleDataError:
        session.rollback()
        raise PreconditionFailed("changed by someone else meanwhile; fetch it again") from None


def flush(session: Session) -> None:
    """Flush, as ``commit`` would: a service flushes before recording its audit event (a new
    row gets its id, a versioned one its new version) and commits both afterwards."""
    with _races_as_errors(session):
        session.flush()


def commit(session: Session) -> None:
    """Commit, turning races the pre-checks could not see into 409/412."""
    with _races_as_errors(session):
        session.commit()


def apply(obj, data: dict, fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
