"""The open-data API: no account, the staff statistics' figures, cache headers, rate limits,
and nothing personal in any answer."""

from __future__ import annotations

from datetime import date

from backend.accounts.models import User
from backend.markets.models import Buyer
from tests.backend.public.conftest import PERSONAL

YEAR = date.today().year
MONTH = date.today().strftime("%Y-%m")
ENDPOINTS = (
    f"/api/v1/public/recovery?year={YEAR}",
    f"/api/v1/public/recovery/monthly?year={YEAR}",
    f"/api/v1/public/tonnage?year={YEAR}",
    "/api/v1/public/price-index",
    "/api/v1/public/sites",
)


def test_every_public_endpoint_answers_without_a_token_with_cache_headers(city):
    """No Authorization header: 200, JSON and CSV, with a public Cache-Control."""
    for url in ENDPOINTS:
        resp = city.client.get(url)
        assert resp.status_code == 200, (url, resp.get_json())
        assert resp.headers["Cache-Control"] == "public, max-age=300"
        csv = city.client.get(url + ("&" if "?" in url else "?") + "format=csv")
        assert csv.status_code == 200 and csv.mimetype == "text/csv"


def test_recovery_and_tonnage_agree_with_the_staff_statistics(city):
    """The public recovery rows are the staff rows plus the 60% target; tonnage sums to the staff tonnage."""
    staff = city.client.get(f"/api/v1/stats/recovery?year={YEAR}", headers=city.headers("admin")).get_json()
    public = city.client.get(f"/api/v1/public/recovery?year={YEAR}").get_json()
    assert [{k: r[k] for k in staff[0]} for r in public] == staff
    gongshu = next(r for r in public if r["district"] == "Gongshu")
    assert gongshu["collected_tonnes"] == 0.8 and gongshu["target_pct"] == 60 and gongshu["meets_target"] is False
    monthly = city.client.get(f"/api/v1/public/recovery/monthly?year={YEAR}").get_json()
    this_month = next(r for r in monthly if r["month"] == MONTH and r["district"] == "Gongshu")
    assert this_month["recovery_pct"] == 80.0  # 0.8 t of a twelfth of 12 t
    staff_tonnage = city.client.get("/api/v1/stats/tonnage?by=category", headers=city.headers("admin")).get_json()
    public_tonnage = city.client.get(f"/api/v1/public/tonnage?year={YEAR}").get_json()
    assert {(r["category"], r["tonnes"]) for r in public_tonnage if r["month"] == MONTH} == {
        (r["category"], r["tonnes"]) for r in staff_tonnage
    }


def test_the_public_price_index_is_the_published_index(city):
    """Same rows as GET /prices/index; the trade's week shows 2.00/kg from one trade."""
    staff = city.client.get("/api/v1/prices/index", headers=city.headers("buyer1")).get_json()
    public = city.client.get("/api/v1/public/price-index").get_json()
    assert public == staff and public[0]["price_per_kg"] == "2.00" and public[0]["trades"] == 1


def test_no_answer_contains_personal_or_company_details(city, session):
    """No username, name, phone or address of a person, nor a company's name, code or contact, in any answer."""
    secrets = set()
    for user in session.query(User):
        secrets |= {user.username, user.display_name, user.phone, user.address}
    for buyer in session.query(Buyer):
        secrets |= {buyer.company_name, buyer.credit_code, buyer.contact_name, buyer.contact_phone}
    secrets |= {v for pair in PERSONAL.values() for v in pair}
    secrets = {s for s in secrets if s and len(s) >= 4}
    assert {"13800138000", "Home 1", "buyer1 Recycling Co."} <= secrets
    for url in ENDPOINTS:
        for fmt in ("json", "csv"):
            body = city.client.get(url + ("&" if "?" in url else "?") + f"format={fmt}").get_data(as_text=True)
            leaked = [s for s in secrets if s in body]
            assert leaked == [], (url, fmt, leaked)


def test_the_map_lists_the_three_tiers_with_hours_and_categories(city):
    """Sites of every tier, filterable, with coordinates and the categories they take."""
    sites = city.client.get("/api/v1/public/sites").get_json()
    assert {s["tier"] for s in sites} == {"collection_point", "sorting_center", "distribution_market"}
    points = city.client.get("/api/v1/public/sites?tier=collection_point").get_json()
    assert [p["categories"] for p in points] == [["paper.mixed"]]
    assert city.client.get("/api/v1/public/sites?tier=nowhere").status_code == 422


def test_the_public_api_is_rate_limited_per_client(limited_app):
    """Past RATELIMIT_PUBLIC a client gets 429 with Retry-After."""
    client = limited_app(RATELIMIT_PUBLIC="2 per minute").test_client()
    codes = [client.get("/api/v1/public/sites").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert int(client.get("/api/v1/public/sites").headers["Retry-After"]) >= 1


def test_a_vanishingly_small_estimate_is_no_server_error(world, session):
    """An estimate of 5e-324 t (positive, as the schema asks): 200, with the rate left out rather than infinite."""
    est = {"district": "Gongshu", "year": 2000, "tonnes": 5e-324}
    assert (
        world.client.post("/api/v1/generation-estimates", json=est, headers=world.headers("admin")).status_code == 201
    )
    for url in ("/api/v1/public/recovery?year=2000", "/api/v1/public/recovery/monthly?year=2000"):
        resp = world.client.get(url)
        assert resp.status_code == 200, url
        assert all(r["recovery_pct"] in (0.0, None) for r in resp.get_json())
