"""How fast is "this bin's last 30 days" as the readings table grows? (PostgreSQL)

    python bench/readings_query.py --rows 1000000 10000000 100000000

Starts a throwaway PostgreSQL (temporary directory, free port), migrates it, and grows
the readings table step by step with generate_series: 10,000 bins reporting every 15
minutes, so 100 million rows are about 104 days of a 10,000-bin city. After each step it
runs the API's query (one bin, 30 days, ordered) for 200 random bins and prints the
median and 95th percentile, with the plan PostgreSQL chose. The readings are partitioned by
month (migration 0009): the months of the data (December 2025 to November 2026) are made
first, as the scheduler's job would have made them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from backend.core import migrate  # noqa: E402
from backend.telemetry.services.partitions import ensure_partitions  # noqa: E402
from tests.support.servers import PostgresServer  # noqa: E402

BINS = 10_000
QUERY = text(
    "SELECT measured_at, fill_pct FROM readings WHERE bin_id = :b "
    "AND measured_at >= CAST(:end AS timestamptz) - interval '30 days' "
    "AND measured_at < CAST(:end AS timestamptz) ORDER BY measured_at"
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = ap.parse_args()
    server = PostgresServer().start()
    try:
        engine = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
        migrate.upgrade(server.url("postgres"))
        with Session(create_engine(server.url("postgres"))) as session:
            ensure_partitions(session, months_ahead=11, now=datetime(2025, 12, 1, tzinfo=UTC))
        with engine.connect() as c:
            c.execute(
                text(
                    "INSERT INTO sites (tier, name, address, district, lat, lon, opening_hours, active, version) "
                    "VALUES ('sorting_center', 'C', '', '', 30, 120, '', true, 1)"
                )
            )
            c.execute(
                text(
                    "INSERT INTO sites (tier, name, address, district, lat, lon, opening_hours, active, version, "
                    "sorting_center_id) "
                    "VALUES ('collection_point', 'P', '', '', 30, 120, '', true, 1, 1)"
                )
            )
            c.execute(
                text(
                    f"INSERT INTO bins (site_id, category_id, capacity_l, device_id, empty_distance_mm, "
                    f"full_distance_mm, fill_threshold_pct, status, active, version) "
                    "SELECT 2, 1, 660, 'B' || g, 1200, 150, 80, 'in_service', true, 1 "
                    f"FROM generate_series(1, {BINS}) g"
                )
            )
        loaded = 0
        print(f"{'rows':>12} {'load s':>8} {'median ms':>10} {'p95 ms':>8}  plan")
        for target in sorted(args.rows):
            started = time.monotonic()
            with engine.connect() as c:
                # Slot k is the k-th 15-minute report, going back in time from 2026-11-01.
                c.execute(
                    text(
                        "INSERT INTO readings (bin_id, measured_at, received_at, fill_pct, alarms) "
                        "SELECT 1 + (g % :bins), timestamptz '2026-11-01' - (g / :bins) * interval '15 minutes', "
                        "now(), (g % 97)::float, '' FROM generate_series(:lo, :hi - 1) g"
                    ),
                    {"bins": BINS, "lo": loaded, "hi": target},
                )
                c.execute(text("ANALYZE readings"))
            load_s = time.monotonic() - started
            loaded = target
            rng = random.Random(1)
            times = []
            with engine.connect() as c:
                plan = c.execute(text("EXPLAIN " + QUERY.text), {"b": 42, "end": "2026-11-01"}).scalars().all()
                for _ in range(200):
                    t0 = time.perf_counter()
                    rows = c.execute(QUERY, {"b": rng.randint(1, BINS), "end": "2026-11-01"}).all()
                    times.append((time.perf_counter() - t0) * 1000)
            node = next((ln.strip() for ln in plan if "Scan" in ln), plan[0]).split("  (")[0]
            p95 = sorted(times)[int(len(times) * 0.95)]
            print(
                f"{target:12,d} {load_s:8.1f} {statistics.median(times):10.2f} {p95:8.2f}  {node} ({len(rows)} rows)",
                flush=True,
            )
        engine.dispose()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
