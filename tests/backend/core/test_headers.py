"""Security headers on pages, API answers and errors; the pages' Content-Security-Policy."""

from __future__ import annotations

import pytest

from backend.core.headers import page_policy, tile_source


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_base_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    assert directives(response)["frame-ancestors"] == ["'none'"]


def test_a_console_page_allows_only_its_own_scripts_and_styles(client):
    """The sign-in page: the base headers, and scripts and styles from this server only (no inline)."""
    page = client.get("/console/login")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert_base_headers(page)
    policy = directives(page)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    # Nothing on the page that such a policy would refuse.
    assert b"<script>" not in page.data and b" onclick=" not in page.data and b" onsubmit=" not in page.data


def test_the_api_docs_page_runs_under_the_same_policy(client):
    """Swagger UI at /api/docs is started from a script file, under the pages' policy."""
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert_base_headers(page)
    assert directives(page)["script-src"] == ["'self'"]
    assert b"<script>" not in page.data


def test_api_answers_carry_the_headers_and_the_strictest_policy(world):
    """A JSON answer: the base headers and a policy that lets a browser load nothing."""
    resp = world.client.get("/api/v1/categories", headers=world.headers("resident"))
    assert resp.status_code == 200
    assert_base_headers(resp)
    assert directives(resp)["default-src"] == ["'none'"]


@pytest.mark.parametrize(
    "path,status",
    [("/api/v1/me", 401), ("/api/v1/sites/999999", 404), ("/no/such/page", 404)],
)
def test_error_answers_carry_the_headers_too(world, path, status):
    """Refusals and not-founds are answered with the same headers as successes."""
    headers = world.headers("admin") if status == 404 else {}
    resp = world.client.get(path, headers=headers)
    assert resp.status_code == status
    assert_base_headers(resp)


def test_a_validation_error_carries_the_headers(world):
    """A 422 from the schemas has them as well."""
    resp = world.client.post("/api/v1/auth/token", json={"username": 7})
    assert resp.status_code == 422
    assert_base_headers(resp)


def test_pages_may_show_tiles_from_the_configured_tile_server_only(db_url):
    """With MAP_TILE_URL set, images may come from that server's origin, and no other."""
    from backend.app import create_app
    from tests.conftest import _test_settings

    app = create_app(
        {"DATABASE_URL": db_url, **_test_settings(), "MAP_TILE_URL": "https://tiles.example.org:8443/{z}/{x}/{y}.png"}
    )
    page = app.test_client().get("/console/login")
    assert directives(page)["img-src"] == ["'self'", "data:", "https://tiles.example.org:8443"]


@pytest.mark.parametrize(
    "tile_url,source",
    [
        ("", None),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("https://tiles.{s}.example.org/{z}/{x}/{y}.png", "https:"),
    ],
)
def test_the_tile_source_is_the_tile_urls_origin(tile_url, source):
    """A tile URL template becomes the CSP source of its origin (a {s} subdomain as the leading wildcard)."""
    assert tile_source(tile_url) == source


def test_without_a_tile_server_images_come_from_this_server_only():
    """No MAP_TILE_URL: img-src is this server (and data: icons) alone."""
    assert "img-src 'self' data:;" in page_policy("")
