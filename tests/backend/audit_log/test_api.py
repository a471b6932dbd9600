"""The audit trail through the API: every kind of write leaves its row, a refused or
rolled-back change leaves none, and only admins read the trail, filtered."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from backend.network.models import Bin
from backend.network.services import catalog
from tests.backend.audit_log.conftest import current_etag, delete, events, patch, solved_plan
from tests.backend.conftest import PASSWORD
from tests.backend.intake.conftest import collected_booking, log

URL = "/api/v1/audit-log"


def _site(w):
    return {
        "tier": "collection_point",
        "name": "Audited point",
        "lat": 30.3,
        "lon": 120.1,
        "sorting_center_id": w.ids["center_a"],
    }


def _category(w):
    return {"code": "test.audited", "name_zh": "测试", "name_en": "Audited", "density_kg_m3": 100}


def _bin(w):
    return {"site_id": w.ids["point"], "category_id": w.ids["paper"], "capacity_l": 240, "device_id": "AUDIT-1"}


def _vehicle(w):
    return {
        "plate": "ZJ-AUDIT",
        "home_center_id": w.ids["center_a"],
        "capacity_kg": 3000,
        "capacity_m3": 12,
        "shift_start": "07:00:00",
        "shift_end": "16:00:00",
    }


# object type, collection, a new object, a change to it
REGISTRY = [
    ("site", "/api/v1/sites", _site, {"name": "Renamed point"}),
    ("category", "/api/v1/categories", _category, {"name_en": "Audited again"}),
    ("bin", "/api/v1/bins", _bin, {"fill_threshold_pct": 70.0}),
    ("vehicle", "/api/v1/vehicles", _vehicle, {"plate": "ZJ-AUDIT-2", "shift_end": "18:00:00"}),
]


@pytest.mark.parametrize("kind,url,new,change", REGISTRY, ids=[r[0] for r in REGISTRY])
def test_registry_create_update_and_deactivate_each_leave_their_row(world, session, kind, url, new, change):
    """Creating, changing and deactivating a registry object each leave a row naming the admin,
    the action and the object, with values before and after that match the change."""
    created = world.client.post(url, json=new(world), headers=world.headers("admin"))
    assert created.status_code == 201, created.get_json()
    obj = created.get_json()
    obj_url = f"{url}/{obj['id']}"
    assert patch(world, obj_url, change).status_code == 200
    assert delete(world, obj_url).status_code == 204

    rows = events(session, object_type=kind, object_id=obj["id"])
    assert [r.action for r in rows] == [f"{kind}.deactivate", f"{kind}.update", f"{kind}.create"]
    assert {r.actor_id for r in rows} == {world.ids["user_admin"]}
    deactivated, updated, made = rows
    assert made.before is None
    assert {k: made.after[k] for k in new(world)} == new(world) and made.after["id"] == obj["id"]
    assert {k: updated.before[k] for k in change} == {k: obj[k] for k in change}
    assert {k: updated.after[k] for k in change} == change
    assert updated.after["version"] == updated.before["version"] + 1
    assert deactivated.before["active"] is True and deactivated.after["active"] is False
    assert deactivated.before == updated.after


def test_a_sites_category_and_market_links_are_on_record(world, session):
    """A site's links (categories it accepts) are part of its before and after values."""
    url = f"/api/v1/sites/{world.ids['point']}"
    hazardous = world.ids["hazardous"]
    assert patch(world, url, {"category_ids": [world.ids["paper"], hazardous]}).status_code == 200
    (row,) = events(session, action="site.update")
    assert row.before["category_ids"] == [world.ids["paper"]]
    assert row.after["category_ids"] == [world.ids["paper"], hazardous]
    assert row.after["market_ids"] == []


