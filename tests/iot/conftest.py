"""A PostgreSQL database with a few registered bins, for tests with a real broker."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from backend.models import DeadLetter, Reading
from tests.support.mqtt import stop_started_workers

DEVICES = [f"SIM-{k:03d}" for k in range(12)]


@pytest.fixture
def pg_bins(fresh_db_url):
    """A fresh PostgreSQL database with a sorting center, a collection point and 12 bins."""
    from backend import create_app
    from backend.extensions import db
    from backend.services import assets, catalog, network

    url = fresh_db_url("postgresql")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "t", "PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_COST_KIB": 1024})
    with app.app_context():
        s = db.session()
        paper = catalog.by_code(s, "paper.mixed")
        center = network.create_site(s, {"tier": "sorting_center", "name": "C", "lat": 30.3, "lon": 120.1})
        point = network.create_site(s, {"tier": "collection_point", "name": "P", "lat": 30.31, "lon": 120.11,
                                        "sorting_center_id": center.id})
        for device in DEVICES:
            assets.create_bin(s, {"site_id": point.id, "category_id": paper.id, "capacity_l": 660, "device_id": device})
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
            return c.execute(text("SELECT b.device_id, r.measured_at FROM readings r JOIN bins b ON b.id = r.bin_id")).all()

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
