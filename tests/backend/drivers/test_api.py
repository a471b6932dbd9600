"""The driver's API: their own day only, stop events stored once and applied in the order they
happened, proof-of-service photos shown to whom they concern, positions, and day assignments."""

from __future__ import annotations

import base64
import io
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image

from tests.backend.drivers.conftest import first_pickup, image_bytes, report, stops_of, upload
from tests.backend.planning.conftest import DAY


def test_a_driver_sees_only_the_route_of_the_truck_they_drive_with_estimates(dispatched_day):
    """`driver` gets center A's route (with an estimate per stop), `driver2` center B's; neither the other's."""
    w = dispatched_day
    mine = w.client.get(f"/api/v1/drivers/routes?date={DAY}", headers=w.headers("driver")).get_json()
    assert [r["id"] for r in mine] == [w.ids["route"]]
    assert all(s["eta"] is not None and s["photos"] == [] for s in mine[0]["stops"])
    assert mine[0]["position"] is None and mine[0]["delay_s"] == 0
    theirs = w.client.get(f"/api/v1/drivers/routes?date={DAY}", headers=w.headers("driver2")).get_json()
    assert [r["id"] for r in theirs] == [w.ids["route_b"]]


def test_a_resent_event_is_stored_once(dispatched_day):
    """The same event id sent twice (an offline queue replayed) answers 201 then 200 and is stored once."""
    w = dispatched_day
    stop = first_pickup(w)
    event_id = str(uuid.uuid4())
    at = datetime.now(UTC) - timedelta(minutes=5)
    first = report(w, "driver", stop["id"], "arrived", event_id, at)
    again = report(w, "driver", stop["id"], "arrived", event_id, at)
    assert (first.status_code, again.status_code) == (201, 200), again.get_json()
    assert again.get_json()["id"] == event_id and again.get_json()["stop_status"] == "arrived"
    events = w.client.get(f"/api/v1/drivers/routes/{w.ids['route']}/events", headers=w.headers("dispatcher")).get_json()
    assert [e["id"] for e in events] == [event_id]
    assert datetime.fromisoformat(events[0]["happened_at"]) == at


def test_an_event_id_reused_for_another_stop_is_a_conflict(dispatched_day):
    """An id already stored for one stop cannot be replayed onto another (409), and changes nothing."""
    w = dispatched_day
    a, b = [s for s in stops_of(w, "route") if s["kind"] == "booking"][:2]
    event_id = str(uuid.uuid4())
    assert report(w, "driver", a["id"], "arrived", event_id).status_code == 201
    assert report(w, "driver", b["id"], "arrived", event_id).status_code == 409
    assert next(s for s in stops_of(w, "route") if s["id"] == b["id"])["status"] == "planned"


def test_an_event_on_someone_elses_route_is_404(dispatched_day):
    """`driver2` reporting at, photographing or locating on `driver`'s route gets 404, and nothing changes."""
    w = dispatched_day
    stop = first_pickup(w)
    assert report(w, "driver2", stop["id"], "arrived").status_code == 404
    assert upload(w, "driver2", stop["id"], image_bytes(10, 10)).status_code == 404
    pos = w.client.post(
        f"/api/v1/drivers/routes/{w.ids['route']}/positions",
        json={"lat": 30.3, "lon": 120.1},
        headers=w.headers("driver2"),
    )
    assert pos.status_code == 404
    events = w.client.get(f"/api/v1/drivers/routes/{w.ids['route']}/events", headers=w.headers("driver2"))
    assert events.status_code == 404
    assert first_pickup(w)["status"] == "planned"


def test_a_late_event_does_not_roll_a_stop_back(dispatched_day):
    """An 'arrived' that happened before the 'collected' but reached us after it is stored, not applied."""
    w = dispatched_day
    stop = first_pickup(w)
    now = datetime.now(UTC)
    done = report(w, "driver", stop["id"], "collected", at=now - timedelta(minutes=1), quantity_kg=11.5)
    late = report(w, "driver", stop["id"], "arrived", at=now - timedelta(minutes=9))
    assert (done.status_code, late.status_code) == (201, 201)
    assert late.get_json()["applied"] is False and late.get_json()["stop_status"] == "done"
    assert first_pickup(w)["status"] == "done"
    events = w.client.get(f"/api/v1/drivers/routes/{w.ids['route']}/events", headers=w.headers("driver")).get_json()
    assert [e["type"] for e in events] == ["arrived", "collected"]  # in the order they happened


