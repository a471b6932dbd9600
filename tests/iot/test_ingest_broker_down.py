"""The ingest worker started while the broker is down, against a real Mosquitto started after
it: it stays up and keeps trying, each attempt logged and spaced by a back-off, and once the
broker is up it ingests what was queued for its session and what is published from then on.

Mosquitto (2.0) restores a stopped broker's sessions from its persistence file, but a
*shared* subscription of a session whose client is offline gets nothing until that client
subscribes again; a plain subscription gets its messages queued. So readings published
between the broker's start and the worker's reconnection are kept with ``--no-shared``
(one worker) and dropped by the broker with the default shared subscription
(docs/telemetry.md, "When the broker is away")."""

from __future__ import annotations

import json
import re
import signal
from datetime import datetime, timedelta

import pytest

from backend.telemetry import topics
from tests.iot.conftest import BASE, DEVICES, wait_for_worker
from tests.support.mqtt import Publisher, kill, start_worker, wait_until
from tests.support.servers import MosquittoServer, free_port

ATTEMPT = re.compile(r"^(\S+ \S+) recyclenet\.ingest WARNING broker \S+ unreachable \(attempt (\d+)\)", re.M)
SUBSCRIBED = "subscriptions granted"  # logged on the SUBACK


@pytest.fixture
def broker():
    b = MosquittoServer().start()
    yield b
    b.stop()


def readings(hours: int, per_device: int) -> list[tuple[str, bytes]]:
    """Readings of every bin, ``hours`` after BASE, one a minute."""
    return [
        (
            topics.telemetry(device),
            json.dumps({"ts": (BASE + timedelta(hours=hours, minutes=k)).isoformat(), "fill_pct": 7}).encode(),
        )
        for k in range(per_device)
        for device in DEVICES
    ]


def keys(batch: list[tuple[str, bytes]]) -> set[tuple[str, datetime]]:
    return {(topic.split("/")[-2], datetime.fromisoformat(json.loads(payload)["ts"])) for topic, payload in batch}


def attempts(log_path) -> list[tuple[datetime, int]]:
    """(when, attempt number) of each failed connection the worker logged."""
    text = log_path.read_text() if log_path.exists() else ""
    return [(datetime.strptime(at, "%Y-%m-%d %H:%M:%S,%f"), int(n)) for at, n in ATTEMPT.findall(text)]


def publish(url: str, batch) -> None:
    pub = Publisher(url, "test-publisher")
    for topic, payload in batch:
        assert pub.send(topic, payload) is not None  # the broker accepted it
    pub.close()


def worker_waiting_for_the_broker(pg_bins, counter, broker, tmp_path, *args):
    """A worker whose session (with readings queued in it) outlives a broker stop, started
    again while the broker is down: returns (worker, its log, the queued readings) once it
    has failed to connect three times."""
    _, url = pg_bins
    first = start_worker(url, broker.url, tmp_path / "first.log", extra_args=args)
    pub = Publisher(broker.url, "probe")
    wait_for_worker(pub, counter, 1)  # its session and subscriptions now live in the broker
    pub.close()
    kill(first, signal.SIGKILL)
    queued = readings(hours=1, per_device=5)
    publish(broker.url, queued)  # held in the worker's session
    broker.stop(keep_data=True)

    log = tmp_path / "worker.log"
    worker = start_worker(url, broker.url, log, extra_args=args)
    assert wait_until(lambda: len(attempts(log)) >= 3, 60), log.read_text()
    assert worker.poll() is None, "the worker gave up while the broker was down"
    logged = attempts(log)
    assert [n for _, n in logged] == list(range(1, len(logged) + 1))
    # A back-off, not a busy loop: at least a second between attempts.
    assert all((b - a).total_seconds() >= 1 for (a, _), (b, _) in zip(logged, logged[1:], strict=False)), logged
    return worker, log, queued


def test_a_worker_started_before_its_broker_retries_then_ingests_its_session(pg_bins, counter, broker, tmp_path):
    """The default worker (shared subscription), started while the broker is stopped, stays up
    logging each failed attempt; once the broker is up it stores the readings queued in its
    session before the stop and every reading published after it is back, each once."""
    worker, log, queued = worker_waiting_for_the_broker(pg_bins, counter, broker, tmp_path)
    broker.start()  # same port, same persistence file
    assert wait_until(lambda: log.read_text().count(SUBSCRIBED) >= 1, 60), log.read_text()
    assert wait_until(lambda: counter.readings() == 1 + len(queued), 60), counter.readings()
    live = readings(hours=3, per_device=3)
    publish(broker.url, live)
    assert wait_until(lambda: counter.readings() == 1 + len(queued) + len(live), 60), counter.readings()
    stored = {(d, t) for d, t in counter.keys()}
    assert keys(queued) | keys(live) <= stored
    assert counter.dead() == 0
    assert kill(worker, signal.SIGTERM) == 0


def test_a_single_unshared_worker_also_keeps_what_devices_sent_before_it_reconnected(
    pg_bins, counter, broker, tmp_path
):
    """With ``--no-shared``, readings published once the broker is up but before the waiting
    worker has reconnected are queued in its restored session and stored too."""
    worker, log, queued = worker_waiting_for_the_broker(pg_bins, counter, broker, tmp_path, "--no-shared")
    broker.start()
    early = readings(hours=2, per_device=5)  # most likely before the worker's next attempt
    publish(broker.url, early)
    assert wait_until(lambda: log.read_text().count(SUBSCRIBED) >= 1, 60), log.read_text()
    live = readings(hours=3, per_device=3)
    publish(broker.url, live)
    expected = 1 + len(queued) + len(early) + len(live)
    assert wait_until(lambda: counter.readings() == expected, 60), (counter.readings(), expected)
    stored = {(d, t) for d, t in counter.keys()}
    assert keys(queued) | keys(early) | keys(live) <= stored
    assert kill(worker, signal.SIGTERM) == 0


def test_a_worker_waiting_for_its_broker_stops_cleanly_on_sigterm(pg_bins, tmp_path):
    """SIGTERM while no broker has ever answered ends the worker at once, with status 0."""
    _, url = pg_bins
    log = tmp_path / "worker.log"
    worker = start_worker(url, f"mqtt://127.0.0.1:{free_port()}", log)
    assert wait_until(lambda: len(attempts(log)) >= 2, 60), log.read_text()
    assert kill(worker, signal.SIGTERM) == 0
