"""The ingest worker against a real Mosquitto and a real PostgreSQL: SIGKILL mid-stream and
a broker restart lose no reading; duplicates store once; bad payloads are dead-lettered."""

from __future__ import annotations

import json
import random
import signal
import threading
import time
from datetime import timedelta

import pytest

from backend.telemetry import topics
from tests.iot.conftest import BASE, DEVICES, wait_for_worker
from tests.support.mqtt import Publisher, kill, start_worker, wait_until
from tests.support.servers import MosquittoServer


@pytest.fixture
def broker():
    b = MosquittoServer().start()
    yield b
    b.stop()


def stream(n: int, seed: int = 5):
    """A mixed stream: valid readings, duplicates of earlier ones, malformed payloads.
    Returns (messages, expected reading keys, expected dead-letter payloads -> reason)."""
    rng = random.Random(seed)
    messages, valid, bad = [], [], {}
    for k in range(n):
        device = DEVICES[k % len(DEVICES)]
        roll = rng.random()
        if roll < 0.15 and valid:
            messages.append(rng.choice(valid)[2])  # an exact duplicate
        elif roll < 0.30:
            kind = k % 4
            if kind == 0:
                payload, reason = f'{{"ts": {k}, "fill_pct":'.encode(), "malformed JSON"
            elif kind == 1:
                payload, reason = json.dumps({"ts": BASE.isoformat(), "fill_pct": 100 + k}).encode(), "out of range"
            elif kind == 2:
                payload, reason = json.dumps({"ts": BASE.isoformat(), "fill_pct": f"{k}%"}).encode(), "must be a number"
            else:
                payload, reason = (
                    json.dumps({"ts": (BASE + timedelta(seconds=k)).isoformat(), "fill_pct": 3}).encode(),
                    "unknown device",
                )
                messages.append((topics.telemetry(f"GHOST-{k}"), payload))
                bad[payload] = reason
                continue
            messages.append((topics.telemetry(device), payload))
            bad[payload] = reason
        else:
            ts = BASE + timedelta(seconds=k)
            payload = json.dumps({"ts": ts.isoformat(), "fill_pct": round(rng.uniform(0, 100), 1), "seq": k}).encode()
            msg = (topics.telemetry(device), payload)
            valid.append((device, ts, msg))
            messages.append(msg)
    return messages, {(d, t) for d, t, _ in valid}, bad


def test_sigkill_mid_stream_loses_nothing_and_stores_duplicates_once(pg_bins, counter, broker, tmp_path):
    """3,000 mixed messages while the worker is SIGKILLed twice and restarted: every valid
    reading stored exactly once, every malformed one dead-lettered with its reason."""
    _, url = pg_bins
    messages, expected, bad = stream(3000)
    worker = start_worker(url, broker.url, tmp_path / "worker.log")
    pub = Publisher(broker.url, "test-publisher")
    probe_ts = BASE - timedelta(hours=1)
    wait_for_worker(pub, counter, 1)

    done = threading.Event()

    def publish_all():
        for topic, payload in messages:
            assert pub.send(topic, payload) is not None
            time.sleep(0.0005)
        done.set()

    publisher = threading.Thread(target=publish_all)
    publisher.start()
    for kill_at in (len(messages) // 3, 2 * len(messages) // 3):
        assert wait_until(lambda kill_at=kill_at: counter.readings() + counter.dead() >= kill_at * 0.6, 60)
        kill(worker, signal.SIGKILL)
        time.sleep(0.3)
        worker = start_worker(url, broker.url, tmp_path / "worker.log")
    publisher.join(120)
    assert done.is_set()
    assert wait_until(lambda: counter.readings() == len(expected) + 1 and counter.dead() == len(bad), 90), (
        counter.readings(),
        len(expected) + 1,
        counter.dead(),
        len(bad),
    )
    time.sleep(1.0)  # nothing more trickles in
    stored = {(d, t) for d, t in counter.keys()}
    assert stored == expected | {(DEVICES[0], probe_ts)}
    assert counter.readings() == len(stored)
    reasons = counter.reasons()
    assert set(reasons) == set(bad)
    assert all(bad[p] in reasons[p] for p in bad)

    # A clean stop on SIGTERM, once the last worker is up: it may have had nothing left to
    # do, and a process still importing dies of the signal before its handler exists. The
    # third worker's own SUBACK counts: an earlier worker may be killed before its SUBACK
    # comes (with a session present, queued messages arrive before it).
    def last_worker_subscribed() -> bool:
        log_text = (tmp_path / "worker.log").read_text()
        return (
            log_text.count("connected (session") >= 3
            and "subscriptions granted" in log_text.rpartition("connected (session")[2]
        )

    assert wait_until(last_worker_subscribed, 150)
    assert kill(worker, signal.SIGTERM) == 0
    pub.close()


def test_broker_restart_with_persistence_loses_no_reading(pg_bins, counter, broker, tmp_path):
    """Readings queued in the broker for the stopped worker survive a broker restart."""
    _, url = pg_bins
    worker = start_worker(url, broker.url, tmp_path / "worker.log")
    pub = Publisher(broker.url, "p1")
    wait_for_worker(pub, counter, 1)
    first = [
        (topics.telemetry(d), json.dumps({"ts": (BASE + timedelta(minutes=k)).isoformat(), "fill_pct": 5}).encode())
        for k, d in enumerate(DEVICES)
    ]
    for t, p in first:
        pub.send(t, p)
    assert wait_until(lambda: counter.readings() == len(first) + 1, 90)
    kill(worker, signal.SIGKILL)  # its session stays in the broker
    queued = [
        (
            topics.telemetry(d),
            json.dumps({"ts": (BASE + timedelta(hours=1, minutes=k)).isoformat(), "fill_pct": 9}).encode(),
        )
        for k, d in enumerate(DEVICES * 20)
    ]
    for t, p in queued:
        assert pub.send(t, p) is not None  # the broker accepted each one
    pub.close()
    broker.restart()
    worker = start_worker(url, broker.url, tmp_path / "worker.log")
    assert wait_until(lambda: counter.readings() == 1 + len(first) + len(queued), 60), counter.readings()
    pub = Publisher(broker.url, "p2")
    pub.send(
        topics.telemetry(DEVICES[0]), json.dumps({"ts": (BASE + timedelta(days=1)).isoformat(), "fill_pct": 1}).encode()
    )
    assert wait_until(lambda: counter.readings() == 1 + len(first) + len(queued) + 1, 90)
    pub.close()
    kill(worker, signal.SIGTERM)
