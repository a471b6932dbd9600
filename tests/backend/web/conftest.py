"""A live server over a seeded demo city, and headless Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.servers import free_port

# Where the browser tests save their screenshots: docs/screenshots when asked
# (RECYCLENET_SCREENSHOTS=docs/screenshots, to renew the README's pictures), else a
# temporary folder, so that a test run leaves the checkout as it found it.
SCREENSHOTS = Path(os.environ.get("RECYCLENET_SCREENSHOTS") or tempfile.mkdtemp(prefix="recyclenet-screenshots-"))

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def serve_demo_city(tmp_path_factory, request, *, n_bins: int, backfill_hours: int):
    """A live server over a copy of the migrated template, seeded with the demo city of
    ``n_bins`` bins and ``backfill_hours`` of bin history; yields (app, base URL)."""
    from backend.app import create_app
    from backend.core.extensions import db
    from backend.demo.seed import seed_demo_city
    from iot.simulator import Simulator
    from tests.conftest import _test_settings

    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    app = create_app({**_test_settings(), "DATABASE_URL": f"sqlite:///{path}", "PLAN_TIME_LIMIT_S": 2})
    with app.app_context():
        seed_demo_city(db.session(), seed=3, n_bins=n_bins)
        Simulator.from_registry(
            db.session(), "mqtt://unused", interval=1800, speedup=1, seed=3, backfill_hours=backfill_hours
        ).backfill()
    db.session.remove()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="module")
def live(tmp_path_factory, request):
    yield from serve_demo_city(tmp_path_factory, request, n_bins=40, backfill_hours=72)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium not found: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def sign_in(page, base: str, username: str, password: str = "recyclenet-demo") -> None:
    page.goto(f"{base}/console/login?lang=en")
    page.fill("#login input[name=username]", username)
    page.fill("#login input[name=password]", password)
    page.click("#login button[type=submit]")


def call(base: str, method: str, path: str, token: str | None = None, body=None):
    """The live server's API over HTTP, as the pages call it; the JSON answer."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(base + path, data, headers, method=method)) as resp:
        return json.load(resp)


def token(base: str, username: str, password: str = "recyclenet-demo") -> str:
    return call(base, "POST", "/api/v1/auth/token", body={"username": username, "password": password})["access_token"]
