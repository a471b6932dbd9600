"""The whole city's day planned by 1, 2 and 4 worker processes: wall time, every plan checked.

    python bench/city_day.py [--workers 1 2 4] [--time-limit 8] [--centers 10]

Starts a throwaway PostgreSQL and Redis, migrates, seeds bench/city.py's city (10 sorting
centers, 10,000 bins with a week of readings, 12 trucks a center), then for each worker
count: starts `recyclenet worker --processes N --threads 1`, plans the city's next day as
one request (``cityday.create_city_day`` and a job per center, as POST
/api/v1/plans/city-days does) and waits until every center's plan has ended. A center's
plan above PLAN_DECOMPOSE_ABOVE stops is cut in parts, each a job, plus its baseline as one
more. Every plan is then read back from the database and put through the independent
checker (tests/routing/checker.py). Prints, per worker count: wall seconds from the
request to the last plan stored, plans done, jobs (parts) solved, stops served, required
stops left out, and the speed-up over one worker.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from backend.app import create_app  # noqa: E402
from backend.core import migrate  # noqa: E402
from backend.core.extensions import db  # noqa: E402
from backend.planning.jobs import submit_plan  # noqa: E402
from backend.planning.models import Plan  # noqa: E402
from backend.planning.services import cityday, dispatch  # noqa: E402
from backend.runtime.queue import install  # noqa: E402
from bench.city import seed_city  # noqa: E402
from tests.backend.planning.stored_check import check_stored_plan  # noqa: E402
from tests.conftest import _test_settings  # noqa: E402
from tests.support.processes import RecyclenetProcess, recyclenet_env, wait_for  # noqa: E402
from tests.support.servers import PostgresServer, RedisServer  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")


def plan_city_day(app, day, time_limit: float) -> tuple[float, int]:
    with app.app_context():
        options = dispatch.plan_options(app.config, {"time_limit": time_limit})
        started = time.monotonic()
        city_day = cityday.create_city_day(db.session(), day, options, None)
        city_day_id = city_day.id
        for plan in city_day.plans:
            submit_plan(plan.id)
        while True:
            db.session.expire_all()
            view = cityday.city_day_view(db.session(), cityday.get_city_day(db.session(), city_day_id))
            db.session.rollback()
            if view["status"] not in ("queued", "solving"):
                break
            time.sleep(0.5)
        wall = time.monotonic() - started
        db.session.remove()
        return wall, city_day_id


def checked(app, city_day_id: int) -> dict:
    with app.app_context():
        plans = db.session.scalars(select(Plan).where(Plan.city_day_id == city_day_id)).all()
        out = {"plans": len(plans), "done": 0, "jobs": 0, "served": 0, "required_left": 0, "errors": []}
        for plan in plans:
            if plan.status != "done":
                out["errors"].append(f"plan {plan.id}: {plan.status} {plan.error}")
                continue
            out["done"] += 1
            out["jobs"] += plan.parts_total or 1
            out["served"] += check_stored_plan(db.session(), plan, TZ)
            out["required_left"] += sum(1 for d in plan.summary["dropped"] if d["required"])
        db.session.remove()
        return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--time-limit", type=float, default=8.0)
    ap.add_argument("--centers", type=int, default=10)
    ap.add_argument("--decompose-above", type=int, default=600, help="PLAN_DECOMPOSE_ABOVE for the workers")
    ap.add_argument("--part-size", type=int, default=350, help="PLAN_PART_SIZE for the workers")
    args = ap.parse_args()
    pg, redis = PostgresServer().start(), RedisServer().start()
    workers: RecyclenetProcess | None = None
    try:
        url = pg.url("postgres")
        migrate.upgrade(url)
        app = create_app({**_test_settings(), "DATABASE_URL": url, "REDIS_URL": redis.url})
        install(app)
        with app.app_context():
            t0 = time.perf_counter()
            seeded = seed_city(db.session(), centers=args.centers)
            db.session.remove()
        print(f"city: {seeded}, seeded in {time.perf_counter() - t0:.0f} s", flush=True)
        day = datetime.now(TZ).date() + timedelta(days=1)
        env = recyclenet_env(
            url,
            redis.url,
            RECYCLENET_PLAN_DECOMPOSE_ABOVE=args.decompose_above,
            RECYCLENET_PLAN_PART_SIZE=args.part_size,
        )
        rows = []
        for n in args.workers:
            workers = RecyclenetProcess(["worker", "--processes", str(n), "--threads", "1"], env).start()
            wait_for(lambda w=workers, n=n: w.output().count("Worker process is ready") >= n, 120, what="workers")
            wall, city_day_id = plan_city_day(app, day, args.time_limit)
            workers.close()
            workers = None
            result = checked(app, city_day_id)
            rows.append((n, wall, result))
            print(f"{n} worker process(es): {wall:.1f} s, {result}", flush=True)
        print(
            f"\nthe city's day {day}: {seeded['centers']} centers, {seeded['bins']:,} bins, {args.time_limit} s a solve"
        )
        print(
            f"{'workers':>7} {'wall s':>7} {'speed-up':>8} {'plans done':>10} {'jobs':>5} {'stops':>6} {'req. left':>9}"
        )
        one = next((wall for n, wall, _ in rows if n == 1), None)
        for n, wall, r in rows:
            speed_up = f"{one / wall:8.2f}" if one else f"{'':8}"
            print(
                f"{n:7d} {wall:7.1f} {speed_up} {r['done']:>4}/{r['plans']:<5} {r['jobs']:5d} "
                f"{r['served']:6d} {r['required_left']:8d}"
            )
        print("every done plan passed the independent checker")
        for _, _, r in rows:
            for error in r["errors"]:
                print("NOT DONE:", error)
    finally:
        if workers is not None:
            workers.close()
        redis.stop()
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
