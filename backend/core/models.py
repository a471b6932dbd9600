"""Declarative base with a constraint naming convention.

Named constraints make Alembic migrations identical on SQLite (batch mode recreates
tables by name) and PostgreSQL, and let autogenerate compare them.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, MetaData, String, Text, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; recyclenet stores aware UTC times")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class IdempotencyRecord(Base):
    """The first answer to a request sent with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def import_all_models() -> None:
    """Import every domain's ``models`` module, so ``Base.metadata`` holds the whole schema.

    Alembic compares the metadata with the database, and SQLAlchemy resolves relationships
    named by string only among imported classes. Walking the packages (as Indico does) means
    a new domain's models are found without a list to keep in step, and ``core`` imports no
    domain by name.
    """

    import backend  # local: the package this module belongs to, walked for its domains

    for info in pkgutil.iter_modules(backend.__path__):
        if info.ispkg and importlib.util.find_spec(f"backend.{info.name}.models") is not None:
            importlib.import_module(f"backend.{info.name}.models")
