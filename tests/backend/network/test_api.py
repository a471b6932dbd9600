"""Registry API behaviour: ETags, pagination, filters, the generated spec."""

from __future__ import annotations

from backend.network.services import sites as network


def test_update_needs_if_match_and_refuses_stale_etag(world):
    """PATCH without If-Match is 428; with a stale ETag 412; the second admin can't overwrite."""
    c, url, h = world.client, f"/api/v1/sites/{world.ids['point']}", world.headers("admin")
    assert c.patch(url, json={"name": "A"}, headers=h).status_code == 428
    etag = c.get(url, headers=h).headers["ETag"]
    first = c.patch(url, json={"name": "First"}, headers={**h, "If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    second = c.patch(url, json={"name": "Second"}, headers={**h, "If-Match": etag})
    assert second.status_code == 412
    assert c.get(url, headers=h).get_json()["name"] == "First"


def test_get_with_current_etag_is_304(world):
    """If-None-Match with the current ETag answers 304 Not Modified."""
    c, url, h = world.client, f"/api/v1/bins/{world.ids['bin']}", world.headers("dispatcher")
    etag = c.get(url, headers=h).headers["ETag"]
    assert c.get(url, headers={**h, "If-None-Match": etag}).status_code == 304


def test_deactivate_keeps_the_record_but_marks_it_inactive(world):
    """DELETE deactivates: the vehicle is still readable, with active false, and filterable."""
    c, url, h = world.client, f"/api/v1/vehicles/{world.ids['vehicle']}", world.headers("admin")
    etag = c.get(url, headers=h).headers["ETag"]
    assert c.delete(url, headers={**h, "If-Match": etag}).status_code == 204
    assert c.get(url, headers=h).get_json()["active"] is False
    active = c.get("/api/v1/vehicles?active=true", headers=h).get_json()
    assert world.ids["vehicle"] not in [v["id"] for v in active]


def test_sites_paginate_and_filter_by_tier_district_and_distance(world, session):
    """Pagination headers count all matches; near-point filtering keeps only sites in the radius, nearest first."""
    for i in range(7):
        network.create_site(
            session,
            {
                "tier": "collection_point",
                "name": f"P{i}",
                "district": "Xihu",
                "lat": 30.25 + i * 0.01,
                "lon": 120.10,
                "sorting_center_id": world.ids["center_a"],
            },
            None,
        )
    c, h = world.client, world.headers("dispatcher")
    resp = c.get("/api/v1/sites?tier=collection_point&page=2&page_size=3", headers=h)
    import json

    pagination = json.loads(resp.headers["X-Pagination"])
    assert pagination["total"] == 8 and len(resp.get_json()) == 3
    assert {s["district"] for s in c.get("/api/v1/sites?district=Xihu", headers=h).get_json()} == {"Xihu"}
    near = c.get("/api/v1/sites?lat=30.25&lon=120.10&radius_km=2.5", headers=h).get_json()
    # 0.01 degree of latitude is 1.11 km: P0, P1, P2 are within 2.5 km, P3 (3.3 km) is not.
    assert [s["name"] for s in near] == ["P0", "P1", "P2"]
    assert c.get("/api/v1/sites?lat=30.25", headers=h).status_code == 422


def test_bins_filter_by_sorting_center(world):
    """Bins can be listed per sorting center (through their collection point)."""
    c, h = world.client, world.headers("dispatcher")
    assert [
        b["id"] for b in c.get(f"/api/v1/bins?sorting_center_id={world.ids['center_a']}", headers=h).get_json()
    ] == [world.ids["bin"]]
    assert c.get(f"/api/v1/bins?sorting_center_id={world.ids['center_b']}", headers=h).get_json() == []


def test_openapi_spec_documents_paths_security_and_errors(client):
    """The generated spec lists the registry paths, the bearer scheme and 422/401/403 answers."""
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/sites",
        "/api/v1/sites/{site_id}",
        "/api/v1/bins",
        "/api/v1/vehicles",
        "/api/v1/categories",
        "/api/v1/auth/token",
        "/api/v1/auth/register",
        "/api/v1/users",
    ):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    post_site = spec["paths"]["/api/v1/sites"]["post"]
    assert {"201", "401", "403", "422"} <= set(post_site["responses"])
    assert {"412", "428"} <= set(spec["paths"]["/api/v1/sites/{site_id}"]["patch"]["responses"])


def test_swagger_ui_is_served_without_a_cdn(client):
    """/api/docs and its assets come from this server."""
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/docs/static/" in page.data
    assert client.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200
