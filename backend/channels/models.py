"""One-time codes that prove a person holds a phone number (the numbers themselves are
kept by notifications, which reaches people through them); organisations and their
recurring bulk pickups."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.models import Base, utcnow
from backend.network.models import MaterialCategory


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


ORGANISATION_KINDS = ("company", "school", "institution", "other")


class Organisation(Base):
    """A school, supermarket or office that books bulk pickups on a schedule and settles them
    by monthly statement. Its account is a resident's sign-in (the person who manages it):
    the bookings are theirs, so every resident rule (object-level access) holds for them."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('company', 'school', 'institution', 'other')", name="kind"),
        CheckConstraint("lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name="location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    # The unified social credit code (GB 32100-2015), check character verified.
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    address: Mapped[str] = mapped_column(String(255))
    lat: Mapped[float]
    lon: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationSite(Base):
    """One of an organisation's pickup sites (a campus, a branch, a warehouse), with its own
    location; a recurring pickup is collected at one of them."""

    __tablename__ = "organisation_sites"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90 AND lon >= -180 AND lon <= 180", name="location"),
        UniqueConstraint("organisation_id", "name", name="uq_organisation_sites_org_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    lat: Mapped[float]
    lon: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationContact(Base):
    """A person to call about an organisation's pickups (the caretaker, the store manager);
    not a sign-in: the account holder is the organisation's account."""

    __tablename__ = "organisation_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("organisation_sites.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PickupSchedule(Base):
    """A recurring bulk pickup: every <weekday> in the window starting at <window_start>,
    about <estimated_kg> of one category."""

    __tablename__ = "pickup_schedules"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        CheckConstraint("estimated_kg > 0", name="estimated_kg_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # Where it is collected: one of the organisation's sites; none: its registered address.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("organisation_sites.id"), index=True)
    weekday: Mapped[int]  # Monday 0
    window_start: Mapped[time]
    category_id: Mapped[int] = mapped_column(ForeignKey("material_categories.id"))
    estimated_kg: Mapped[float]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[MaterialCategory] = relationship()
    site: Mapped[OrganisationSite | None] = relationship()


class ScheduledPickup(Base):
    """One day of a schedule, generated once: the booking it became, or why none."""

    __tablename__ = "scheduled_pickups"
    __table_args__ = (UniqueConstraint("schedule_id", "day", name="uq_scheduled_pickups_schedule_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("pickup_schedules.id", ondelete="CASCADE"))
    day: Mapped[date]
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    note: Mapped[str] = mapped_column(String(255), default="")