def test_user_create_role_and_password_change_and_deactivation_are_on_record_without_hashes(world, session):
    """An admin's user writes each leave a row; a new password shows as changed, and no
    password hash is ever stored."""
    c, h = world.client, world.headers("admin")
    created = c.post("/api/v1/users", json={"username": "audited", "password": PASSWORD, "role": "driver"}, headers=h)
    assert created.status_code == 201
    user_id = created.get_json()["id"]
    url = f"/api/v1/users/{user_id}"
    assert patch(world, url, {"role": "dispatcher", "password": "a brand new password"}).status_code == 200
    assert delete(world, url).status_code == 204

    deactivated, updated, made = events(session, object_type="user", object_id=user_id)
    assert (made.action, made.before, made.after["username"], made.after["role"]) == (
        "user.create",
        None,
        "audited",
        "driver",
    )
    assert updated.action == "user.update"
    assert (updated.before["role"], updated.after["role"]) == ("driver", "dispatcher")
    assert updated.after["password_changed"] is True and "password_changed" not in updated.before
    assert updated.after["token_generation"] == updated.before["token_generation"] + 1
    assert deactivated.action == "user.deactivate" and deactivated.after["active"] is False
    assert {r.actor_id for r in (made, updated, deactivated)} == {world.ids["user_admin"]}
    for row in (made, updated, deactivated):
        stored = json.dumps([row.before, row.after])
        assert "password_hash" not in stored and "$argon2" not in stored


def test_a_residents_sign_up_and_own_profile_change_name_them_as_the_actor(world, session):
    """Self-registration and PATCH /me are on record with the resident as the actor; a
    profile change does not claim a password change."""
    c = world.client
    body = {"username": "newcomer", "password": PASSWORD, "lat": 30.31, "lon": 120.15}
    user_id = c.post("/api/v1/auth/register", json=body).get_json()["id"]
    token = c.post("/api/v1/auth/token", json={"username": "newcomer", "password": PASSWORD}).get_json()
    me = {"Authorization": f"Bearer {token['access_token']}"}
    assert c.patch("/api/v1/me", json={"phone": "0571-1234"}, headers=me).status_code == 200

    updated, registered = events(session, object_type="user", object_id=user_id)
    assert (registered.action, registered.actor_id, registered.after["role"]) == ("user.register", user_id, "resident")
    assert (updated.action, updated.actor_id) == ("user.update", user_id)
    assert (updated.before["phone"], updated.after["phone"]) == ("", "0571-1234")
    assert "password_changed" not in updated.after


def test_a_bins_mqtt_password_hash_never_reaches_the_trail(world, session):
    """Once a bin has broker credentials, its changes are on record without the hash."""
    c, h = world.client, world.headers("admin")
    assert c.post(f"/api/v1/bins/{world.ids['bin']}/credentials", headers=h).status_code == 201
    assert patch(world, f"/api/v1/bins/{world.ids['bin']}", {"capacity_l": 1100.0}).status_code == 200
    (row,) = events(session, action="bin.update")
    assert (row.before["capacity_l"], row.after["capacity_l"]) == (660.0, 1100.0)
    assert "mqtt_password_hash" not in row.before and "mqtt_password_hash" not in row.after
    assert "PBKDF2" not in json.dumps([row.before, row.after])


def test_issuing_and_rotating_a_bins_credentials_are_on_record_without_the_secret(world, session):
    """POST /bins/{id}/credentials leaves a bin.credentials row naming the admin and the bin,
    saying whether a password was replaced; neither a password nor its hash is in it."""
    c, h = world.client, world.headers("admin")
    url = f"/api/v1/bins/{world.ids['bin']}/credentials"
    issued_pw = c.post(url, headers=h).get_json()["password"]
    rotated_pw = c.post(url, headers=h).get_json()["password"]
    rotated, issued = events(session, action="bin.credentials")
    for row in (rotated, issued):
        assert (row.actor_id, row.object_type, row.object_id) == (world.ids["user_admin"], "bin", world.ids["bin"])
    assert issued.before == {"device_id": "T-BIN-1", "mqtt_password": "none"}
    assert issued.after == rotated.after == {"device_id": "T-BIN-1", "mqtt_password": "new"}
    assert rotated.before == {"device_id": "T-BIN-1", "mqtt_password": "set"}
    password_hash = session.get(Bin, world.ids["bin"]).mqtt_password_hash
    trail = json.dumps([[row.before, row.after] for row in events(session)])
    assert password_hash and all(secret not in trail for secret in (issued_pw, rotated_pw, password_hash))


