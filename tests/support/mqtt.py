"""Small helpers for tests that talk to a real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from iot import mqtt as rn_mqtt
from iot.supervisor import stop_process


def recyclenet_command() -> list[str]:
    script = Path(sys.executable).parent / "recyclenet"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from backend.cli import main; main()"]


STARTED: list[subprocess.Popen] = []  # stopped by tests/iot/conftest.py after each test


def start_worker(
    db_url: str,
    mqtt_url: str,
    log_path: Path,
    client_id: str = "test-ingest",
    processes: int = 1,
    extra_args: tuple[str, ...] = (),
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "MQTT_URL": mqtt_url,
        "SECRET_KEY": "test",
        "RECYCLENET_INGEST_CLIENT_ID": client_id,
    }
    command = [*recyclenet_command(), "ingest", "--processes", str(processes), *extra_args]
    proc = subprocess.Popen(command, env=env, stdout=open(log_path, "ab"), stderr=subprocess.STDOUT)
    STARTED.append(proc)
    return proc


def stop_started_workers() -> None:
    """What a failed test left running: a worker outliving its test keeps restarting against
    a database that is gone."""
    while STARTED:
        stop_process(STARTED.pop())


def kill(proc: subprocess.Popen, sig=signal.SIGKILL) -> int:
    proc.send_signal(sig)
    return proc.wait(15)


class Publisher:
    """A connected QoS 1 publisher; `send` returns once the broker has acknowledged."""

    def __init__(self, url: str, client_id: str = "", **auth) -> None:
        self.client = rn_mqtt.make_client(url, client_id, **auth)
        self.results: dict[int, object] = {}
        self.client.on_publish = lambda c, u, mid, rc, props: self.results.__setitem__(mid, rc)
        rn_mqtt.connect(self.client)
        self.client.loop_start()

    def send(self, topic: str, payload: bytes, qos: int = 1) -> object:
        info = self.client.publish(topic, payload, qos=qos)
        info.wait_for_publish(10)
        deadline = time.monotonic() + 5
        while info.mid not in self.results and time.monotonic() < deadline:
            time.sleep(0.001)
        return self.results.get(info.mid)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Collector:
    """Subscribes and keeps every message it gets."""

    def __init__(self, url: str, topic: str, **auth) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.granted = None
        self.ready = threading.Event()
        self.client = rn_mqtt.make_client(url, "", **auth)

        def on_connect(c, u, flags, rc, props):
            c.subscribe(topic, qos=1)

        def on_subscribe(c, u, mid, codes, props):
            self.granted = codes
            self.ready.set()

        self.client.on_connect = on_connect
        self.client.on_subscribe = on_subscribe
        self.client.on_message = lambda c, u, m: self.messages.append((m.topic, bytes(m.payload)))
        rn_mqtt.connect(self.client)
        self.client.loop_start()
        assert self.ready.wait(10), "no SUBACK"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(predicate, timeout: float = 60.0, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()
