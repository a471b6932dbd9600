"""The custody chain's first link (both databases): a driver's report that a professional
pickup was collected records resident -> truck at that moment, and the resident's handover
certificate reads pickup (truck, driver, time, weight) -> intake at the sorting center."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backend.intake.models import CustodyEvent
from backend.network.models import Vehicle
from backend.network.services import assets
from tests.backend.channels.test_professional import LAMPS, _weigh, licensed_truck
from tests.backend.drivers.conftest import report
from tests.backend.planning.conftest import book, solved_plan


def _lamps_collected_day(app, session, world):
    """Lamps and a paper pickup at center A; the licensed truck (driven by `driver`) planned,
    dispatched; the stops of both bookings."""
    truck = licensed_truck(session, world)
    assets.update_vehicle(
        session, assets.get_vehicle(session, truck), {"default_driver_id": world.ids["user_driver"]}, None
    )
    session.get(Vehicle, truck).tare_kg = 3000.0
    session.commit()
    lamps = book(app, session, world, "resident", 8, items=LAMPS)
    paper = book(app, session, world, "resident2", 10)
    plan = solved_plan(app, session, world, "center_a")
    resp = world.client.post(
        f"/api/v1/plans/{plan.id}/dispatch",
        json={"drivers": {str(r.id): world.ids["user_driver"] for r in plan.routes}},
        headers=world.headers("dispatcher"),
    )
    assert resp.status_code == 200, resp.get_json()
    stops = {
        s["booking_id"]: {**s, "route_id": r["id"]}
        for r in resp.get_json()["routes"]
        for s in r["stops"]
        if s.get("booking_id")
    }
    return truck, lamps, paper, stops


def _custody(session, booking_id):
    session.expire_all()
    return session.scalars(select(CustodyEvent).where(CustodyEvent.booking_id == booking_id)).all()


def test_a_collected_hazardous_pickup_opens_the_custody_chain_at_the_stop(app, session, world):
    """The driver reports the lamps collected (2.4 kg, 20 minutes ago): one custody event
    resident -> licensed truck at that time with that weight; a resend adds none; the
    paper pickup collected on the same route adds none."""
    truck, lamps, paper, stops = _lamps_collected_day(app, session, world)
    at = (datetime.now(UTC) - timedelta(minutes=20)).replace(microsecond=0)
    event_id = str(uuid.uuid4())
    stop = stops[lamps]
    assert report(world, "driver", stop["id"], "arrived", at=at - timedelta(minutes=3)).status_code == 201
    first = report(world, "driver", stop["id"], "collected", event_id, at, quantity_kg=2.4)
    again = report(world, "driver", stop["id"], "collected", event_id, at, quantity_kg=2.4)
    assert (first.status_code, again.status_code) == (201, 200), first.get_json()
    chain = _custody(session, lamps)
    assert [(e.from_party, e.to_party, e.kg, e.intake_id) for e in chain] == [
        (f"resident {world.ids['user_resident']}", "vehicle ZJ-HAZ-1", 2.4, None)
    ]
    assert chain[0].at.astimezone(UTC) == at
    assert report(world, "driver", stops[paper]["id"], "collected", quantity_kg=11).status_code == 201
    assert _custody(session, paper) == []


def test_the_certificate_reads_pickup_then_intake(app, session, world):
    """After the driver's report and the weigh-in, the certificate names the pickup (truck,
    driver, time, weight) and the chain is pickup -> intake, the weigh-in's own
    resident -> truck line not repeated; before the weigh-in it is still 409."""
    truck, lamps, _paper, stops = _lamps_collected_day(app, session, world)
    at = (datetime.now(UTC) - timedelta(minutes=30)).replace(microsecond=0)
    assert report(world, "driver", stops[lamps]["id"], "collected", at=at, quantity_kg=2.4).status_code == 201
    url = f"/api/v1/handover-certificates/{lamps}"
    assert world.client.get(url, headers=world.headers("resident")).status_code == 409
    assert _weigh(world, lamps, truck).status_code == 201
    resp = world.client.get(url, headers=world.headers("resident"))
    assert resp.status_code == 200, resp.get_json()
    cert = resp.get_json()
    pickup = cert["pickup"]
    assert pickup["vehicle"] == {"plate": "ZJ-HAZ-1", "hazardous_licence": True}
    assert pickup["driver_id"] == world.ids["user_driver"] and pickup["kg"] == 2.4
    assert datetime.fromisoformat(pickup["at"]) == at
    assert [(s["stage"], s["from_party"], s["to_party"]) for s in cert["chain"]] == [
        ("pickup", f"resident {world.ids['user_resident']}", "vehicle ZJ-HAZ-1"),
        ("intake", "vehicle ZJ-HAZ-1", f"center {world.ids['center_a']}"),
    ]
    assert world.client.get(url, headers=world.headers("resident2")).status_code == 404
    assert [(e.from_party, e.to_party, e.intake_id is None) for e in _custody(session, lamps)] == [
        (f"resident {world.ids['user_resident']}", "vehicle ZJ-HAZ-1", True),
        ("vehicle ZJ-HAZ-1", f"center {world.ids['center_a']}", False),
    ], "the weigh-in logs its own link only, not the pickup's again"


def test_the_old_stop_event_endpoint_records_the_pickup_link_too(app, session, world):
    """The deprecated planning endpoint moves the stop through the same service: its 'done'
    opens the custody chain as the phone's 'collected' does, and a second 'done' is 409."""
    _truck, lamps, _paper, stops = _lamps_collected_day(app, session, world)
    stop = stops[lamps]
    url = f"/api/v1/routes/{stop['route_id']}/stops/{stop['seq']}/events"
    done = world.client.post(url, json={"type": "done", "quantity_kg": 1.5}, headers=world.headers("driver"))
    assert done.status_code == 200, done.get_json()
    assert [e.kg for e in _custody(session, lamps)] == [1.5]
    again = world.client.post(url, json={"type": "done"}, headers=world.headers("driver"))
    assert again.status_code == 409
    assert len(_custody(session, lamps)) == 1