def test_a_driver_asking_for_credentials_is_403_and_leaves_no_row(world, session):
    """Only admins issue credentials: a refused request leaves the trail as it was."""
    url = f"/api/v1/bins/{world.ids['bin']}/credentials"
    assert world.client.post(url, headers=world.headers("driver")).status_code == 403
    assert events(session, action="bin.credentials") == []


def test_dispatching_a_plan_records_the_dispatcher_and_the_status_change(app, world, session):
    """POST /plans/{id}/dispatch leaves a row: the dispatcher, done -> dispatched, and when."""
    plan_id = solved_plan(app, session, world)
    resp = world.client.post(f"/api/v1/plans/{plan_id}/dispatch", headers=world.headers("dispatcher"))
    assert resp.status_code == 200
    (row,) = events(session, action="plan.dispatch")
    assert (row.object_type, row.object_id, row.actor_id) == ("plan", plan_id, world.ids["user_dispatcher"])
    assert row.before == {"status": "done", "dispatched_at": None}
    assert row.after["status"] == "dispatched" and row.after["superseded"] == []
    assert datetime.fromisoformat(row.after["dispatched_at"]) == datetime.fromisoformat(
        resp.get_json()["dispatched_at"]
    )


def test_a_new_price_is_on_record_with_its_amount_and_date_as_strings(world, session):
    """POST /prices leaves a row with the price's category, exact amount and effective date."""
    body = {"category": "paper", "amount": 0.8, "effective_from": "2026-01-01"}
    price = world.client.post("/api/v1/prices", json=body, headers=world.headers("admin")).get_json()
    (row,) = events(session, object_type="price")
    assert (row.action, row.object_id, row.actor_id, row.before) == (
        "price.create",
        price["id"],
        world.ids["user_admin"],
        None,
    )
    paper = catalog.by_code(session, "paper")
    assert (row.after["category_id"], row.after["amount"], row.after["effective_from"]) == (
        paper.id,
        "0.80",
        "2026-01-01",
    )


def test_an_intake_correction_records_the_weights_it_replaced(world, session):
    """A correction is on the corrected intake's record: the operator, the old lines before,
    the new intake after; logging an intake in the first place is not a correction."""
    first = log(world).get_json()
    lines = [{"category": "paper.cardboard", "gross_kg": 3200}]
    second = log(world, corrects_id=first["id"], reason="scale misread", lines=lines)
    assert second.status_code == 201, second.get_json()

    (row,) = events(session, object_type="intake")
    assert (row.action, row.object_id, row.actor_id) == ("intake.correct", first["id"], world.ids["user_operator"])
    assert row.before["id"] == first["id"] and row.before["lines"][0]["gross_kg"] == 3500
    assert row.after["id"] == second.get_json()["id"] and row.after["corrects_id"] == first["id"]
    assert row.after["reason"] == "scale misread" and row.after["lines"][0]["gross_kg"] == 3200


def test_a_patch_with_a_stale_etag_is_412_and_leaves_no_row(world, session):
    """Only the update that went through is on record; the one refused as stale is not."""
    url = f"/api/v1/sites/{world.ids['point']}"
    stale = current_etag(world, url)
    assert patch(world, url, {"name": "First"}, etag=stale).status_code == 200
    assert patch(world, url, {"name": "Second"}, etag=stale).status_code == 412
    (row,) = events(session, action="site.update")
    assert row.after["name"] == "First"


def test_a_bin_with_a_taken_device_id_is_409_and_leaves_no_row(world, session):
    """A bin refused for its taken device id is not on record as created."""
    before = events(session, action="bin.create")
    resp = world.client.post(
        "/api/v1/bins", json={**_bin(world), "device_id": "T-BIN-1"}, headers=world.headers("admin")
    )
    assert resp.status_code == 409
    assert events(session, action="bin.create") == before


