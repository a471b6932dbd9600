"""The scheduler queues each periodic job once per period, however many schedulers run, and
a worker runs what it queues."""

from __future__ import annotations

from collections import Counter

import dramatiq
import pytest
import redis
from sqlalchemy import func, select

from tests.support.processes import wait_for

EVERY = {
    "SILENT_BINS_EVERY_S": 10,
    "RETENTION_EVERY_S": 20,
    "LOST_PLANS_EVERY_S": 10,
    "READINGS_PARTITIONS_EVERY_S": 20,
    "POSITIONS_THIN_EVERY_S": 20,
    "NOTIFY_EVERY_S": 10,
    "PICKUP_MESSAGES_EVERY_S": 20,
    "BULK_SCHEDULE_EVERY_S": 20,
    "MARKET_CLOSE_EVERY_S": 20,
}
JOBS = (
    "telemetry.mark_silent_bins_offline",
    "telemetry.thin_old_readings",
    "planning.recover_lost_plans",
    "telemetry.create_reading_partitions",
    "markets.close_due_listings",
)


def queued_periodic(redis_url: str) -> list[tuple[str, str]]:
    """(job, period start) of every periodic job waiting on the queue."""
    client = redis.Redis.from_url(redis_url)
    messages = [dramatiq.Message.decode(data) for data in client.hvals("dramatiq:periodic.msgs")]
    return [(m.actor_name, m.args[0]) for m in messages]


@pytest.fixture
def queued_app(db_url, fresh_redis):
    from backend.app import create_app
    from backend.core.extensions import db
    from backend.runtime.queue import install
    from tests.conftest import _test_settings

    app = create_app({**_test_settings(), "DATABASE_URL": db_url, "REDIS_URL": fresh_redis.url, **EVERY})
    queue = install(app)
    yield app, queue
    db.session.remove()
    db.engine.dispose()


def test_two_schedulers_ticking_together_queue_each_job_once_per_period(queued_app, fresh_redis):
    """Two schedulers tick at the same instants through 25 s: each job is queued once for
    each of its periods (10 s, 20 s), whichever scheduler got there first."""
    from backend.runtime.scheduler import Scheduler

    app, queue = queued_app
    first, second = Scheduler(app, queue, "first"), Scheduler(app, queue, "second")
    start = 1_000_000_000.0  # a multiple of every period: the first tick opens a period of each
    for offset in (0, 0.5, 5, 9.9, 10, 15, 20, 24.9):
        first.tick(start + offset)
        second.tick(start + offset)
    queued = Counter(queued_periodic(fresh_redis.url))
    assert set(queued.values()) == {1}
    assert Counter(job for job, _ in queued) == {
        "telemetry.mark_silent_bins_offline": 3,
        "planning.recover_lost_plans": 3,
        "telemetry.thin_old_readings": 2,
        "telemetry.create_reading_partitions": 2,
        "drivers.thin_old_positions": 2,
        "notifications.deliver_notifications": 3,
        "notifications.queue_pickup_messages": 2,
        "channels.generate_scheduled_pickups": 2,
        "markets.close_due_listings": 2,
    }


def test_two_scheduler_processes_started_by_mistake_queue_each_job_once_per_period(city):
    """Two `recyclenet scheduler` processes, every job due each second: no job is queued twice
    for a period, while both run through several periods."""
    every_second = {
        "SILENT_BINS_EVERY_S": 1,
        "RETENTION_EVERY_S": 1,
        "LOST_PLANS_EVERY_S": 1,
        "READINGS_PARTITIONS_EVERY_S": 1,
        "MARKET_CLOSE_EVERY_S": 1,
    }
    schedulers = [city.start("scheduler", **every_second) for _ in range(2)]

    def periods_seen() -> bool:
        return all(len({p for j, p in queued_periodic(city.redis_url) if j == job}) >= 4 for job in JOBS)

    wait_for(periods_seen, what="four periods of every job")
    for scheduler in schedulers:
        scheduler.stop()
    assert all("started" in s.output() for s in schedulers)
    queued = Counter(queued_periodic(city.redis_url))
    assert queued and max(queued.values()) == 1, [k for k, n in queued.items() if n > 1]


def test_a_scheduled_job_runs_on_a_worker(city):
    """The scheduler queues the silent-bins check, a worker runs it: bins silent for longer than
    OFFLINE_AFTER_S (1 s here) go offline with an alert."""
    from backend.core.extensions import db
    from backend.telemetry.models import Alert, BinState

    def offline() -> int:
        with city.app.app_context():
            count = db.session.scalar(select(func.count()).where(BinState.online.is_(False)))
            db.session.remove()
            return count

    before = offline()
    city.start("scheduler", SILENT_BINS_EVERY_S=1, OFFLINE_AFTER_S=1)
    city.worker(OFFLINE_AFTER_S=1)
    wait_for(lambda: offline() == 20, what="every bin offline")
    with city.app.app_context():
        alerts = db.session.scalar(select(func.count()).where(Alert.kind == "offline", Alert.state == "open"))
        db.session.remove()
    assert before < 20 and alerts == 20 - before
