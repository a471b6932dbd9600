"""People's phone numbers, the notification outbox, and residents' choices of what they receive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import User
from backend.core.models import Base, utcnow

NOTIFICATION_KINDS = ("one_time_code", "reminder", "on_its_way", "collected")
# Residents may turn these off; a one-time code is what they asked for, so it always goes.
OPTIONAL_KINDS = ("reminder", "on_its_way", "collected")
NOTIFICATION_STATUSES = ("pending", "sending", "sent", "failed")
# How a message leaves: "sms" through NOTIFY_CHANNEL's sender, "email" over SMTP.
NOTIFICATION_CHANNELS = ("sms", "email")


class Notification(Base):
    """The outbox: a message is written here in the same transaction as what caused it, and
    a job delivers it. ``dedupe_key`` makes each message exist once (a reminder per booking
    and window), and the claim (pending -> sending) makes each be sent once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
        CheckConstraint(
            "kind IN ('one_time_code', 'reminder', 'on_its_way', 'collected')",
            name="kind",
        ),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("channel IN ('sms', 'email')", name="channel"),
        Index("ix_notifications_status_due", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    # An E.164 number for "sms", an address for "email".
    recipient: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    # Not before this moment: retries back off, and quiet hours push a message to the morning.
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    # Messages about a pickup are pointless once it has passed.
    expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationOptOut(Base):
    """A resident who does not want one kind of message."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_opt_outs_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))


class PhoneNumber(Base):
    """The one place a person's phone number is kept, in E.164 form: one number per person,
    one person per number. A caller registered by an agent has one before any account."""

    __tablename__ = "phone_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    e164: Mapped[str] = mapped_column(String(16), unique=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
