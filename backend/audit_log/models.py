"""One row per change: the actor, the time, the object and its values before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, utcnow


class AuditEvent(Base):
    """A change made through a service: append-only, never updated or deleted by the app."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # The API's filters: one object's history (newest first), someone's actions, a kind of action.
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # None for the system: the CLI, the demo seed, the twin.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # "site.update", "plan.dispatch" ...
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    # none_as_null: "no value" (before a create, after nothing) is SQL NULL, not JSON 'null'.
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
