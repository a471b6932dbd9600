"""Confidence intervals and reading a policy curve at a service level."""

from __future__ import annotations

import pytest

from backend.twin.stats import cheapest_reaching, frontier, km_at_service, mean_ci


def test_mean_ci_uses_student_t():
    """[1, 2, 3]: mean 2, half-width t(2) * 1 / sqrt(3); one value has no interval."""
    m, ci = mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0 and ci == pytest.approx(4.303 / 3**0.5, rel=1e-4)
    assert mean_ci([5.0]) == (5.0, None)


def test_km_at_service_interpolates_on_the_frontier():
    """A dominated setting is ignored; km is linear between the two settings around the target."""
    points = [(90.0, 100.0, "a"), (95.0, 120.0, "b"), (99.0, 160.0, "c"), (94.0, 130.0, "dominated")]
    assert [p[2] for p in frontier(points)] == ["a", "b", "c"]
    km, used = km_at_service(points, 97.0)
    assert km == pytest.approx(140.0) and [p[2] for p in used] == ["b", "c"]
    assert km_at_service(points, 99.5) == (None, [])
    assert cheapest_reaching(points, 94.5)[2] == "b"
