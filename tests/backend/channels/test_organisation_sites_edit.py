"""Editing and removing an organisation's sites and contacts (both databases): only its
account holder and admins change them, another organisation's site or contact is 404, every
bound of the schema holds, and a site a recurring pickup still uses cannot be removed."""

from __future__ import annotations

from sqlalchemy import select

from backend.audit_log.models import AuditEvent
from backend.bookings.services import SlotPolicy
from backend.channels.models import OrganisationContact, PickupSchedule
from backend.channels.services import organisations
from tests.backend.channels.test_organisation_sites import add_contact, add_site
from tests.backend.channels.test_organisations import add_schedule, make_school


def _two_organisations(world):
    """`resident2`'s school with a site and a contact there; `resident`'s own organisation."""
    oid = make_school(world).get_json()["id"]
    site = add_site(world, oid).get_json()
    contact = add_contact(world, oid, name="Mr Li", phone="139 1234 5678", site_id=site["id"]).get_json()
    other = make_school(world, account_id=world.ids["user_resident"], credit_code="911101080000000007")
    assert other.status_code == 201, other.get_json()
    return oid, site, contact, other.get_json()["id"]


def test_the_holder_edits_a_site_within_the_schemas_bounds(world):
    """The holder renames and moves the site; a name taken is 409, a latitude out of range,
    an empty name or an unknown field 422; an admin may edit it, a dispatcher may not (403)."""
    oid, site, _contact, _other = _two_organisations(world)
    url = f"/api/v1/organisations/{oid}/sites/{site['id']}"
    c = world.client
    moved = c.patch(url, json={"name": "East campus", "lat": 30.35}, headers=world.headers("resident2"))
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["name"], moved.get_json()["lat"], moved.get_json()["lon"]) == (
        "East campus",
        30.35,
        120.19,
    )
    add_site(world, oid, name="South")
    assert c.patch(url, json={"name": "South"}, headers=world.headers("resident2")).status_code == 409
    for bad in ({"lat": 91}, {"lon": -181}, {"name": ""}, {"name": "x" * 121}, {"address": ""}, {"colour": "red"}):
        resp = c.patch(url, json=bad, headers=world.headers("resident2"))
        assert resp.status_code == 422, (bad, resp.get_json())
    assert c.patch(url, json={"address": "2 East Road"}, headers=world.headers("admin")).status_code == 200
    assert c.patch(url, json={"address": "3 East Road"}, headers=world.headers("dispatcher")).status_code == 403
    listed = c.get(f"/api/v1/organisations/{oid}/sites", headers=world.headers("resident2")).get_json()
    assert [(s["name"], s["address"]) for s in listed if s["id"] == site["id"]] == [("East campus", "2 East Road")]


def test_another_organisations_site_and_contact_are_404(world):
    """`resident` holds an organisation of their own: the school's site and contact are 404 to
    them through either organisation, and stay as they were."""
    oid, site, contact, other = _two_organisations(world)
    c, h = world.client, world.headers("resident")
    for org in (oid, other):
        assert (
            c.patch(f"/api/v1/organisations/{org}/sites/{site['id']}", json={"name": "X"}, headers=h).status_code == 404
        )
        assert c.delete(f"/api/v1/organisations/{org}/sites/{site['id']}", headers=h).status_code == 404
        assert (
            c.patch(f"/api/v1/organisations/{org}/contacts/{contact['id']}", json={"name": "X"}, headers=h).status_code
            == 404
        )
        assert c.delete(f"/api/v1/organisations/{org}/contacts/{contact['id']}", headers=h).status_code == 404
    assert c.delete(f"/api/v1/organisations/{oid}/sites/999999", headers=world.headers("resident2")).status_code == 404
    sites = c.get(f"/api/v1/organisations/{oid}/sites", headers=world.headers("resident2")).get_json()
    assert [s["name"] for s in sites] == ["North campus"]
    contacts = c.get(f"/api/v1/organisations/{oid}/contacts", headers=world.headers("resident2")).get_json()
    assert [x["name"] for x in contacts] == ["Mr Li"]


def test_a_site_a_recurring_pickup_uses_cannot_be_removed(world, app, session):
    """A schedule at the site: DELETE is 409 naming it and the site stays; with no schedule
    there, the site goes, its contact stays the organisation's at no site, and the audit
    trail has the removal."""
    oid, site, contact, _other = _two_organisations(world)
    made = add_schedule(world, oid, site_id=site["id"])
    assert made.status_code == 201
    organisations.generate(session, SlotPolicy.from_config(app.config))
    url = f"/api/v1/organisations/{oid}/sites/{site['id']}"
    refused = world.client.delete(url, headers=world.headers("resident2"))
    assert refused.status_code == 409, refused.get_json()
    assert str(made.get_json()["id"]) in refused.get_json()["message"]
    assert world.client.get(f"/api/v1/organisations/{oid}/sites", headers=world.headers("resident2")).get_json()
    session.get(PickupSchedule, made.get_json()["id"]).site_id = None
    session.commit()
    assert world.client.delete(url, headers=world.headers("resident2")).status_code == 204
    assert world.client.get(f"/api/v1/organisations/{oid}/sites", headers=world.headers("resident2")).get_json() == []
    session.expire_all()
    assert session.get(OrganisationContact, contact["id"]).site_id is None
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_id == site["id"], AuditEvent.object_type == "organisation_site"
        )
    ).all()
    assert "organisation_site.delete" in actions


def test_a_site_with_pickups_still_to_come_cannot_be_removed(world, app, session):
    """The schedule ended but the bookings it made at the site are still to come: 409."""
    oid, site, _contact, _other = _two_organisations(world)
    schedule_id = add_schedule(world, oid, site_id=site["id"]).get_json()["id"]
    assert organisations.generate(session, SlotPolicy.from_config(app.config))["booked"] >= 1
    session.get(PickupSchedule, schedule_id).active = False
    session.commit()
    resp = world.client.delete(f"/api/v1/organisations/{oid}/sites/{site['id']}", headers=world.headers("resident2"))
    assert resp.status_code == 409 and "still to come" in resp.get_json()["message"]


def test_a_contact_is_edited_and_removed_and_keeps_a_way_to_reach_them(world):
    """The number is validated and kept in E.164; removing both phone and e-mail is 422; a
    site of another organisation is 422; the holder removes the contact (204, then 404)."""
    oid, _site, contact, other = _two_organisations(world)
    url = f"/api/v1/organisations/{oid}/contacts/{contact['id']}"
    c, h = world.client, world.headers("resident2")
    changed = c.patch(url, json={"phone": "138 0013 8000", "role": "caretaker"}, headers=h)
    assert changed.status_code == 200 and changed.get_json()["phone"] == "+8613800138000"
    assert c.patch(url, json={"phone": "12345"}, headers=h).status_code == 422
    assert c.patch(url, json={"phone": None}, headers=h).status_code == 422  # nothing left to reach them by
    assert c.patch(url, json={"phone": None, "email": "li@example.org"}, headers=h).status_code == 200
    assert c.patch(url, json={"email": "li@"}, headers=h).status_code == 422
    foreign_site = add_site(world, other, who="resident", name="Theirs").get_json()["id"]
    refused = c.patch(url, json={"site_id": foreign_site}, headers=h)
    assert refused.status_code == 422 and "site_id" in refused.get_json()["errors"]["json"]
    assert c.patch(url, json={"role": "r" * 81}, headers=h).status_code == 422
    assert c.delete(url, headers=h).status_code == 204
    assert c.delete(url, headers=h).status_code == 404
    assert c.get(f"/api/v1/organisations/{oid}/contacts", headers=h).get_json() == []
