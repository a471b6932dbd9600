"""One-time codes that prove a person holds a phone number (the numbers themselves are
kept by notifications, which reaches people through them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, utcnow


class PhoneCode(Base):
    """A one-time code sent to a number, kept only as a keyed hash; it dies when used, when
    it expires, or after too many wrong tries."""

    __tablename__ = "phone_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
