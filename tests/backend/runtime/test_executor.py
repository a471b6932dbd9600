"""The twin's sweep on the platform's job workers: real `recyclenet worker` processes on a
Redis of the test's own, against the same sweep run inline in this process."""

from __future__ import annotations

import json
import threading

import pytest
import redis

from backend.twin.run import TwinConfig
from backend.twin.sweep import InlineExecutor, SweepPlan, run_sweep
from tests.support.processes import RecyclenetProcess, recyclenet_env, wait_for

# 2 days of 16 bins over 2 seeds, one setting a policy: 1 calendar and 6 simulation jobs.
TINY = {"days": 2, "seed": 5, "bins": 16, "time_limit": 5.0, "deterministic": True}
PLAN = {"seeds": 2, "sweep": True, "static_scales": (1.0,), "need_thresholds": (80.0,), "count_scales": (1.0,)}
SIMULATION_JOBS = 6
CLI = [
    "twin",
    *("--days", "2", "--seed", "5", "--bins", "16", "--time-limit", "5", "--deterministic"),
    *("--sweep", "--seeds", "2", "--static-scales", "1", "--need-thresholds", "80", "--count-scales", "1"),
]
# A killed worker's job moves on within seconds.
FAST_FAILOVER = {"RECYCLENET_JOB_HEARTBEAT_TIMEOUT_S": 3}


def comparable(figures: dict) -> dict:
    """The figures as the report writes them, without the timings."""
    out = json.loads(json.dumps(figures))
    for key in ("wall_seconds", "job_seconds", "command"):
        out.pop(key, None)
    return out


@pytest.fixture(scope="module")
def inline_figures():
    return comparable(run_sweep(TwinConfig(**TINY), SweepPlan(**PLAN), executor=InlineExecutor()))


class Workers:
    def __init__(self, db_url: str, redis_url: str) -> None:
        self.env = recyclenet_env(db_url, redis_url, **FAST_FAILOVER)
        self.redis = redis.Redis.from_url(redis_url)
        self.processes: list[RecyclenetProcess] = []

    def start(self, *args: str) -> RecyclenetProcess:
        proc = RecyclenetProcess(list(args), self.env).start()
        self.processes.append(proc)
        return proc

    def worker(self) -> RecyclenetProcess:
        return self.start("worker", "--processes", "1", "--threads", "1")

    def held(self) -> int:
        """Sweep jobs taken by a worker and not yet acknowledged."""
        return sum(self.redis.scard(key) for key in self.redis.scan_iter("dramatiq:__acks__.*.twin"))


@pytest.fixture
def workers(fresh_db_url, fresh_redis):
    """Workers on the test's Redis (the twin needs no database of the platform's: each job
    builds its own city in a scratch folder)."""
    w = Workers(fresh_db_url("sqlite"), fresh_redis.url)
    yield w
    for proc in w.processes:
        proc.close()


@pytest.fixture
def queue(workers, fresh_redis):
    """This process as the sweep's coordinator: the queue installed on an app of its own."""
    from backend.app import create_app
    from backend.runtime.queue import install
    from tests.conftest import _test_settings

    app = create_app({**_test_settings(), "DATABASE_URL": workers.env["DATABASE_URL"], "REDIS_URL": fresh_redis.url})
    q = install(app)
    yield q
    q.broker.close()


def test_a_sweep_on_two_workers_gives_the_figures_of_the_same_sweep_inline(workers, inline_figures, tmp_path):
    """`recyclenet twin --on-workers` on two worker processes reports exactly the figures of the sweep run inline."""
    workers.worker()
    workers.worker()
    coordinator = workers.start(*CLI, "--on-workers", "--report", str(tmp_path))
    code = coordinator.proc.wait(600)
    assert code == 0, coordinator.output()
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert comparable(figures) == inline_figures
    assert len((tmp_path / "jobs.jsonl").read_text().splitlines()) == SIMULATION_JOBS
    assert all(w.proc.poll() is None for w in workers.processes[:2])


def test_a_sweep_survives_a_worker_killed_while_it_holds_a_job(workers, queue, inline_figures):
    """A worker SIGKILLed holding a sweep job: another runs it; same figures, each job counted once."""
    first = workers.worker()
    executor = queue.executor()
    results: list[dict] = []
    outcome: dict = {}

    def coordinate() -> None:
        try:
            outcome["figures"] = run_sweep(TwinConfig(**TINY), SweepPlan(**PLAN), executor, on_result=results.append)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    coordinator = threading.Thread(target=coordinate)
    coordinator.start()
    try:
        wait_for(lambda: results and workers.held(), timeout=300, what="the worker to hold a simulation job")
        first.kill()
        assert workers.held() == 1  # the dead worker's job, taken and never acknowledged
        workers.worker()
        coordinator.join(600)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    assert not coordinator.is_alive() and "error" not in outcome, outcome.get("error")
    assert len(results) == SIMULATION_JOBS
    assert comparable(outcome["figures"]) == inline_figures


def test_a_job_that_raises_on_a_worker_fails_the_sweep_with_its_error(workers, queue):
    """A job that raises on a worker fails the sweep with the job's own error instead of leaving it waiting."""
    from backend.core.jobs import JobFailed

    workers.worker()
    executor = queue.executor()
    try:
        with pytest.raises(JobFailed, match="ValueError: unknown distance provider 'no-such-provider'"):
            run_sweep(TwinConfig(**TINY, provider="no-such-provider"), SweepPlan(**PLAN), executor)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def test_with_no_worker_on_the_queue_the_wait_for_results_is_bounded(queue):
    """No worker takes the queue: a job's future fails once nothing has come back for the idle bound."""
    from backend.core.jobs import JobFailed
    from backend.twin.sweep_jobs import calendar_job

    executor = queue.executor()
    executor.idle_timeout_s = 1.0  # a job's time limit and the heartbeat timeout, in production
    try:
        future = executor.submit(calendar_job, {}, 1.0)
        with pytest.raises(JobFailed, match="no job came back from the workers in 1 s"):
            future.result(timeout=60)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def test_the_jobs_of_a_sweep_given_up_on_are_skipped_by_the_workers(workers, queue):
    """Jobs not yet started when their caller gives up (shutdown, cancel_futures) are skipped, not run for nobody."""
    from concurrent.futures import CancelledError

    from backend.twin import wire
    from backend.twin.sweep_jobs import calendar_job

    executor = queue.executor()
    cfg = wire.config_to_json(TwinConfig(**TINY))
    futures = [executor.submit(calendar_job, cfg, scale) for scale in (1.0, 2.0)]
    executor.shutdown(wait=False, cancel_futures=True)
    for future in futures:
        with pytest.raises(CancelledError):
            future.result(timeout=10)
    worker = workers.worker()
    wait_for(lambda: workers.redis.hlen("dramatiq:twin.msgs") == 0, timeout=120, what="the twin queue drained")
    wait_for(lambda: worker.output().count("was skipped") == 2, timeout=30, what="both jobs skipped")
