"""A second opinion on bench/api_load.py's latencies: the same server and data, a plain client.

    python bench/api_probe.py --users 10,25,50 --tasks 15

Sets up as bench/api_load.py does (throwaway PostgreSQL, the demo city, residents, plans,
gunicorn with 2 workers x 8 threads), then for each --users count runs that many threads in
this process, each a resident doing one task a second for --tasks tasks: read the slots of a
day, book the first bookable window with a fresh Idempotency-Key (http.client, one kept-alive
connection per user). It prints p50 and p99 per endpoint. Each task is timed from when it
was due, so a slow answer that delays the next task counts against the server (no
coordinated omission). Why it exists: at 10-50 tasks/s Locust reported slot reads at p50
35-130 ms while the server used a fifth to a third of a core. The cause was the locustfile's
pacing (constant_throughput undid each user's random phase, so all users fired together each
second); bench/api_load.py now gives its users Poisson arrivals and the two agree.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_load import pg_admin, prepare, settings, start_server  # noqa: E402

from tests.support.servers import PostgresServer, free_port  # noqa: E402


def resident(port: int, data: dict, tasks: int, slots_ms: list, booking_ms: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    due = time.perf_counter() + random.random()  # a random phase in the second
    for _ in range(tasks):
        time.sleep(max(0.0, due - time.perf_counter()))
        who, day = random.choice(data["residents"]), random.choice(data["days"])
        auth = {"Authorization": f"Bearer {who['token']}"}
        conn.request("GET", f"/api/v1/slots?date={day}&lat={who['lat']}&lon={who['lon']}", headers=auth)
        slots = json.loads(conn.getresponse().read())
        read = time.perf_counter()
        slots_ms.append(1000 * (read - due))
        bookable = [s for s in slots if s["bookable"]]
        if bookable:
            body = {
                "window_start": bookable[0]["window_start"],
                "lat": who["lat"],
                "lon": who["lon"],
                "address": "probe",
                "items": [{"category": "paper", "quantity": 2}],
            }
            headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
            conn.request("POST", "/api/v1/bookings", body=json.dumps(body), headers=headers)
            conn.getresponse().read()
            booking_ms.append(1000 * (time.perf_counter() - read))
        due += 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10,25,50", help="resident threads (tasks/s), ascending")
    parser.add_argument("--tasks", type=int, default=15, help="tasks per user")
    parser.add_argument("--residents", type=int, default=500)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="recyclenet-api-probe-"))
    pg = PostgresServer().start()
    server = None
    try:
        pg_admin(pg, "CREATE DATABASE bench")
        env = settings(pg.url("bench"), 100_000)
        prepare(env, args.residents, out / "data.json")
        data = json.loads((out / "data.json").read_text())
        port = free_port()
        server = start_server(env, port, 2, 8, out / "server.log")
        print(f"{'users':>5}  {'slots p50':>9} {'p99':>6}  {'booking p50':>11} {'p99':>6}  (ms)")
        for users in (int(u) for u in args.users.split(",")):
            slots_ms: list[float] = []
            booking_ms: list[float] = []
            threads = [
                threading.Thread(target=resident, args=(port, data, args.tasks, slots_ms, booking_ms))
                for _ in range(users)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

            def q(xs: list[float], share: float) -> float:
                return sorted(xs)[min(len(xs) - 1, int(share * len(xs)))]

            print(
                f"{users:>5}  {statistics.median(slots_ms):>9.1f} {q(slots_ms, 0.99):>6.1f}  "
                f"{statistics.median(booking_ms):>11.1f} {q(booking_ms, 0.99):>6.1f}"
            )
        return 0
    finally:
        if server is not None:
            server.terminate()
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
