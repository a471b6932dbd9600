"""Organisations with several pickup sites and contacts (both databases): each site has its
location, a recurring pickup is collected at its site's, and everything stays the
organisation's own (another resident gets 404, another organisation's site is refused)."""

from __future__ import annotations

from sqlalchemy import select

from backend.bookings.models import Booking
from backend.bookings.services import SlotPolicy
from backend.channels.services import organisations
from tests.backend.channels.test_organisations import SCHOOL, add_schedule, make_school

CAMPUS = {"name": "North campus", "address": "1 North Road", "lat": 30.33, "lon": 120.19}


def add_site(world, org_id, who="resident2", **extra):
    return world.client.post(
        f"/api/v1/organisations/{org_id}/sites", json={**CAMPUS, **extra}, headers=world.headers(who)
    )


def add_contact(world, org_id, who="resident2", **body):
    return world.client.post(f"/api/v1/organisations/{org_id}/contacts", json=body, headers=world.headers(who))


def test_sites_are_the_organisations_own_and_need_a_location(world):
    """The holder adds sites and lists them; a name twice is 409, a latitude out of range 422,
    another resident reads and writes nothing (404), a dispatcher sees them."""
    oid = make_school(world).get_json()["id"]
    created = add_site(world, oid)
    assert created.status_code == 201, created.get_json()
    assert add_site(world, oid, address="elsewhere").status_code == 409
    assert add_site(world, oid, name="South", lat=91).status_code == 422
    assert add_site(world, oid, who="resident", name="Mine").status_code == 404
    c = world.client
    assert c.get(f"/api/v1/organisations/{oid}/sites", headers=world.headers("resident")).status_code == 404
    listed = c.get(f"/api/v1/organisations/{oid}/sites", headers=world.headers("dispatcher")).get_json()
    assert [(s["name"], s["lat"], s["lon"]) for s in listed] == [("North campus", 30.33, 120.19)]


def test_contacts_have_a_valid_phone_or_email_and_stay_private(world):
    """A contact needs a number or an address; the number is validated and kept in E.164, a
    malformed e-mail is 422, a site of another organisation is refused; others get 404."""
    oid = make_school(world).get_json()["id"]
    site = add_site(world, oid).get_json()
    assert add_contact(world, oid, name="Mr Li").status_code == 422
    assert add_contact(world, oid, name="Mr Li", phone="12345").status_code == 422
    assert add_contact(world, oid, name="Mr Li", email="li@").status_code == 422
    ok = add_contact(world, oid, name="Mr Li", role="caretaker", phone="139 1234 5678", site_id=site["id"])
    assert ok.status_code == 201, ok.get_json()
    assert (ok.get_json()["phone"], ok.get_json()["site_id"]) == ("+8613912345678", site["id"])
    other = make_school(world, account_id=world.ids["user_resident"], credit_code="911101080000000007")
    assert other.status_code == 201, other.get_json()
    other_id = other.get_json()["id"]
    foreign = add_contact(world, other_id, who="resident", name="X", email="x@example.org", site_id=site["id"])
    assert foreign.status_code == 422 and "site_id" in foreign.get_json()["errors"]["json"]
    assert add_contact(world, oid, who="resident", name="X", email="x@example.org").status_code == 404
    mine = world.client.get(f"/api/v1/organisations/{oid}/contacts", headers=world.headers("resident2")).get_json()
    assert [c["name"] for c in mine] == ["Mr Li"]
    theirs = world.client.get(f"/api/v1/organisations/{oid}/contacts", headers=world.headers("resident"))
    assert theirs.status_code == 404


def test_a_recurring_pickup_at_a_site_is_booked_at_that_sites_location(world, app, session):
    """The schedule names the campus: its bookings are at the campus's address and location,
    not the registered one; another organisation's site is no choice (422)."""
    oid = make_school(world).get_json()["id"]
    site = add_site(world, oid).get_json()
    made = add_schedule(world, oid, site_id=site["id"])
    assert made.status_code == 201 and made.get_json()["site_id"] == site["id"]
    policy = SlotPolicy.from_config(app.config)
    assert organisations.generate(session, policy)["booked"] >= 1
    booked = session.scalars(select(Booking).where(Booking.resident_id == world.ids["user_resident2"])).all()
    assert booked and all((b.lat, b.lon, b.address) == (30.33, 120.19, "1 North Road") for b in booked)
    assert all("North campus" in b.note for b in booked)
    assert (SCHOOL["lat"], SCHOOL["lon"]) != (30.33, 120.19)
    other = make_school(world, account_id=world.ids["user_resident"], credit_code="911101080000000007")
    refused = add_schedule(world, other.get_json()["id"], who="resident", site_id=site["id"])
    assert refused.status_code == 422 and "site_id" in refused.get_json()["errors"]["json"]
