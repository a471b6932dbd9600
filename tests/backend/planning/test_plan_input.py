"""Planning input at scale: every bin's fill history in one query, forecasts unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from backend.core.extensions import db
from backend.network.models import Bin, Site
from backend.planning.services import adapter
from backend.telemetry.services.forecast import HISTORY, forecast
from backend.telemetry.services.readings import fill_histories, fill_history
from tests.support.clock import city_today

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def sensed_city(session):
    """The demo city (40 bins, three centers) with three days of readings every 30 minutes."""
    from backend.demo.seed import seed_demo_city
    from iot.simulator import Simulator

    seed_demo_city(session, seed=5, n_bins=40)
    Simulator.from_registry(session, "mqtt://unused", interval=1800, speedup=1, seed=5, backfill_hours=72).backfill()
    session.commit()
    return session


class QueryCounter:
    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        self.count += 1


def test_set_wise_histories_and_forecasts_equal_the_per_bin_ones(sensed_city):
    """For every bin, the history read set-wise is the per-bin history, reading for reading,
    and so is its forecast; bins left out of the select are absent."""
    session = sensed_city
    since = datetime.now(UTC) - HISTORY
    all_ids = list(session.scalars(select(Bin.id).order_by(Bin.id)))
    some = select(Bin.id).where(Bin.id <= all_ids[len(all_ids) // 2])
    histories = fill_histories(session, some, since)
    assert set(histories) == {b for b in all_ids if b <= all_ids[len(all_ids) // 2] and fill_history(session, b, since)}
    for bin_id in all_ids:
        one = fill_history(session, bin_id, since)
        if bin_id not in histories:
            continue
        assert histories[bin_id] == one
        assert len(one) > 100
        assert forecast(histories[bin_id], 80.0) == forecast(one, 80.0)


def test_a_plan_input_is_a_handful_of_queries_whatever_the_number_of_bins(sensed_city, app):
    """Building a center's problem runs the same few queries for 40 bins as for 80: the
    histories are not read bin by bin."""
    from backend.network.services import assets

    session = sensed_city
    center = session.scalars(select(Site).where(Site.tier == "sorting_center").order_by(Site.id)).first()
    day = city_today() + timedelta(days=1)

    def queries() -> tuple[int, int]:
        session.expire_all()
        with QueryCounter(db.engine) as counter:
            problem = adapter.build_problem(session, session.get(Site, center.id), day, TZ, adapter.PlanOptions())
        return counter.count, problem.counts["bins_required"] + problem.counts["bins_optional"]

    before, stops_before = queries()
    template = session.scalars(select(Bin).join(Site).where(Site.sorting_center_id == center.id)).first()
    for k in range(40):
        assets.create_bin(
            session,
            {
                "site_id": template.site_id,
                "category_id": template.category_id,
                "capacity_l": 660.0,
                "device_id": f"EXTRA-{k}",
                "empty_distance_mm": 1200,
                "full_distance_mm": 150,
                "fill_threshold_pct": 80.0,
            },
            None,
        )
    session.commit()
    after, stops_after = queries()
    assert after == before <= 12
    assert stops_before > 0
