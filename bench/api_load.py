"""The API under a morning peak: gunicorn + PostgreSQL, driven by Locust at fixed arrival rates.

    python bench/api_load.py --rates 100,200,300 --duration 20

Starts its own PostgreSQL (temporary directory, free port), migrates it, seeds the demo city
(4 sorting centers, 240 bins), adds --residents residents and a plan per center, then serves
it with `recyclenet serve` (gunicorn, --web-workers x --web-threads; rate limits off) and,
for each rate, runs Locust headless in a process of its own (bench/api_load_locustfile.py):

  residents  RATE tasks/s: read the slots of a day, then book a window with room, with a
             fresh Idempotency-Key (one in ten sent twice at once with the same key);
  staff      RATE/10 tasks/s: read the plans, then a page of bins.

Each user starts tasks at Poisson times, one a second on average, on its own schedule that
does not wait for the answers (an open loop: RATE users make a Poisson stream of RATE tasks a
second; a late answer makes the next task late only if it takes longer than the gap, and the
achieved rate printed shows it). Per rate and endpoint it prints the
throughput, p50/p95/p99 (Locust's histogram: two significant figures) and the error rate (a
409 "window full" is an answer, not an error), then the first rate at which an endpoint's
p99 passed 250 ms. Afterwards it checks, in the database, that no window holds more bookings
than its capacity, and, from every answer logged, that no Idempotency-Key made two bookings.

The web server, PostgreSQL and Locust share the machine: on 2 cores the generator takes a
part of the CPU the server would otherwise have.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from tests.conftest import pg_admin  # noqa: E402
from tests.support.servers import PostgresServer, free_port  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "api_load_locustfile.py"
P99_LIMIT_MS = 250
SECRET = "bench-secret-key-not-for-production"


def settings(db_url: str, capacity: int) -> dict[str, str]:
    """The environment of the server and of the set-up: cheap password hashes (set-up only
    signs in through the database), rate limits off, the given capacity per window."""
    return {
        "DATABASE_URL": db_url,
        "SECRET_KEY": SECRET,
        "RECYCLENET_RATELIMIT_ENABLED": "false",
        "RECYCLENET_PASSWORD_TIME_COST": "1",
        "RECYCLENET_PASSWORD_MEMORY_COST_KIB": "1024",
        "RECYCLENET_SLOT_CAPACITY": str(capacity),
        "RECYCLENET_TOKEN_TTL_SECONDS": "86400",
        "REDIS_URL": "",
    }


def prepare(env: dict[str, str], residents: int, data_file: Path) -> None:
    """Migrate, seed, add residents and plans; write the tokens and days for Locust."""
    os.environ.update(env)
    from backend.accounts import services as accounts
    from backend.accounts.models import User
    from backend.app import create_app
    from backend.core import migrate
    from backend.core.extensions import db
    from backend.demo.seed import seed_demo_city
    from backend.network.models import Site
    from backend.planning.services import dispatch

    migrate.upgrade(env["DATABASE_URL"])
    app = create_app()
    with app.app_context():
        session = db.session()
        seed_demo_city(session, seed=7, n_bins=240)
        centers = session.scalars(select(Site).where(Site.tier == "sorting_center")).all()
        for i in range(residents):
            center = centers[i % len(centers)]
            accounts.register_resident(
                session,
                {
                    "username": f"bench{i}",
                    "password": "bench-password-1",
                    "display_name": f"Bench {i}",
                    "address": f"Bench street {i}",
                    "district": "Bench",
                    "lat": center.lat + ((i * 7919) % 100 - 50) / 10000,
                    "lon": center.lon + ((i * 104729) % 100 - 50) / 10000,
                },
            )
        tz = ZoneInfo(app.config["TIMEZONE"])
        today = datetime.now(tz).date()
        dispatcher = session.scalar(select(User).where(User.username == "dispatcher"))
        for center in centers:  # something for the staff to read
            dispatch.create_plan(session, center.id, today + timedelta(days=1), {"time_limit": 1.0}, dispatcher)
        users = session.scalars(select(User).where(User.username.like("bench%"))).all()
        staff = session.scalars(select(User).where(User.role.in_(("dispatcher", "admin", "operator")))).all()
        data = {
            "residents": [{"token": accounts.token_for(u), "lat": u.lat, "lon": u.lon} for u in users],
            "staff": [accounts.token_for(u) for u in staff],
            "days": [(today + timedelta(days=d)).isoformat() for d in range(1, 8)],
        }
        data_file.write_text(json.dumps(data))
        db.session.remove()
        db.engine.dispose()


def start_server(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "recyclenet"), "serve", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(workers), "--threads", str(threads)]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/categories", timeout=2):
                return proc
        except urllib.error.HTTPError:  # an answer (401 without a token): it is up
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the server did not come up; see {log}")


def cpu_seconds(root_pids: list[int]) -> float:
    """User + system CPU of these processes and their children (gunicorn's workers, the
    PostgreSQL backends), from /proc: what the server spent, whatever else runs beside it."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = set(root_pids)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in root_pids:  # the parent's pid
                pids.add(int(entry.name))
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def run_locust(port: int, rate: int, duration: int, data_file: Path, booking_log: Path, out: Path) -> list[dict]:
    """One step: RATE resident users and RATE/10 staff users, each one task a second."""
    staff = max(1, rate // 10)
    prefix = out / f"rate{rate}"
    cmd = [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
    cmd += ["--host", f"http://127.0.0.1:{port}", "-u", str(rate + staff), "-r", str(rate + staff)]
    cmd += ["-t", f"{duration}s", "--csv", str(prefix), "--stop-timeout", "30", "--loglevel", "WARNING"]
    env = {
        **os.environ,
        "BENCH_DATA": str(data_file),
        "BENCH_LOG": str(booking_log),
        "STAFF_USERS": str(staff),
    }
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=(out / f"locust{rate}.log").open("w"))
    with open(f"{prefix}_stats.csv") as fh:
        return [row for row in csv.DictReader(fh) if row["Name"] != "Aggregated"]


def check_bookings(db_url: str, booking_log: Path) -> dict:
    """Capacity and idempotency, from the database and from every answer the generator saw."""
    from sqlalchemy import create_engine

    from backend.bookings.models import Booking, SlotUsage
    from backend.core.models import IdempotencyRecord

    engine = create_engine(db_url)
    with engine.connect() as conn:
        per_slot = conn.execute(
            select(SlotUsage.id, SlotUsage.capacity, SlotUsage.booked, func.count(Booking.id))
            .join(Booking, Booking.slot_id == SlotUsage.id, isouter=True)
            .group_by(SlotUsage.id)
        ).all()
        bookings = conn.scalar(select(func.count()).select_from(Booking))
        created_records = conn.scalar(
            select(func.count()).select_from(IdempotencyRecord).where(IdempotencyRecord.status_code == 201)
        )
    engine.dispose()
    ids_by_key: dict[str, set[str]] = defaultdict(set)
    answers = 0
    for line in booking_log.read_text().splitlines():
        key, status, booking_id = line.split("\t")
        answers += 1
        if status == "201":
            ids_by_key[key].add(booking_id)
    return {
        "windows": len(per_slot),
        "full_windows": sum(1 for _, cap, booked, _ in per_slot if booked >= cap),
        "over_capacity": [s for s, cap, booked, n in per_slot if n > cap or booked != n],
        "bookings": bookings,
        "answers": answers,
        "keys_with_two_bookings": [k for k, ids in ids_by_key.items() if len(ids) > 1],
        "keys_booked": len(ids_by_key),
        "idempotency_records_201": created_records,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="50,100,150,200,250,300", help="resident tasks/s (bookings/s), ascending")
    parser.add_argument("--duration", type=int, default=20, help="seconds per rate")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--capacity", type=int, default=300, help="bookings per window and center")
    parser.add_argument("--stop-after-cross", action="store_true", help="stop at the first rate past 250 ms")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    out = Path(tempfile.mkdtemp(prefix="recyclenet-api-load-"))
    pg = PostgresServer().start()
    server = None
    try:
        pg_admin(pg, "CREATE DATABASE bench")
        env = settings(pg.url("bench"), args.capacity)
        data_file, booking_log = out / "data.json", out / "bookings.tsv"
        t0 = time.monotonic()
        prepare(env, args.residents, data_file)
        print(f"set-up: {args.residents} residents, 4 centers, plans ({time.monotonic() - t0:.0f} s); files in {out}")
        port = free_port()
        server = start_server(env, port, args.web_workers, args.web_threads, out / "server.log")
        print(
            f"gunicorn: {args.web_workers} workers x {args.web_threads} threads; PostgreSQL; Locust in its own "
            f"process; {os.cpu_count()} CPUs; {args.duration} s per rate; capacity {args.capacity} per window\n"
        )
        header = f"{'rate/s':>6}  {'endpoint':<50} {'req/s':>7} {'p50':>5} {'p95':>5} {'p99':>5} {'errors':>7}"
        print(header + "\n" + "-" * len(header))
        crossed = None
        postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
        for rate in rates:
            cpu_before = cpu_seconds([server.pid, postmaster])
            rows = run_locust(port, rate, args.duration, data_file, booking_log, out)
            cpu = cpu_seconds([server.pid, postmaster]) - cpu_before
            requests = sum(int(r["Request Count"]) for r in rows if r["Type"] != "LAG")
            worst = 0.0
            for row in sorted(rows, key=lambda r: (r["Type"] == "LAG", r["Name"])):
                count, failures = int(row["Request Count"]), int(row["Failure Count"])
                p99 = float(row["99%"]) if row["99%"] != "N/A" else 0.0
                if row["Type"] != "LAG":  # the lag row is the schedule's, not an endpoint's
                    worst = max(worst, p99)
                print(
                    f"{rate:>6}  {row['Type'] + ' ' + row['Name'].split(' ', 1)[-1]:<50} "
                    f"{float(row['Requests/s']):>7.1f} {row['50%']:>5} {row['95%']:>5} {row['99%']:>5} "
                    f"{(failures / count if count else 0):>7.2%}"
                )
            print(
                f"{'':>6}  server CPU (gunicorn + PostgreSQL): {cpu / args.duration:.2f} cores, "
                f"{1000 * cpu / max(requests, 1):.1f} ms per request\n"
            )
            if crossed is None and worst > P99_LIMIT_MS:
                crossed = rate
                if args.stop_after_cross:
                    break
        print(
            f"p99 above {P99_LIMIT_MS} ms first at: {crossed} resident tasks/s"
            if crossed
            else f"p99 stayed under {P99_LIMIT_MS} ms at every rate up to {rates[-1]}/s"
        )
        checks = check_bookings(env["DATABASE_URL"], booking_log)
        print(
            f"\nbookings: {checks['bookings']} in {checks['windows']} windows ({checks['full_windows']} full), "
            f"{checks['answers']} booking answers logged"
        )
        print(f"windows over capacity (or counter != bookings): {checks['over_capacity'] or 'none'}")
        print(
            f"Idempotency-Keys that made two bookings: {checks['keys_with_two_bookings'] or 'none'}; "
            f"keys answered 201: {checks['keys_booked']}, bookings in the database: {checks['bookings']}, "
            f"idempotency records of a 201: {checks['idempotency_records_201']}"
        )
        # Every booking is made under a key and the key's record is committed with it, unique
        # per (resident, key): as many 201 records as bookings means no key made two. (The log
        # may miss a few answers: requests in flight when a step's Locust stops.)
        ok = (
            not checks["over_capacity"]
            and not checks["keys_with_two_bookings"]
            and checks["bookings"] == checks["idempotency_records_201"]
            and checks["keys_booked"] <= checks["bookings"]
        )
        print("checks:", "passed" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