def test_a_collected_weight_feeds_the_booking(dispatched_day):
    """The weight reported at a pickup becomes the booking's collected weight, and the booking is collected."""
    w = dispatched_day
    stop = first_pickup(w)
    assert report(w, "driver", stop["id"], "collected", quantity_kg=17.25).status_code == 201
    booking = w.client.get(f"/api/v1/bookings/{stop['booking_id']}", headers=w.headers("dispatcher")).get_json()
    assert (booking["status"], booking["collected_kg"]) == ("collected", 17.25)


def test_bad_reports_are_422_naming_the_field(dispatched_day):
    """A missed stop without a reason, a reason off the list, a time in the future, a fill at a pickup: 422."""
    w = dispatched_day
    stop = first_pickup(w)
    cases = [
        ({"type": "missed"}, "reason"),
        ({"type": "missed", "reason": "aliens"}, "reason"),
        ({"type": "arrived", "at": datetime.now(UTC) + timedelta(hours=2)}, "happened_at"),
        ({"type": "collected", "fill_pct": 80}, "fill_pct"),
    ]
    for extra, field in cases:
        extra = dict(extra)
        resp = report(w, "driver", stop["id"], extra.pop("type"), at=extra.pop("at", None), **extra)
        assert resp.status_code == 422, (extra, resp.get_json())
        assert field in str(resp.get_json()["errors"]), resp.get_json()
    assert first_pickup(w)["status"] == "planned"


def test_a_missed_pickups_photo_is_sized_down_and_shown_to_its_resident_only(dispatched_day, photo_dir):
    """A 3000x2000 PNG is stored as a JPEG at most 1280 px wide; the booking's resident and the
    dispatcher see it, another resident gets 404."""
    w = dispatched_day
    stop = first_pickup(w)
    assert report(w, "driver", stop["id"], "missed", reason="resident_absent", note="nobody home").status_code == 201
    photo_id = str(uuid.uuid4())
    raw = image_bytes(3000, 2000)
    resp = upload(w, "driver", stop["id"], raw, photo_id)
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["width"], resp.get_json()["height"]) == (1280, 853)
    again = upload(w, "driver", stop["id"], raw, photo_id)
    assert again.status_code == 200 and len(list(photo_dir.iterdir())) == 1
    owner = "resident" if stop["booking_id"] == w.ids["booking"] else "resident2"
    other = "resident2" if owner == "resident" else "resident"
    for who in (owner, "dispatcher"):
        got = w.client.get(f"/api/v1/drivers/photos/{photo_id}", headers=w.headers(who))
        assert got.status_code == 200, (who, got.get_json())
        with Image.open(io.BytesIO(base64.b64decode(got.get_json()["data"]))) as img:
            assert (img.format, img.size) == ("JPEG", (1280, 853))
    assert w.client.get(f"/api/v1/drivers/photos/{photo_id}", headers=w.headers(other)).status_code == 404
    listed = w.client.get(f"/api/v1/drivers/bookings/{stop['booking_id']}/photos", headers=w.headers(owner))
    assert [p["id"] for p in listed.get_json()] == [photo_id]
    hidden = w.client.get(f"/api/v1/drivers/bookings/{stop['booking_id']}/photos", headers=w.headers(other))
    assert hidden.status_code == 404
    live = w.client.get(f"/api/v1/drivers/routes?date={DAY}", headers=w.headers("dispatcher")).get_json()
    assert photo_id in next(s for r in live for s in r["stops"] if s["id"] == stop["id"])["photos"]


def test_photos_out_of_place_or_not_images_are_refused(dispatched_day, photo_dir):
    """A photo on a stop still planned is 409; text posing as an image, a GIF, or a photo over the
    size limit is 422 naming the photo; nothing is stored."""
    w = dispatched_day
    stop = first_pickup(w)
    assert upload(w, "driver", stop["id"], image_bytes(20, 20)).status_code == 409
    assert report(w, "driver", stop["id"], "missed", reason="blocked").status_code == 201
    w.client.application.config["DRIVER_PHOTO_MAX_BYTES"] = 50_000
    noise = Image.effect_noise((400, 400), 100).convert("RGB")
    big = io.BytesIO()
    noise.save(big, "PNG")
    assert len(big.getvalue()) > 50_000
    for raw in (b"not an image", image_bytes(20, 20, "GIF"), big.getvalue()):
        resp = upload(w, "driver", stop["id"], raw)
        assert resp.status_code == 422 and "photo" in resp.get_json()["errors"]["json"], resp.get_json()
    assert not photo_dir.exists() or not list(photo_dir.iterdir())


