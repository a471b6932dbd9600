"""Several ingest processes in the shared subscription (`recyclenet ingest --processes 2`),
against a real Mosquitto and PostgreSQL: one bin's messages reach either worker, and the
bin's state still ends at its latest reading, with one open alert per condition."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.network.models import Bin
from backend.telemetry import topics
from backend.telemetry.models import Alert, BinState, Reading
from tests.iot.conftest import BASE, DEVICES, wait_for_worker
from tests.support.mqtt import Publisher, kill, start_worker, wait_until
from tests.support.servers import MosquittoServer

READINGS_PER_BIN = 100  # ends inside a run of "fire" readings
BINS = DEVICES[:11]


@pytest.fixture
def broker():
    b = MosquittoServer().start()
    yield b
    b.stop()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def fill(device: int, k: int) -> float:
    return 0.5 * k + device  # rises steadily: a drop would be a sensor fault


def test_two_processes_split_the_stream_and_agree_on_each_bins_state(pg_bins, counter, broker, tmp_path):
    """Two worker processes, one of them SIGKILLed midway and restarted by the supervisor:
    every reading stored once, each bin's state is its latest reading, and no condition
    has two open alerts."""
    _, url = pg_bins
    worker = start_worker(url, broker.url, tmp_path / "worker.log", processes=2)
    pub = Publisher(broker.url, "test-publisher")
    wait_for_worker(pub, counter, 1)
    assert wait_until(lambda: len(children(worker.pid)) == 2, 90)
    # Every bin reports in time order; "fire" comes and goes, so both workers open and close
    # the same bin's alert in turn. Eleven bins, published without waiting: consecutive
    # readings of one bin alternate between the workers (the broker deals messages round
    # robin), and both hold readings of every bin at once.
    burst = Publisher(broker.url, "test-burst")
    infos, sent = [], 0
    for k in range(READINGS_PER_BIN):
        for d, device in enumerate(BINS):
            body = {
                "ts": (BASE + timedelta(minutes=k)).isoformat(),
                "fill_pct": fill(d, k),
                "battery_pct": 90,
                "alarms": ["fire"] if (k // 10) % 2 else [],
            }
            infos.append(burst.client.publish(topics.telemetry(device), json.dumps(body).encode(), qos=1))
            sent += 1
        if k == READINGS_PER_BIN // 2:
            assert wait_until(lambda sent=sent: counter.readings() > sent // 3, 90, every=0.01)
            os.kill(children(worker.pid)[0], signal.SIGKILL)  # the supervisor reaps it
    for info in infos:
        info.wait_for_publish(30)
    burst.close()
    assert wait_until(lambda: counter.readings() == sent + 1, 90), (counter.readings(), sent + 1)
    assert wait_until(lambda: len(children(worker.pid)) == 2, 90), "the killed worker was not restarted"
    time.sleep(1.0)
    assert counter.readings() == sent + 1
    last_k = READINGS_PER_BIN - 1
    with counter.engine.connect() as c:
        states = {
            dev: (f, at)
            for dev, f, at in c.execute(
                select(Bin.device_id, BinState.fill_pct, BinState.last_reading_at).join(
                    BinState, BinState.bin_id == Bin.id
                )
            )
        }
        latest = dict(
            c.execute(
                select(Bin.device_id, func.max(Reading.measured_at))
                .join(Reading, Reading.bin_id == Bin.id)
                .group_by(Bin.device_id)
            ).all()
        )
        open_alerts = c.execute(
            select(Alert.bin_id, Alert.kind, func.count())
            .where(Alert.state != "closed")
            .group_by(Alert.bin_id, Alert.kind)
        ).all()
        fire_alerts = c.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "fire"))
    for d, device in enumerate(BINS):
        assert states[device] == (fill(d, last_k), latest[device]), device
    # The stream ends in a fire: each bin has exactly one open fire alert, not one per worker.
    assert sorted(kind for _, kind, _ in open_alerts) == ["fire"] * len(BINS)
    assert all(n == 1 for _, _, n in open_alerts), open_alerts
    # At most one alert per run of fire readings (7 runs per bin); fewer only if a whole run
    # reached a worker after a later reading of that bin (late readings drive no alerts).
    assert len(BINS) <= fire_alerts <= len(BINS) * (READINGS_PER_BIN // 20)
    assert kill(worker, signal.SIGTERM) == 0
    pub.close()
