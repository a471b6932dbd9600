"""A PostgreSQL database with a few registered bins, for tests with a real broker."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from backend.telemetry import topics
from backend.telemetry.models import DeadLetter, Reading
from tests.support.mqtt import Publisher, stop_started_workers

DEVICES = [f"SIM-{k:03d}" for k in range(12)]
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


@pytest.fixture
def pg_bins(fresh_db_url):
    """A fresh PostgreSQL database with a sorting center, a collection point and 12 bins."""
    from backend.app import create_app
    from backend.core.extensions import db
    from backend.network.services import assets, catalog
    from backend.network.services import sites as network

    url = fresh_db_url("postgresql")
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "t", "PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_COST_KIB": 1024}
    )
    with app.app_context():
        s = db.session()
        paper = catalog.by_code(s, "paper.mixed")
        center = network.create_site(s, {"tier": "sorting_center", "name": "C", "lat": 30.3, "lon": 120.1}, None)
        point = network.create_site(
            s,
            {"tier": "collection_point", "name": "P", "lat": 30.31, "lon": 120.11, "sorting_center_id": center.id},
            None,
        )
        for device in DEVICES:
            assets.create_bin(
                s, {"site_id": point.id, "category_id": paper.id, "capacity_l": 660, "device_id": device}, None
            )
    db.session.remove()
    db.engine.dispose()
    return app, url


class Counter:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def readings(self) -> int:
        with self.engine.connect() as c:
            return c.scalar(select(func.count()).select_from(Reading))

    def dead(self) -> int:
        with self.engine.connect() as c:
            return c.scalar(select(func.count()).select_from(DeadLetter))

    def keys(self) -> list[tuple]:
        with self.engine.connect() as c:
            return c.execute(
                text("SELECT b.device_id, r.measured_at FROM readings r JOIN bins b ON b.id = r.bin_id")
            ).all()

    def reasons(self) -> dict[bytes, str]:
        with self.engine.connect() as c:
            return {bytes(p): r for p, r in c.execute(text("SELECT payload, reason FROM dead_letters"))}


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test():
    yield
    stop_started_workers()


@pytest.fixture
def counter(pg_bins):
    c = Counter(pg_bins[1])
    yield c
    c.engine.dispose()


def wait_for_worker(pub: Publisher, counter, expected_after: int) -> None:
    """Until the worker has subscribed, the broker has no session to queue for: republish one
    probe reading (same bin, same ts: stored once however often it arrives) until it lands."""
    probe = json.dumps({"ts": (BASE - timedelta(hours=1)).isoformat(), "fill_pct": 1}).encode()
    deadline = time.monotonic() + 120  # a bound for a hung worker, not a timing: a loaded machine starts Python slowly
    while counter.readings() < expected_after:
        assert time.monotonic() < deadline, "the worker never stored the probe"
        pub.send(topics.telemetry(DEVICES[0]), probe)
        time.sleep(0.3)
