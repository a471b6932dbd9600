"""Planning input at scale: the fill histories and forecasts of 10,000 bins read one query per
bin (before) and set-wise in one query (after), side by side on the same PostgreSQL.

    python bench/plan_input.py [--repeat 3] [--centers 10]

Starts a throwaway PostgreSQL, migrates it and seeds bench/city.py's city (10 centers x
1,000 bins, a week of readings every 2 hours). Prints, per way, the median over the
repeats of the seconds spent reading, forecasting and in all, and the queries run; then
building every center's routing problem (``adapter.build_problem``, which reads set-wise)
with its queries. Both ways must give the same forecast for every bin (checked).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from backend.core import migrate  # noqa: E402
from backend.core.db import make_engine  # noqa: E402
from backend.network.models import Bin, Site  # noqa: E402
from backend.planning.services import adapter  # noqa: E402
from backend.telemetry.services.forecast import HISTORY, forecast  # noqa: E402
from backend.telemetry.services.readings import fill_histories, fill_history  # noqa: E402
from bench.city import seed_city  # noqa: E402
from tests.support.servers import PostgresServer  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")


def per_bin(session: Session, ids: list[int], since: datetime):
    t0 = time.perf_counter()
    histories = {b: fill_history(session, b, since) for b in ids}
    t1 = time.perf_counter()
    forecasts = {b: forecast(h, 80.0) for b, h in histories.items()}
    return t1 - t0, time.perf_counter() - t1, forecasts


def set_wise(session: Session, ids: list[int], since: datetime):
    t0 = time.perf_counter()
    histories = fill_histories(session, select(Bin.id), since)
    t1 = time.perf_counter()
    forecasts = {b: forecast(histories.get(b, []), 80.0) for b in ids}
    return t1 - t0, time.perf_counter() - t1, forecasts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--centers", type=int, default=10)
    args = ap.parse_args()
    server = PostgresServer().start()
    try:
        url = server.url("postgres")
        migrate.upgrade(url)
        engine = make_engine(url)
        queries = [0]
        event.listen(engine, "before_cursor_execute", lambda *a: queries.__setitem__(0, queries[0] + 1))
        with Session(engine) as session:
            t0 = time.perf_counter()
            seeded = seed_city(session, centers=args.centers)
            print(f"city: {seeded} seeded in {time.perf_counter() - t0:.1f} s", flush=True)
            ids = list(session.scalars(select(Bin.id).order_by(Bin.id)))
            since = datetime.now(UTC) - HISTORY
            figures, answers = {}, {}
            for name, way in (("per bin (before)", per_bin), ("set-wise (after)", set_wise)):
                runs = []
                for _ in range(args.repeat):
                    session.rollback()
                    queries[0] = 0
                    read_s, forecast_s, answers[name] = way(session, ids, since)
                    runs.append((read_s, forecast_s, queries[0]))
                figures[name] = runs
            before, after = answers.values()
            assert before == after, "the set-wise forecasts differ from the per-bin ones"
            print(f"\n{len(ids):,} bins, median of {args.repeat}:")
            print(f"{'way':<18} {'read s':>8} {'forecast s':>11} {'total s':>8} {'queries':>8}")
            totals = {}
            for name, runs in figures.items():
                read = statistics.median(r[0] for r in runs)
                fc = statistics.median(r[1] for r in runs)
                totals[name] = statistics.median(r[0] + r[1] for r in runs)
                print(f"{name:<18} {read:8.2f} {fc:11.2f} {totals[name]:8.2f} {runs[0][2]:8d}")
            b, a = totals.values()
            print(f"set-wise is {b / a:.1f}x faster in all; forecasts identical for all {len(ids):,} bins")
            day = datetime.now(TZ).date() + timedelta(days=1)
            print(f"\nbuild_problem for each center's plan of {day} (set-wise reads):")
            print(f"{'center':>7} {'bins':>6} {'stops':>6} {'seconds':>8} {'queries':>8}")
            for center in session.scalars(select(Site).where(Site.tier == "sorting_center").order_by(Site.id)).all():
                session.rollback()
                queries[0] = 0
                t0 = time.perf_counter()
                problem = adapter.build_problem(session, center, day, TZ, adapter.PlanOptions())
                seconds = time.perf_counter() - t0
                n_bins = session.scalar(
                    select(func.count()).select_from(Bin).join(Site).where(Site.sorting_center_id == center.id)
                )
                print(f"{center.id:7d} {n_bins:6d} {len(problem.model.stops):6d} {seconds:8.2f} {queries[0]:8d}")
        engine.dispose()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
