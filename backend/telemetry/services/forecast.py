"""When will a bin be full? Fill rates per weekday, robust to sensor noise and emptyings.

Readings are cut into fill cycles at emptyings (a drop of more than EMPTYING_DROP
points), and each cycle into calendar days. Each (cycle, day) segment gives one rate: the
least-squares slope of its readings, which averages out sensor noise that consecutive
differences would amplify. Readings of a full bin (>= SATURATED) are left out, since a
full bin stops rising. A weekday's rate is the median of its segments' rates (a median
shrugs off a segment spoiled by a bad sensor day); a weekday with too few segments falls
back to the median over all days. The forecast walks forward hour by hour from the
latest reading with the rate of each hour's weekday.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

EMPTYING_DROP = 15.0  # points: a bigger drop between two readings is an emptying
SATURATED = 98.0
MIN_SEGMENT_POINTS = 4
MIN_SEGMENT_HOURS = 2.0
MIN_SAMPLES_PER_WEEKDAY = 2
HORIZON = timedelta(days=30)
HISTORY = timedelta(days=28)


@dataclass(frozen=True)
class Forecast:
    rate_pct_per_day: float | None  # typical daily gain over all weekdays
    rate_by_weekday: tuple[float | None, ...]  # Monday first, % per day
    threshold_at: datetime | None  # None: beyond the horizon or no data
    full_at: datetime | None
    samples: int
    last_at: datetime | None = None
    last_fill: float | None = None

    def fill_at(self, when: datetime) -> float | None:
        """Expected fill at ``when`` (capped at 100), or None without data."""
        if self.last_at is None or self.rate_pct_per_day is None:
            return self.last_fill
        fill, t = self.last_fill, self.last_at
        while t < when and fill < 100:
            step = min(timedelta(hours=1), when - t)
            rate = self.rate_by_weekday[t.weekday()]
            rate = self.rate_pct_per_day if rate is None else rate
            fill += rate * step.total_seconds() / 86400
            t += step
        return min(100.0, fill)


def _slope_per_hour(points: list[tuple[datetime, float]]) -> float:
    t0 = points[0][0]
    xs = [(t - t0).total_seconds() / 3600 for t, _ in points]
    ys = [f for _, f in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def rate_samples(readings: Sequence[tuple[datetime, float]]) -> list[tuple[int, float]]:
    """(weekday, % per hour) for each (fill cycle, day) segment with enough readings."""
    segments: list[list[tuple[datetime, float]]] = []
    current: list[tuple[datetime, float]] = []
    for t, f in readings:
        emptied = current and f - current[-1][1] < -EMPTYING_DROP
        new_day = current and t.date() != current[-1][0].date()
        if emptied or new_day:
            segments.append(current)
            current = []
        current.append((t, f))
    segments.append(current)
    out = []
    for seg in segments:
        seg = [(t, f) for t, f in seg if f < SATURATED]
        if len(seg) < MIN_SEGMENT_POINTS or (seg[-1][0] - seg[0][0]).total_seconds() < MIN_SEGMENT_HOURS * 3600:
            continue
        out.append((seg[0][0].weekday(), _slope_per_hour(seg)))
    return out


def forecast(readings: Sequence[tuple[datetime, float]], threshold_pct: float) -> Forecast:
    readings = sorted(readings)
    samples = rate_samples(readings)
    if not samples:
        last = readings[-1] if readings else (None, None)
        return Forecast(None, (None,) * 7, None, None, 0, last[0], last[1])
    overall = max(0.0, statistics.median(r for _, r in samples))
    by_day: list[float | None] = []
    for wd in range(7):
        rates = [r for d, r in samples if d == wd]
        by_day.append(max(0.0, statistics.median(rates)) if len(rates) >= MIN_SAMPLES_PER_WEEKDAY else None)
    hourly = [overall if r is None else r for r in by_day]
    t, fill = readings[-1]
    last_at, last_fill = t, fill
    threshold_at = t if fill >= threshold_pct else None
    full_at = t if fill >= 100 else None
    end = t + HORIZON
    while (threshold_at is None or full_at is None) and t < end:
        step = min(timedelta(hours=1), end - t)
        gained = hourly[t.weekday()] * step.total_seconds() / 3600
        if gained > 0:
            for target, name in ((threshold_pct, "threshold"), (100.0, "full")):
                if fill < target <= fill + gained:
                    when = t + step * ((target - fill) / gained)
                    if name == "threshold":
                        threshold_at = when
                    else:
                        full_at = when
            fill += gained
        t += step
    return Forecast(
        round(overall * 24, 3),
        tuple(None if r is None else round(r * 24, 3) for r in by_day),
        threshold_at,
        full_at,
        len(samples),
        last_at,
        last_fill,
    )
