"""Fixtures for the drivers tests: the planning tests' day (center A's route driven by `driver`,
center B's by `driver2`, both dispatched) and helpers to report from a phone."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image

from tests.backend.planning.conftest import dispatched_day, planned_day  # noqa: F401 (fixtures)


def stops_of(w, route: str, who: str = "dispatcher") -> list[dict]:
    resp = w.client.get(f"/api/v1/routes/{w.ids[route]}", headers=w.headers(who))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["stops"]


def first_pickup(w, route: str = "route") -> dict:
    return next(s for s in stops_of(w, route) if s["kind"] == "booking")


def report(w, who: str, stop_id: int, type_: str, event_id: str | None = None, at: datetime | None = None, **extra):
    body = {
        "id": event_id or str(uuid.uuid4()),
        "type": type_,
        "happened_at": (at or datetime.now(UTC)).isoformat(),
        **extra,
    }
    return w.client.post(f"/api/v1/drivers/stops/{stop_id}/events", json=body, headers=w.headers(who))


def image_bytes(width: int, height: int, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


def upload(w, who: str, stop_id: int, raw: bytes, photo_id: str | None = None):
    """A photo as the phone sends it: multipart, the phone's id in the query."""
    url = f"/api/v1/drivers/stops/{stop_id}/photos?id={photo_id or uuid.uuid4()}"
    data = {"photo": (io.BytesIO(raw), "photo.png")}
    return w.client.post(url, data=data, content_type="multipart/form-data", headers=w.headers(who))


@pytest.fixture
def photo_dir(app, tmp_path):
    app.config["DRIVER_PHOTO_DIR"] = str(tmp_path / "photos")
    return tmp_path / "photos"
