"""End-to-end ingest rate: readings per second from MQTT into PostgreSQL and into SQLite,
beside the raw rate of the same broker and client library with no database, in one run.

    python bench/ingest.py --messages 30000 --rounds 3

Starts its own PostgreSQL and, for each measurement, a fresh Mosquitto (temporary
directories, free ports): a worker's persistent session stays in its shared-subscription
group after it stops, and would keep taking a share of the next run's messages.
Three consumers:
  raw        a paho subscriber with manual acks that acks on arrival (no decoding, no DB);
  postgres   `recyclenet ingest` (the real worker) into PostgreSQL;
  postgres, --processes 2   two worker processes in the shared subscription;
  sqlite     the same worker into SQLite (WAL).
Two scenarios, each consumer in each, rounds interleaved so that the machine's mood
falls on all of them alike; the figures are medians over the rounds:
  live       a publisher process sends N readings at QoS 1 (up to 1,000 in flight)
             while the consumer runs: publisher, broker and consumer share the 2 cores.
             When the publisher is the slowest part, every consumer that keeps up with
             it shows about the same rate.
  backlog    N readings wait in the broker for the consumer's persistent session (it
             was down), then it connects and drains them: no publisher competes, so
             this is the consumer's own ceiling, the harder comparison for the worker.
A rate is messages / (first message received -> last one consumed). For the worker,
"received" is the received_at it stores and "consumed" is the moment the last reading is
visible in the database (probed by primary key, which costs the server next to nothing;
counting rows every few milliseconds would steal CPU from the worker being measured).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from backend.core import migrate  # noqa: E402
from backend.network.models import Bin  # noqa: E402
from backend.telemetry import topics  # noqa: E402
from backend.telemetry.models import Reading
from iot import mqtt as rn_mqtt  # noqa: E402
from tests.support.mqtt import start_worker  # noqa: E402
from tests.support.servers import MosquittoServer, PostgresServer  # noqa: E402

DEVICES = 2000


# Each measurement gets its own day of readings, in the past (the worker rejects readings
# from the future as a device clock gone wrong).
BASE = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=120)


def message(k: int, offset: int) -> tuple[str, bytes, int, datetime]:
    """The k-th reading of a run: (topic, payload, bin number, measured at)."""
    ts = BASE + timedelta(days=offset, seconds=k // DEVICES)
    body = {"ts": ts.isoformat(), "fill_pct": k % 100, "battery_pct": 80, "temp_c": 15, "seq": k}
    return topics.telemetry(f"BENCH-{k % DEVICES:05d}"), json.dumps(body).encode(), k % DEVICES, ts


def publish(url: str, n: int, offset: int) -> None:
    """Publish n readings (distinct (device, ts)) at QoS 1 with up to 1000 in flight."""
    client = rn_mqtt.make_client(url, f"bench-pub-{offset}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    rn_mqtt.connect(client)
    client.loop_start()
    infos = []
    for k in range(n):
        topic, payload, _, _ = message(k, offset)
        infos.append(client.publish(topic, payload, qos=1))
    for info in infos:
        info.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


def publish_all(url: str, n: int, offset: int) -> None:
    pub = mp.Process(target=publish, args=(url, n, offset))
    pub.start()
    pub.join()


def raw_rate(url: str, n: int, offset: int, backlog: bool) -> float:
    got, first, last, done = [0], [0.0], [0.0], threading.Event()
    subscribed = threading.Event()

    def on_message(c, u, msg):
        if got[0] == 0:
            first[0] = time.time()
        c.ack(msg.mid, msg.qos)
        got[0] += 1
        if got[0] >= n:
            last[0] = time.time()
            done.set()

    def connect(clean_start: bool):
        client = rn_mqtt.make_client(url, "bench-raw", manual_ack=True)
        client.on_message = on_message
        client.on_connect = lambda c, u, f, rc, p: c.subscribe(f"{topics.PREFIX}/+/telemetry", qos=1)
        client.on_subscribe = lambda *a: subscribed.set()
        rn_mqtt.connect(
            client,
            clean_start=clean_start,
            properties=rn_mqtt.connect_properties(session_expiry_s=3600, receive_maximum=5000),
        )
        client.loop_start()
        subscribed.wait(10)
        return client

    client = connect(clean_start=True)
    if backlog:  # subscribe, go away, let the readings queue up, come back
        client.disconnect()
        client.loop_stop()
        publish_all(url, n, offset)
        client = connect(clean_start=False)
        done.wait(600)
    else:
        pub = mp.Process(target=publish, args=(url, n, offset))
        pub.start()
        done.wait(600)
        pub.join()
    client.disconnect()
    client.loop_stop()
    return n / (last[0] - first[0])


def start_subscribed(db_url: str, url: str, log: Path, client_id: str, processes: int):
    """A worker whose every process holds its subscription (messages published before that
    reach nobody: MQTT keeps no messages for a subscription that does not exist yet)."""
    seen = log.read_text().count("subscriptions granted") if log.exists() else 0
    worker = start_worker(db_url, url, log, client_id=client_id, processes=processes)
    deadline = time.monotonic() + 60
    while log.read_text().count("subscriptions granted") < seen + processes:
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError(f"the worker did not subscribe; see {log}")
        time.sleep(0.05)
    return worker


def worker_rate(db_url: str, url: str, n: int, offset: int, log: Path, backlog: bool, processes: int = 1) -> float:
    engine = create_engine(db_url)
    _, _, last_bin, last_ts = message(n - 1, offset)
    day = BASE + timedelta(days=offset)

    def scalar(stmt):
        with engine.connect() as c:
            return c.execute(stmt).scalar()

    last_reading = (
        select(Reading.bin_id)
        .join(Bin, Bin.id == Reading.bin_id)
        .where(Bin.device_id == f"BENCH-{last_bin:05d}", Reading.measured_at == last_ts)
    )
    on_day = (Reading.measured_at >= day, Reading.measured_at < day + timedelta(days=1))

    client_id = f"bench-ingest-{offset}"
    worker = start_subscribed(db_url, url, log, client_id, processes)
    if backlog:  # the worker stops, its session keeps collecting; then it comes back
        worker.terminate()
        worker.wait(30)
        publish_all(url, n, offset)
        worker = start_subscribed(db_url, url, log, client_id, processes)
        pub = None
    else:
        pub = mp.Process(target=publish, args=(url, n, offset))
        pub.start()
    # The last reading published is (nearly always) the last one stored: wait for it with a
    # primary-key probe, then count, which only costs anything once, at the end.
    count = select(func.count()).select_from(Reading).where(*on_day)
    deadline = time.monotonic() + 600
    while scalar(last_reading) is None or scalar(count) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{scalar(count)} of {n} readings stored after 10 minutes; see {log} and the dead_letters table"
            )
        time.sleep(0.005)
    last = time.time()
    if pub is not None:
        pub.join()
    worker.terminate()
    worker.wait(30)
    stored = scalar(count)
    first = scalar(select(func.min(Reading.received_at)).where(*on_day))
    engine.dispose()
    if stored != n:
        raise RuntimeError(f"{stored} of {n} readings stored")
    return n / (last - first.timestamp())


def seed(db_url: str) -> None:
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO sites (tier, name, address, district, lat, lon, opening_hours, active, version) "
                "VALUES ('sorting_center', 'C', '', '', 30, 120, '', true, 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO sites (tier, name, address, district, lat, lon, opening_hours, active, version, "
                "sorting_center_id) VALUES ('collection_point', 'P', '', '', 30, 120, '', true, 1, 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO bins (site_id, category_id, capacity_l, device_id, empty_distance_mm, "
                "full_distance_mm, fill_threshold_pct, status, active, version) "
                "VALUES (2, 1, 660, :d, 1200, 150, 80, 'in_service', true, 1)"
            ),
            [{"d": f"BENCH-{k:05d}"} for k in range(DEVICES)],
        )
    engine.dispose()


def on_fresh_broker(measure):
    broker = MosquittoServer().start()
    try:
        return measure(broker.url)
    finally:
        broker.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=30000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scenario", choices=["live", "backlog", "both"], default="both")
    args = ap.parse_args()
    scenarios = ["live", "backlog"] if args.scenario == "both" else [args.scenario]
    tmp = Path(tempfile.mkdtemp(prefix="recyclenet-bench-"))
    pg = PostgresServer().start()
    n = args.messages
    try:
        pg_url = pg.url("postgres")
        sqlite_url = f"sqlite:///{tmp / 'bench.db'}"
        seed(pg_url)
        seed(sqlite_url)
        consumers = {
            "raw (paho, no database)": lambda url, off, b: raw_rate(url, n, off, b),
            "postgres (recyclenet ingest)": lambda url, off, b: worker_rate(pg_url, url, n, off, tmp / "pg.log", b),
            "postgres, --processes 2": lambda url, off, b: worker_rate(pg_url, url, n, off, tmp / "pg2.log", b, 2),
            "sqlite (recyclenet ingest)": lambda url, off, b: worker_rate(sqlite_url, url, n, off, tmp / "sq.log", b),
        }
        rates: dict[tuple[str, str], list[float]] = {}
        offset = 0
        for r in range(args.rounds):
            for scenario in scenarios:
                for name, measure in consumers.items():
                    offset += 1  # each measurement its own day of readings
                    rate = on_fresh_broker(
                        lambda url, measure=measure, offset=offset, scenario=scenario: measure(
                            url, offset, scenario == "backlog"
                        )
                    )
                    rates.setdefault((scenario, name), []).append(rate)
                    print(f"  round {r + 1} {scenario:8} {name:30} {rate:8.0f}/s", flush=True)
        print(
            f"\n{n} messages, QoS 1, one Mosquitto, {os.cpu_count()} cores; median of {args.rounds} rounds "
            "(min-max); ratio = median / raw median of the same scenario"
        )
        for scenario in scenarios:
            raw = statistics.median(rates[(scenario, "raw (paho, no database)")])
            print(scenario)
            for name in consumers:
                got = rates[(scenario, name)]
                med = statistics.median(got)
                print(f"  {name:30} {med:8.0f} readings/s ({min(got):.0f}-{max(got):.0f})   {med / raw:6.1%} of raw")
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
