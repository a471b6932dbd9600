"""The dispatcher's map on the Helsinki demo city with its road network loaded and no tile
server: the street layer of the extract is drawn under the markers, and a plan's routes
follow those streets."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.backend.web.conftest import sign_in
from tests.support.servers import free_port


@pytest.fixture(scope="module")
def live_helsinki(tmp_path_factory, request):
    from backend.app import create_app
    from backend.core.extensions import db
    from backend.demo.cities import HELSINKI_EXTRACT
    from backend.demo.seed import seed_demo_city
    from backend.roads import services as roads
    from iot.simulator import Simulator
    from tests.conftest import _test_settings

    network = roads.build(HELSINKI_EXTRACT, tmp_path_factory.mktemp("instance"))["folder"]
    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    settings = {**_test_settings(), "DATABASE_URL": f"sqlite:///{path}", "PLAN_TIME_LIMIT_S": 2}
    app = create_app({**settings, "ROAD_NETWORK": network, "MAP_TILE_URL": "", "TIMEZONE": "Europe/Helsinki"})
    with app.app_context():
        seed_demo_city(db.session(), seed=3, n_bins=30, city="helsinki")
        Simulator.from_registry(
            db.session(), "mqtt://unused", interval=1800, speedup=1, seed=3, backfill_hours=72
        ).backfill()
    db.session.remove()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_dispatcher_sees_streets_under_the_route(live_helsinki, browser, tmp_path):
    """Street lines of the extract are drawn in a pane under the routes, and the plan's route lines follow streets."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, live_helsinki, "dispatcher")
    page.wait_for_url("**/console/dispatcher")
    page.wait_for_selector("path.street-line")
    assert page.locator(".leaflet-streets-pane path.street-line").count() > 100
    assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")
    assert "streets" in page.inner_text("#legend")
    page.click("#create")
    page.wait_for_selector("#route-table", timeout=90_000)
    assert page.locator(".leaflet-overlay-pane path.route-line").count() >= 1
    assert page.inner_text("#km-provider").startswith("km: osrm:")
    z = page.evaluate(
        "() => [getComputedStyle(document.querySelector('.leaflet-streets-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex]"
    )
    assert int(z[0]) < int(z[1])  # streets under the routes and markers
    # A route line along streets has many more vertices than stops (Leaflet draws SVG paths).
    vertices = page.evaluate(
        "() => [...document.querySelectorAll('path.route-line')].reduce("
        "(n, p) => n + (p.getAttribute('d').match(/L/g) || []).length, 0)"
    )
    stops = page.locator(".stop-label").count()
    assert vertices > 3 * stops
    page.screenshot(path=str(tmp_path / "dispatcher-streets.png"))
    print(f"screenshot: {tmp_path / 'dispatcher-streets.png'}")
    page.close()
