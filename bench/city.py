"""A synthetic city for the planning benchmarks, on PostgreSQL: 10 sorting centers, 1,000 bins
each (100 collection points of 10 bins within ~4 km of their center), 12 trucks each, and a
week of fill readings every 2 hours (840,000 rows for 10,000 bins).

Each bin fills at its own steady rate (8 to 30 points a day) from its own offset and is
emptied when it passes 95, so on any day about half the bins need a visit or may take one.
The registry goes in through the ORM (its defaults and timestamps), the readings through
one generate_series statement.
"""

from __future__ import annotations

import math
import random
from datetime import time

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend.network.models import Bin, MaterialCategory, Site, Vehicle

CENTERS = 10
POINTS_PER_CENTER = 100
BINS_PER_POINT = 10
TRUCKS_PER_CENTER = 12
READING_EVERY_H = 2
READING_DAYS = 7


def seed_city(session: Session, *, centers: int = CENTERS, bins_per_point: int = BINS_PER_POINT, seed: int = 1) -> dict:
    rng = random.Random(seed)
    codes = ("paper.mixed", "plastics.mixed")
    cats = {c.code: c.id for c in session.scalars(select(MaterialCategory).where(MaterialCategory.code.in_(codes)))}
    center_sites = []
    for k in range(centers):  # a ring of centers ~15 km around the city's middle
        angle = 2 * math.pi * k / centers
        lat, lon = 30.27 + 0.13 * math.sin(angle), 120.15 + 0.15 * math.cos(angle)
        center_sites.append(Site(tier="sorting_center", name=f"Center {k + 1}", lat=lat, lon=lon))
    session.add_all(center_sites)
    session.flush()
    points = []
    for c in center_sites:
        for i in range(POINTS_PER_CENTER):
            r, a = 0.04 * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
            points.append(
                Site(
                    tier="collection_point",
                    name=f"{c.name} point {i + 1}",
                    lat=round(c.lat + r * math.sin(a), 6),
                    lon=round(c.lon + r * 1.15 * math.cos(a), 6),
                    sorting_center_id=c.id,
                )
            )
    session.add_all(points)
    session.flush()
    bins = [
        Bin(
            site_id=p.id,
            category_id=cats[codes[j % 2]],
            capacity_l=rng.choice((660.0, 1100.0)),
            device_id=f"BENCH-{p.id}-{j}",
        )
        for p in points
        for j in range(bins_per_point)
    ]
    session.add_all(bins)
    for n, c in enumerate(center_sites):
        for t in range(TRUCKS_PER_CENTER):
            session.add(
                Vehicle(
                    plate=f"B{n:02d}-{t:02d}",
                    home_center_id=c.id,
                    capacity_kg=4000,
                    capacity_m3=16,
                    shift_start=time(7),
                    shift_end=time(17),
                    cost_per_km=4.5,
                    fixed_cost=300,
                )
            )
    session.commit()
    readings = READING_DAYS * 24 // READING_EVERY_H
    # rate 8..30 points a day, offset 0..94; fill = (offset + rate * days) mod 95 (an emptying
    # at 95), the k-th reading k * 2 hours before now.
    session.execute(text("SET LOCAL statement_timeout = 0"))  # the app's own is for requests, not this
    session.execute(
        text(
            "INSERT INTO readings (bin_id, measured_at, received_at, fill_pct, alarms) "
            "SELECT b.id, now() - k * interval '1 hour' * :every, now(), "
            "mod((b.id * 53) % 95 + (8 + (b.id * 37) % 23) * (:n - k) * :every / 24.0, 95.0), '' "
            "FROM bins b CROSS JOIN generate_series(0, :n - 1) k"
        ),
        {"n": readings, "every": READING_EVERY_H},
    )
    session.commit()
    session.execute(text("ANALYZE"))
    return {"centers": len(center_sites), "bins": len(bins), "readings": len(bins) * readings}
