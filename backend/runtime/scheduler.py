"""`recyclenet scheduler`: queues each periodic job once per period.

Periods are counted from the Unix epoch (``every`` seconds each). At each tick a scheduler
tries to take a key in Redis named after the job and the period (``SET NX`` with an expiry);
only the one that gets it queues that period's job. Two schedulers started by mistake (or on
purpose, so that one survives the other's machine) therefore queue each job once per period.
The job itself runs on a worker, with the start of its period as argument.

A scheduler that dies between taking the key and queueing the job loses that period's run;
the next period's comes as usual.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from flask import Flask

from backend.channels import jobs as channel_jobs
from backend.core.jobs import QueueUnavailable
from backend.drivers import jobs as drivers_jobs
from backend.markets import jobs as markets_jobs
from backend.notifications import jobs as notification_jobs
from backend.planning import jobs as planning_jobs
from backend.runtime.queue import JobQueue, job_name
from backend.telemetry import jobs as telemetry_jobs

log = logging.getLogger("recyclenet.scheduler")
KEY_PREFIX = "recyclenet:schedule"


@dataclass(frozen=True)
class Periodic:
    job: Callable
    every_setting: str  # seconds between runs


SCHEDULE = (
    Periodic(telemetry_jobs.mark_silent_bins_offline, "SILENT_BINS_EVERY_S"),
    Periodic(telemetry_jobs.thin_old_readings, "RETENTION_EVERY_S"),
    Periodic(telemetry_jobs.create_reading_partitions, "READINGS_PARTITIONS_EVERY_S"),
    Periodic(planning_jobs.recover_lost_plans, "LOST_PLANS_EVERY_S"),
    Periodic(drivers_jobs.thin_old_positions, "POSITIONS_THIN_EVERY_S"),
    Periodic(notification_jobs.deliver_notifications, "NOTIFY_EVERY_S"),
    Periodic(notification_jobs.queue_pickup_messages, "PICKUP_MESSAGES_EVERY_S"),
    Periodic(channel_jobs.generate_scheduled_pickups, "BULK_SCHEDULE_EVERY_S"),
    Periodic(markets_jobs.close_due_listings, "MARKET_CLOSE_EVERY_S"),
)


def period_key(job: Callable, period: int) -> str:
    return f"{KEY_PREFIX}:{job_name(job)}:{period}"


class Scheduler:
    def __init__(self, app: Flask, queue: JobQueue, name: str | None = None) -> None:
        self.config = app.config
        self.queue = queue
        self.redis = redis.Redis.from_url(app.config["REDIS_URL"])
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"

    def tick(self, now: float | None = None) -> list[tuple[str, str]]:
        """Queue the jobs whose current period no scheduler has queued yet: (job, period start)."""
        now = time.time() if now is None else now
        queued = []
        for periodic in SCHEDULE:
            every = max(1, int(self.config[periodic.every_setting]))
            period = int(now // every)
            # Kept two periods: long enough that a slow tick of the other scheduler cannot
            # find it gone and queue the same period again.
            if self.redis.set(period_key(periodic.job, period), self.name, nx=True, ex=2 * every + 60):
                due = datetime.fromtimestamp(period * every, UTC).isoformat()
                self.queue.send(periodic.job, (due,))
                queued.append((job_name(periodic.job), due))
                log.info("%s queued %s for %s", self.name, job_name(periodic.job), due)
        return queued

    def run(self, stop: threading.Event, tick_s: float = 1.0) -> None:
        log.info("scheduler %s started: %s", self.name, ", ".join(job_name(p.job) for p in SCHEDULE))
        while not stop.is_set():
            try:
                self.tick()
            except (redis.RedisError, QueueUnavailable):
                log.exception("Redis unavailable; trying again")
            stop.wait(tick_s)
        log.info("scheduler %s stopped", self.name)
