"""Means with 95% confidence intervals, and reading a policy curve at a given service level."""

from __future__ import annotations

import math
from statistics import mean, stdev

# Two-sided 95% quantiles of Student's t by degrees of freedom (1..30); 1.96 beyond.
T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131)
T95 += (2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def mean_ci(values: list[float]) -> tuple[float, float | None]:
    """(mean, half-width of its 95% confidence interval); no interval from a single value."""
    if not values:
        raise ValueError("no values")
    if len(values) < 2:
        return float(values[0]), None
    t = T95[len(values) - 2] if len(values) - 1 <= len(T95) else 1.96
    return mean(values), t * stdev(values) / math.sqrt(len(values))


def frontier(points: list[tuple[float, float, object]]) -> list[tuple[float, float, object]]:
    """The settings no other setting beats on both counts (higher service for fewer km),
    ordered by service level. ``points``: (service, km, tag)."""
    ordered = sorted(points, key=lambda p: (-p[0], p[1]))
    best, out = math.inf, []
    for p in ordered:
        if p[1] < best:
            out.append(p)
            best = p[1]
    return sorted(out, key=lambda p: p[0])


def km_at_service(points: list[tuple[float, float, object]], target: float) -> tuple[float | None, list]:
    """Kilometres at service level ``target``, interpolated linearly between the two frontier
    settings around it; (None, []) when the curve does not reach it. Also the settings used.
    Below the frontier's lowest service, its cheapest setting (which already does better)."""
    front = frontier(points)
    if front and target < front[0][0]:
        return front[0][1], [front[0]]
    for lo, hi in zip(front, front[1:], strict=False):
        if lo[0] <= target <= hi[0]:
            w = 0.0 if hi[0] == lo[0] else (target - lo[0]) / (hi[0] - lo[0])
            return lo[1] + w * (hi[1] - lo[1]), [lo, hi]
    for p in front:
        if math.isclose(p[0], target, abs_tol=1e-9):
            return p[1], [p]
    return None, []


def cheapest_reaching(points: list[tuple[float, float, object]], target: float):
    """The setting with the fewest km among those at or above ``target`` service (or None)."""
    above = [p for p in points if p[0] >= target - 1e-9]
    return min(above, key=lambda p: p[1]) if above else None
