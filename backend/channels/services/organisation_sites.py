"""An organisation's pickup sites (each with its location) and its contacts. Reached only
through an organisation the caller may see (organisations.visible), so an account holder
reads and writes their own organisation's and nobody else's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.channels.models import Organisation, OrganisationContact, OrganisationSite
from backend.channels.services.phones import normalize
from backend.core.common import commit, flush
from backend.core.errors import Conflict, Invalid


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
