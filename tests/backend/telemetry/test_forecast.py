"""Fill forecasts: robust to sensor noise and to emptyings, aware of weekdays."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from backend.telemetry.services.forecast import forecast

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)


def simulate(days: int, daily: list[float], noise: float = 2.0, empty_at: float = 90.0, seed: int = 1):
    """Readings every 30 minutes; weekday-dependent daily rates; emptied when it passes empty_at."""
    rng = random.Random(seed)
    t, fill, out = MONDAY, 10.0, []
    while t < MONDAY + timedelta(days=days):
        out.append((t, min(100.0, max(0.0, fill + rng.gauss(0, noise)))))
        t += timedelta(minutes=30)
        fill += daily[t.weekday()] / 48
        if fill >= empty_at:
            fill = rng.uniform(0, 3)
    return out


def test_rate_is_recovered_through_noise_and_emptyings():
    """A steady 24 %/day bin, emptied several times, noisy sensor: the rate comes out within 10%."""
    fc = forecast(simulate(21, [24.0] * 7), threshold_pct=80)
    assert abs(fc.rate_pct_per_day - 24.0) < 2.4
    assert fc.samples >= 21  # at least one segment a day


def test_weekday_rates_are_told_apart():
    """Weekend rates twice the weekday rate show up per weekday."""
    rates = [20, 20, 20, 20, 20, 40, 40]
    fc = forecast(simulate(28, rates, noise=1.0), threshold_pct=80)
    assert all(abs(fc.rate_by_weekday[d] - 20) < 4 for d in range(5))
    assert all(abs(fc.rate_by_weekday[d] - 40) < 8 for d in (5, 6))


def test_threshold_and_full_times_follow_the_rate():
    """From 50% at 24 %/day, 80% is 30 hours away and 100% 50 hours away."""
    readings = [(MONDAY + timedelta(hours=h), 2 + h) for h in range(49)]  # 24 %/day, ends at 50%
    fc = forecast(readings, threshold_pct=80)
    last = readings[-1][0]
    assert abs((fc.threshold_at - last).total_seconds() / 3600 - 30) < 0.6
    assert abs((fc.full_at - last).total_seconds() / 3600 - 50) < 0.6


def test_no_data_and_no_growth_give_no_prediction():
    """Without readings, or with a bin that never fills, there is no threshold time."""
    assert forecast([], 80).threshold_at is None
    flat = [(MONDAY + timedelta(hours=h), 12.0) for h in range(100)]
    fc = forecast(flat, 80)
    assert fc.threshold_at is None and fc.rate_pct_per_day == 0


def test_fill_at_extrapolates_and_caps_at_full():
    """Expected fill a day after the last reading follows the rate; it never exceeds 100."""
    readings = [(MONDAY + timedelta(hours=h), 2 + h) for h in range(49)]  # 24 %/day, 50% at the end
    fc = forecast(readings, threshold_pct=80)
    last = readings[-1][0]
    assert abs(fc.fill_at(last + timedelta(hours=12)) - 62) < 0.6
    assert fc.fill_at(last + timedelta(days=5)) == 100
    assert fc.fill_at(last) == 50
