"""Device security against a real Mosquitto running on the exported password and ACL files."""

from __future__ import annotations

import csv
import json
import time

import pytest
from paho.mqtt.reasoncodes import ReasonCode

from backend.cli import cli as recyclenet
from backend.telemetry import topics
from tests.iot.conftest import DEVICES
from tests.support.mqtt import Collector, Publisher
from tests.support.servers import MosquittoServer

INGEST = ("recyclenet-ingest", "ingest-secret-pw")


@pytest.fixture
def secured_broker(pg_bins, tmp_path):
    """Credentials issued and exported by the CLI; a broker that allows nothing else."""
    app, _ = pg_bins
    runner = app.test_cli_runner()
    creds = tmp_path / "creds.csv"
    assert runner.invoke(recyclenet, args=["devices", "credentials", "--out", str(creds)]).exit_code == 0
    app.config["MQTT_URL"] = f"mqtt://{INGEST[0]}:{INGEST[1]}@127.0.0.1:1883"
    result = runner.invoke(recyclenet, args=["mqtt-auth", "export", str(tmp_path / "auth")])
    assert result.exit_code == 0, result.output
    passwords = {row["device_id"]: row["password"] for row in csv.DictReader(open(creds))}
    broker = MosquittoServer(
        extra_conf=f"allow_anonymous false\npassword_file {tmp_path}/auth/passwd\nacl_file {tmp_path}/auth/acl"
    ).start()
    yield broker, passwords
    broker.stop()


def reading(k: int = 0) -> bytes:
    return json.dumps({"ts": f"2026-11-20T10:00:0{k}Z", "fill_pct": 10}).encode()


def test_device_writes_only_its_own_topics_and_reads_nothing(secured_broker):
    """A device's publish to another device's topic is refused; a device subscribed to the
    bins' topics receives nothing; its own telemetry reaches the ingest account."""
    broker, pw = secured_broker
    a, b = DEVICES[0], DEVICES[1]
    ingest = Collector(broker.url, f"{topics.PREFIX}/+/telemetry", username=INGEST[0], password=INGEST[1])
    assert not ingest.granted[0].is_failure
    device_a = Publisher(broker.url, "dev-a", username=a, password=pw[a])
    own = device_a.send(topics.telemetry(a), reading(1))
    forged = device_a.send(topics.telemetry(b), reading(2))
    assert not own.is_failure
    assert forged.is_failure and forged == ReasonCode(forged.packetType, "Not authorized")
    # Mosquitto may grant the SUBACK; it checks read access per message at delivery.
    snoop = Collector(broker.url, f"{topics.PREFIX}/+/telemetry", username=a, password=pw[a])
    device_b = Publisher(broker.url, "dev-b", username=b, password=pw[b])
    device_b.send(topics.telemetry(b), reading(3))
    time.sleep(0.5)
    assert [t for t, _ in ingest.messages] == [topics.telemetry(a), topics.telemetry(b)]
    assert snoop.messages == []
    for c in (ingest, snoop, device_a, device_b):
        c.close()


def connack(url: str, **auth):
    """The broker's answer to a CONNECT with these credentials."""
    import threading

    from iot import mqtt as rn_mqtt

    answer, got = [], threading.Event()
    client = rn_mqtt.make_client(url, "probe", **auth)
    client.on_connect = lambda c, u, flags, rc, props: (answer.append(rc), got.set())
    rn_mqtt.connect(client)
    client.loop_start()
    got.wait(10)
    client.loop_stop()
    client.disconnect()
    return answer[0] if answer else None


def test_wrong_password_and_anonymous_are_refused(secured_broker):
    """No connection without the device's own password; with it, the connection is accepted."""
    broker, pw = secured_broker
    a, b = DEVICES[0], DEVICES[1]
    assert not connack(broker.url, username=a, password=pw[a]).is_failure
    for auth in ({"username": a, "password": "guess"}, {}, {"username": a, "password": pw[b]}):
        rc = connack(broker.url, **auth)
        assert rc is not None and rc.is_failure, auth
