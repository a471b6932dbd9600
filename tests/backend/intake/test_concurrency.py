"""Concurrent lot shipments on PostgreSQL never take more than the stock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from backend.intake.models import Lot
from tests.backend.intake.conftest import log


@pytest.fixture
def backend_name():
    return "postgresql"


def test_parallel_lots_stop_at_the_stock(center, app, session):  # noqa: F811
    """Stock 450 kg; twelve 100 kg lots shipped at once: exactly four go out, the rest are 409."""
    log(center, lines=[{"category": "paper.cardboard", "gross_kg": 3450}])
    url = f"/api/v1/sorting-centers/{center.ids['center_a']}/lots"
    body = {"category": "paper.cardboard", "market_id": center.ids["market"], "weight_kg": 100, "price_per_kg": 1}
    headers = center.headers("operator")

    def ship(_):
        return app.test_client().post(url, json=body, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(ship, range(12)))
    assert sorted(codes) == [201] * 4 + [409] * 8
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Lot)) == 4
    stock = app.test_client().get(f"/api/v1/sorting-centers/{center.ids['center_a']}/stock", headers=headers).get_json()
    assert stock[0]["kg"] == pytest.approx(50.0)
