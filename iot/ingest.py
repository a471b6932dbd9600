"""`recyclenet ingest`: the long-running worker that turns MQTT messages into readings.

Loses nothing the broker accepted:
- a persistent session (clean start off, a session expiry), so messages published while
  the worker is down wait in the broker;
- manual acknowledgement: a QoS 1 message is acknowledged only after the batch holding it
  is committed, so a worker killed at any moment leaves its unacknowledged messages to be
  redelivered, and the unique (bin, measured_at) key stores a redelivered reading once;
- a shared subscription ($share/ingest/...), so several workers split the load;
- reconnects with a bounded back-off, subscribing again on every (re)connect; a broker
  that is down when the worker starts is waited for the same way (each failed attempt
  logged), never a reason to exit.
Bad input never stops it: each bad message becomes a dead letter with its reason.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy.exc import OperationalError

from backend.telemetry import topics
from backend.telemetry.services import readings as telemetry
from iot import mqtt as rn_mqtt

log = logging.getLogger("recyclenet.ingest")


@dataclass
class Settings:
    mqtt_url: str
    client_id: str = "recyclenet-ingest-1"
    batch_size: int = 2000
    batch_wait_s: float = 0.05
    session_expiry_s: int = 7 * 24 * 3600
    receive_maximum: int = 10000
    shared: bool = True
    offline_after_s: int = 3 * 900  # three missed 15-minute reports
    offline_check_every_s: float = 60.0


class _Message(NamedTuple):  # built on paho's thread for every message: kept cheap
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_at: datetime


class IngestWorker:
    def __init__(self, db, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.inbox: queue.SimpleQueue[_Message] = queue.SimpleQueue()  # C, no task accounting
        self.directory = telemetry.DeviceDirectory()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.stored = 0
        self.failed_attempts = 0  # in a row, since the last successful connection
        self.client = rn_mqtt.make_client(settings.mqtt_url, settings.client_id, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self._on_connect_fail
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    # paho's network thread: no database work here, only hand-over.
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("broker refused the connection: %s", reason_code)
            return
        client.subscribe([(t, 1) for t in topics.subscriptions(self.settings.shared)])
        self.failed_attempts = 0
        self.connected.set()
        log.info("connected (session present: %s), subscribed", flags.session_present)

    def _on_connect_fail(self, client, userdata) -> None:
        self.failed_attempts += 1
        broker = rn_mqtt.broker_of(client)
        log.warning(
            "broker %s:%d unreachable (attempt %d); trying again with back-off, at most %d s apart",
            broker.host,
            broker.port,
            self.failed_attempts,
            rn_mqtt.RECONNECT_MAX_S,
        )

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        failed = [str(rc) for rc in reason_codes if rc.is_failure]
        if failed:
            log.error("subscription refused: %s", ", ".join(failed))
        else:
            log.info("subscriptions granted")

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        if not self.stopping.is_set():
            log.warning("disconnected (%s); paho reconnects with backoff", reason_code)

    def _on_message(self, client, userdata, msg) -> None:
        self.inbox.put(_Message(msg.topic, bytes(msg.payload), msg.mid, msg.qos, datetime.now(UTC)))

    def _next_batch(self) -> list[_Message]:
        try:
            batch = [self.inbox.get(timeout=0.5)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.settings.batch_wait_s
        while len(batch) < self.settings.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(self.inbox.get(timeout=max(0.0, remaining)) if remaining > 0 else self.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[_Message]) -> None:
        items = [telemetry.Incoming(m.topic, m.payload, m.received_at) for m in batch]
        delay = 0.5
        while True:
            try:
                telemetry.ingest_batch(self.db.session(), items, self.directory)
                return
            except OperationalError:
                # The database is away: keep the batch (unacknowledged) and try again.
                self.db.session.rollback()
                log.exception("database unavailable; retrying in %.1fs", delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def run(self) -> None:
        rn_mqtt.connect_async(
            self.client,
            clean_start=False,
            properties=rn_mqtt.connect_properties(self.settings.session_expiry_s, self.settings.receive_maximum),
        )
        self.client.loop_start()
        next_offline_check = time.monotonic() + self.settings.offline_check_every_s
        try:
            while not self.stopping.is_set():
                batch = self._next_batch()
                if batch:
                    self._store(batch)
                    for m in batch:  # in arrival order, as MQTT requires
                        self.client.ack(m.mid, m.qos)
                    self.stored += len(batch)
                if time.monotonic() >= next_offline_check:
                    telemetry.mark_silent_offline(self.db.session(), timedelta(seconds=self.settings.offline_after_s))
                    next_offline_check = time.monotonic() + self.settings.offline_check_every_s
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self.db.session.remove()

    def stop(self) -> None:
        self.stopping.set()
