"""A small demo city on a throwaway PostgreSQL, a Redis of the test's own as the job queue,
and the runtime's commands (worker, scheduler, serve) as real processes over them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from tests.support.processes import RecyclenetProcess, recyclenet_env, wait_for

PASSWORD = "recyclenet-demo"
# Short enough that a killed worker's plan moves on within seconds; the lease below the
# heartbeat timeout, as in production.
# Failover within seconds; and no stall stop: these tests kill, cancel and watch solves
# midway, so a solve must last its time limit (a small city's search stalls in a second).
FAST_FAILOVER = {"JOB_HEARTBEAT_TIMEOUT_S": 3, "PLAN_LEASE_S": 2, "PLAN_STALL_PER_STOP": 0}


@dataclass
class City:
    app: object
    client: object
    redis_url: str
    tokens: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.app.config["DATABASE_URL"]

    def env(self, **settings) -> dict:
        extra = {f"RECYCLENET_{k}": v for k, v in {**FAST_FAILOVER, **settings}.items()}
        return recyclenet_env(self.database_url, self.redis_url, **extra)

    def start(self, *args: str, **settings) -> RecyclenetProcess:
        proc = RecyclenetProcess(list(args), self.env(**settings)).start()
        self.processes.append(proc)
        return proc

    def worker(self, **settings) -> RecyclenetProcess:
        return self.start("worker", "--processes", "1", "--threads", "1", **settings)

    def headers(self, who: str = "dispatcher") -> dict:
        if who not in self.tokens:
            resp = self.client.post("/api/v1/auth/token", json={"username": who, "password": PASSWORD})
            self.tokens[who] = resp.get_json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def center(self) -> int:
        """The sorting center with the most bins."""
        from backend.core.extensions import db
        from backend.network.models import Bin, Site

        with self.app.app_context():
            return db.session.execute(
                select(Site.sorting_center_id, func.count())
                .join(Bin, Bin.site_id == Site.id)
                .group_by(Site.sorting_center_id)
                .order_by(func.count().desc())
            ).first()[0]

    def create_plan(self, time_limit: float, day: str) -> int:
        resp = self.client.post(
            "/api/v1/plans",
            json={"center_id": self.center(), "date": day, "options": {"time_limit": time_limit}},
            headers=self.headers(),
        )
        assert resp.status_code == 202, resp.get_json()
        return resp.get_json()["id"]

    def plan(self, plan_id: int) -> dict:
        return self.client.get(f"/api/v1/plans/{plan_id}", headers=self.headers()).get_json()

    def wait_status(self, plan_id: int, *statuses: str, timeout: float = 180.0) -> dict:
        return wait_for(
            lambda: (p := self.plan(plan_id))["status"] in statuses and p,
            timeout=timeout,
            what=f"plan {plan_id} to be {' or '.join(statuses)}",
        )

    def queue_drained(self, queue: str = "plans", timeout: float = 120.0) -> None:
        """Every message of ``queue`` acknowledged (none waiting, none held by a worker)."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        wait_for(lambda: client.hlen(f"dramatiq:{queue}.msgs") == 0, timeout=timeout, what=f"queue {queue} drained")


@pytest.fixture
def city(fresh_db_url, fresh_redis):
    """The demo city (20 bins) on PostgreSQL with a week of readings; the app's plans go to
    the queue on the test's Redis. No worker runs until the test starts one."""
    from backend.app import create_app
    from backend.core.extensions import db
    from backend.demo.seed import seed_demo_city
    from backend.runtime.queue import install
    from iot.simulator import Simulator
    from tests.conftest import _test_settings

    settings = {**_test_settings(), "DATABASE_URL": fresh_db_url("postgresql"), "REDIS_URL": fresh_redis.url}
    app = create_app({**settings, **FAST_FAILOVER})
    install(app)
    with app.app_context():
        seed_demo_city(db.session(), seed=3, n_bins=20)
        Simulator.from_registry(
            db.session(), "mqtt://unused", interval=1800, speedup=1, seed=3, backfill_hours=72
        ).backfill()
    db.session.remove()
    c = City(app, app.test_client(), fresh_redis.url)
    yield c
    for proc in c.processes:
        proc.close()
    db.session.remove()
    db.engine.dispose()
