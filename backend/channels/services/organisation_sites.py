"""An organisation's pickup sites (each with its location) and its contacts. Reached only
through an organisation the caller may see (organisations.visible), so an account holder
reads and writes their own organisation's and nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.bookings.models import Booking
from backend.channels.models import (
    Organisation,
    OrganisationContact,
    OrganisationSite,
    PickupSchedule,
    ScheduledPickup,
)
from backend.channels.services.phones import normalize
from backend.core.common import commit, flush
from backend.core.errors import Conflict, Invalid, NotFound

OPEN = ("requested", "scheduled", "en_route")  # a booking still to be collected


def sites(session: Session, org: Organisation) -> list[OrganisationSite]:
    stmt = select(OrganisationSite).where(OrganisationSite.organisation_id == org.id).order_by(OrganisationSite.id)
    return list(session.scalars(stmt))


def add_site(session: Session, actor: User, org: Organisation, data: dict) -> OrganisationSite:
    taken = select(OrganisationSite.id).where(
        OrganisationSite.organisation_id == org.id, OrganisationSite.name == data["name"]
    )
    if session.scalar(taken) is not None:
        raise Conflict(f"a site named {data['name']!r} exists already", {"name": ["already taken"]})
    site = OrganisationSite(organisation_id=org.id, **data)
    session.add(site)
    flush(session)
    record(session, actor, "organisation_site.create", "organisation_site", site.id, None, snapshot(site))
    commit(session)
    return site


def site_of(
    session: Session, org: Organisation, site_id: int | None, field: str = "site_id"
) -> OrganisationSite | None:
    """One of ``org``'s sites, or a 422: another organisation's site is "not one of yours",
    worded as for a site that does not exist, so ids of others' sites cannot be probed."""
    if site_id is None:
        return None
    site = session.get(OrganisationSite, site_id)
    if site is None or site.organisation_id != org.id:
        raise Invalid.field(field, f"no site {site_id} of this organisation")
    return site


def contacts(session: Session, org: Organisation) -> list[OrganisationContact]:
    stmt = (
        select(OrganisationContact)
        .where(OrganisationContact.organisation_id == org.id)
        .order_by(OrganisationContact.id)
    )
    return list(session.scalars(stmt))


def add_contact(session: Session, config, actor: User, org: Organisation, data: dict) -> OrganisationContact:
    if not data.get("phone") and not data.get("email"):
        raise Invalid.field("phone", "give a phone number or an e-mail address")
    site_of(session, org, data.get("site_id"))
    contact = OrganisationContact(
        organisation_id=org.id,
        name=data["name"],
        role=data.get("role", ""),
        phone=normalize(data["phone"], config) if data.get("phone") else None,
        email=data.get("email") or None,
        site_id=data.get("site_id"),
    )
    session.add(contact)
    flush(session)
    record(session, actor, "organisation_contact.create", "organisation_contact", contact.id, None, snapshot(contact))
    commit(session)
    return contact


def get_site(session: Session, org: Organisation, site_id: int) -> OrganisationSite:
    """One of ``org``'s sites; another organisation's is 404, as one that does not exist."""
    site = session.get(OrganisationSite, site_id)
    if site is None or site.organisation_id != org.id:
        raise NotFound(f"site {site_id} not found")
    return site


def get_contact(session: Session, org: Organisation, contact_id: int) -> OrganisationContact:
    contact = session.get(OrganisationContact, contact_id)
    if contact is None or contact.organisation_id != org.id:
        raise NotFound(f"contact {contact_id} not found")
    return contact


def update_site(session: Session, actor: User, org: Organisation, site: OrganisationSite, data: dict):
    """Rename or move a site; recurring pickups there follow it from their next booking (the
    bookings made already keep the address they were made with)."""
    if "name" in data and data["name"] != site.name:
        taken = select(OrganisationSite.id).where(
            OrganisationSite.organisation_id == org.id, OrganisationSite.name == data["name"]
        )
        if session.scalar(taken) is not None:
            raise Conflict(f"a site named {data['name']!r} exists already", {"name": ["already taken"]})
    before = snapshot(site)
    for key, value in data.items():
        setattr(site, key, value)
    flush(session)
    record(session, actor, "organisation_site.update", "organisation_site", site.id, before, snapshot(site))
    commit(session)
    return site


def delete_site(
    session: Session, actor: User, org: Organisation, site: OrganisationSite, tz: ZoneInfo, now: datetime | None = None
) -> None:
    """Remove a site. Refused (409, saying which) while an active recurring pickup is collected
    there or a pickup it already booked from today on is still to come; its contacts stay the
    organisation's (at no site), an ended schedule that named it keeps no site."""
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    schedules = session.scalars(select(PickupSchedule).where(PickupSchedule.site_id == site.id)).all()
    active = [s.id for s in schedules if s.active]
    if active:
        raise Conflict(
            f"recurring pickups {active} are collected at this site: end them or move them first",
            {"site_id": [f"used by recurring pickups {active}"]},
        )
    coming = session.scalars(
        select(ScheduledPickup.booking_id)
        .join(PickupSchedule, PickupSchedule.id == ScheduledPickup.schedule_id)
        .join(Booking, Booking.id == ScheduledPickup.booking_id)
        .where(PickupSchedule.site_id == site.id, ScheduledPickup.day >= today, Booking.status.in_(OPEN))
    ).all()
    if coming:
        raise Conflict(
            f"pickups {sorted(coming)} booked at this site are still to come",
            {"site_id": [f"bookings {sorted(coming)} still to come"]},
        )
    before = snapshot(site)
    for s in schedules:
        s.site_id = None
    for c in session.scalars(select(OrganisationContact).where(OrganisationContact.site_id == site.id)):
        c.site_id = None
    flush(session)
    session.delete(site)
    record(session, actor, "organisation_site.delete", "organisation_site", site.id, before, None)
    commit(session)


def update_contact(session: Session, config, actor: User, org: Organisation, contact: OrganisationContact, data):
    """Change a contact; it still needs a phone number or an e-mail address afterwards."""
    merged = {"phone": contact.phone, "email": contact.email, **data}
    if not merged.get("phone") and not merged.get("email"):
        raise Invalid.field("phone", "give a phone number or an e-mail address")
    if "site_id" in data:
        site_of(session, org, data["site_id"])
    before = snapshot(contact)
    for key, value in data.items():
        if key == "phone":
            value = normalize(value, config) if value else None
        elif key == "email":
            value = value or None
        setattr(contact, key, value)
    flush(session)
    record(session, actor, "organisation_contact.update", "organisation_contact", contact.id, before, snapshot(contact))
    commit(session)
    return contact


def delete_contact(session: Session, actor: User, contact: OrganisationContact) -> None:
    before = snapshot(contact)
    session.delete(contact)
    record(session, actor, "organisation_contact.delete", "organisation_contact", contact.id, before, None)
    commit(session)
