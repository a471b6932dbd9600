"""The optional bins' prize scale: the need-based policy's second knob (issue 18)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.network.models import Site
from backend.planning.services import adapter
from tests.backend.planning.test_plan_input import sensed_city  # noqa: F401  (the fixture)
from tests.support.clock import city_today

TZ = ZoneInfo("Asia/Shanghai")


def _problem(session, scale: float):
    center = session.scalars(select(Site).where(Site.tier == "sorting_center").order_by(Site.id)).first()
    opts = adapter.PlanOptions(optional_margin_pct=100.0, optional_prize_scale=scale)
    return adapter.build_problem(session, center, city_today() + timedelta(days=1), TZ, opts)


def test_prizes_scale_with_the_knob_and_zero_leaves_optional_bins_out(sensed_city):  # noqa: F811
    """Each optional bin's prize is the knob times its default prize, the required stops do not
    change, and at 0 the optional bins are not in the model at all (no truck drives to one)."""
    base, triple, zero = (_problem(sensed_city, s) for s in (1.0, 3.0, 0.0))
    assert base.counts["bins_optional"] > 0, "the fixture must give optional bins"
    for b, t in zip(base.model.stops, triple.model.stops, strict=True):
        assert (b.name, b.required) == (t.name, t.required)
        assert t.prize == 3 * b.prize
    assert zero.counts["bins_optional"] == 0
    assert [s.name for s in zero.model.stops] == [s.name for s in base.model.stops if s.required]
