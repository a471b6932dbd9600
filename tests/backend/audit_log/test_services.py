"""The trail's services: record joins the caller's transaction, snapshots are plain JSON
without secrets, and the writes that no request makes (re-plan, CLI, races) are on record."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.audit_log.services import record, snapshot
from backend.cli import cli as recyclenet
from backend.core.errors import PreconditionFailed
from backend.core.extensions import db
from backend.intake.models import Price
from backend.network.models import Bin, Site, Vehicle
from backend.network.services import sites as network
from backend.planning.models import Plan
from backend.planning.services import dispatch
from tests.backend.audit_log.conftest import events, solved_plan


def test_record_only_adds_the_event_to_the_callers_transaction(world, session):
    """An event is written by the caller's commit and discarded by its rollback."""
    before = len(events(session))
    record(session, None, "site.update", "site", world.ids["point"], {"name": "a"}, {"name": "b"})
    session.rollback()
    assert len(events(session)) == before
    record(session, None, "site.update", "site", world.ids["point"], {"name": "a"}, {"name": "b"})
    session.commit()
    (row,) = events(session, action="site.update")
    assert (row.actor_id, row.before, row.after) == (None, {"name": "a"}, {"name": "b"})


def test_snapshots_leave_out_secrets_and_write_times_dates_and_decimals_as_strings():
    """Hashes are never in a snapshot; times, dates and exact amounts come out as strings."""
    user = User(username="u", role="driver", password_hash="$argon2id$secret", token_generation=1)
    assert "password_hash" not in snapshot(user) and snapshot(user)["username"] == "u"
    b = Bin(device_id="D-1", mqtt_password_hash="PBKDF2$sha512$secret")
    assert "mqtt_password_hash" not in snapshot(b) and snapshot(b)["device_id"] == "D-1"
    price = Price(amount=Decimal("1.10"), effective_from=date(2026, 3, 1), unit="kg")
    assert (snapshot(price)["amount"], snapshot(price)["effective_from"]) == ("1.10", "2026-03-01")
    vehicle = Vehicle(plate="P", shift_start=time(7, 30))
    assert snapshot(vehicle, extra=("category_ids",))["shift_start"] == "07:30:00"
    assert snapshot(vehicle, extra=("category_ids",))["category_ids"] == []


def test_an_update_lost_to_a_concurrent_one_is_412_and_only_the_winner_is_on_record(app, world, session):
    """Two admins load the same site; the second to write fails at flush (its version is
    stale) and leaves no row; the first one's row is there."""
    other = Session(bind=db.engine, expire_on_commit=False)
    try:
        theirs = other.get(Site, world.ids["point"])
        mine = network.get_site(session, world.ids["point"])
        assert mine.version == theirs.version
        network.update_site(other, theirs, {"name": "Theirs"}, other.get(User, world.ids["user_admin"]))
        with pytest.raises(PreconditionFailed):
            network.update_site(session, mine, {"name": "Mine"}, None)
    finally:
        other.close()
    (row,) = events(session, action="site.update")
    assert (row.after["name"], row.actor_id) == ("Theirs", world.ids["user_admin"])


def test_a_replan_records_the_dispatcher_the_moves_and_the_new_plan(app, world, session):
    """A re-plan is on the re-planned plan's record: who, its status before and after, the
    drops asked for, and the new plan it led to."""
    plan = session.get(Plan, solved_plan(app, session, world))
    dispatcher = accounts.get_user(session, world.ids["user_dispatcher"])
    new = dispatch.replan(session, plan, dispatcher, [], [])
    (row,) = events(session, action="plan.replan")
    assert (row.object_type, row.object_id, row.actor_id) == ("plan", plan.id, dispatcher.id)
    assert row.before == {"status": "done", "overrides": {}}
    assert row.after["status"] == "superseded" and row.after["replanned_as"] == new.id
    assert (row.after["moves"], row.after["drops"]) == ([], [])
    assert session.get(Plan, new.id).parent_id == plan.id


def test_a_user_made_on_the_command_line_is_on_record_as_made_by_the_system(app, session):
    """`recyclenet users create` records the new user with no actor (the system)."""
    result = app.test_cli_runner().invoke(
        recyclenet,
        args=["users", "create", "--role", "admin", "--username", "root", "--password-stdin"],
        input="first admin pw\n",
    )
    assert result.exit_code == 0, result.output
    (row,) = events(session, action="user.create")
    assert (row.actor_id, row.after["username"], row.after["role"]) == (None, "root", "admin")


def test_credentials_issued_on_the_command_line_are_on_record_as_issued_by_the_system(world, app, session, tmp_path):
    """`recyclenet devices credentials` leaves one bin.credentials row per bin, with no actor
    and no password (the clear passwords go only to the --out file)."""
    out = tmp_path / "creds.csv"
    result = app.test_cli_runner().invoke(recyclenet, args=["devices", "credentials", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = events(session, action="bin.credentials")
    assert (row.actor_id, row.object_id, row.after) == (
        None,
        world.ids["bin"],
        {"device_id": "T-BIN-1", "mqtt_password": "new"},
    )
    password = out.read_text().splitlines()[1].split(",")[1]
    assert password not in str([row.before, row.after])


def test_every_object_the_services_created_has_its_create_event(world, session):
    """No committed change lacks a row: each site, bin, vehicle and user of the world has one."""
    for kind, model in (("site", Site), ("bin", Bin), ("vehicle", Vehicle), ("user", User)):
        ids = set(session.scalars(select(model.id)))
        recorded = {e.object_id for e in events(session, action=f"{kind}.create")}
        assert ids and ids == recorded, kind
