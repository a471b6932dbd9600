"""The console and Swagger UI under the Content-Security-Policy, in a real browser: no
violation on any page, map tiles from the configured tile server (told our origin alone),
and signing out revokes the token on the server."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.serving import make_server

from tests.backend.web.conftest import sign_in
from tests.support.servers import free_port

PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
# Collects what the policy refused; Playwright's init scripts are not subject to the page's policy.
RECORD_VIOLATIONS = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


class TileServer:
    """A tile server of our own on another port (another origin): one PNG for every tile,
    and the Referer of each request kept."""

    def __init__(self) -> None:
        referers: list[str | None] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                referers.append(self.headers.get("Referer"))
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PIXEL)))
                self.end_headers()
                self.wfile.write(PIXEL)

            def log_message(self, *args):
                pass

        self.referers = referers
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/{{z}}/{{x}}/{{y}}.png"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def tiles():
    server = TileServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_with_tiles(tmp_path_factory, request, tiles):
    from backend.app import create_app
    from backend.core.extensions import db
    from backend.demo.seed import seed_demo_city
    from tests.conftest import _test_settings

    path = tmp_path_factory.mktemp("csp") / "web.db"
    path.write_bytes(request.getfixturevalue("sqlite_template").read_bytes())
    app = create_app({**_test_settings(), "DATABASE_URL": f"sqlite:///{path}", "MAP_TILE_URL": tiles.url})
    with app.app_context():
        seed_demo_city(db.session(), seed=3, n_bins=12)
    db.session.remove()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


@pytest.mark.parametrize(
    "username,console_page,ready",
    [
        ("dispatcher", "dispatcher", "#center option"),
        ("operator1", "operator", "#vehicle option"),
        ("resident1", "resident", "#slot option"),
    ],
)
def test_console_pages_work_without_a_policy_violation(live_with_tiles, page, username, console_page, ready):
    """Signing in and each role's page load their data with nothing refused by the policy and no script error."""
    base = live_with_tiles
    sign_in(page, base, username)
    page.wait_for_url(f"{base}/console/{console_page}")
    page.wait_for_selector(ready, state="attached")
    assert violations(page) == [] and page.errors == []


def test_the_map_shows_tiles_from_the_tile_server_which_is_told_our_origin_alone(live_with_tiles, tiles, page):
    """Tiles from the configured server (another origin) load; its requests carry our origin as
    Referer, never a page's path."""
    base = live_with_tiles
    sign_in(page, base, "dispatcher")
    page.wait_for_url(f"{base}/console/dispatcher")
    page.wait_for_selector("img.leaflet-tile-loaded")
    assert violations(page) == []
    assert tiles.referers and set(tiles.referers) == {f"{base}/"}


def test_swagger_ui_lists_the_operations_without_a_policy_violation(live_with_tiles, page):
    """/api/docs renders the spec's operations under the pages' policy."""
    page.goto(f"{live_with_tiles}/api/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 20
    assert violations(page) == [] and page.errors == []


def test_signing_out_revokes_the_token_on_the_server(live_with_tiles, page):
    """After the console's sign-out the token it held is refused by the API."""
    base = live_with_tiles
    sign_in(page, base, "resident2")
    page.wait_for_url(f"{base}/console/resident")
    token = page.evaluate("localStorage.getItem('token')")
    page.click("#signout")
    page.wait_for_url(f"{base}/console/login")
    assert page.evaluate("localStorage.getItem('token')") is None
    request = urllib.request.Request(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 401 and json.load(refused.value)["code"] == 401


def test_the_twin_report_gets_a_policy_of_its_own(app, tmp_path):
    """The twin's static report may use its inline <style> but run no script at all."""
    app.instance_path = str(tmp_path)
    (tmp_path / "twin-report").mkdir()
    (tmp_path / "twin-report" / "report.html").write_text("<!doctype html><style>p{}</style><p>twin</p>")
    resp = app.test_client().get("/twin/")
    policy = resp.headers["Content-Security-Policy"]
    assert resp.status_code == 200 and "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy
    assert resp.headers["X-Frame-Options"] == "DENY"
