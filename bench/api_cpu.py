"""CPU per request on the booking hot path, in process: what the server spends, whatever the load.

    python bench/api_cpu.py                          # this tree
    python bench/api_cpu.py --baseline main          # main (git archive) and this tree, side by side

Starts a throwaway PostgreSQL (as the tests do), and for each code tree, in a process of its
own (so each imports its own ``backend``): migrates a fresh database, seeds the demo city
(4 sorting centers, 240 bins), adds residents, then through Flask's test client runs
--rounds rounds of --requests slot reads (GET /api/v1/slots) and --requests bookings (POST
/api/v1/bookings with a fresh Idempotency-Key). It prints, per endpoint, the median over the
rounds of the process CPU (user + system) per request and of the SQL statements sent per
request. Process CPU counts the test client's share too (the same in both trees) but not
PostgreSQL's, and does not grow when other programs take the machine's cores, unlike wall
time. The trees run alternately (A B A B ...) so a drift of the machine touches both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ITEMS = [{"category": "paper", "quantity": 3}, {"category": "plastics.pet", "quantity": 1.5}]


def measure(db_url: str, rounds: int, requests: int, residents: int) -> dict:
    """Run in the child process, with the tree under test first on sys.path."""
    os.environ.update(
        {
            "DATABASE_URL": db_url,
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "RECYCLENET_RATELIMIT_ENABLED": "false",
            "RECYCLENET_PASSWORD_TIME_COST": "1",
            "RECYCLENET_PASSWORD_MEMORY_COST_KIB": "1024",
            "RECYCLENET_SLOT_CAPACITY": "1000000",  # never full: every booking is a 201
            "RECYCLENET_TOKEN_TTL_SECONDS": "86400",
            "REDIS_URL": "",
        }
    )
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from sqlalchemy import event, select

    from backend.accounts import services as accounts
    from backend.app import create_app
    from backend.core import migrate
    from backend.core.extensions import db
    from backend.demo.seed import seed_demo_city
    from backend.network.models import Site

    migrate.upgrade(db_url)
    app = create_app()
    with app.app_context():
        session = db.session()
        seed_demo_city(session, seed=7, n_bins=240)
        centers = session.scalars(select(Site).where(Site.tier == "sorting_center")).all()
        people = []
        for i in range(residents):
            center = centers[i % len(centers)]
            user = accounts.register_resident(
                session,
                {
                    "username": f"cpu{i}",
                    "password": "bench-password-1",
                    "display_name": f"CPU {i}",
                    "address": f"Bench street {i}",
                    "district": "Bench",
                    "lat": center.lat + ((i * 7919) % 100 - 50) / 10000,
                    "lon": center.lon + ((i * 104729) % 100 - 50) / 10000,
                },
            )
            people.append((accounts.token_for(user), user.lat, user.lon))
        today = datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()
        days = [(today + timedelta(days=d)).isoformat() for d in range(1, 8)]
        db.session.remove()

        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args, **_kw):
            statements[0] += 1

    client = app.test_client()
    results: dict[str, list[tuple[float, float]]] = {"GET /api/v1/slots": [], "POST /api/v1/bookings": []}
    windows: list[tuple[dict, str]] = []
    for rnd in range(rounds + 1):  # round 0 warms up (imports, caches, the pool)
        cpu0, n0 = time.process_time(), statements[0]
        windows.clear()
        for i in range(requests):
            token, lat, lon = people[(rnd * requests + i) % len(people)]
            headers = {"Authorization": f"Bearer {token}"}
            answer = client.get(f"/api/v1/slots?date={days[i % len(days)]}&lat={lat}&lon={lon}", headers=headers)
            assert answer.status_code == 200, answer.get_data(as_text=True)
            start = next(s["window_start"] for s in answer.get_json() if s["bookable"])
            windows.append((headers, start))
        slots = ((time.process_time() - cpu0) / requests, (statements[0] - n0) / requests)
        cpu0, n0 = time.process_time(), statements[0]
        for i, (headers, start) in enumerate(windows):
            answer = client.post(
                "/api/v1/bookings",
                json={"items": ITEMS, "window_start": start},
                headers={**headers, "Idempotency-Key": f"cpu-{rnd}-{i}"},
            )
            assert answer.status_code == 201, answer.get_data(as_text=True)
        bookings = ((time.process_time() - cpu0) / requests, (statements[0] - n0) / requests)
        if rnd:
            results["GET /api/v1/slots"].append(slots)
            results["POST /api/v1/bookings"].append(bookings)
    with app.app_context():
        db.engine.dispose()
    return results


def tree_of(rev: str, into: Path) -> Path:
    """The files of ``rev`` (git archive), to import that revision's backend."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    with tempfile.TemporaryFile() as fh:
        fh.write(archive)
        fh.seek(0)
        with tarfile.open(fileobj=fh) as tar:
            tar.extractall(into, filter="data")
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision to measure beside this tree (e.g. main)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="slot reads and bookings per round")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2, help="child processes per tree, run alternately")
    parser.add_argument("--child", nargs=2, metavar=("SRC", "DB_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        src, db_url = args.child
        sys.path.insert(0, src)
        out = measure(db_url, args.rounds, args.requests, args.residents)
        print(json.dumps(out))
        return 0

    sys.path.insert(0, str(ROOT))
    from tests.conftest import pg_admin
    from tests.support.servers import PostgresServer

    work = Path(tempfile.mkdtemp(prefix="recyclenet-api-cpu-"))
    trees = {}
    if args.baseline:
        trees[args.baseline] = tree_of(args.baseline, work / "baseline")
    trees["this tree"] = ROOT
    pg = PostgresServer().start()
    collected: dict[str, dict[str, list]] = {name: {} for name in trees}
    try:
        for rep in range(args.repeat):
            for n, (name, src) in enumerate(trees.items()):
                database = f"cpu_{rep}_{n}"
                pg_admin(pg, f"CREATE DATABASE {database}")
                cmd = [sys.executable, __file__, "--child", str(src), pg.url(database)]
                cmd += ["--rounds", str(args.rounds), "--requests", str(args.requests)]
                cmd += ["--residents", str(args.residents)]
                env = {**os.environ, "PYTHONPATH": str(src)}
                done = subprocess.run(cmd, cwd=src, env=env, check=True, capture_output=True, text=True)
                for endpoint, rows in json.loads(done.stdout.strip().splitlines()[-1]).items():
                    collected[name].setdefault(endpoint, []).extend(rows)
    finally:
        pg.stop()

    print(
        f"process CPU per request (Python: Flask, SQLAlchemy, marshmallow, psycopg; not PostgreSQL's), "
        f"median of {args.rounds * args.repeat} rounds of {args.requests} requests; PostgreSQL\n"
    )
    header = f"{'endpoint':<24} " + " ".join(f"{name + ' ms':>16} {'SQL':>5}" for name in trees)
    if len(trees) == 2:
        header += f" {'ratio':>7}"
    print(header + "\n" + "-" * len(header))
    for endpoint in ("GET /api/v1/slots", "POST /api/v1/bookings"):
        line = f"{endpoint:<24} "
        cpus = []
        for name in trees:
            rows = collected[name][endpoint]
            cpu = statistics.median(r[0] for r in rows) * 1000
            sql = statistics.median(r[1] for r in rows)
            cpus.append(cpu)
            line += f"{cpu:>16.2f} {sql:>5.1f} "
        if len(cpus) == 2:
            line += f"{cpus[1] / cpus[0]:>7.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
