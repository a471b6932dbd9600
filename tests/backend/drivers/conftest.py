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


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible HTTP server (moto's, in a process of its own) on a free port."""
    import subprocess
    import sys

    from tests.support.servers import _wait_port, free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def s3_photos(app, s3_endpoint, tmp_path):
    """The app storing photos in a fresh bucket of the S3 server; the local folder set but unused."""
    import boto3

    bucket = f"photos-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    client.create_bucket(Bucket=bucket)
    app.config.update(
        DRIVER_PHOTO_DIR=str(tmp_path / "photos"),
        DRIVER_PHOTO_S3_BUCKET=bucket,
        DRIVER_PHOTO_S3_ENDPOINT=s3_endpoint,
        DRIVER_PHOTO_S3_ACCESS_KEY="k",
        DRIVER_PHOTO_S3_SECRET_KEY="s",
        DRIVER_PHOTO_S3_PREFIX="proof/",
    )
    yield client, bucket
    app.config["DRIVER_PHOTO_S3_BUCKET"] = ""