def test_a_correction_refused_at_commit_takes_its_audit_row_with_it(app, world, session):
    """A correction whose settlement breaks a constraint at commit (two weights of one
    booking and category) is 409; its audit row, added before the commit, is gone too."""
    booking = collected_booking(app, session, world, [{"category": "paper.cardboard", "quantity": 30}])
    weight = {"booking_id": booking, "category": "paper.cardboard", "quantity": 10}
    first = log(world, booking_weights=[weight]).get_json()
    resp = log(world, corrects_id=first["id"], reason="twice", booking_weights=[weight, weight])
    assert resp.status_code == 409, resp.get_json()
    assert events(session, object_type="intake") == []


def test_only_admins_read_the_trail(world):
    """Anonymous is 401, every other role 403, an admin 200."""
    c = world.client
    assert c.get(URL).status_code == 401
    for role in ("resident", "driver", "dispatcher", "operator"):
        assert c.get(URL, headers=world.headers(role)).status_code == 403, role
    assert c.get(URL, headers=world.headers("admin")).status_code == 200


def test_the_trail_filters_by_object_actor_action_and_time_newest_first(world, session):
    """Each filter narrows the list, newest first; from is inclusive and to exclusive."""
    c, h = world.client, world.headers("admin")
    site = c.post("/api/v1/sites", json=_site(world), headers=h).get_json()
    assert patch(world, f"/api/v1/sites/{site['id']}", {"name": "Renamed"}).status_code == 200

    def listed(**query):
        resp = c.get(URL, query_string=query, headers=h)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    mine = listed(object_type="site", object_id=site["id"])
    assert [e["action"] for e in mine] == ["site.update", "site.create"]
    assert mine[1]["after"]["name"] == "Audited point" and mine[0]["after"]["name"] == "Renamed"
    # The world was built through the services with no actor (as the seed is): the system.
    everything = listed(page_size=500)
    assert {e["actor_id"] for e in everything} == {None, world.ids["user_admin"]}
    assert [e["id"] for e in listed(actor_id=world.ids["user_admin"])] == [e["id"] for e in mine]
    assert [e["action"] for e in listed(action="site.update")] == ["site.update"]
    assert listed(object_type="vehicle", object_id=site["id"]) == []
    created_at = mine[1]["at"]
    assert [e["action"] for e in listed(**{"from": created_at, "object_type": "site"})] == [
        "site.update",
        "site.create",
    ]
    assert [e["id"] for e in listed(to=created_at)] == [e["id"] for e in everything if e["at"] < created_at]
    resp = c.get(URL, query_string={"page_size": 1}, headers=h)
    assert json.loads(resp.headers["X-Pagination"])["total"] == len(everything)


@pytest.mark.parametrize(
    "query,field",
    [
        ({"object_id": 0}, "object_id"),
        ({"object_id": 2**31}, "object_id"),
        ({"actor_id": 10**30}, "actor_id"),
        ({"actor_id": "admin"}, "actor_id"),
        ({"action": "x" * 41}, "action"),
        ({"object_type": ""}, "object_type"),
        ({"from": "2026-01-01T00:00:00"}, "from"),
        ({"from": "2026-01-02T00:00:00+08:00", "to": "2026-01-01T00:00:00+08:00"}, "to"),
    ],
)
def test_bad_filters_are_422_naming_the_field(world, query, field):
    """Ids out of range or not numbers, empty or over-long strings, naive or reversed times are 422."""
    resp = world.client.get(URL, query_string=query, headers=world.headers("admin"))
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]
    # Bounds are the schema's (errors.query); the order of from and to is a rule between
    # two fields, which the spec cannot state: a domain 422 with a message (errors.json).
    assert field in errors.get("query", errors.get("json", {}))


def test_the_spec_states_the_trails_bounds_and_refusals(client):
    """The OpenAPI spec lists the endpoint with its 401/403/422 answers and its filters' bounds."""
    get = client.get("/api/openapi.json").get_json()["paths"][URL]["get"]
    assert {"200", "401", "403", "422"} <= set(get["responses"])
    params = {p["name"]: p["schema"] for p in get["parameters"]}
    assert params["object_id"]["maximum"] == params["actor_id"]["maximum"] == 2**31 - 1
    assert params["object_id"]["minimum"] == 1
    assert params["action"]["maxLength"] == params["object_type"]["maxLength"] == 40
    assert params["from"]["format"] == params["to"]["format"] == "date-time"
