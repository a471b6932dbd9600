"""Ingest through the service layer (both databases): readings once, dead letters with
reasons, bin state, alerts, offline detection; and the telemetry API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from backend.telemetry.models import Alert, BinState, DeadLetter, Reading
from backend.telemetry.services import readings as telemetry
from backend.telemetry.services.readings import DeviceDirectory, Incoming
from tests.backend.telemetry.conftest import T0, TOPIC, msg


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_readings_are_stored_once_and_bad_messages_dead_lettered(world, session):
    """Duplicates (in one batch and across batches) store once; each bad message keeps its reason."""
    d = DeviceDirectory()
    good = [msg(m, fill_pct=10 + m) for m in range(0, 50, 10)]
    bad = [
        Incoming(TOPIC, b"{oops", T0),
        Incoming("recyclenet/v1/bins/NOPE-1/telemetry", msg(0).payload, T0),
        Incoming("some/other/topic", b"{}", T0),
        msg(60, fill_pct=300),
    ]
    out = telemetry.ingest_batch(session, good + good[:2] + bad, d)
    assert out.readings == 5 and out.dead_letters == 4
    telemetry.ingest_batch(session, good, d)  # a redelivery of the whole batch
    assert count(session, Reading) == 5
    reasons = {dl.topic: dl.reason for dl in session.scalars(select(DeadLetter))}
    assert "unknown device" in reasons["recyclenet/v1/bins/NOPE-1/telemetry"]
    assert "wrong shape" in reasons["some/other/topic"]
    letters = session.scalars(select(DeadLetter).where(DeadLetter.topic == TOPIC)).all()
    assert sorted(dl.reason.split(":")[0] for dl in letters) == ["fill_pct out of range [0, 100]", "malformed JSON"]
    assert {bytes(dl.payload) for dl in letters} >= {b"{oops"}
    telemetry.ingest_batch(session, bad, d)
    assert count(session, DeadLetter) == 4  # redelivered bad messages are not doubled


def test_state_follows_the_latest_reading_not_a_late_one(world, session):
    """A late (older) reading is stored but does not roll the state back."""
    d = DeviceDirectory()
    telemetry.ingest_batch(session, [msg(30, fill_pct=55, battery_pct=80, temp_c=21)], d)
    telemetry.ingest_batch(session, [msg(10, fill_pct=20)], d)
    state = session.get(BinState, world.ids["bin"])
    session.refresh(state)
    assert state.fill_pct == 55 and state.battery_pct == 80 and state.online
    assert state.last_reading_at == T0 + timedelta(minutes=30)
    assert count(session, Reading) == 2


def alerts_of(session, kind):
    return session.scalars(select(Alert).where(Alert.kind == kind).order_by(Alert.id)).all()


def test_alarm_alerts_open_once_and_close_when_the_condition_clears(world, session):
    """Fire opens one alert while reported, closes when it stops; FIWARE status follows."""
    d = DeviceDirectory()
    telemetry.ingest_batch(session, [msg(0, alarms=["fire"]), msg(5, alarms=["fire", "lid_open"])], d)
    state = session.get(BinState, world.ids["bin"])
    assert state.device_status == "burning"
    assert [a.state for a in alerts_of(session, "fire")] == ["open"]
    telemetry.ingest_batch(session, [msg(10)], d)
    session.expire_all()
    assert [a.state for a in alerts_of(session, "fire")] == ["closed"]
    assert [a.state for a in alerts_of(session, "lid_open")] == ["closed"]
    assert session.get(BinState, world.ids["bin"]).device_status == "ok"


def test_low_battery_and_sensor_fault(world, session):
    """Battery under 15% alerts; a big drop with no collection is a sensor fault, after a collection it is not."""
    d = DeviceDirectory()
    telemetry.ingest_batch(session, [msg(0, fill_pct=70, battery_pct=12), msg(10, fill_pct=10, battery_pct=12)], d)
    assert len(alerts_of(session, "low_battery")) == 1
    assert len(alerts_of(session, "sensor_fault")) == 1
    telemetry.record_emptying(session, world.ids["bin"], T0 + timedelta(minutes=15))
    session.expire_all()
    assert alerts_of(session, "sensor_fault")[0].state == "closed"
    telemetry.ingest_batch(session, [msg(20, fill_pct=60, battery_pct=50)], d)
    telemetry.record_emptying(session, world.ids["bin"], T0 + timedelta(minutes=25))
    telemetry.ingest_batch(session, [msg(30, fill_pct=2, battery_pct=50)], d)
    session.expire_all()
    assert len(alerts_of(session, "sensor_fault")) == 1  # the emptied drop opened nothing new
    assert alerts_of(session, "low_battery")[0].state == "closed"


def test_last_will_and_silence_take_a_bin_offline(world, session):
    """'offline' on the status topic, or silence, marks the bin offline with an alert; a reading brings it back."""
    d = DeviceDirectory()
    status = "recyclenet/v1/bins/T-BIN-1/status"
    telemetry.ingest_batch(session, [Incoming(status, b"online", T0)], d)
    assert session.get(BinState, world.ids["bin"]).online
    telemetry.ingest_batch(session, [Incoming(status, b"offline", T0)], d)
    session.expire_all()
    assert not session.get(BinState, world.ids["bin"]).online
    assert alerts_of(session, "offline")[0].state == "open"
    telemetry.ingest_batch(session, [msg(5)], d)
    session.expire_all()
    assert session.get(BinState, world.ids["bin"]).online and alerts_of(session, "offline")[0].state == "closed"
    gone = telemetry.mark_silent_offline(session, timedelta(minutes=30), now=datetime.now(UTC) + timedelta(hours=2))
    session.expire_all()
    assert gone == 1 and not session.get(BinState, world.ids["bin"]).online
    assert [a.state for a in alerts_of(session, "offline")] == ["closed", "open"]


def test_bin_api_shows_state_and_forecast_and_readings_window(world, session):
    """GET /bins/{id} carries state and forecast; readings filter by from/to; the ETag ignores telemetry."""
    c, h = world.client, world.headers("dispatcher")
    url = f"/api/v1/bins/{world.ids['bin']}"
    etag = c.get(url, headers=h).headers["ETag"]
    telemetry.ingest_batch(session, [msg(m * 30, fill_pct=5 + m * 2) for m in range(12)], DeviceDirectory())
    body = c.get(url, headers=h)
    assert body.headers["ETag"] == etag
    data = body.get_json()
    assert data["state"]["fill_pct"] == 27 and data["state"]["online"] is True
    assert 80 < data["forecast"]["rate_pct_per_day"] < 112  # 2 points per 30 minutes = 96 %/day
    assert data["forecast"]["threshold_at"] is not None
    start = (T0 + timedelta(minutes=60)).isoformat()
    end = (T0 + timedelta(minutes=150)).isoformat()
    rows = c.get(f"{url}/readings", query_string={"from": start, "to": end}, headers=h).get_json()
    assert [r["fill_pct"] for r in rows] == [9, 11, 13]
    assert c.get(f"{url}/readings", query_string={"from": end, "to": start}, headers=h).status_code == 422
    assert c.get(f"{url}/readings", headers=world.headers("resident")).status_code == 403


def test_alerts_are_listed_and_acknowledged(world, session):
    """Dispatchers list and acknowledge alerts; acknowledging a closed alert is 409; residents get 403."""
    telemetry.ingest_batch(session, [msg(0, alarms=["tilt"])], DeviceDirectory())
    c = world.client
    listed = c.get("/api/v1/alerts?state=open", headers=world.headers("dispatcher")).get_json()
    assert [(a["kind"], a["bin_id"]) for a in listed] == [("tilt", world.ids["bin"])]
    alert_id = listed[0]["id"]
    assert c.post(f"/api/v1/alerts/{alert_id}/ack", headers=world.headers("resident")).status_code == 403
    acked = c.post(f"/api/v1/alerts/{alert_id}/ack", headers=world.headers("dispatcher")).get_json()
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == world.ids["user_dispatcher"]
    telemetry.ingest_batch(session, [msg(5)], DeviceDirectory())
    assert c.post(f"/api/v1/alerts/{alert_id}/ack", headers=world.headers("dispatcher")).status_code == 409


def test_device_credentials_are_shown_once_and_stored_hashed(world, session):
    """Admins issue a bin's MQTT password; only a Mosquitto PBKDF2 hash is stored."""
    from backend.network.models import Bin
    from backend.telemetry.broker_auth import verify

    c = world.client
    url = f"/api/v1/bins/{world.ids['bin']}/credentials"
    assert c.post(url, headers=world.headers("dispatcher")).status_code == 403
    body = c.post(url, headers=world.headers("admin")).get_json()
    assert body["username"] == "T-BIN-1" and len(body["password"]) >= 20
    session.expire_all()
    stored = session.get(Bin, world.ids["bin"]).mqtt_password_hash
    assert stored.startswith("$7$") and body["password"] not in stored
    assert verify(body["password"], stored) and not verify("wrong", stored)


def test_retention_thins_old_readings_to_hourly_and_prunes_older(world, session):
    """Old readings keep one per hour; readings beyond the hourly window are removed."""
    from backend.telemetry.services.retention import apply_retention

    base = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
    items = [
        Incoming(
            TOPIC, json.dumps({"ts": (base + timedelta(minutes=10 * k)).isoformat(), "fill_pct": 5}).encode(), base
        )
        for k in range(18)
    ]  # three hours of 10-minute readings
    telemetry.ingest_batch(session, items, DeviceDirectory(), now=base + timedelta(days=1))
    outcome = apply_retention(session, keep_raw_days=30, keep_hourly_days=365, now=base + timedelta(days=60))
    assert outcome["thinned"] == 15 and count(session, Reading) == 3
    outcome = apply_retention(session, keep_raw_days=30, keep_hourly_days=40, now=base + timedelta(days=60))
    assert outcome["pruned"] == 3 and count(session, Reading) == 0
