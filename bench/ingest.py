"""End-to-end ingest rate: readings per second from MQTT into PostgreSQL and into SQLite,
beside the raw rate of the same broker and client library with no database, in one run.

    python bench/ingest.py --messages 30000

Starts its own PostgreSQL and, for each consumer, a fresh Mosquitto (temporary
directories, free ports): a worker's persistent session stays in its shared-subscription
group after it stops, and would keep taking a share of the next run's messages. A
publisher process sends N telemetry messages at QoS 1 as fast as the broker acknowledges
them, with a window of in-flight messages. Three consumers, one after the other:
  raw        a paho subscriber with manual acks that acks on arrival (no decoding, no DB);
  postgres   `recyclenet ingest` (the real worker) into PostgreSQL;
  sqlite     the same worker into SQLite (WAL).
Each rate is messages / (time from the first to the last message consumed).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from backend import migrate  # noqa: E402
from iot import mqtt as rn_mqtt  # noqa: E402
from iot import topics  # noqa: E402
from tests.support.mqtt import start_worker  # noqa: E402
from tests.support.servers import MosquittoServer, PostgresServer  # noqa: E402

DEVICES = 2000


def publish(url: str, n: int, offset: int) -> None:
    """Publish n readings (distinct (device, ts)) at QoS 1 with up to 1000 in flight."""
    client = rn_mqtt.make_client(url, f"bench-pub-{offset}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    rn_mqtt.connect(client)
    client.loop_start()
    base = datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(days=offset)
    infos = []
    for k in range(n):
        ts = (base + timedelta(seconds=k // DEVICES)).isoformat()
        body = {"ts": ts, "fill_pct": k % 100, "battery_pct": 80, "temp_c": 15, "seq": k}
        infos.append(client.publish(topics.telemetry(f"BENCH-{k % DEVICES:05d}"), json.dumps(body), qos=1))
    for info in infos:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def raw_rate(url: str, n: int, offset: int) -> float:
    got, first, last, done = [0], [0.0], [0.0], threading.Event()
    client = rn_mqtt.make_client(url, "bench-raw", manual_ack=True)

    def on_message(c, u, msg):
        if got[0] == 0:
            first[0] = time.perf_counter()
        c.ack(msg.mid, msg.qos)
        got[0] += 1
        if got[0] >= n:
            last[0] = time.perf_counter()
            done.set()

    subscribed = threading.Event()
    client.on_message = on_message
    client.on_connect = lambda c, u, f, rc, p: c.subscribe(f"{topics.PREFIX}/+/telemetry", qos=1)
    client.on_subscribe = lambda *a: subscribed.set()
    rn_mqtt.connect(client, properties=rn_mqtt.connect_properties(receive_maximum=5000))
    client.loop_start()
    subscribed.wait(10)
    pub = mp.Process(target=publish, args=(url, n, offset))
    pub.start()
    done.wait(600)
    pub.join()
    client.disconnect()
    client.loop_stop()
    return n / (last[0] - first[0])


def worker_rate(db_url: str, url: str, n: int, offset: int, log: Path) -> float:
    engine = create_engine(db_url)
    def count() -> int:
        with engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM readings")).scalar()

    before = count()
    worker = start_worker(db_url, url, log, client_id=f"bench-ingest-{offset}")
    time.sleep(2.0)  # subscribed
    pub = mp.Process(target=publish, args=(url, n, offset))
    pub.start()
    while count() == before:
        time.sleep(0.01)
    first = time.perf_counter()
    while count() < before + n:
        time.sleep(0.01)
    last = time.perf_counter()
    pub.join()
    worker.terminate()
    worker.wait(30)
    engine.dispose()
    return n / (last - first)


def seed(db_url: str) -> None:
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO sites (tier, name, address, district, lat, lon, opening_hours, active, version) "
                       "VALUES ('sorting_center', 'C', '', '', 30, 120, '', true, 1)"))
        c.execute(text("INSERT INTO sites (tier, name, address, district, lat, lon, opening_hours, active, version, "
                       "sorting_center_id) VALUES ('collection_point', 'P', '', '', 30, 120, '', true, 1, 1)"))
        for k in range(DEVICES):
            c.execute(text("INSERT INTO bins (site_id, category_id, capacity_l, device_id, empty_distance_mm, "
                           "full_distance_mm, fill_threshold_pct, status, active, version) "
                           "VALUES (2, 1, 660, :d, 1200, 150, 80, 'in_service', true, 1)"), {"d": f"BENCH-{k:05d}"})
    engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=30000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="recyclenet-bench-"))
    pg = PostgresServer().start()

    def on_fresh_broker(measure):
        broker = MosquittoServer().start()
        try:
            return measure(broker.url)
        finally:
            broker.stop()

    try:
        pg_url = pg.url("postgres")
        sqlite_url = f"sqlite:///{tmp / 'bench.db'}"
        seed(pg_url)
        seed(sqlite_url)
        rates = {
            "raw (paho, no database)": on_fresh_broker(lambda url: raw_rate(url, args.messages, 0)),
            "postgres (recyclenet ingest)": on_fresh_broker(
                lambda url: worker_rate(pg_url, url, args.messages, 1, tmp / "pg.log")),
            "sqlite (recyclenet ingest)": on_fresh_broker(
                lambda url: worker_rate(sqlite_url, url, args.messages, 2, tmp / "sqlite.log")),
        }
        raw = rates["raw (paho, no database)"]
        print(f"{args.messages} messages, QoS 1, one Mosquitto, this machine ({os.cpu_count()} cores)")
        for name, rate in rates.items():
            print(f"  {name:30} {rate:9.0f} readings/s   {rate / raw:6.1%} of raw")
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