def test_the_trucks_position_shows_on_the_dispatchers_live_routes(dispatched_day):
    """The last position the driver's phone sent is the route's position for the dispatcher."""
    w = dispatched_day
    url = f"/api/v1/drivers/routes/{w.ids['route']}/positions"
    now = datetime.now(UTC)
    for lat, minutes in ((30.30, 2), (30.31, 1)):
        body = {"lat": lat, "lon": 120.15, "at": (now - timedelta(minutes=minutes)).isoformat()}
        assert w.client.post(url, json=body, headers=w.headers("driver")).status_code == 201
    live = w.client.get(f"/api/v1/drivers/routes?date={DAY}", headers=w.headers("dispatcher")).get_json()
    route = next(r for r in live if r["id"] == w.ids["route"])
    assert (route["position"]["lat"], route["position"]["lon"]) == (30.31, 120.15)


def test_a_day_assignment_moves_a_dispatched_route_to_the_named_driver(dispatched_day):
    """Naming `driver2` for center A's truck hands them its dispatched route; `driver` then gets 404 for it."""
    w = dispatched_day
    body = {"vehicle_id": w.ids["vehicle"], "date": DAY.isoformat(), "driver_id": w.ids["user_driver2"]}
    resp = w.client.put("/api/v1/drivers/assignments", json=body, headers=w.headers("dispatcher"))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["routes_moved"] == [w.ids["route"]]
    assert report(w, "driver", first_pickup(w)["id"], "arrived").status_code == 404
    assert report(w, "driver2", first_pickup(w)["id"], "arrived").status_code == 201
    crews = w.client.get(f"/api/v1/drivers/assignments?date={DAY}", headers=w.headers("dispatcher")).get_json()
    assert {(c["vehicle_id"], c["driver_id"], c["source"]) for c in crews} >= {
        (w.ids["vehicle"], w.ids["user_driver2"], "assigned"),
        (w.ids["vehicle_b"], w.ids["user_driver2"], "default"),
    }


def test_a_day_assignment_made_before_dispatch_is_used_at_dispatch(planned_day):
    """Assigned for the day before the plan is dispatched, `driver2` (not the default `driver`) gets the route."""
    w = planned_day
    body = {"vehicle_id": w.ids["vehicle"], "date": DAY.isoformat(), "driver_id": w.ids["user_driver2"]}
    assert w.client.put("/api/v1/drivers/assignments", json=body, headers=w.headers("dispatcher")).status_code == 200
    assert w.client.post(f"/api/v1/plans/{w.ids['plan']}/dispatch", headers=w.headers("dispatcher")).status_code == 200
    mine = w.client.get(f"/api/v1/drivers/routes?date={DAY}", headers=w.headers("driver2")).get_json()
    assert w.ids["route"] in [r["id"] for r in mine]
    assert w.client.get(f"/api/v1/drivers/routes?date={DAY}", headers=w.headers("driver")).get_json() == []


def test_only_an_active_driver_can_be_assigned(dispatched_day):
    """Assigning a resident to a truck is a 422 naming driver_id; a driver cannot assign at all (403)."""
    w = dispatched_day
    body = {"vehicle_id": w.ids["vehicle"], "date": DAY.isoformat(), "driver_id": w.ids["user_resident"]}
    resp = w.client.put("/api/v1/drivers/assignments", json=body, headers=w.headers("dispatcher"))
    assert resp.status_code == 422 and "driver_id" in str(resp.get_json()["errors"])
    assert w.client.put("/api/v1/drivers/assignments", json=body, headers=w.headers("driver")).status_code == 403


def test_the_timings_endpoint_sets_actual_service_beside_the_plan(dispatched_day):
    """A stop reported arrived then collected 4 minutes later shows 240 s of actual service for
    its route and as the learned time of its kind; a driver may not read the timings (403)."""
    w = dispatched_day
    stop = first_pickup(w)
    at = datetime.now(UTC) - timedelta(minutes=10)
    assert report(w, "driver", stop["id"], "arrived", at=at).status_code == 201
    assert report(w, "driver", stop["id"], "collected", at=at + timedelta(minutes=4), quantity_kg=9).status_code == 201
    timings = w.client.get(f"/api/v1/drivers/timings?date={DAY}", headers=w.headers("dispatcher")).get_json()
    mine = next(t for t in timings if t["route_id"] == w.ids["route"])
    assert (mine["stops_reported"], mine["actual_service_s"], mine["service_s_by_kind"]) == (1, 240, {"booking": 240})
    learned = w.client.get(
        f"/api/v1/drivers/service-times?center_id={w.ids['center_a']}&since={DAY}", headers=w.headers("dispatcher")
    ).get_json()
    assert learned["service_s_by_kind"] == {"booking": 240}
    assert w.client.get(f"/api/v1/drivers/timings?date={DAY}", headers=w.headers("driver")).status_code == 403
