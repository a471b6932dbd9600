"""A fleet of simulated smart bins publishing over real MQTT.

Fill grows by category and weekday with sensor noise; batteries drain; now and then a
payload is broken on purpose (the ingest must dead-letter it, not die). The simulated
clock starts ``backfill_hours`` in the past and runs ``speedup`` times faster than real
time until it catches up with now, then keeps pace: timestamps are never in the future.
Collections follow the city's fixed weekly round (the status quo before need-based
planning, backend.services.baseline): a bin is emptied mid-morning on its round days. The
simulator records each emptying through the service layer, standing in for the truck
until the platform's own routes execute.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.demo.fill import WEEKDAY_FACTOR, daily_fill
from backend.network.models import Bin, MaterialCategory
from backend.planning.services.baseline import round_days
from backend.telemetry import topics
from backend.telemetry.models import BinState
from backend.telemetry.services.readings import DeviceDirectory, Incoming, ingest_batch, record_emptying
from iot import mqtt as rn_mqtt

CITY_TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class SimBin:
    bin_id: int
    device_id: str
    daily_rate: float
    threshold: float
    fill: float
    battery: float
    next_report: datetime
    round_days: tuple[int, ...] = ()
    seq: int = 0
    last_collected: datetime | None = None


class Simulator:
    def __init__(
        self,
        session,
        url: str,
        bins: list[SimBin],
        *,
        interval: float,
        speedup: float,
        seed: int,
        bad_rate: float,
        start: datetime,
    ) -> None:
        self.session, self.bins, self.interval = session, bins, interval
        self.speedup, self.bad_rate = speedup, bad_rate
        self.rng = random.Random(seed)
        self.sim_now = start
        self.running = True
        self.client = rn_mqtt.make_client(url, f"recyclenet-simulator-{seed}")

    @classmethod
    def from_registry(
        cls,
        session,
        url: str,
        *,
        interval: float,
        speedup: float,
        seed: int = 7,
        bad_rate: float = 0.01,
        backfill_hours: float = 24.0,
    ) -> Simulator:

        rng = random.Random(seed)
        start = datetime.now(UTC) - timedelta(hours=backfill_hours)
        rows = session.execute(
            select(Bin.id, Bin.device_id, Bin.fill_threshold_pct, MaterialCategory.code)
            .join(MaterialCategory, Bin.category_id == MaterialCategory.id)
            .where(Bin.active.is_(True))
            .order_by(Bin.id)
        )
        bins = []

        # Continue from what the platform last heard, so a restarted simulator does not
        # look like a sensor fault (a sudden drop with no collection).
        known = dict(session.execute(select(BinState.bin_id, BinState.fill_pct)).all())
        for bin_id, device_id, threshold, code in rows:
            base = daily_fill(code)
            fill = known.get(bin_id)
            bins.append(
                SimBin(
                    bin_id,
                    device_id,
                    base * rng.uniform(0.5, 1.6),
                    threshold,
                    rng.uniform(0, 70) if fill is None else fill,
                    rng.uniform(60, 100),
                    start + timedelta(seconds=rng.uniform(0, interval)),
                    round_days(bin_id, code),
                )
            )
        return cls(session, url, bins, interval=interval, speedup=speedup, seed=seed, bad_rate=bad_rate, start=start)

    def _advance(self, b: SimBin, until: datetime) -> None:
        hours = (until - b.next_report + timedelta(seconds=self.interval)).total_seconds() / 3600
        b.fill = min(100.0, b.fill + b.daily_rate / 24 * hours * WEEKDAY_FACTOR[until.weekday()])
        b.battery = max(0.0, b.battery - 0.01)
        local = until.astimezone(CITY_TZ)
        due = (
            local.weekday() in b.round_days
            and local.hour >= 10
            and (b.last_collected is None or b.last_collected.astimezone(CITY_TZ).date() != local.date())
        )
        if due:
            record_emptying(self.session, b.bin_id, until)
            b.fill, b.last_collected = self.rng.uniform(0, 3), until

    def _payload(self, b: SimBin, at: datetime) -> tuple[str, bytes]:
        b.seq += 1
        body = {
            "ts": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "fill_pct": round(min(100.0, max(0.0, b.fill + self.rng.gauss(0, 1.5))), 1),
            "battery_pct": round(b.battery, 1),
            "temp_c": round(self.rng.gauss(18, 6), 1),
            "alarms": ["lid_open"] if self.rng.random() < 0.002 else [],
            "seq": b.seq,
        }
        if self.rng.random() < self.bad_rate:
            broken = self.rng.choice(["json", "range", "type", "device"])
            if broken == "json":
                return topics.telemetry(b.device_id), b'{"ts": 17000, "fill_pct": '
            if broken == "range":
                body["fill_pct"] = 180
            elif broken == "type":
                body["battery_pct"] = "full"
            else:
                return topics.telemetry("UNKNOWN-" + b.device_id), json.dumps(body).encode()
        return topics.telemetry(b.device_id), json.dumps(body).encode()

    def due(self, until: datetime):
        """(topic, payload, measured at) of every report due up to ``until``, in time order per bin."""
        for b in self.bins:
            while b.next_report <= until:
                self._advance(b, b.next_report)
                topic, payload = self._payload(b, b.next_report)
                yield topic, payload, b.next_report
                b.next_report += timedelta(seconds=self.interval * self.rng.uniform(0.95, 1.05))

    def backfill(self, until: datetime | None = None, batch: int = 2000) -> int:
        """History without a broker: the same reports, straight through the ingest service
        (tests, demos and the digital twin). Emptyings are recorded as the bins are collected."""

        until = until or datetime.now(UTC)
        directory, items, n = DeviceDirectory(), [], 0
        reports = sorted(self.due(until), key=lambda r: r[2])
        for topic, payload, at in reports:
            items.append(Incoming(topic, payload, at))
            if len(items) >= batch:
                n += ingest_batch(self.session, items, directory, now=until).readings
                items = []
        if items:
            n += ingest_batch(self.session, items, directory, now=until).readings
        self.sim_now = until
        return n

    def run(self, duration: float | None = None) -> int:
        rn_mqtt.connect(self.client)
        self.client.loop_start()
        for b in self.bins:
            self.client.publish(topics.status(b.device_id), "online", qos=1, retain=True)
        sent, started, last = 0, time.monotonic(), time.monotonic()
        try:
            while self.running and (duration is None or time.monotonic() - started < duration):
                now_real = time.monotonic()
                step = timedelta(seconds=(now_real - last) * self.speedup)
                last = now_real
                self.sim_now = min(self.sim_now + step, datetime.now(UTC))
                for topic, payload, _ in self.due(self.sim_now):
                    self.client.publish(topic, payload, qos=1).wait_for_publish(5)
                    sent += 1
                time.sleep(0.2)
        finally:
            for b in self.bins:
                self.client.publish(topics.status(b.device_id), "offline", qos=1, retain=True)
            self.client.loop_stop()
            self.client.disconnect()
        return sent

    def stop(self) -> None:
        self.running = False
