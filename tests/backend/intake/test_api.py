"""Intake, settlement, stock and lots, statistics and the mass-balance audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from backend.bookings.models import Booking
from backend.intake.models import CustodyEvent, Intake, Lot, StockMovement, WalletEntry
from backend.reporting.services import stats
from backend.reporting.services.audit import audit
from tests.backend.intake.conftest import intake_url, log


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "lines,field",
    [
        ([{"category": "paper", "gross_kg": 2000}], "tare_kg"),  # vehicle tare 3000 > gross
        ([{"category": "paper", "gross_kg": 500, "tare_kg": 500}], "gross_kg"),  # no net weight
        ([{"category": "paper", "gross_kg": 9000, "tare_kg": 100}], "gross_kg"),  # more than the truck carries
        ([{"category": "paper", "gross_kg": 500, "tare_kg": 600}], "tare_kg"),
        ([{"category": "paper", "gross_kg": -1, "tare_kg": 0}], "gross_kg"),
        ([{"category": "paper", "gross_kg": 500, "tare_kg": 0, "grade": "Z"}], "grade"),
        ([{"category": "paper", "gross_kg": 500, "tare_kg": 0, "contamination_pct": 120}], "contamination_pct"),
    ],
)
def test_bad_intake_lines_are_422_and_write_nothing(center, session, lines, field):
    before = (count(session, Intake), count(session, StockMovement), count(session, WalletEntry))
    resp = log(center, lines=lines)
    assert resp.status_code == 422, resp.get_json()
    assert field in str(resp.get_json()["errors"]["json"])
    assert (count(session, Intake), count(session, StockMovement), count(session, WalletEntry)) == before


def test_unknown_category_foreign_booking_and_unreasoned_correction_are_422(center, session):
    assert log(center, lines=[{"category": "moon", "gross_kg": 3500}]).status_code == 422
    bad_booking = [{"booking_id": 99999, "category": "paper.cardboard", "quantity": 5}]
    assert log(center, booking_weights=bad_booking).status_code == 422
    first = log(center).get_json()["id"]
    assert log(center, corrects_id=first).status_code == 422  # no reason given
    assert count(session, Intake) == 1


def test_operators_log_only_at_their_own_center(center):
    """An operator of center A is refused at center B; residents and drivers are refused."""
    body = {"vehicle_id": center.ids["vehicle"], "lines": [{"category": "paper", "gross_kg": 3500}]}
    c = center.client
    assert c.post(intake_url(center, "center_b"), json=body, headers=center.headers("operator")).status_code == 403
    assert c.get(intake_url(center, "center_b"), headers=center.headers("operator")).status_code == 403
    for who in ("resident", "driver", "dispatcher"):
        assert c.post(intake_url(center), json=body, headers=center.headers(who)).status_code == 403
    assert c.post(intake_url(center), json=body, headers=center.headers("operator")).status_code == 201


def test_settlement_credits_the_wallet_and_logs_hazardous_custody(center, session):
    """Door weights settle the booking at the price in force; lamps pay nothing but leave a chain of custody."""
    weights = [
        {"booking_id": center.ids["booking"], "category": "paper.cardboard", "quantity": 28.5},
        {"booking_id": center.ids["booking"], "category": "hazardous.fluorescent_lamps", "quantity": 1.5},
    ]
    resp = log(center, booking_weights=weights)
    assert resp.status_code == 201, resp.get_json()
    wallet = center.client.get("/api/v1/me/wallet", headers=center.headers("resident")).get_json()
    assert Decimal(wallet["balance"]) == Decimal("31.35")  # 28.5 kg x 1.10 (the 2099 price is not in force)
    assert [Decimal(e["amount"]) for e in wallet["entries"]] == [Decimal("31.35"), Decimal("0.00")]
    b = session.get(Booking, center.ids["booking"])
    assert b.status == "settled" and b.collected_kg == 30.0
    assert [e.to_status for e in b.events][-2:] == ["received", "settled"]
    custody = session.scalars(select(CustodyEvent).where(CustodyEvent.booking_id == b.id)).all()
    assert [(e.from_party.split()[0], e.to_party.split()[0]) for e in custody] == [
        ("resident", "vehicle"),
        ("vehicle", "center"),
    ]
    other = center.client.get("/api/v1/me/wallet", headers=center.headers("resident2")).get_json()
    assert other["entries"] == [] and Decimal(other["balance"]) == 0


def test_correction_is_a_new_record_and_keeps_the_trail(center, session):
    """Correcting an intake reverses its stock and credits and applies the new figures; the old record stays."""
    weights = [{"booking_id": center.ids["booking"], "category": "paper.cardboard", "quantity": 30}]
    first = log(center, booking_weights=weights).get_json()
    fixed = log(
        center,
        lines=[{"category": "paper.cardboard", "gross_kg": 3400}],
        corrects_id=first["id"],
        reason="scale was off",
        booking_weights=[{**weights[0], "quantity": 20}],
    )
    assert fixed.status_code == 201, fixed.get_json()
    trail = center.client.get(intake_url(center), headers=center.headers("operator")).get_json()
    assert [(i["id"], i["corrects_id"]) for i in trail] == [(fixed.get_json()["id"], first["id"]), (first["id"], None)]
    assert trail[1]["lines"][0]["net_kg"] == 500  # nothing edited in place
    stock = center.client.get(
        f"/api/v1/sorting-centers/{center.ids['center_a']}/stock", headers=center.headers("operator")
    ).get_json()
    assert stock == [{"category": "paper.cardboard", "name_en": "Cardboard", "name_zh": "纸板箱", "kg": 400.0}]
    wallet = center.client.get("/api/v1/me/wallet", headers=center.headers("resident")).get_json()
    amounts = [Decimal(e["amount"]) for e in wallet["entries"]]
    assert amounts == [Decimal("33.00"), Decimal("-33.00"), Decimal("22.00")]
    assert Decimal(wallet["balance"]) == sum(amounts) == Decimal("22.00")
    again = log(center, corrects_id=first["id"], reason="twice")
    assert again.status_code == 409


def test_lots_cannot_exceed_stock(center, session):
    """Shipping more than the stock is 409; a lot lowers the stock; the market records receipt."""
    log(center)  # 500 kg of cardboard
    url = f"/api/v1/sorting-centers/{center.ids['center_a']}/lots"
    body = {"category": "paper.cardboard", "market_id": center.ids["market"], "weight_kg": 501, "price_per_kg": 0.9}
    h = center.headers("operator")
    assert center.client.post(url, json=body, headers=h).status_code == 409
    assert count(session, Lot) == 0
    lot = center.client.post(url, json={**body, "weight_kg": 300}, headers=h).get_json()
    assert center.client.post(url, json={**body, "weight_kg": 201}, headers=h).status_code == 409
    assert (
        center.client.post(
            url, json={**body, "market_id": center.ids["center_b"], "weight_kg": 1}, headers=h
        ).status_code
        == 422
    )
    got = center.client.post(f"/api/v1/lots/{lot['id']}/receive", json={"received_kg": 298}, headers=h).get_json()
    assert got["status"] == "received" and got["received_kg"] == 298
    rows, problems = audit(session, tolerance_pct=10)
    assert [r["stock_kg"] for r in rows if r["category"] == "paper.cardboard"] == [200.0]
    assert all(p["check"].startswith("intake") for p in problems)  # no collections recorded behind this intake


def test_statistics_match_an_independent_computation(center, session):
    """Tonnage by category and center equals the sums of the effective (latest) intake lines; CSV too."""
    log(center, lines=[{"category": "paper.cardboard", "gross_kg": 3600}, {"category": "glass", "gross_kg": 3200}])
    corrected = log(center, lines=[{"category": "glass", "gross_kg": 3300}]).get_json()["id"]
    log(center, lines=[{"category": "glass", "gross_kg": 3250}], corrects_id=corrected, reason="re-weighed")
    expected = {"paper.cardboard": 0.6, "glass": 0.2 + 0.25}
    got = {r["category"]: r["tonnes"] for r in stats.tonnage(session, "category")}
    assert got == pytest.approx(expected)
    resp = center.client.get("/api/v1/stats/tonnage?by=center&format=csv", headers=center.headers("dispatcher"))
    assert resp.mimetype == "text/csv"
    assert resp.data.decode().splitlines() == ["center,tonnes", "Center A,1.05"]
    assert center.client.get("/api/v1/stats/tonnage", headers=center.headers("resident")).status_code == 403


def test_audit_lists_a_tampered_stock_ledger(center, session):
    """A stock movement with no intake behind it breaks the balance and is reported."""
    log(center)
    rows, problems = audit(session)
    assert not [p for p in problems if p["check"].startswith("stock")]
    session.add(StockMovement(center_id=center.ids["center_a"], category_id=center.ids["paper"], kg=75, kind="intake"))
    session.commit()
    rows, problems = audit(session)
    hit = [p for p in problems if p["check"] == "stock ledger = intake - shipped"]
    assert len(hit) == 1 and hit[0]["actual"] - hit[0]["expected"] == 75
