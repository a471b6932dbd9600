"""The job queue: Dramatiq, with Redis as its broker.

Why Dramatiq (over Celery), from both projects' documentation and source:

- A message is acknowledged only after its actor returns, by default (Celery acknowledges
  before running unless ``task_acks_late``, and even then acknowledges the job of a child
  process killed by a signal unless ``task_reject_on_worker_lost`` is also set).
- A worker process killed outright (SIGKILL, out of memory, a machine gone): every worker
  process beats in a Redis sorted set on each fetch, and the jobs a silent one had taken are
  moved back to their queue by another worker once ``heartbeat_timeout`` has passed. Celery
  on Redis waits for the ``visibility_timeout`` (an hour by default) and restores unacked
  messages only when a worker gets round to it; several open issues say it sometimes never
  does.
- Redis is a first-class broker (RabbitMQ the other, where a city already runs one); time
  limits, retries with backoff and age limits are middleware, set per job.
- It is small: threads in a few processes, no pool of its own to reason about. The periodic
  side (Celery's beat, which runs a job twice if two beats run) is ours: ``scheduler``.

Jobs are plain functions of the domains' ``jobs.py`` (``core.jobs``): each is declared here
as an actor that runs it in the worker's app context with the app's settings. A few return
what their caller waits for (the twin's sweep): their results go back through Dramatiq's
Results middleware (``executor``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import dramatiq
import redis
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.results import Results
from dramatiq.results.backends import RedisBackend
from flask import Flask

from backend.channels import jobs as channel_jobs
from backend.core.jobs import QueueUnavailable, RetryLater, set_sender, set_worker_executor
from backend.drivers import jobs as drivers_jobs
from backend.markets import jobs as markets_jobs
from backend.notifications import jobs as notification_jobs
from backend.planning import jobs as planning_jobs
from backend.runtime.executor import QueueExecutor, SkipCancelled
from backend.telemetry import jobs as telemetry_jobs
from backend.twin import sweep_jobs as twin_jobs

_QUEUE = "recyclenet.job_queue"
MINUTE_MS = 60_000
# A returned result waits this long for its caller at most (the caller reads and deletes it
# within a second; this only bounds what a caller that died leaves behind).
RESULT_TTL_MS = 24 * 60 * MINUTE_MS


@dataclass(frozen=True)
class JobSpec:
    job: Callable
    queue: str
    time_limit_ms: int
    # Retries for an exception the job let through (a database away); a RetryLater is
    # always retried, after the delay it names.
    max_retries: int
    options: dict = field(default_factory=dict)
    # A job whose caller waits for what it returns (core.jobs.worker_executor): called as
    # job(*args), as Executor.submit does, its JSON result stored for the caller.
    returns: bool = False


# Every job a worker runs. A plan's solve is bounded by its own time limit (at most 2 x 600 s
# with the baseline, and the job kills the search past it): the time limit here is a backstop.
JOBS = (
    JobSpec(planning_jobs.solve_plan, "plans", 120 * MINUTE_MS, 5, {"min_backoff": 5000, "max_backoff": 5 * MINUTE_MS}),
    JobSpec(
        planning_jobs.solve_plan_part, "plans", 60 * MINUTE_MS, 5, {"min_backoff": 5000, "max_backoff": 5 * MINUTE_MS}
    ),
    JobSpec(planning_jobs.recover_lost_plans, "periodic", 10 * MINUTE_MS, 0),
    JobSpec(telemetry_jobs.mark_silent_bins_offline, "periodic", 10 * MINUTE_MS, 0),
    JobSpec(telemetry_jobs.thin_old_readings, "periodic", 120 * MINUTE_MS, 0),
    JobSpec(telemetry_jobs.create_reading_partitions, "periodic", 10 * MINUTE_MS, 0),
    JobSpec(drivers_jobs.thin_old_positions, "periodic", 30 * MINUTE_MS, 0),
    # Each message is claimed before it is sent: a job that dies is not retried as a whole,
    # its messages are taken over after NOTIFY_LEASE_S by the next run.
    JobSpec(notification_jobs.deliver_notifications, "periodic", 10 * MINUTE_MS, 0),
    JobSpec(notification_jobs.queue_pickup_messages, "periodic", 10 * MINUTE_MS, 0),
    JobSpec(channel_jobs.generate_scheduled_pickups, "periodic", 10 * MINUTE_MS, 0),
    JobSpec(markets_jobs.close_due_listings, "periodic", 10 * MINUTE_MS, 0),
    # The twin's sweep on the workers (`recyclenet twin --on-workers`). Not retried: a run
    # that raised would raise again (a killed worker's job is moved back by the heartbeat,
    # which is no retry). A queue of their own, so a city can keep hours of simulation off
    # the workers that solve its plans (`recyclenet worker --queue twin` elsewhere).
    JobSpec(twin_jobs.calendar_job, "twin", 360 * MINUTE_MS, 0, returns=True),
    JobSpec(twin_jobs.simulate_job, "twin", 360 * MINUTE_MS, 0, returns=True),
)


def job_name(job: Callable) -> str:
    """``planning.solve_plan``: the domain and the function."""
    return f"{job.__module__.split('.')[-2]}.{job.__name__}"


def _retry_when(max_retries: int) -> Callable[[int, BaseException], bool]:
    def retry(retries: int, exc: BaseException) -> bool:
        return isinstance(exc, dramatiq.Retry) or retries < max_retries

    return retry


class JobQueue:
    """One app's broker and actors. ``send`` queues a job; a worker process runs it."""

    def __init__(self, app: Flask) -> None:
        self.broker = RedisBroker(
            url=app.config["REDIS_URL"],
            heartbeat_timeout=int(float(app.config["JOB_HEARTBEAT_TIMEOUT_S"]) * 1000),
            # Dramatiq moves a dead worker's jobs back during "maintenance", which by default
            # runs on one fetch in a thousand: with a few idle workers polling once a second,
            # a killed worker's plan would wait a quarter of an hour. Every fetch checks now
            # (one ZRANGEBYSCORE on a set of a few workers).
            maintenance_chance=MAINTENANCE_SCALE,
        )
        self.heartbeat_timeout_s = float(app.config["JOB_HEARTBEAT_TIMEOUT_S"])
        # JSON in this Redis, as the messages are (Dramatiq's default encoder: no pickle).
        self.results = RedisBackend(client=self.broker.client, namespace="recyclenet-results")
        self.broker.add_middleware(Results(backend=self.results, result_ttl=RESULT_TTL_MS))
        self.broker.add_middleware(SkipCancelled(self.broker.client))
        self.actors = {spec.job: self._declare(app, spec) for spec in JOBS}

    def _declare(self, app: Flask, spec: JobSpec) -> dramatiq.Actor:
        job = spec.job

        def run(*args):
            with app.app_context():
                if spec.returns:
                    return job(*args)
                try:
                    job(app.config, *args)
                except RetryLater as later:
                    raise dramatiq.Retry(str(later), delay=int(later.delay_s * 1000)) from None

        run.__name__ = run.__qualname__ = job.__name__
        run.__module__ = job.__module__
        return dramatiq.Actor(
            run,
            broker=self.broker,
            actor_name=job_name(job),
            queue_name=spec.queue,
            priority=0,
            options={
                "time_limit": spec.time_limit_ms,
                "retry_when": _retry_when(spec.max_retries),
                "store_results": spec.returns,
                **spec.options,
            },
        )

    def send(self, job: Callable, args: tuple) -> None:
        try:
            self.actors[job].send(*args)
        except (redis.RedisError, dramatiq.errors.BrokerError) as exc:
            raise QueueUnavailable(f"the job queue is unavailable: {exc}") from exc

    def executor(self) -> QueueExecutor:
        """A new executor over the jobs that return (``core.jobs.worker_executor``)."""
        returning = [spec for spec in JOBS if spec.returns]
        # Any worker serving the queue finishes (or fails) some job within a job's time limit,
        # a killed one's within that and the heartbeat timeout: no result for longer means
        # no worker serves the queue.
        idle_s = max(spec.time_limit_ms for spec in returning) / 1000 + self.heartbeat_timeout_s + 60
        actors = {spec.job: self.actors[spec.job] for spec in returning}
        return QueueExecutor(actors, self.results, self.broker.client, idle_timeout_s=idle_s)


def install(app: Flask) -> JobQueue | None:
    """Send the app's jobs to the queue when REDIS_URL is set (else they run inline), and
    make its broker the process's (the one `dramatiq` workers consume from)."""
    if not app.config.get("REDIS_URL"):
        return None
    queue = JobQueue(app)
    app.extensions[_QUEUE] = queue
    set_sender(app, queue.send)
    set_worker_executor(app, queue.executor)
    dramatiq.set_broker(queue.broker)
    return queue


def offer(app: Flask) -> None:
    """Let a command run jobs on the workers when it asks (``recyclenet twin --on-workers``):
    the queue is installed on the app only then, the other commands run as before."""
    if app.config.get("REDIS_URL"):
        set_worker_executor(app, lambda: (queue_of(app) or install(app)).executor())


def queue_of(app: Flask) -> JobQueue | None:
    return app.extensions.get(_QUEUE)
